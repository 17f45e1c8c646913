r"""Gradient descent (``torch.optim.SGD`` with ``momentum=0``).

.. math:: x_{t+1} = x_t - \eta\, g_t

``lr`` is η. The seeds write the same rule as :math:`W_{t+1} = W_t - \alpha \nabla_W J(W_t)`
(α = ``lr``). With a mini-batch gradient oracle in the runner this is SGD.
"""

from __future__ import annotations

from typing import NamedTuple

from optimizers.hyper import learning_rate

#: The update rule in LaTeX, for the pages.
FORMULA = r"x_{t+1} = x_t - \eta\, \nabla f(x_t)"
TITLE = "Gradient descent"
HYPERPARAMETERS = (learning_rate(1e-3),)


class State(NamedTuple):
    """Gradient descent keeps no state."""


def init(params) -> State:
    del params
    return State()


def step(params, grad, state: State, lr):
    """One step ``x ← x − lr·g``; returns ``(params, state)``."""
    return params - lr * grad, state
