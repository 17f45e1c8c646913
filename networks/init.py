"""Initial weights, seeded (seed 002): zeros, small random, Xavier/Glorot, He.

Biases start at zero in every scheme. With ``zeros`` every hidden unit of a layer computes the
same function and receives the same gradient, so they stay identical for ever: the net is as
good as one unit wide (the symmetry that random initialization breaks).
"""

from __future__ import annotations

import numpy as np

from networks.model import Network

SCHEMES = ("zeros", "small", "xavier", "he")
TITLES = {
    "zeros": "Zeros",
    "small": "Small random (σ = 0.01)",
    "xavier": "Xavier/Glorot",
    "he": "He",
}
#: The standard deviation of the "small random" scheme.
SMALL_STD = 0.01


def initialize(network: Network, scheme: str = "xavier", seed: int = 0) -> np.ndarray:
    r"""A flat θ for ``network``: weights drawn per layer, biases zero.

    Wₗ ~ N(0, s²) with s = 0 (zeros), 0.01 (small), √(2/(fan_in + fan_out)) (Xavier/Glorot
    2010, for tanh) or √(2/fan_in) (He et al. 2015, for ReLU).
    """
    if scheme not in SCHEMES:
        raise ValueError(f"Unknown initialization {scheme!r}; choose one of {list(SCHEMES)}.")
    rng = np.random.default_rng(seed)
    theta = np.zeros(network.n_params)
    for (weights, _), fan_in, fan_out in zip(
        network.slices, network.sizes[:-1], network.sizes[1:], strict=True
    ):
        std = {
            "zeros": 0.0,
            "small": SMALL_STD,
            "xavier": np.sqrt(2.0 / (fan_in + fan_out)),
            "he": np.sqrt(2.0 / fan_in),
        }[scheme]
        theta[weights] = std * rng.standard_normal(fan_in * fan_out)
    return theta
