r"""The loss of a real neural network on a plane through its weight space.

f(α, β) = L(θ* + α d₁ + β d₂), with L the mean cross-entropy (plus L2) of a one-hidden-layer
network on a data set, θ* its trained weights, and d₁, d₂ either filter-normalized random
directions or the first two principal directions of the training path (Li et al. 2018,
"Visualizing the loss landscape of neural nets").

Derivatives on the plane are exact: ∂f/∂α = d₁ᵀ∇L, and the 2 × 2 Hessian is DᵀHD with
D = [d₁ d₂]. They are computed here in closed form for a whole grid of (α, β) at once (forward
differentiation along the plane, below), which is what makes a 160 × 160 picture affordable;
the tests check them against :mod:`networks`' backpropagation and Hessian-vector products.

θ* is found with SciPy (L-BFGS, then Newton steps on the exact Hessian), not with
:mod:`optimizers`: surfaces do not import the optimizers (DESIGN.md). The ``pca`` plane is
spanned by the path of that L-BFGS run, a training run by SciPy.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from networks import Network, datasets, filter_normalized, initialize, pca_plane
from networks.special import expit, log_softmax, softmax
from surfaces.base import Param, Surface, as_point

PARAMS = (
    Param(
        "dataset",
        "moons",
        "Data set",
        kind="choice",
        choices=datasets.NAMES,
        help="What the network learns to classify (inputs standardized).",
    ),
    Param("hidden", 8, "Hidden units", kind="int", low=1, high=32, help="One hidden layer."),
    Param("activation", "tanh", "Activation", kind="choice", choices=("tanh", "relu")),
    Param(
        "directions",
        "random",
        "Plane",
        kind="choice",
        choices=("random", "pca"),
        help="Filter-normalized random directions, or the two principal directions of the "
        "training path.",
    ),
    Param("seed", 0, "Seed", kind="int", low=0, high=10_000, help="Data, initial weights, plane."),
    Param(
        "l2",
        0.01,
        "L2 penalty λ",
        low=1e-4,
        high=1.0,
        log=True,
        help="Weight decay (λ/2)‖W‖²; it keeps θ* finite and the minimum strict.",
    ),
)

#: Examples per data set, and the jitter of the 2-D sets.
N_SAMPLES, NOISE = 200, 0.15
#: (point, example, unit) triples per chunk of a grid: bounds the temporary arrays to a few MB.
MAX_TRIPLES = 1 << 18
#: A grid with more points than this is evaluated in float32 (relative error ≈ 1e-6, invisible
#: on a plot; half the memory traffic); single points and small grids stay float64.
FLOAT32_ABOVE = 1024


def _title(sizes: tuple[int, ...], data_title: str) -> str:
    return f"Neural network {'-'.join(map(str, sizes))} on {data_title}"


#: The display name at the default parameters (see :func:`surfaces.registry.title`): a 2-8-1
#: network (two inputs, one logit for two classes) on two moons. Read without building the
#: surface, which trains the network (≈ 0.3 s).
TITLE = _title((2, 8, 1), datasets.TITLES["moons"])


class NetworkPlane(Surface):
    r"""f(α, β) = L(θ* + α d₁ + β d₂): a network's training loss on a plane through θ*.

    With U_j = X W₁^(j) + b₁^(j) (the first layer's pre-activations for θ*, d₁, d₂; j = 0, 1, 2)
    and likewise V_j, c_j for the output layer, along the plane

        z₁ = U₀ + αU₁ + βU₂,  a = σ(z₁),  z₂ = a(V₀ + αV₁ + βV₂) + c₀ + αc₁ + βc₂

    so ∂z₂/∂α = σ'(z₁)U₁ W₂ + aV₁ + c₁ and ∂²z₂/∂α∂β = σ''(z₁)U₁U₂W₂ + σ'(z₁)(U₁V₂ + U₂V₁)
    (elementwise in the units); the loss ℓ(z₂) of each example then gives
    f_α = mean ℓ'·z₂_α and f_αβ = mean (z₂_αᵀ ℓ'' z₂_β + ℓ'·z₂_αβ), plus the quadratic L2 term.
    """

    # ----- per example, then the mean -------------------------------------------------------
    def _value(self, x, y):
        return self._over_points(x, y, 0, None)[0]

    def _gradient(self, x, y):
        return tuple(self._over_points(x, y, 1, None)[1:])

    def _hessian(self, x, y):
        return tuple(self._over_points(x, y, 2, None)[1:])

    def _over_points(self, x, y, order, rows):
        x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        shape = x.shape
        a, b = x.reshape(-1), y.reshape(-1)
        parts = self.extras["parts"]
        n = parts["U"].shape[1] if rows is None else len(rows)
        dtype = np.float32 if order == 0 and a.size > FLOAT32_ABOVE else np.float64
        chunk = max(1, MAX_TRIPLES // (n * parts["U"].shape[2]))
        pieces = [
            _plane_kernel(parts, a[i : i + chunk], b[i : i + chunk], order, rows, dtype)
            for i in range(0, a.size, chunk)
        ]
        results = [np.concatenate(column).reshape(shape) for column in zip(*pieces, strict=True)]
        if shape == ():
            results = [float(result) for result in results]
        return results

    @property
    def gradient_cost(self) -> float:
        """One gradient's cost in units of an analytic surface's (about n examples × h units:
        the Phase diagram thins its grid by it)."""
        return float(self.n_samples * self.extras["parts"]["U"].shape[2])

    # ----- stochastic oracles ---------------------------------------------------------------
    @property
    def n_samples(self) -> int:
        """Training examples (mini-batches are drawn from them)."""
        return len(self.extras["y"])

    def batch_gradient(self, p, indices) -> np.ndarray:
        """(∂f/∂α, ∂f/∂β) of the loss over the examples ``indices`` only, plus the full L2 term:
        the mean over an epoch of equal batches is the full gradient."""
        point = as_point(p)
        rows = np.asarray(indices)
        if rows.ndim != 1 or rows.size == 0 or rows.dtype.kind not in "iu":
            raise ValueError("indices must be a non-empty 1-D array of integers.")
        if rows.min() < 0 or rows.max() >= self.n_samples:
            raise ValueError(f"indices must lie in [0, {self.n_samples}).")
        dfdx, dfdy = self._over_points(point[..., 0], point[..., 1], 1, rows)[1:]
        return np.stack(np.broadcast_arrays(dfdx, dfdy), axis=-1)


def _act(z, activation, order):
    """σ, and σ', σ'' at z if ``order`` > 0 (σ'' of ReLU is 0 away from its kink)."""
    if activation == "tanh":
        a = np.tanh(z)
        if order == 0:
            return a, None, None
        first = 1.0 - a * a
        return a, first, -2.0 * a * first
    if order == 0:
        return np.maximum(z, 0), None, None
    positive = z > 0
    return np.where(positive, z, 0), positive.astype(z.dtype), np.zeros_like(z)


