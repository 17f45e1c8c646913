"""Second-order picture of a surface at a point: the Hessian, its eigen-directions, and what the
quadratic model f(p + d) ≈ f(p) + gᵀd + ½ dᵀHd says about step sizes and rates.

>>> import surfaces
>>> c = surfaces.curvature(surfaces.get("quadratic", condition_number=25.0), (0.0, 0.0))
>>> c.kind, round(c.condition_number, 6), round(c.gd_stability_limit, 6)
('minimum', 25.0, 0.08)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from surfaces.base import Surface, as_point

#: An eigenvalue is treated as zero (a 'degenerate' point) below this fraction of max(1, |λ|max).
DEGENERATE_TOLERANCE = 1e-9
#: The condition number is infinite when |λ|min is below this fraction of max(1, |λ|max).
SINGULAR_TOLERANCE = 1e-12


@dataclass(frozen=True, eq=False)
class Curvature:
    r"""The Hessian of a surface at one point and the numbers of its quadratic model.

    With H = ∇²f(p) = V diag(λ₁, λ₂) Vᵀ (λ₁ ≤ λ₂) and κ = λ₂/λ₁ for positive definite H:

    - gradient descent is stable iff 0 < lr < 2/λ₂ (``gd_stability_limit``); along eigen-direction
      i the error is multiplied by |1 − lr·λᵢ| each step (``gd_factors``);
    - the best fixed step is 2/(λ₁ + λ₂) (``best_fixed_step``), with rate (κ − 1)/(κ + 1);
    - heavy-ball momentum is stable iff 0 ≤ β < 1 and 0 < lr < 2(1 + β)/λ₂; its best pair is
      lr = (2/(√λ₂ + √λ₁))², β = ((√κ − 1)/(√κ + 1))², with rate (√κ − 1)/(√κ + 1);
    - exact line search along −g takes the step gᵀg / gᵀHg (``line_search_step``).

    The quadratic-model numbers are ``None`` where H is not positive definite (λ₁ ≤ 0).
    ``kind`` describes the local shape given by H, whether or not p is a stationary point.

    Attributes
    ----------
    point : ndarray (2,)
        Where the Hessian was taken.
    hessian : ndarray (2, 2)
        ∇²f(point), symmetric.
    gradient : ndarray (2,)
        ∇f(point).
    eigenvalues : ndarray (2,)
        λ₁ ≤ λ₂.
    eigenvectors : ndarray (2, 2)
        Unit eigenvectors as columns, in the order of ``eigenvalues``; each is signed so that its
        larger component (the x-component on a tie) is positive.
    condition_number : float
        |λ|max / |λ|min; ``math.inf`` when |λ|min ≤ 1e-12·max(1, |λ|max).
    kind : str
        ``'minimum'`` (both λ > 0), ``'maximum'`` (both < 0), ``'saddle'`` (opposite signs) or
        ``'degenerate'`` (some |λ| ≤ 1e-9·max(1, |λ|max)).
    gd_stability_limit, best_fixed_step, best_fixed_rate : float or None
        2/λ₂, 2/(λ₁ + λ₂), (κ − 1)/(κ + 1).
    momentum_lr, momentum_beta, momentum_rate : float or None
        (2/(√λ₂ + √λ₁))², ((√κ − 1)/(√κ + 1))², (√κ − 1)/(√κ + 1).
    line_search_step : float or None
        gᵀg / gᵀHg; ``None`` when g = 0 or gᵀHg ≤ 0.
    """

    point: np.ndarray
    hessian: np.ndarray
    gradient: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    condition_number: float
    kind: str
    gd_stability_limit: float | None
    best_fixed_step: float | None
    best_fixed_rate: float | None
    momentum_lr: float | None
    momentum_beta: float | None
    momentum_rate: float | None
    line_search_step: float | None

    @property
    def lambda_min(self) -> float:
        """The smallest eigenvalue λ₁ (signed)."""
        return float(self.eigenvalues[0])

    @property
    def lambda_max(self) -> float:
        """The largest eigenvalue λ₂ (signed)."""
        return float(self.eigenvalues[1])

    def gd_factors(self, lr: float) -> np.ndarray:
        """|1 − lr·λᵢ| for each eigen-direction: how much one gradient-descent step of the
        quadratic model scales the error along it (above 1: that direction diverges).

        Parameters
        ----------
        lr : float
            The learning rate.

        Returns
        -------
        ndarray (2,)
            In the order of ``eigenvalues``.
        """
        lr = _finite_number(lr, "lr")
        return np.abs(1.0 - lr * self.eigenvalues)

    def momentum_stability_limit(self, beta: float) -> float | None:
        """Largest stable learning rate of heavy-ball momentum, 2(1 + β)/λmax.

        Parameters
        ----------
        beta : float
            The momentum coefficient, 0 ≤ β < 1 (outside that range no learning rate is stable).

        Returns
        -------
        float or None
            ``None`` where λmax ≤ 0 (no curvature to be unstable along).
        """
        beta = _finite_number(beta, "beta")
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"beta must satisfy 0 ≤ beta < 1, got {beta!r}.")
        if self.lambda_max <= 0.0:
            return None
        return 2.0 * (1.0 + beta) / self.lambda_max


def curvature(surface: Surface, p) -> Curvature:
    """The Hessian of ``surface`` at ``p``, its eigen-decomposition and quadratic-model numbers.

    Parameters
    ----------
    surface : Surface
        Any surface from :func:`surfaces.get`.
    p : array_like (2,)
        A finite point (x, y).

    Returns
    -------
    Curvature

    Raises
    ------
    TypeError
        If ``surface`` is not a Surface or ``p`` is not a point of numbers.
    ValueError
        If ``p`` has the wrong shape or is not finite, or the Hessian there is not finite.
    """
    if not isinstance(surface, Surface):
        raise TypeError(f"surface must be a Surface, got {type(surface).__name__}.")
    point = _finite_point(p, "p")
    hessian = surface.hessian(point)
    gradient = surface.gradient(point)
    if not (np.all(np.isfinite(hessian)) and np.all(np.isfinite(gradient))):
        raise ValueError(f"The derivatives of {surface.title} are not finite at p = {point}.")
    hessian = 0.5 * (hessian + hessian.T)
    eigenvalues, eigenvectors = np.linalg.eigh(hessian)
    eigenvectors = _signed_columns(eigenvectors)
    lam_min, lam_max = float(eigenvalues[0]), float(eigenvalues[1])

    magnitudes = np.sort(np.abs(eigenvalues))
    scale = max(1.0, float(magnitudes[1]))
    if magnitudes[0] <= SINGULAR_TOLERANCE * scale:
        condition_number = math.inf
    else:
        condition_number = float(magnitudes[1] / magnitudes[0])
    if magnitudes[0] <= DEGENERATE_TOLERANCE * scale:
        kind = "degenerate"
    elif lam_min > 0.0:
        kind = "minimum"
    elif lam_max < 0.0:
        kind = "maximum"
    else:
        kind = "saddle"

    model = dict.fromkeys(
        (
            "gd_stability_limit",
            "best_fixed_step",
            "best_fixed_rate",
            "momentum_lr",
            "momentum_beta",
            "momentum_rate",
        )
    )
    if lam_min > 0.0:
        # Written with λ rather than κ so that a huge κ gives a rate near 1, not inf/inf.
        root_min, root_max = math.sqrt(lam_min), math.sqrt(lam_max)
        momentum_rate = (root_max - root_min) / (root_max + root_min)
        model.update(
            gd_stability_limit=2.0 / lam_max,
            best_fixed_step=2.0 / (lam_min + lam_max),
            best_fixed_rate=(lam_max - lam_min) / (lam_max + lam_min),
            momentum_lr=(2.0 / (root_max + root_min)) ** 2,
            momentum_beta=momentum_rate**2,
            momentum_rate=momentum_rate,
        )

    # α* = gᵀg / gᵀHg = 1 / uᵀHu with u = g/‖g‖: the same number, but gᵀg overflows for a
    # finite g beyond 1e154 (a point far out on the Curvature page) and u never does.
    # A subnormal gradient has lost its direction to rounding (its components are multiples
    # of 5e-324): no line-search step then, as for g = 0.
    gradient_norm = float(np.hypot(gradient[0], gradient[1]))
    line_search_step = None
    if gradient_norm >= np.finfo(float).tiny:
        direction = gradient / gradient_norm
        with np.errstate(over="ignore"):
            along = float(direction @ hessian @ direction)
        if along > 0.0:
            line_search_step = 1.0 / along

    return Curvature(
        point=point,
        hessian=hessian,
        gradient=gradient,
        eigenvalues=eigenvalues,
        eigenvectors=eigenvectors,
        condition_number=condition_number,
        kind=kind,
        line_search_step=line_search_step,
        **model,
    )


def reference_curvature(surface: Surface, start=None) -> tuple[Curvature, str]:
    """The curvature a page quotes for a surface: at the minimizer nearest ``start``, or at
    ``start`` itself where the surface lists no minimizer.

    Parameters
    ----------
    surface : Surface
    start : array_like (2,), optional
        Defaults to ``surface.start``.

    Returns
    -------
    (Curvature, str)
        The curvature and where it was taken, e.g. ``'at the minimizer (1, 1)'`` or
        ``'at the start point (-1.5, 0.05)'``.
    """
    if not isinstance(surface, Surface):
        raise TypeError(f"surface must be a Surface, got {type(surface).__name__}.")
    start_point = _finite_point(surface.start if start is None else start, "start")
    if not surface.minima:
        where = "at the start point"
        point = start_point
    else:
        minima = np.asarray(surface.minima, dtype=float)
        point = minima[np.argmin(np.hypot(*(minima - start_point).T))]
        where = "at the minimizer"
    return curvature(surface, point), f"{where} ({point[0]:.3g}, {point[1]:.3g})"


def refine_stationary_point(surface: Surface, guess, steps: int = 8) -> tuple[float, float]:
    """Refine an approximate stationary point of ``surface`` to full double precision.

    Solves ∇f(p) = 0 with SciPy's hybrid root finder on the analytic gradient and Hessian, then
    polishes with Newton steps p ← p − H⁻¹∇f(p) while they shrink the gradient.

    Parameters
    ----------
    surface : Surface
    guess : array_like (2,)
        A published approximation, e.g. to 4–6 digits.
    steps : int
        At most this many Newton polishing steps.

    Returns
    -------
    (float, float)
    """
    point = _finite_point(guess, "guess")

    # The solver may try a non-finite point: use the unchecked derivatives (NaN, not an error).
    def gradient(q):
        return surface._gradient_at(np.asarray(q, dtype=float))

    def hessian(q):
        return surface._hessian_at(np.asarray(q, dtype=float))

    from scipy import optimize  # lazily: ~0.3 s to import, not needed for the first chart

    solution = optimize.root(gradient, point, jac=hessian, method="hybr", options={"xtol": 1e-15})
    if np.all(np.isfinite(solution.x)) and _norm(gradient(solution.x)) <= _norm(gradient(point)):
        point = solution.x
    for _ in range(steps):
        g = gradient(point)
        if not np.any(g):
            break
        candidate = point - np.linalg.solve(hessian(point), g)
        if not _norm(gradient(candidate)) < _norm(g):
            break
        point = candidate
    return float(point[0]), float(point[1])


def _norm(vector: np.ndarray) -> float:
    return float(np.hypot(vector[0], vector[1]))


def _finite_point(p, name: str) -> np.ndarray:
    point = as_point(p, name)
    if point.shape != (2,):
        raise ValueError(f"{name} must be one point of shape (2,), got shape {point.shape}.")
    if not np.all(np.isfinite(point)):
        raise ValueError(f"{name} must be finite, got {p!r}.")
    return point.copy()


def _finite_number(value, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}.")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    return number


def _signed_columns(vectors: np.ndarray) -> np.ndarray:
    """Flip each column so that its larger component (x on a tie) is positive."""
    signed = vectors.copy()
    for column in range(signed.shape[1]):
        x, y = signed[:, column]
        lead = x if abs(x) >= abs(y) else y
        if lead < 0.0:
            signed[:, column] = -signed[:, column]
    return signed
