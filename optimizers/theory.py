r"""Convergence rates on a quadratic: what the linear theory predicts for GD and momentum.

On f(x) = f* + ½ (x − x*)ᵀ H (x − x*) with H = V diag(λ₁, λ₂) Vᵀ positive definite, the
gradient is H (x − x*), so each fixed-step rule is a linear recurrence that splits into one
small recurrence per eigen-direction: with e = vᵢᵀ(x − x*) and u = vᵢᵀv (the velocity)

.. math::
    \text{GD:}\quad e_{t+1} = (1 - \eta\lambda)\, e_t

    \text{heavy ball:}\quad \begin{pmatrix} e \\ u \end{pmatrix}_{t+1} =
    \begin{pmatrix} 1-\eta\lambda & -\eta\beta \\ \lambda & \beta \end{pmatrix}
    \begin{pmatrix} e \\ u \end{pmatrix}_t

    \text{Nesterov:}\quad \begin{pmatrix} e \\ u \end{pmatrix}_{t+1} =
    \begin{pmatrix} 1-\eta\lambda(1+\beta) & -\eta\beta^2 \\ \lambda & \beta \end{pmatrix}
    \begin{pmatrix} e \\ u \end{pmatrix}_t

starting from u₀ = 0 (the update rules of :mod:`optimizers.momentum` and
:mod:`optimizers.nesterov`: v' = βv + g, then x' = x − ηv' or x' = x − η(g + βv')). The
heavy-ball matrix is similar to the textbook [[1+β−ηλ, −β], [1, 0]] acting on (e_t, e_{t−1});
Nesterov's to [[(1+β)(1−ηλ), −β(1−ηλ)], [1, 0]]. GD is heavy ball with β = 0.

The *rate* of a rule is the largest spectral radius ρ over the eigenvalues: the error shrinks
like ρᵗ and the loss gap f(x_t) − f* like ρ^{2t}. For GD that is ρ = maxᵢ |1 − ηλᵢ| and

.. math:: f(x_t) - f^* \le \rho^{2t}\,\big(f(x_0) - f^*\big) \quad\text{for every } t,

because f − f* = ½ Σᵢ λᵢ eᵢ² and every eᵢ shrinks by at least ρ per step. For momentum the
rate is asymptotic: complex or repeated eigenvalues of the 2×2 matrix allow transient growth
(at the optimal pair a double root gives t·ρᵗ), so ρ^{2t} is the slope of the loss on a log
axis, not a bound at every step. ρ < 1 exactly inside the stability regions of DESIGN.md:
0 < η < 2/λmax for GD, 0 ≤ β < 1 and 0 < η < 2(1+β)/λmax for heavy ball, and
0 < η < 2(1+β)/((1+2β)λmax) for Nesterov.

>>> round(linear_rate([1.0, 10.0], "gd", {"lr": 2 / 11}), 6)   # (κ − 1)/(κ + 1)
0.818182
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

import optimizers
import surfaces
from surfaces.base import Surface

#: The rules with a fixed step and no adaptive scaling: linear recurrences on a quadratic.
LINEAR_RULES = ("gd", "momentum", "nesterov")
#: A (η, β) pair this close (relative) to the optimal heavy-ball pair counts as the optimum.
OPTIMUM_TOLERANCE = 1e-6
#: Labels of the theoretical loss curve (Plotly legend text: <sup> for the exponent).
GD_LABEL = "theory: max|1−ηλᵢ|<sup>2t</sup>"
MOMENTUM_LABEL = "theory (asymptotic rate): ρ(η,β)<sup>2t</sup>"
OPTIMUM_LABEL = "theory (asymptotic rate): ((√κ−1)/(√κ+1))<sup>2t</sup>"


# --------------------------------------------------------------------------------------------
# the iteration and its rate
# --------------------------------------------------------------------------------------------
def iteration_matrices(name: str, eigenvalues, lr: float, momentum: float = 0.0) -> np.ndarray:
    """The 2×2 matrix of rule ``name`` on the state (e, u) of each eigen-direction.

    Parameters
    ----------
    name : str
        ``'gd'``, ``'momentum'`` or ``'nesterov'``.
    eigenvalues : array_like (n,)
        The Hessian's eigenvalues λᵢ.
    lr : float
        η.
    momentum : float
        β (ignored for GD).

    Returns
    -------
    ndarray (n, 2, 2)
        Mᵢ with (e, u)_{t+1} = Mᵢ (e, u)_t; see the module notes.
    """
    lam = np.asarray(eigenvalues, dtype=float).reshape(-1)
    beta = 0.0 if name == "gd" else float(momentum)
    step = lr * lam
    matrices = np.empty((lam.size, 2, 2))
    if name in ("gd", "momentum"):
        matrices[:, 0, 0] = 1.0 - step
        matrices[:, 0, 1] = -lr * beta
    elif name == "nesterov":
        matrices[:, 0, 0] = 1.0 - step * (1.0 + beta)
        matrices[:, 0, 1] = -lr * beta * beta
    else:
        raise ValueError(f"{name!r} is not a linear rule; choose one of {list(LINEAR_RULES)}.")
    matrices[:, 1, 0] = lam
    matrices[:, 1, 1] = beta
    return matrices


def spectral_radii(matrices: np.ndarray) -> np.ndarray:
    """max |z| over the eigenvalues z of each 2×2 matrix, from z² − Tz + D = 0."""
    trace = matrices[:, 0, 0] + matrices[:, 1, 1]
    det = matrices[:, 0, 0] * matrices[:, 1, 1] - matrices[:, 0, 1] * matrices[:, 1, 0]
    disc = trace * trace - 4.0 * det
    root = np.sqrt(np.abs(disc))
    real = 0.5 * np.maximum(np.abs(trace + root), np.abs(trace - root))
    # Complex pair: |z|² = D.
    return np.where(disc >= 0.0, real, np.sqrt(np.abs(det)))


def linear_rate(eigenvalues, name: str, hyperparameters: Mapping) -> float | None:
    r"""The asymptotic rate ρ of rule ``name`` on a quadratic with these Hessian eigenvalues.

    .. math:: \rho = \max_i \operatorname{spectral\ radius}\big(M(\lambda_i)\big)

    which is maxᵢ |1 − ηλᵢ| for GD. The error shrinks like ρᵗ, the loss gap like ρ^{2t};
    ρ ≥ 1 means the run does not converge.

    Parameters
    ----------
    eigenvalues : array_like
        The Hessian's eigenvalues (any sign: the rate is defined, but only a positive definite
        Hessian has a minimum to converge to).
    name : str
        A rule from :func:`optimizers.names`.
    hyperparameters : mapping
        ``lr`` and, for momentum and Nesterov, ``momentum`` (default 0.9, as the rules).

    Returns
    -------
    float or None
        ``None`` for rules that are not linear recurrences (Adagrad, RMSprop, Adam, Newton).
    """
    if name not in LINEAR_RULES:
        return None
    lam = np.asarray(eigenvalues, dtype=float).reshape(-1)
    if lam.size == 0 or not np.all(np.isfinite(lam)):
        raise ValueError(f"eigenvalues must be finite numbers, got {eigenvalues!r}.")
    lr = float(hyperparameters["lr"])
    beta = float(hyperparameters.get("momentum", 0.9)) if name != "gd" else 0.0
    return float(spectral_radii(iteration_matrices(name, lam, lr, beta)).max())


def is_optimal_momentum(eigenvalues, lr: float, momentum: float) -> bool:
    """True when (lr, momentum) is the optimal heavy-ball pair for these eigenvalues
    (η* = (2/(√λmax + √λmin))², β* = ((√κ − 1)/(√κ + 1))², within 1e-6 relative)."""
    lam = np.sort(np.asarray(eigenvalues, dtype=float).reshape(-1))
    if lam[0] <= 0.0:
        return False
    low, high = math.sqrt(lam[0]), math.sqrt(lam[-1])
    best_lr = (2.0 / (high + low)) ** 2
    best_beta = ((high - low) / (high + low)) ** 2
    return math.isclose(lr, best_lr, rel_tol=OPTIMUM_TOLERANCE) and math.isclose(
        momentum, best_beta, rel_tol=OPTIMUM_TOLERANCE, abs_tol=OPTIMUM_TOLERANCE
    )


def theoretical_loss_curve(rate: float, initial_gap: float, steps: int) -> np.ndarray:
    """ρ^{2t}·(f(x₀) − f*) for t = 0 … ``steps`` (the gap above f*, not the loss)."""
    t = np.arange(int(steps) + 1, dtype=float)
    with np.errstate(over="ignore", under="ignore"):
        return initial_gap * np.power(float(rate), 2.0 * t)


# --------------------------------------------------------------------------------------------
# the curve the Playground draws
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class RateCurve:
    """The theory's loss curve f* + ρ^{2t}(f(x₀) − f*) of one run, ready to draw.

    Attributes
    ----------
    losses : ndarray (steps + 1,)
        The predicted loss at t = 0 … steps.
    rate : float
        ρ per step (the error's factor; the loss gap's is ρ²).
    label : str
        The legend entry.
    bound : bool
        True for GD (a bound at every step), False for momentum (an asymptotic rate).
    optimum : bool
        True at the optimal heavy-ball pair, whose rate is (√κ − 1)/(√κ + 1).
    """

    losses: np.ndarray
    rate: float
    label: str
    bound: bool
    optimum: bool = False


def quadratic_curvature(surface: Surface) -> surfaces.Curvature | None:
    """The (constant) Hessian of a quadratic surface at its minimizer, if positive definite."""
    if not surface.is_quadratic or not surface.minima:
        return None
    curvature = surfaces.curvature(surface, surface.minima[0])
    return curvature if curvature.lambda_min > 0.0 else None


def rate_curve(surface: Surface, optimizer: optimizers.Optimizer, x0, steps: int):
    """The theoretical loss curve of ``optimizer`` from ``x0`` on a quadratic ``surface``.

    Parameters
    ----------
    surface : Surface
        Theory applies when ``surface.is_quadratic`` and its Hessian is positive definite.
    optimizer : Optimizer
        GD, heavy-ball momentum or Nesterov without decay, clipping or weight decay.
    x0 : (2,) sequence of float
        The start point.
    steps : int
        The curve covers t = 0 … steps.

    Returns
    -------
    RateCurve or None
        ``None`` where the theory does not apply (other surfaces or rules, options set).
        The caller also knows whether the gradient was exact: with noise or mini-batches
        the curve is the noiseless expectation at best, so do not draw it.
    """
    curvature = quadratic_curvature(surface)
    if curvature is None or optimizer.name not in LINEAR_RULES:
        return None
    if optimizer.decay or optimizer.clip is not None or optimizer.weight_decay:
        return None
    hyper = optimizer.hyperparameters
    rate = linear_rate(curvature.eigenvalues, optimizer.name, hyper)
    minimum = float(surface.value(np.asarray(surface.minima[0], dtype=float)))
    gap = float(surface.value(np.asarray(x0, dtype=float))) - minimum
    gap_curve = theoretical_loss_curve(rate, max(gap, 0.0), steps)
    optimum = optimizer.name == "momentum" and is_optimal_momentum(
        curvature.eigenvalues, hyper["lr"], hyper["momentum"]
    )
    if optimizer.name == "gd":
        label = GD_LABEL
    else:
        label = OPTIMUM_LABEL if optimum else MOMENTUM_LABEL
    with np.errstate(over="ignore"):
        losses = minimum + gap_curve
    return RateCurve(losses, rate, label, bound=optimizer.name == "gd", optimum=optimum)


# --------------------------------------------------------------------------------------------
# the error along each eigenvector
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class EigenSplit:
    """A run's error split along the eigenvectors of the Hessian at a minimizer.

    Attributes
    ----------
    minimizer : ndarray (2,)
        x*, the minimizer the error is measured from.
    eigenvalues : ndarray (2,)
        λ₁ ≤ λ₂ of ∇²f(x*).
    eigenvectors : ndarray (2, 2)
        v₁, v₂ as columns.
    errors : ndarray (steps + 1, 2)
        |vᵢᵀ(x_t − x*)|: column i for direction i.
    theory : ndarray (steps + 1, 2) or None
        The linear theory for each direction (see :func:`eigen_split`); None where it does
        not apply.
    rates : ndarray (2,) or None
        The factor per step of each direction: |1 − ηλᵢ| for GD (at its first learning rate),
        the spectral radius ρᵢ for momentum; None with the theory.
    exact : bool
        True when the theory is the exact linear recurrence (GD); False for momentum, whose
        lines are the asymptotic rates ρᵢᵗ|vᵢᵀ(x₀ − x*)|.
    local : bool
        True when the surface is not quadratic: the Hessian only describes it near x*.
    """

    minimizer: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    errors: np.ndarray
    theory: np.ndarray | None
    rates: np.ndarray | None
    exact: bool
    local: bool


def eigen_split(surface: Surface, trajectory: optimizers.Trajectory, theory: bool = True):
    r"""|vᵢᵀ(x_t − x*)| for each eigenvector vᵢ of ∇²f(x*), and the linear theory's lines.

    x* is the surface's minimizer (for a quadratic) or the listed minimizer nearest the run's
    last point (``local``: the Hessian there describes the surface only nearby). The theory:

    - GD: :math:`\prod_{k<t} |1 - \eta_k\lambda_i| \cdot |v_i^\top(x_0 - x^*)|` (η_k the run's
      learning rates, so a decay schedule is included); exact on a quadratic.
    - Heavy ball, Nesterov (constant η): :math:`\rho_i^t\,|v_i^\top(x_0 - x^*)|` with ρᵢ the
      spectral radius of the direction's 2×2 matrix: the slope the error settles to.
    - Nothing for the adaptive rules and Newton, with clipping or weight decay, or when
      ``theory`` is False (the caller's choice for noisy or mini-batch gradients).

    Returns
    -------
    EigenSplit

    Raises
    ------
    ValueError
        If the surface lists no minimizer.
    """
    minimizer = surface.nearest_minimizer(trajectory.points[-1])
    if minimizer is None:
        raise ValueError(f"The {surface.title} surface has no minimizer to measure errors from.")
    curvature = surfaces.curvature(surface, minimizer)
    vectors = curvature.eigenvectors
    errors = np.abs((trajectory.points - minimizer) @ vectors)
    optimizer = trajectory.optimizer
    lines, radii, exact = None, None, False
    applies = (
        theory
        and optimizer.name in LINEAR_RULES
        and optimizer.clip is None
        and not optimizer.weight_decay
        and (optimizer.name == "gd" or not optimizer.decay)
    )
    if applies:
        start = errors[0]
        if optimizer.name == "gd":
            with np.errstate(over="ignore", under="ignore"):
                factors = np.abs(1.0 - np.outer(trajectory.lrs, curvature.eigenvalues))
                lines = start * np.vstack([np.ones((1, 2)), np.cumprod(factors, axis=0)])
            radii = np.abs(1.0 - optimizer.lr * curvature.eigenvalues)
            exact = True
        else:
            hyper = optimizer.hyperparameters
            radii = spectral_radii(
                iteration_matrices(
                    optimizer.name, curvature.eigenvalues, hyper["lr"], hyper["momentum"]
                )
            )
            t = np.arange(trajectory.steps + 1, dtype=float)[:, None]
            with np.errstate(over="ignore", under="ignore"):
                lines = start * np.power(radii[None, :], t)
    return EigenSplit(
        minimizer,
        curvature.eigenvalues.copy(),
        vectors.copy(),
        errors,
        lines,
        radii,
        exact,
        local=not surface.is_quadratic,
    )


# --------------------------------------------------------------------------------------------
# steps to converge against the condition number
# --------------------------------------------------------------------------------------------
#: The rules of the κ sweep and their standard tuning on a quadratic with λ ∈ [1, κ].
SWEEP_RULES = ("gd", "momentum", "nesterov")
SWEEP_TITLES = {
    "gd": "GD, η = 2/(λmin+λmax)",
    "momentum": "heavy ball, optimal (η*, β*)",
    "nesterov": "Nesterov, η = 1/λmax, β = (√κ−1)/(√κ+1)",
}


@dataclass(frozen=True, eq=False)
class ConditionSweep:
    """Steps to converge on the quadratic bowl for each condition number and rule.

    Attributes
    ----------
    kappas : ndarray (n,)
        The condition numbers (λmin = 1, λmax = κ).
    names : tuple of str
        The rules, in the order of ``steps``' rows.
    steps : ndarray of float (len(names), n)
        Steps to reach ‖∇f‖ < tol; NaN where the budget ran out.
    rates : ndarray (len(names), n)
        The theory's ρ of each rule at its tuning (:func:`linear_rate`).
    settings : tuple of tuple of dict
        The hyperparameters used, ``settings[i][j]`` for rule i at κⱼ.
    x0 : (float, float)
    tol : float
    max_steps : int
    angle : float
        The valley's angle (degrees); the start point's share of each direction depends on it.
    """

    kappas: np.ndarray
    names: tuple
    steps: np.ndarray
    rates: np.ndarray
    settings: tuple
    x0: tuple
    tol: float
    max_steps: int
    angle: float

    def row(self, name: str) -> np.ndarray:
        """The steps of rule ``name``, one per κ."""
        return self.steps[self.names.index(name)]

    def slope(self, name: str, min_kappa: float = 10.0) -> float:
        """The fitted log–log slope of rule ``name``'s steps over κ ≥ ``min_kappa``: about
        1 for GD (steps ∝ κ), about ½ for momentum (steps ∝ √κ); NaN with under 2 points."""
        steps = self.row(name)
        usable = np.isfinite(steps) & (steps > 0) & (self.kappas >= min_kappa)
        if np.count_nonzero(usable) < 2:
            return math.nan
        return float(np.polyfit(np.log(self.kappas[usable]), np.log(steps[usable]), 1)[0])

    def law(self, power: float, name: str, anchor: float = 10.0) -> np.ndarray:
        """c·κ^power through this rule's point at the first κ ≥ ``anchor`` (its first
        converged point if none): the κ law (power 1) or the √κ law (power ½).

        On a round bowl (κ = 1) every rule here lands in one step, which no power law of
        the asymptotic regime passes through; from κ ≈ 10 on the laws describe the counts.
        """
        steps = self.row(name)
        usable = np.flatnonzero(np.isfinite(steps) & (self.kappas >= anchor))
        if usable.size == 0:
            usable = np.flatnonzero(np.isfinite(steps))
        if usable.size == 0:
            return np.full(self.kappas.shape, np.nan)
        first = usable[0]
        return steps[first] * (self.kappas / self.kappas[first]) ** power


def tuned_hyperparameters(name: str, kappa: float) -> tuple[str, dict]:
    """The rule that actually runs and its hyperparameters on the bowl with λ ∈ [1, κ].

    GD: η = 2/(1 + κ). Heavy ball: η = (2/(√κ + 1))², β = ((√κ − 1)/(√κ + 1))². Nesterov:
    η = 1/κ, β = (√κ − 1)/(√κ + 1); at κ = 1 that β is 0, which the Nesterov rule refuses
    (it is plain GD then), so GD with η = 1 runs instead.
    """
    root = math.sqrt(kappa)
    if name == "gd":
        return "gd", {"lr": 2.0 / (1.0 + kappa)}
    if name == "momentum":
        return "momentum", {
            "lr": (2.0 / (root + 1.0)) ** 2,
            "momentum": ((root - 1.0) / (root + 1.0)) ** 2,
        }
    if name == "nesterov":
        beta = (root - 1.0) / (root + 1.0)
        if beta <= 0.0:
            return "gd", {"lr": 1.0 / kappa}
        return "nesterov", {"lr": 1.0 / kappa, "momentum": beta}
    raise ValueError(f"The κ sweep runs {list(SWEEP_RULES)}, not {name!r}.")


def condition_sweep(
    kappas: Sequence[float],
    names: Sequence[str] = SWEEP_RULES,
    x0=(-2.4, 1.6),
    tol: float = 1e-8,
    max_steps: int = 100_000,
    angle: float = 30.0,
) -> ConditionSweep:
    """Steps to converge against the condition number κ for GD and momentum at their tuning.

    For each κ the quadratic bowl ``surfaces.get("quadratic", condition_number=κ,
    angle=angle)`` (eigenvalues 1 and κ) and each rule at its standard setting
    (:func:`tuned_hyperparameters`) run from ``x0`` until ‖∇f‖ < ``tol``. Each κ is its own
    surface, so this is one run per (rule, κ): the runner's plain-float loop does the
    ~50,000 steps of 25 κ up to 1000 in about a third of a second, where a one-cell
    :func:`optimizers.sweep` per κ would pay NumPy's overhead on every step. (A cell of the
    sweep agrees with the run of its settings.)

    Theory: the rates are (κ − 1)/(κ + 1) for GD and (√κ − 1)/(√κ + 1) for heavy ball, so
    the steps to shrink the error by ε grow like κ/2·ln(1/ε) and √κ/2·ln(1/ε).

    Returns
    -------
    ConditionSweep
    """
    kappas = np.asarray(kappas, dtype=float).reshape(-1)
    if kappas.size == 0 or not np.all(np.isfinite(kappas)) or np.any(kappas < 1.0):
        raise ValueError(f"kappas must be finite condition numbers ≥ 1, got {kappas!r}.")
    names = tuple(names)
    steps = np.full((len(names), kappas.size), np.nan)
    rates = np.full((len(names), kappas.size), np.nan)
    settings = []
    for i, name in enumerate(names):
        row = []
        for j, kappa in enumerate(kappas.tolist()):
            surface = surfaces.get("quadratic", condition_number=kappa, angle=float(angle))
            rule, hyper = tuned_hyperparameters(name, kappa)
            row.append({"rule": rule, **hyper})
            run = optimizers.run(
                surface, optimizers.get(rule, **hyper), x0=x0, steps=int(max_steps), tol=tol
            )
            if run.status == "converged":
                steps[i, j] = run.steps
            rates[i, j] = linear_rate([1.0, kappa], rule, hyper)
        settings.append(tuple(row))
    return ConditionSweep(
        kappas,
        names,
        steps,
        rates,
        tuple(settings),
        (float(x0[0]), float(x0[1])),
        float(tol),
        int(max_steps),
        float(angle),
    )
