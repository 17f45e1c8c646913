r"""Adam (``torch.optim.Adam``; Kingma & Ba, 2015).

.. math::
    m_{t} = \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \qquad
    v_{t} = \beta_2 v_{t-1} + (1-\beta_2)\, g_t \odot g_t,

    \hat m_t = \frac{m_t}{1-\beta_1^t}, \quad \hat v_t = \frac{v_t}{1-\beta_2^t}, \qquad
    x_{t} = x_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

``lr`` is η (default 0.001), ``b1``/``b2`` are β₁/β₂ (0.9, 0.999), ``eps`` is ε (1e-8,
outside the square root as in PyTorch and the paper). ``count`` is t; ``b1_power`` and
``b2_power`` are β₁ᵗ and β₂ᵗ, kept by one multiplication per step rather than computed as a
power, because NumPy's array power and Python's float power may round β^t differently in the
last bit, and the runner (floats) and the sweep (arrays) must agree exactly. Adam is RMSprop on a
momentum average m, with both averages corrected for their start at zero; with β₁ = 0 it is
RMSprop plus that bias correction.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optimizers.elementwise import sqrt
from optimizers.hyper import decay_rate, epsilon, learning_rate

#: The update rule in LaTeX, for the pages.
FORMULA = (
    r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,"
    r" \quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,"
    r" \quad x_t = x_{t-1} - \eta\, \frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}"
)
TITLE = "Adam"
HYPERPARAMETERS = (
    learning_rate(1e-3),
    decay_rate("b1", 0.9, "β₁ (momentum average)"),
    decay_rate("b2", 0.999, "β₂ (squared-gradient average)"),
    epsilon(1e-8),
)


class State(NamedTuple):
    count: int
    mu: np.ndarray
    nu: np.ndarray
    b1_power: float = 1.0
    b2_power: float = 1.0


def init(params) -> State:
    zeros = 0.0 * params
    return State(count=0, mu=zeros, nu=zeros, b1_power=1.0, b2_power=1.0)


def step(params, grad, state: State, lr, b1, b2, eps):
    """One Adam step with bias correction; returns ``(params, state)``."""
    count = state.count + 1
    b1_power, b2_power = state.b1_power * b1, state.b2_power * b2
    mu = b1 * state.mu + (1.0 - b1) * grad
    nu = b2 * state.nu + (1.0 - b2) * grad * grad
    mu_hat = mu / (1.0 - b1_power)
    nu_hat = nu / (1.0 - b2_power)
    return params - lr * mu_hat / (sqrt(nu_hat) + eps), State(count, mu, nu, b1_power, b2_power)
