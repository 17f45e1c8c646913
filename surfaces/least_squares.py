"""Least-squares fit of a line: a quadratic bowl whose shape depends on feature scaling."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from surfaces.base import DataSurface, Param, as_point

#: The display name (see :func:`surfaces.registry.title`).
TITLE = "Least-squares line fit"
PARAMS = (
    Param(
        "n_samples",
        50,
        "Number of examples",
        kind="int",
        low=5,
        high=500,
        help="Number of (x, t) pairs the line is fitted to.",
    ),
    Param("seed", 0, "Data seed", kind="int", low=0, high=10_000, help="Draws a new data set."),
    Param(
        "standardize",
        False,
        "Standardize the feature",
        kind="bool",
        help="Replace x by (x − mean)/std: with this one feature and an intercept the Hessian "
        "becomes the identity (κ = 1) and the long thin valley a round bowl.",
    ),
)

#: The line the data come from, t = SLOPE·x + INTERCEPT + noise, x uniform on FEATURE_RANGE.
SLOPE, INTERCEPT, NOISE, FEATURE_RANGE = 1.5, -2.0, 0.5, (2.0, 8.0)


class LeastSquares(DataSurface):
    r"""Half the mean squared error of the line t ≈ w x + b, as a function of p = (w, b).

    f(w, b) = (1/2n) Σᵢ (w xᵢ + b − tᵢ)² = (1/2n) ‖A p − t‖² = ½·MSE,  A = [x 1] (n × 2).

    ∇f = H (p − p*),  ∇²f = H = AᵀA/n = [[mean x², mean x], [mean x, 1]] everywhere (the
    Hessian of the MSE itself is 2AᵀA/n),
    with the minimizer p* solving the normal equations H p* = Aᵀt/n; so
    f(p) = f(p*) + ½ (p − p*)ᵀ H (p − p*) exactly. Features far from zero (x in [2, 8]) make
    H badly conditioned (κ in the hundreds). Standardizing this one feature makes H the
    identity (κ = 1) because the intercept's column is orthogonal to a mean-zero feature. That
    holds for one feature plus an intercept only: two standardized features with correlation r
    give H = [[1, r], [r, 1]] beside the intercept, κ = (1 + |r|)/(1 − |r|) (19 at r = 0.9).
    ``X`` (the design matrix A) and ``y`` (the targets t) hold the data.
    """

    def _value(self, x, y):
        hxx, hxy, hyy = self.extras["H_entries"]
        (w, b), loss = self.extras["minimizer"], self.extras["minimum_value"]
        dx, dy = x - w, y - b
        return loss + 0.5 * (hxx * dx * dx + 2.0 * hxy * dx * dy + hyy * dy * dy)

    def _gradient(self, x, y):
        hxx, hxy, hyy = self.extras["H_entries"]
        w, b = self.extras["minimizer"]
        dx, dy = x - w, y - b
        return hxx * dx + hxy * dy, hxy * dx + hyy * dy

    def _hessian(self, x, y):
        return self.extras["H_entries"]

    def batch_gradient(self, p, indices) -> np.ndarray:
        """Gradient of the loss over the examples ``indices`` only: (1/|B|) Σ_{i∈B} aᵢ(aᵢᵀp − tᵢ).

        Parameters
        ----------
        p : array_like (2,) or (..., 2)
        indices : array_like of int (k,)
            Non-empty, each in [0, n).

        Returns
        -------
        ndarray, the shape of ``p``
        """
        point = as_point(p)
        rows = self.batch_indices(indices)
        design, targets = self.extras["X"][rows], self.extras["y"][rows]
        residuals = point @ design.T - targets
        return residuals @ design / len(rows)

    def example_gradients(self, p) -> np.ndarray:
        """Per-example gradients aᵢ(aᵢᵀp − tᵢ), shape (n, 2); their mean is the gradient."""
        point = as_point(p)
        if point.shape != (2,):
            raise ValueError(f"p must be one point of shape (2,), got shape {point.shape}.")
        design = self.extras["X"]
        return (design @ point - self.extras["y"])[:, None] * design


def make_line_data(n_samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Features x uniform on [2, 8] and targets t = 1.5x − 2 + N(0, 0.5²)."""
    rng = np.random.default_rng(seed)
    features = rng.uniform(*FEATURE_RANGE, size=n_samples)
    targets = SLOPE * features + INTERCEPT + NOISE * rng.standard_normal(n_samples)
    return features, targets


@functools.lru_cache(maxsize=32)
def _fitted(n_samples: int, seed: int, standardize: bool) -> LeastSquares:
    features, targets = make_line_data(n_samples, seed)
    if standardize:
        features = (features - features.mean()) / features.std()
    design = np.column_stack([features, np.ones(n_samples)])
    hessian = design.T @ design / n_samples
    minimizer = np.linalg.solve(hessian, design.T @ targets / n_samples)
    residuals = design @ minimizer - targets
    for array in (design, targets, hessian):
        array.setflags(write=False)

    if standardize:
        # H is the identity up to rounding, so its eigenvectors are arbitrary: use the axes.
        valley, across = np.array([0.0, 1.0]), np.array([1.0, 0.0])
    else:
        _, eigenvectors = np.linalg.eigh(hessian)
        across, valley = eigenvectors[:, 1], eigenvectors[:, 0]
        valley = valley if valley[1] > 0 else -valley
    half_width = 5.0
    # Far along the valley and a little across it: descent zig-zags into the valley, then crawls.
    start = minimizer + 0.8 * half_width * valley + 0.1 * half_width * across
    w, b = float(minimizer[0]), float(minimizer[1])
    return LeastSquares(
        name="least_squares",
        params={"n_samples": n_samples, "seed": seed, "standardize": standardize},
        title=TITLE,
        formula=r"f(w, b) = \frac{1}{2n}\sum_{i=1}^{n} \left(w\,x_i + b - t_i\right)^2",
        description=(
            "Half the mean squared error (½·MSE) of a line w·x + b fitted to data, so its "
            "Hessian is AᵀA/n (the MSE's is 2AᵀA/n): a quadratic bowl, long and thin when the "
            "feature is far from zero, round once it is standardized (with one feature and an "
            "intercept that makes the Hessian the identity, κ = 1)."
        ),
        bounds=((w - half_width, w + half_width), (b - half_width, b + half_width)),
        minima=[(w, b)],
        start=(float(start[0]), float(start[1])),
        is_quadratic=True,
        extras={
            "X": design,
            "y": targets,
            "H": hessian,
            "H_entries": (float(hessian[0, 0]), float(hessian[0, 1]), float(hessian[1, 1])),
            "minimizer": (w, b),
            "minimum_value": 0.5 * float(residuals @ residuals) / n_samples,
            "axis_labels": ("w", "b"),
        },
    )


def build(n_samples: int, seed: int, standardize: bool) -> LeastSquares:
    fitted = _fitted(n_samples, seed, standardize)
    # Fresh containers, so a caller who edits them cannot change the cached surface.
    return dataclasses.replace(
        fitted, params=dict(fitted.params), minima=list(fitted.minima), extras=dict(fitted.extras)
    )
