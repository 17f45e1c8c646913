"""Words for the theory on the charts: the Playground's caption, the Convergence rates page."""

from __future__ import annotations

from optimizers.numbers import format_number
from optimizers.theory import RateCurve
from surfaces import Curvature, Surface

#: The κ sweep the Convergence rates page shows: 25 condition numbers from 1 to 1000, the
#: quadratic bowl's default start, ‖∇f‖ < 1e-8, and a budget GD at κ = 1000 (~13,000 steps)
#: stays well inside.
SWEEP_KAPPAS = tuple(float(f"{kappa:.4g}") for kappa in (10.0 ** (3.0 * i / 24) for i in range(25)))
SWEEP_RULES = ("gd", "momentum", "nesterov")
SWEEP_START = (-2.4, 1.6)
SWEEP_TOL = 1e-8
SWEEP_MAX_STEPS = 100_000


def condition_number(surface: Surface, curvature: Curvature | None) -> float | None:
    """The κ to mark on the sweep: the bowl's own parameter (exact, as the slider shows it),
    else the constant Hessian's κ of another quadratic; None off the quadratics."""
    if curvature is None:
        return None
    if surface.name == "quadratic":
        return float(surface.params["condition_number"])
    return float(curvature.condition_number)


def rate_caption(curve: RateCurve) -> str:
    """One line under the Playground's chart saying what the dashed loss curve is."""
    # r, not ρ: in this app ρ is RMSprop's decay (the glossary), r the factor per step.
    rho = f"r = {format_number(curve.rate)}"
    if curve.bound:
        text = (
            f"Dashed: the theory for this step, f(x_t) − f* ≤ r^(2t)·(f(x₀) − f*) with "
            f"{rho} = max|1 − ηλᵢ| over the Hessian's eigenvalues: on a quadratic, GD "
            "never does worse."
        )
    elif curve.optimum:
        text = (
            f"Dashed: the optimal heavy-ball rate ((√κ−1)/(√κ+1))^(2t), {rho}: the slope "
            "the loss settles to (asymptotic, not a bound at every step)."
        )
    else:
        text = (
            f"Dashed: the asymptotic rate r^(2t)·(f(x₀) − f*), {rho} the spectral radius "
            "of the momentum iteration's 2×2 matrix, largest over the eigenvalues: the "
            "slope the loss settles to, not a bound at every step."
        )
    if curve.rate >= 1.0:
        text += " r ≥ 1: this setting is outside the stability region, so the run cannot converge."
    return text


def slow_direction_sentence(curvature: Curvature | None, optimizer: str, lr: float) -> str:
    """Which eigen-direction is slow for gradient descent at this η, from the factors
    |1 − ηλᵢ| (the largest factor is the slow direction); "" off the quadratics or for
    other rules (their factors are not these).

    >>> import surfaces
    >>> c = surfaces.curvature(surfaces.get("quadratic", condition_number=10.0), (0, 0))
    >>> slow_direction_sentence(c, "gd", 0.195)[:60]
    'At η = 0.195 the error along v₁ (λ₁ = 1) is multiplied by 0.'
    """
    if curvature is None or optimizer != "gd":
        return ""
    factors = curvature.gd_factors(lr)
    low, high = curvature.eigenvalues
    text = (
        f"At η = {format_number(lr)} the error along v₁ (λ₁ = {format_number(low)}) is "
        f"multiplied by {format_number(1 - lr * low)} per step and along v₂ "
        f"(λ₂ = {format_number(high)}) by {format_number(1 - lr * high)}"
    )
    if max(factors) >= 1:
        grows = "v₂" if factors[1] >= 1 else "v₁"
        return (
            f"{text}: a factor of size {format_number(max(factors))} ≥ 1, so the error "
            f"along {grows} grows and the run diverges (η is past 2/λmax = "
            f"{format_number(2 / high)})."
        )
    if abs(factors[0] - factors[1]) <= 1e-12:
        return f"{text}: both shrink equally fast (η = 2/(λ₁ + λ₂), the best fixed step)."
    slow = "v₂, the steep direction" if factors[1] > factors[0] else "v₁, the flat direction"
    side = "above" if lr > 2 / (low + high) else "below"
    return (
        f"{text}: the slow one is {slow}, because η is {side} "
        f"2/(λ₁ + λ₂) = {format_number(2 / (low + high))}."
    )


def slopes_caption(sweep, current_kappa: float | None) -> str:
    """The fitted log–log slopes of the κ sweep against the laws, and where the sidebar's κ
    sits (a yellow line)."""
    text = (
        f"Fitted log–log slopes for κ ≥ 10: GD {sweep.slope('gd'):.2f}, heavy ball "
        f"{sweep.slope('momentum'):.2f}, Nesterov {sweep.slope('nesterov'):.2f} (the laws: 1 "
        "and ½; a little more, because the error that must shrink grows with κ and momentum's "
        "double root adds a factor t). Dashed and dotted: the κ and √κ laws through the κ = 10 "
        "points."
    )
    if current_kappa is not None:
        text += (
            f" Yellow line: the κ of the surface in the sidebar ({format_number(current_kappa)})."
        )
    return text
