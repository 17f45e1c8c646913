"""Logistic-regression loss of a two-weight linear classifier on two Gaussian blobs."""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np

from networks.special import expit
from surfaces.base import DataSurface, Param, as_point
from surfaces.curvature import refine_stationary_point

#: The display name (see :func:`surfaces.registry.title`).
TITLE = "Logistic regression"
PARAMS = (
    Param(
        "n_samples",
        60,
        "Number of examples",
        kind="int",
        low=10,
        high=500,
        help="Size of the data set; half the examples are in each class.",
    ),
    Param("seed", 0, "Data seed", kind="int", low=0, high=10_000, help="Draws a new data set."),
    Param(
        "separation",
        1.5,
        "Class separation",
        low=0.0,
        high=5.0,
        help="Distance of each blob's centre from the separating line: 0 overlaps the classes.",
    ),
    Param(
        "l2",
        0.05,
        "L2 penalty λ",
        low=1e-4,
        high=1.0,
        log=True,
        help="Weight decay (λ/2)‖w‖²; it keeps the minimizer finite when the classes separate.",
    ),
)

#: Unit normal of the line wᵀx = 0 that separates the two blobs.
NORMAL = np.array([0.8, 0.6])
#: Stacks of points are processed in chunks of at most this many (point, example) pairs: 512 KB
#: arrays stay in cache, which made 80,000 points × 60 examples about 4× faster than one pass.
MAX_PAIRS = 1 << 16