def _plane_kernel(parts, a, b, order, rows, dtype):
    """f (and its first/second derivatives if ``order`` ≥ 1/2) at the points (aᵢ, bᵢ)."""
    U, V, c, T = parts["U"], parts["V"], parts["c"], parts["T"]
    if rows is not None:
        U, T = U[:, rows], T[rows]
    U, V, c = U.astype(dtype), V.astype(dtype), c.astype(dtype)
    A, B = a.astype(dtype)[:, None, None], b.astype(dtype)[:, None, None]
    z1 = U[0] + A * U[1] + B * U[2]  # (m, n, h)
    act, first, second = _act(z1, parts["activation"], order)
    # Output weights along the plane: one matmul against [V₀ V₁ V₂] instead of one per point.
    k = V.shape[2]
    stacked = act @ np.concatenate(V, axis=1)  # (m, n, 3k)
    out0, out1, out2 = stacked[..., :k], stacked[..., k : 2 * k], stacked[..., 2 * k :]
    z2 = out0 + A * out1 + B * out2 + (c[0] + A * c[1] + B * c[2])
    penalty = parts["penalty"]  # [[‖w*‖², w*·w₁, w*·w₂], [·, ‖w₁‖², w₁·w₂], [·, ·, ‖w₂‖²]]·λ
    a64, b64 = a.astype(float), b.astype(float)
    reg = 0.5 * (
        penalty[0, 0]
        + 2 * a64 * penalty[0, 1]
        + 2 * b64 * penalty[0, 2]
        + a64 * a64 * penalty[1, 1]
        + 2 * a64 * b64 * penalty[1, 2]
        + b64 * b64 * penalty[2, 2]
    )
    if k == 1:
        losses = (np.logaddexp(0.0, z2) - T * z2)[..., 0]
    else:
        losses = -(T * log_softmax(z2, axis=-1)).sum(axis=-1)
    value = losses.mean(axis=-1).astype(float) + reg
    if order == 0:
        return (value,)
    p = expit(z2) if k == 1 else softmax(z2, axis=-1)
    g = p - T  # ∂ℓ/∂z₂ of the cross-entropy
    W2 = V[0] + A * V[1] + B * V[2]  # (m, h, k)
    da_a, da_b = first * U[1], first * U[2]
    z2_a = da_a @ W2 + out1 + c[1]
    z2_b = da_b @ W2 + out2 + c[2]
    n = z2.shape[1]
    fa = np.einsum("mnk,mnk->m", g, z2_a) / n + a64 * penalty[1, 1] + b64 * penalty[1, 2]
    fb = np.einsum("mnk,mnk->m", g, z2_b) / n + b64 * penalty[2, 2] + a64 * penalty[1, 2]
    fa, fb = fa + penalty[0, 1], fb + penalty[0, 2]
    if order == 1:
        return value, fa, fb

    def curvature(x1, x2):  # x1ᵀ ℓ''(z₂) x2 per example, summed over the outputs
        if k == 1:
            return (p * (1 - p) * x1 * x2)[..., 0]
        return (p * x1 * x2).sum(-1) - (p * x1).sum(-1) * (p * x2).sum(-1)

    def second_order(Ui, Uj, Vi, Vj):  # ∂²z₂ along directions i, j
        return (second * Ui * Uj) @ W2 + (first * Ui) @ Vj + (first * Uj) @ Vi

    z2_aa = second_order(U[1], U[1], V[1], V[1])
    z2_ab = second_order(U[1], U[2], V[1], V[2])
    z2_bb = second_order(U[2], U[2], V[2], V[2])
    faa = (curvature(z2_a, z2_a).sum(-1) + np.einsum("mnk,mnk->m", g, z2_aa)) / n
    fab = (curvature(z2_a, z2_b).sum(-1) + np.einsum("mnk,mnk->m", g, z2_ab)) / n
    fbb = (curvature(z2_b, z2_b).sum(-1) + np.einsum("mnk,mnk->m", g, z2_bb)) / n
    return value, faa + penalty[1, 1], fab + penalty[1, 2], fbb + penalty[2, 2]


