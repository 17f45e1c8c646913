"""Classification data sets, seeded and reproducible: the 2-D classics and Fisher's iris.

The 2-D sets are generated here (scikit-learn is not a dependency; the formulas follow its
``make_moons``/``make_circles`` and TensorFlow Playground's XOR and spiral). Iris is shipped in
``networks/data/iris.csv``: Fisher's 150 flowers (1936, UCI Machine Learning Repository),
copied from SciPy's test data (``scipy/spatial/tests/data/iris.txt``), rows in the usual order
(50 setosa = 0, 50 versicolor = 1, 50 virginica = 2).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

NAMES = ("moons", "circles", "xor", "spiral", "blobs", "scaled", "iris")
TITLES = {
    "moons": "Two moons",
    "circles": "Circles",
    "xor": "XOR",
    "spiral": "Spiral",
    "blobs": "Two blobs",
    "scaled": "Two blobs, badly scaled (x₂ × 100)",
    "iris": "Iris (4 features, 3 classes)",
}
IRIS_FEATURES = ("sepal length", "sepal width", "petal length", "petal width")
#: The badly scaled set multiplies its second feature by this.
BAD_SCALE = 100.0


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs ``X`` (n, d), integer labels ``y`` (n,) in 0 … classes − 1, split into a training
    part and a held-out part (``X_test``, ``y_test``)."""

    name: str
    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    classes: int
    features: tuple[str, ...]

    @property
    def title(self) -> str:
        return TITLES[self.name]

    def standardized(self) -> Dataset:
        """Each feature shifted and scaled to mean 0, standard deviation 1 *on the training
        part* (seed 003's StandardScaler); the held-out part gets the same shift and scale."""
        mean, std = self.X.mean(axis=0), self.X.std(axis=0)
        std = np.where(std > 0, std, 1.0)
        return Dataset(
            self.name,
            (self.X - mean) / std,
            self.y,
            (self.X_test - mean) / std,
            self.y_test,
            self.classes,
            self.features,
        )


def _moons(n, rng):
    outer = n - n // 2
    t_out, t_in = np.linspace(0, np.pi, outer), np.linspace(0, np.pi, n // 2)
    X = np.concatenate(
        [
            np.column_stack([np.cos(t_out), np.sin(t_out)]),
            np.column_stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)]),
        ]
    )
    # Centred on the origin so the default start of a small net sees both moons.
    return X - (0.5, 0.25), np.repeat([0, 1], [outer, n // 2])


def _circles(n, rng):
    outer = n - n // 2
    t_out = np.linspace(0, 2 * np.pi, outer, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n // 2, endpoint=False)
    X = np.concatenate(
        [
            np.column_stack([np.cos(t_out), np.sin(t_out)]),
            0.5 * np.column_stack([np.cos(t_in), np.sin(t_in)]),
        ]
    )
    return X, np.repeat([0, 1], [outer, n // 2])


def _xor(n, rng):
    X = rng.uniform(-1.0, 1.0, (n, 2))
    X += np.sign(X) * 0.1  # a margin around the axes, so the classes are separable at noise 0
    return X, (X[:, 0] * X[:, 1] > 0).astype(int)


def _spiral(n, rng):
    half = n - n // 2
    t = np.concatenate([np.linspace(0.25, 1, half), np.linspace(0.25, 1, n // 2)])
    labels = np.repeat([0, 1], [half, n // 2])
    angle = 3 * np.pi * t + np.pi * labels
    return np.column_stack([t * np.cos(angle), t * np.sin(angle)]), labels


def _blobs(n, rng):
    labels = np.repeat([0, 1], [n - n // 2, n // 2])
    centres = np.where(labels[:, None] == 1, (1.0, 1.0), (-1.0, -1.0))
    return centres + 0.6 * rng.standard_normal((n, 2)), labels


GENERATORS = {
    "moons": _moons,
    "circles": _circles,
    "xor": _xor,
    "spiral": _spiral,
    "blobs": _blobs,
    "scaled": _blobs,
}


@functools.lru_cache(maxsize=1)
def iris() -> tuple[np.ndarray, np.ndarray]:
    """Fisher's iris: features (150, 4) in cm and species (150,) in 0, 1, 2."""
    table = np.loadtxt(Path(__file__).with_name("data") / "iris.csv", delimiter=",", skiprows=1)
    features, species = table[:, :4], table[:, 4].astype(int)
    features.setflags(write=False)
    species.setflags(write=False)
    return features, species


def make(
    name: str, n_samples: int = 200, noise: float = 0.1, seed: int = 0, test_fraction: float = 0.25
) -> Dataset:
    """Data set ``name`` with a random held-out part, reproducible by ``seed``.

    Parameters
    ----------
    name : str
        One of :data:`NAMES`.
    n_samples : int
        Points in total, 8 to 2000 (iris always has its 150).
    noise : float
        Standard deviation of the Gaussian jitter added to every 2-D point (iris: none).
    seed : int
        Seeds the points, the jitter and the split.
    test_fraction : float
        Share of the points held out for the test accuracy, in [0, 0.9].
    """
    if name not in NAMES:
        raise ValueError(f"Unknown data set {name!r}; choose one of {list(NAMES)}.")
    if not 8 <= int(n_samples) <= 2000:
        raise ValueError(f"n_samples must be between 8 and 2000, got {n_samples!r}.")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be finite and ≥ 0, got {noise!r}.")
    if not 0 <= test_fraction <= 0.9:
        raise ValueError(f"test_fraction must be in [0, 0.9], got {test_fraction!r}.")
    rng = np.random.default_rng(seed)
    if name == "iris":
        X, y = (np.array(part) for part in iris())
        features, classes = IRIS_FEATURES, 3
    else:
        X, y = GENERATORS[name](int(n_samples), rng)
        X = X + noise * rng.standard_normal(X.shape)
        if name == "scaled":
            X[:, 1] *= BAD_SCALE
        features, classes = ("x₁", "x₂"), 2
    order = rng.permutation(len(y))
    held_out = round(test_fraction * len(y))
    test, train = order[:held_out], order[held_out:]
    return Dataset(name, X[train], y[train], X[test], y[test], classes, features)
