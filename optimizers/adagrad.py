r"""AdaGrad (``torch.optim.Adagrad``; Duchi, Hazan & Singer, 2011).

.. math::
    s_{t+1} = s_t + g_t \odot g_t, \qquad
    x_{t+1} = x_t - \eta\, \frac{g_t}{\sqrt{s_{t+1}} + \epsilon}

``lr`` is η (PyTorch's default 0.01), ``eps`` is ε (default 1e-10, *outside* the square
root as in PyTorch; some notes write :math:`\sqrt{s + \epsilon}`). Every coordinate gets its
own step size, which shrinks as squared gradients accumulate in ``sum_of_squares`` — so
AdaGrad slows down and can stall before reaching the minimum.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optimizers.elementwise import sqrt
from optimizers.hyper import epsilon, learning_rate

#: The update rule in LaTeX, for the pages.
FORMULA = (
    r"s_{t+1} = s_t + g_t^2,"
    r" \qquad x_{t+1} = x_t - \frac{\eta}{\sqrt{s_{t+1}} + \epsilon}\, g_t"
)
TITLE = "AdaGrad"
HYPERPARAMETERS = (
    learning_rate(1e-2),
    epsilon(1e-10),
)


class State(NamedTuple):
    sum_of_squares: np.ndarray


def init(params) -> State:
    return State(sum_of_squares=0.0 * params)


def step(params, grad, state: State, lr, eps):
    """``s ← s + g²``, ``x ← x − lr·g/(√s + ε)``; returns ``(params, state)``."""
    sum_of_squares = state.sum_of_squares + grad * grad
    return params - lr * grad / (sqrt(sum_of_squares) + eps), State(sum_of_squares)
