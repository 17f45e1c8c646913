r"""Heavy-ball momentum (``torch.optim.SGD`` with ``momentum=β``, ``dampening=0``).

.. math::
    v_{t+1} = \beta\, v_t + g_t, \qquad x_{t+1} = x_t - \eta\, v_{t+1}

``lr`` is η, ``momentum`` is β, ``velocity`` is v (starting at 0, so the first step is plain
GD, as in PyTorch). The seeds' form :math:`v \leftarrow \beta v + \eta g,\ x \leftarrow x - v`
is the same path with their v equal to η times ours (for a constant η). Written as
:math:`x_{t+1} = x_t - \eta g_t + \beta (x_t - x_{t-1})` it is Polyak's heavy ball: on a
quadratic it is stable iff :math:`0 < \eta < 2(1+\beta)/\lambda_{max}`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optimizers.hyper import decay_rate, learning_rate

#: The update rule in LaTeX, for the pages.
FORMULA = r"v_{t+1} = \beta\, v_t + \nabla f(x_t), \qquad x_{t+1} = x_t - \eta\, v_{t+1}"
TITLE = "Momentum (heavy ball)"
HYPERPARAMETERS = (learning_rate(1e-3), decay_rate("momentum", 0.9, "Momentum β"))


class State(NamedTuple):
    velocity: np.ndarray


def init(params) -> State:
    return State(velocity=0.0 * params)


def step(params, grad, state: State, lr, momentum):
    """``v ← β·v + g``, ``x ← x − lr·v``; returns ``(params, state)``."""
    velocity = momentum * state.velocity + grad
    return params - lr * velocity, State(velocity)
