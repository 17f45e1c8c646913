"""Small neural networks in plain NumPy (no Streamlit): the model with backpropagation and
Hessian-vector products on a flat θ, seeded data sets and initializations, planes through
weight space.

>>> import networks
>>> data = networks.datasets.make("moons", n_samples=200, noise=0.1, seed=0)
>>> net = networks.Network((2, 16, 1), activation="tanh")
>>> theta = networks.initialize(net, "xavier", seed=0)
>>> net.gradient(theta, data.X, data.y).shape
(65,)
"""

from networks import datasets, special
from networks.datasets import Dataset
from networks.directions import Plane, filter_normalized, pca_plane, sharpness
from networks.init import SCHEMES, initialize
from networks.model import ACTIVATIONS, LOSSES, Network

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "SCHEMES",
    "Dataset",
    "Network",
    "Plane",
    "datasets",
    "filter_normalized",
    "initialize",
    "pca_plane",
    "sharpness",
    "special",
]
