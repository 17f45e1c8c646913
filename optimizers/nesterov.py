r"""Nesterov momentum (``torch.optim.SGD`` with ``momentum=β``, ``nesterov=True``).

.. math::
    v_{t+1} = \beta\, v_t + g_t, \qquad x_{t+1} = x_t - \eta\,(g_t + \beta\, v_{t+1})

``lr`` is η, ``momentum`` is β (must be > 0: with β = 0 this is plain GD). This is PyTorch's
reformulation of Nesterov's "look ahead, then step": the gradient is taken at the current
point, and the step adds the momentum term once more, which damps the overshoot of the heavy
ball. On a quadratic it is stable iff :math:`\eta\lambda_{max} < 2(1+\beta)/(1+2\beta)`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optimizers.hyper import Hyper, learning_rate

#: The update rule in LaTeX, for the pages.
FORMULA = (
    r"v_{t+1} = \beta\, v_t + \nabla f(x_t),"
    r" \qquad x_{t+1} = x_t - \eta\,\big(\nabla f(x_t) + \beta\, v_{t+1}\big)"
)
TITLE = "Nesterov momentum"
HYPERPARAMETERS = (
    learning_rate(1e-3),
    Hyper("momentum", 0.9, 0.0, 1.0, low_open=True, high_open=True, label="Momentum β"),
)


class State(NamedTuple):
    velocity: np.ndarray


def init(params) -> State:
    return State(velocity=0.0 * params)


def step(params, grad, state: State, lr, momentum):
    """``v ← β·v + g``, ``x ← x − lr·(g + β·v)``; returns ``(params, state)``."""
    velocity = momentum * state.velocity + grad
    return params - lr * (grad + momentum * velocity), State(velocity)
