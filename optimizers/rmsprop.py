r"""RMSprop (``torch.optim.RMSprop``; Hinton's lecture 6e, 2012).

.. math::
    s_{t+1} = \rho\, s_t + (1 - \rho)\, g_t \odot g_t, \qquad
    x_{t+1} = x_t - \eta\, \frac{g_t}{\sqrt{s_{t+1}} + \epsilon}

``lr`` is η (default 0.01), ``rho`` is ρ (PyTorch calls it ``alpha``, default 0.99; Keras
and the seeds call it ρ or γ), ``eps`` is ε (default 1e-8, outside the square root as in
PyTorch). Unlike AdaGrad's growing sum, the moving average forgets old gradients, so the step
size does not decay to zero.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optimizers.elementwise import sqrt
from optimizers.hyper import decay_rate, epsilon, learning_rate

#: The update rule in LaTeX, for the pages.
FORMULA = (
    r"s_{t+1} = \rho\, s_t + (1-\rho)\, g_t^2,"
    r" \qquad x_{t+1} = x_t - \frac{\eta}{\sqrt{s_{t+1}} + \epsilon}\, g_t"
)
TITLE = "RMSprop"
HYPERPARAMETERS = (
    learning_rate(1e-2),
    decay_rate("rho", 0.99, "Decay ρ of the squared-gradient average"),
    epsilon(1e-8),
)


class State(NamedTuple):
    mean_square: np.ndarray


def init(params) -> State:
    return State(mean_square=0.0 * params)


def step(params, grad, state: State, lr, rho, eps):
    """``s ← ρ·s + (1−ρ)·g²``, ``x ← x − lr·g/(√s + ε)``; returns ``(params, state)``."""
    mean_square = rho * state.mean_square + (1.0 - rho) * grad * grad
    return params - lr * grad / (sqrt(mean_square) + eps), State(mean_square)
