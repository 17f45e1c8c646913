"""Planes through weight space (Li et al. 2018, tomgoldstein/loss-landscape) and the sharpness.

* :func:`filter_normalized` — a random direction whose every unit's incoming weights have the
  norm of θ*'s (``net_plotter.py``), biases zero: a step of 1 along it changes each unit about
  as much as θ* itself, whatever the layer's scale.
* :func:`pca_plane` — the first two principal directions of a training path (``projection.py``):
  PCA of the matrix of θᵢ − θ_final.
* :func:`sharpness` — the largest Hessian eigenvalue by Lanczos (``scipy.sparse.linalg.eigsh``)
  on Hessian-vector products, never forming the Hessian.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from networks.model import Network


def filter_normalized(network: Network, theta_star, seed: int = 0) -> np.ndarray:
    """A random direction d (P,) with ‖d's column j of Wₗ‖ = ‖θ*'s column j of Wₗ‖, d's biases 0.

    Column j of Wₗ holds unit j's incoming weights (see :mod:`networks.model`).
    """
    rng = np.random.default_rng(seed)
    direction = rng.standard_normal(network.n_params)
    star_layers = network.unpack(np.asarray(theta_star, dtype=float))
    for (W_d, b_d), (W_star, _) in zip(network.unpack(direction), star_layers, strict=True):
        column_norms = np.linalg.norm(W_d, axis=0)
        W_d *= np.linalg.norm(W_star, axis=0) / np.where(column_norms > 0, column_norms, 1.0)
        b_d[...] = 0.0
    return direction


@dataclass(frozen=True, eq=False)
class Plane:
    """Two orthonormal directions through ``origin`` and what they explain of a path.

    Attributes
    ----------
    origin : ndarray (P,)
        θ_final, the plane's (0, 0).
    directions : ndarray (2, P)
        Orthonormal rows d₁, d₂.
    explained : ndarray (2,)
        Share of the path's variance (sum of squared distances to θ_final) along d₁ and d₂.
    coordinates : ndarray (k, 2)
        The path's points projected on the plane: ((θᵢ − θ_final)·d₁, (θᵢ − θ_final)·d₂).
    """

    origin: np.ndarray
    directions: np.ndarray
    explained: np.ndarray
    coordinates: np.ndarray


def pca_plane(thetas) -> Plane:
    """The plane of the first two principal directions of the path ``thetas`` (k, P), k ≥ 2.

    The rows θᵢ − θ_final are decomposed M = U S Vᵀ; d₁, d₂ are the first two rows of Vᵀ and
    the share of variance along dⱼ is sⱼ² / Σ s². (Not centred on the mean: as in Li et al.,
    the plane passes through the end of the path.) A path that never moved gets the first two
    coordinate axes and zero explained variance.
    """
    thetas = np.asarray(thetas, dtype=float)
    if thetas.ndim != 2 or len(thetas) < 2:
        raise ValueError(f"A path needs at least two points θ (k, P), got shape {thetas.shape}.")
    origin = thetas[-1]
    M = thetas - origin
    _, singular, vt = np.linalg.svd(M, full_matrices=False)
    total = float((singular**2).sum())
    if total == 0.0 or vt.shape[0] < 2:
        directions = np.eye(2, thetas.shape[1])
        explained = np.zeros(2)
        if total > 0:
            directions[0] = vt[0]
            directions[1] -= directions[1] @ vt[0] * vt[0]
            directions[1] /= np.linalg.norm(directions[1])
            explained[0] = 1.0
    else:
        directions, explained = vt[:2], singular[:2] ** 2 / total
    return Plane(origin, directions, explained, M @ directions.T)


#: Up to this many parameters the sharpness comes from the whole Hessian: exact and fastest
#: there; beyond, LAPACK's threads made it 10-50× slower than Lanczos on a busy 2-core machine.
FULL_HESSIAN_UP_TO = 40


def sharpness(network: Network, theta, X, y, start=None) -> tuple[float, np.ndarray]:
    """The largest eigenvalue λmax of ∇²L(θ) and its unit eigenvector.

    Up to :data:`FULL_HESSIAN_UP_TO` parameters: the dense eigensolver on the whole Hessian.
    Larger: Lanczos (``scipy.sparse.linalg.eigsh``) on Hessian-vector products, never forming
    the Hessian, started from ``start`` (the previous step's eigenvector along a training run,
    which turns slowly, so few iterations are needed). Gradient descent with step η is stable
    on a quadratic only while λmax < 2/η.
    """
    # Imported here, not with the module: the app's first chart does not need SciPy's solvers.
    from scipy import linalg
    from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigsh

    size = network.n_params
    if size <= FULL_HESSIAN_UP_TO:
        values, vectors = linalg.eigh(network.hessian(theta, X, y), subset_by_index=[size - 1] * 2)
        return float(values[0]), vectors[:, 0]
    operator = LinearOperator(
        (size, size), matvec=lambda v: network.hvp(theta, np.ravel(v), X, y), dtype=float
    )
    v0 = None if start is None else np.asarray(start, dtype=float)
    try:
        values, vectors = eigsh(operator, k=1, which="LA", v0=v0, tol=1e-8, maxiter=size * 20)
    except ArpackNoConvergence:  # rare: the whole Hessian instead
        values, vectors = np.linalg.eigh(network.hessian(theta, X, y))
        return float(values[-1]), vectors[:, -1]
    return float(values[0]), vectors[:, 0]