def _parts(network: Network, X, y, theta_star, directions) -> dict:
    """The constants of the plane: U_j, V_j, c_j for θ*, d₁, d₂, targets, L2 inner products."""
    layers = [network.unpack(vector) for vector in (theta_star, *directions)]
    U = np.stack([X @ W1 + b1 for (W1, b1), _ in layers])  # (3, n, h)
    V = np.stack([W2 for _, (W2, _) in layers])  # (3, h, k)
    c = np.stack([b2 for _, (_, b2) in layers])  # (3, k)
    weights = np.stack([theta_star, *directions]) * network.weight_mask
    parts = {
        "U": U,
        "V": V,
        "c": c,
        "T": network.targets(y),
        "activation": network.activation,
        "penalty": network.l2 * (weights @ weights.T),
    }
    for array in parts.values():
        if isinstance(array, np.ndarray):
            array.setflags(write=False)
    return parts


def fit(network: Network, X, y, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """θ* from Xavier weights (seeded): L-BFGS, then Newton steps on the exact Hessian.

    Returns
    -------
    theta_star : ndarray (P,)
    path : ndarray (k, P)
        The L-BFGS iterates from the start to θ* (the path the ``pca`` plane is fitted to).
    """
    # Imported here, not with the module: the first chart of the app does not need it.
    from scipy import optimize

    theta0 = initialize(network, "xavier", seed)
    path = [theta0.copy()]
    result = optimize.minimize(
        lambda t: network.loss_and_gradient(t, X, y),
        theta0,
        jac=True,
        method="L-BFGS-B",
        callback=lambda t: path.append(np.array(t)),
        options={"maxiter": 400, "gtol": 1e-7},
    )
    theta = result.x
    # Newton polishes the gradient from ~1e-6 to rounding where the Hessian has no negative
    # eigenvalue. Its zero eigenvalues (a softmax's output biases may all shift together; a
    # dead ReLU unit's bias) are left out: the gradient has no component along them.
    for _ in range(8):
        gradient = network.gradient(theta, X, y)
        if np.linalg.norm(gradient) <= 1e-13:
            break
        eigenvalues, vectors = np.linalg.eigh(network.hessian(theta, X, y))
        scale = max(1.0, eigenvalues[-1])
        if eigenvalues[0] < -1e-9 * scale:
            break
        keep = eigenvalues > 1e-9 * scale
        theta = theta - vectors[:, keep] @ ((vectors[:, keep].T @ gradient) / eigenvalues[keep])
    if not np.array_equal(path[-1], theta):
        path.append(theta.copy())
    return theta, np.array(path)


@functools.lru_cache(maxsize=16)
def _built(dataset, hidden, activation, directions, seed, l2) -> NetworkPlane:
    data = datasets.make(dataset, N_SAMPLES, NOISE, seed).standardized()
    X, y = data.X, data.y
    outputs = 1 if data.classes == 2 else data.classes
    network = Network((X.shape[1], hidden, outputs), activation, "cross_entropy", l2)
    theta_star, path = fit(network, X, y, seed)
    explained = None
    if directions == "random":
        plane = np.stack([filter_normalized(network, theta_star, seed + i) for i in (1, 2)])
        for index in range(2):
            if np.linalg.norm(plane[index]) < 1e-2:
                # θ* ≈ 0 (a huge λ): filter normalization would give a tiny direction and a
                # flat picture; a unit random direction shows the bowl λ made instead.
                raw = np.random.default_rng(seed + index + 1).standard_normal(network.n_params)
                plane[index] = raw / np.linalg.norm(raw)
        half_width, shadow = 1.0, None
    else:
        fitted = pca_plane(path)
        plane, explained, shadow = fitted.directions, fitted.explained, fitted.coordinates
        half_width = float(max(0.5, 1.2 * np.abs(shadow).max()))
    if directions == "random":
        start = (-0.6, 0.6)
    else:
        start = tuple(float(v) for v in np.clip(shadow[0], -0.9 * half_width, 0.9 * half_width))
    for array in (X, y, theta_star, plane):
        array.setflags(write=False)
    surface = NetworkPlane(
        name="network",
        params={
            "dataset": dataset,
            "hidden": hidden,
            "activation": activation,
            "directions": directions,
            "seed": seed,
            "l2": l2,
        },
        title=_title(network.sizes, data.title),
        formula=r"f(\alpha, \beta) = L(\theta^\ast + \alpha\, d_1 + \beta\, d_2)",
        description=(
            "A real network's training loss on a plane through its trained weights θ*: "
            + (
                "two random directions, each unit's weights scaled like θ*'s (Li et al. 2018)."
                if directions == "random"
                else "the two directions along which SciPy's training path moved most."
            )
        ),
        bounds=((-half_width, half_width), (-half_width, half_width)),
        minima=[],
        start=start,
        is_quadratic=False,
        extras={
            "X": X,
            "y": y,
            "network": network,
            "theta_star": theta_star,
            "directions": plane,
            "explained": explained,
            "path_shadow": shadow,
            "parts": _parts(network, X, y, theta_star, plane),
            "axis_labels": ("α (d₁)", "β (d₂)"),
        },
    )
    # (0, 0) is listed as a minimizer only where it is one on the plane: a gradient at
    # rounding level and a positive definite 2 × 2 Hessian (L-BFGS may stop short of one).
    gradient = surface.gradient((0.0, 0.0))
    eigenvalues = np.linalg.eigvalsh(surface.hessian((0.0, 0.0)))
    value = abs(float(surface.value((0.0, 0.0))))
    if np.abs(gradient).max() <= 1e-10 * max(1.0, value) and eigenvalues[0] > 1e-8:
        surface = dataclasses.replace(surface, minima=[(0.0, 0.0)])
    return surface


def build(dataset, hidden, activation, directions, seed, l2) -> NetworkPlane:
    built = _built(dataset, hidden, activation, directions, seed, l2)
    # Fresh containers, so a caller who edits them cannot change the cached surface.
    return dataclasses.replace(
        built, params=dict(built.params), minima=list(built.minima), extras=dict(built.extras)
    )