class Logistic(DataSurface):
    r"""Mean logistic loss of the classifier sign(wᵀx) with weights w = (x, y), plus weight decay.

    f(w) = (1/n) Σᵢ log(1 + exp(−mᵢ)) + (λ/2)‖w‖²,  mᵢ = yᵢ wᵀxᵢ,  yᵢ ∈ {−1, +1}

    (computed as ``np.logaddexp(0, −m)``, which never overflows). With zᵢ = yᵢ xᵢ and
    σ(t) = 1/(1 + e⁻ᵗ) (:func:`networks.special.expit`, which never overflows either):

    ∇f = −(1/n) Σᵢ σ(−mᵢ) zᵢ + λw,   ∇²f = (1/n) Σᵢ σ(mᵢ) σ(−mᵢ) zᵢ zᵢᵀ + λI.

    f is strictly convex, so its single minimizer is found numerically at build time.
    ``X`` (n, 2) and ``y`` (n,) hold the data; ``batch_gradient`` and ``example_gradients``
    give the mini-batch and per-example gradients.
    """

    # ----- elementwise in the weights, summed over the examples -----------------------------
    def _value(self, x, y):
        (value,) = self._over_examples(self._value_kernel, x, y)
        return value

    def _gradient(self, x, y):
        return self._over_examples(self._gradient_kernel, x, y)

    def _hessian(self, x, y):
        return self._over_examples(self._hessian_kernel, x, y)

    def _margins(self, x, y):
        z = self.extras["z"]
        return x[..., None] * z[:, 0] + y[..., None] * z[:, 1]

    def _value_kernel(self, x, y):
        losses = np.logaddexp(0.0, -self._margins(x, y))
        return (losses.mean(axis=-1) + 0.5 * self.params["l2"] * (x * x + y * y),)

    def _gradient_kernel(self, x, y):
        z, l2 = self.extras["z"], self.params["l2"]
        weights = expit(-self._margins(x, y)) / len(z)
        # Elementwise products summed along the examples, not ``@``: BLAS rounds a dot product
        # (one point) and a matrix-vector product (a stack) differently, and a sweep cell
        # must equal its single run bit for bit.
        return (
            l2 * x - (weights * z[:, 0]).sum(axis=-1),
            l2 * y - (weights * z[:, 1]).sum(axis=-1),
        )

    def _hessian_kernel(self, x, y):
        margins = self._margins(x, y)
        weights = expit(margins) * expit(-margins)
        zxx, zxy, zyy = self.extras["z_products"]
        l2 = self.params["l2"]
        return (
            (weights * zxx).sum(axis=-1) + l2,
            (weights * zxy).sum(axis=-1),
            (weights * zyy).sum(axis=-1) + l2,
        )

    def _over_examples(self, kernel, x, y):
        """Apply ``kernel`` to weights of any shape, in chunks that bound the (..., n) arrays."""
        x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        if x.size * self.n_samples <= MAX_PAIRS:
            return kernel(x, y)
        shape, x, y = x.shape, x.ravel(), y.ravel()
        chunk = max(1, MAX_PAIRS // self.n_samples)
        pieces = [kernel(x[i : i + chunk], y[i : i + chunk]) for i in range(0, x.size, chunk)]
        return tuple(np.concatenate(parts).reshape(shape) for parts in zip(*pieces, strict=True))

    # ----- stochastic oracles ---------------------------------------------------------------
    def batch_gradient(self, p, indices) -> np.ndarray:
        """Gradient of the loss over the examples ``indices`` only, plus the full weight decay.

        g_B(w) = −(1/|B|) Σ_{i∈B} σ(−mᵢ) zᵢ + λw, so that the mean of g_B over the batches of
        an epoch (equal sizes) is the full gradient.

        Parameters
        ----------
        p : array_like (2,) or (..., 2)
            Weights.
        indices : array_like of int (k,)
            Non-empty, each in [0, n).

        Returns
        -------
        ndarray, the shape of ``p``
        """
        point = as_point(p)
        z = self.extras["z"][self.batch_indices(indices)]
        weights = expit(-(point @ z.T)) / len(z)
        return self.params["l2"] * point - weights @ z

    def example_gradients(self, p) -> np.ndarray:
        """Per-example gradients −σ(−mᵢ) zᵢ of the loss, without the weight decay: (n, 2)."""
        point = as_point(p)
        if point.shape != (2,):
            raise ValueError(f"p must be one point of shape (2,), got shape {point.shape}.")
        z = self.extras["z"]
        return -expit(-(z @ point))[:, None] * z


def make_blobs(n_samples: int, seed: int, separation: float) -> tuple[np.ndarray, np.ndarray]:
    """Two unit-variance Gaussian blobs centred at ±separation·u, u = (0.8, 0.6).

    Labels are +1 for the blob at +separation·u and −1 for the other, half each (the extra one
    to +1 for odd n), in random order; the line uᵀx = 0 through the origin separates the centres.

    Returns
    -------
    X : ndarray (n, 2)
    y : ndarray (n,)
    """
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.where(np.arange(n_samples) < (n_samples + 1) // 2, 1.0, -1.0))
    features = labels[:, None] * separation * NORMAL + rng.standard_normal((n_samples, 2))
    return features, labels


@functools.lru_cache(maxsize=32)
def _fitted(n_samples: int, seed: int, separation: float, l2: float) -> Logistic:
    features, labels = make_blobs(n_samples, seed, separation)
    z = labels[:, None] * features
    z_products = (z[:, 0] ** 2 / n_samples, z[:, 0] * z[:, 1] / n_samples, z[:, 1] ** 2 / n_samples)
    for array in (features, labels, z, *z_products):
        array.setflags(write=False)
    probe = Logistic(
        name="logistic",
        params={"n_samples": n_samples, "seed": seed, "separation": separation, "l2": l2},
        title=TITLE,
        formula=r"f(\mathbf{w}) = \frac{1}{n}\sum_{i=1}^{n} "
        r"\log\left(1 + e^{-y_i\,\mathbf{w}^\top \mathbf{x}_i}\right) "
        r"+ \frac{\lambda}{2}\lVert\mathbf{w}\rVert^2",
        description=(
            "The training loss of a linear classifier as a function of its two weights: a smooth "
            "convex bowl, stretched where the data are spread and flat where they separate."
        ),
        bounds=((-3.0, 3.0), (-3.0, 3.0)),
        minima=[],
        start=(-2.0, 2.0),
        is_quadratic=False,
        extras={
            "X": features,
            "y": labels,
            "z": z,
            "z_products": z_products,
            "axis_labels": ("w₁", "w₂"),
        },
    )
    # BFGS gets close; Newton steps on the analytic Hessian then reach a gradient of ~1e-16.
    from scipy import optimize  # lazily: ~0.3 s to import, not needed for the first chart

    rough = optimize.minimize(
        # BFGS's line search may try huge steps: the unchecked value and gradient (no raise).
        lambda w: float(probe._value_at(w[0], w[1])),
        np.zeros(2),
        jac=lambda w: probe._gradient_at(np.asarray(w, dtype=float)),
        method="BFGS",
        options={"gtol": 1e-12},
    )
    minimizer = refine_stationary_point(probe, rough.x)
    half_width = float(max(3, math.ceil(1.5 * max(abs(minimizer[0]), abs(minimizer[1])))))
    return dataclasses.replace(
        probe,
        bounds=((-half_width, half_width), (-half_width, half_width)),
        minima=[minimizer],
        # Across the origin from the minimizer (which lies roughly along u = (0.8, 0.6)).
        start=(-2.0 * half_width / 3.0, 2.0 * half_width / 3.0),
    )


def build(n_samples: int, seed: int, separation: float, l2: float) -> Logistic:
    fitted = _fitted(n_samples, seed, separation, l2)
    # Fresh containers, so a caller who edits them cannot change the cached surface.
    return dataclasses.replace(
        fitted, params=dict(fitted.params), minima=list(fitted.minima), extras=dict(fitted.extras)
    )
