r"""Figures of the convergence theory: a run's error along each eigenvector, and the κ sweep.

:func:`eigen_error_figure` splits the error x_t − x* of one run along the eigenvectors of the
Hessian at the minimizer: one curve |vᵢᵀ(x_t − x*)| per direction on a log axis, with the
linear theory dashed (see :func:`optimizers.theory.eigen_split`). On a quadratic, GD's curves
*are* the theory: each direction shrinks by |1 − ηλᵢ| per step, and the slow direction is the
one with the small eigenvalue.

:func:`condition_sweep_figure` draws the steps to converge against the condition number κ
(log–log) for GD at its best fixed step and heavy-ball and Nesterov momentum at their standard
tuning (:func:`optimizers.theory.condition_sweep`), next to the κ and √κ laws.

Pure Plotly; ``layout.meta["traces"]`` maps each role to its trace index.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import plotly.graph_objects as go

from optimizers.numbers import format_number, format_point
from optimizers.theory import SWEEP_TITLES, ConditionSweep, EigenSplit, eigen_split
from viz import theme

EIGEN_HEIGHT = 500
SWEEP_HEIGHT = 540
#: Colours of the directions (slow, fast) and of the sweep's rules.
DIRECTION_COLORS = (theme.PATH_COLORS[0], theme.PATH_COLORS[1])
#: Light tints of the direction colours for the theory's dashes: GD's theory lies exactly on
#: the measured curve, where dashes of the same colour would vanish into it.
THEORY_COLORS = ("#ffe0b8", "#c4f8ff")
RULE_COLORS = {
    "gd": theme.PATH_COLORS[0],
    "momentum": theme.PATH_COLORS[1],
    "nesterov": theme.PATH_COLORS[2],
}
LAW_COLOR = "#d9d9d9"
KAPPA_COLOR = theme.STEP_COLOR
_SUBSCRIPTS = "₁₂"


def eigen_error_figure(
    surface, trajectory, theory: bool = True, title: str | None = None, height: int = EIGEN_HEIGHT
) -> go.Figure:
    """|vᵢᵀ(x_t − x*)| against the step t, one curve per eigenvector of ∇²f(x*) (log y).

    Parameters
    ----------
    surface : Surface
        A quadratic (its minimizer and constant Hessian) or any surface that lists minimizers
        (the one nearest the run's end, and the Hessian there: a *local* picture).
    trajectory : Trajectory
    theory : bool
        Draw the linear theory dashed (GD exactly; momentum's asymptotic rates). Pass False
        for runs with noisy or mini-batch gradients.
    title : str, optional
    height : int

    Returns
    -------
    plotly.graph_objects.Figure
        ``meta["traces"]``: ``measured`` and ``theory`` (lists by direction, theory None when
        not drawn); ``meta["eigenvalues"]``, ``meta["minimizer"]``, ``meta["local"]``.

    Raises
    ------
    ValueError
        If the surface lists no minimizer.
    """
    split = eigen_split(surface, trajectory, theory=theory)
    fig = go.Figure()
    roles: dict[str, object] = {"measured": [], "theory": None}
    factors = split.rates if split.rates is not None else measured_factors(split.errors)
    labels = direction_labels(split.eigenvalues, factors)
    steps = trajectory.steps
    for i in range(2):
        fig.add_trace(
            go.Scatter(
                x0=0,
                dx=1,
                y=split.errors[:, i],
                mode="lines",
                line={"color": DIRECTION_COLORS[i], "width": 4},
                name=labels[i],
                legendgroup=f"direction{i}",
                hovertemplate=f"{labels[i]}<br>step %{{x}}<br>|v{_SUBSCRIPTS[i]}ᵀ(x − x*)| = "
                "%{y:.4g}<extra></extra>",
            )
        )
        roles["measured"].append(len(fig.data) - 1)
    if split.theory is not None:
        roles["theory"] = []
        for i in range(2):
            name = theory_label(split, i, trajectory.optimizer.decay)
            fig.add_trace(
                go.Scatter(
                    x0=0,
                    dx=1,
                    y=split.theory[:, i],
                    mode="lines",
                    line={"color": THEORY_COLORS[i], "width": 2.5, "dash": "dash"},
                    opacity=0.9,
                    name=name,
                    legendgroup=f"direction{i}",
                    hovertemplate=f"{name} · |e{_SUBSCRIPTS[i]}(0)|<br>step %{{x}}<br>"
                    "%{y:.4g}<extra></extra>",
                )
            )
            roles["theory"].append(len(fig.data) - 1)

    if title is None:
        title = "Error along the Hessian's eigenvectors"
        if split.local:  # shorter: the title must fit a half-width chart
            x, y = split.minimizer
            title = f"Error by eigen-direction (local, at x* = {format_point((x, y))})"
    # Grouped by direction, the legend stacks each direction's curve over its theory line.
    rows = 2 if split.theory is not None else 1
    theme.apply_theme(fig, title=title, height=height, legend_rows=rows)
    fig.update_layout(
        margin={"b": 70},
        hovermode="closest",
        legend={"tracegroupgap": 4},
        meta={
            "traces": roles,
            "eigenvalues": split.eigenvalues.tolist(),
            "minimizer": split.minimizer.tolist(),
            "local": split.local,
        },
    )
    fig.update_xaxes(
        title={"text": "step t", "standoff": 4}, range=[-0.02 * max(steps, 1), 1.02 * max(steps, 1)]
    )
    fig.update_yaxes(
        type="log",
        title={"text": "|vᵢᵀ(x<sub>t</sub> − x*)|", "standoff": 4},
        range=_log_range(split.errors),
        tick0=0,
        dtick=_decade_tick(split.errors),
    )
    return fig


def direction_labels(eigenvalues, factors=None) -> list[str]:
    """'slow: v₁ (λ₁ = 1)', 'fast: v₂ (λ₂ = 25)': slow is the direction whose error shrinks least
    per step, chosen from ``factors`` (the error's factor per step along each direction, e.g.
    |1 − ηλᵢ| for GD), not from the eigenvalue order. Once η > 2/(λmin + λmax) the steep
    direction is the slow one (κ = 10, η = 0.195: |1 − 10η| = 0.95 against |1 − η| = 0.805).
    A factor ≥ 1 is labelled 'grows'; no word when the factors (or, without factors, the
    eigenvalues) are equal.
    """
    values = [float(value) for value in eigenvalues]
    words = ["", ""]
    if factors is not None:
        rates = [float(rate) for rate in factors]
        if all(math.isfinite(rate) for rate in rates) and not math.isclose(
            rates[0], rates[1], rel_tol=1e-6, abs_tol=1e-12
        ):
            slow = int(rates[1] > rates[0])
            words[slow], words[1 - slow] = "slow: ", "fast: "
        for i, rate in enumerate(rates):
            if math.isfinite(rate) and rate >= 1.0:
                words[i] = "grows: "
    return [
        f"{words[i]}v{_SUBSCRIPTS[i]} (λ{_SUBSCRIPTS[i]} = {format_number(value)})"
        for i, value in enumerate(values)
    ]


def measured_factors(errors: np.ndarray) -> np.ndarray | None:
    """The error's mean factor per step along each direction, (|eᵢ(t)| / |eᵢ(0)|)^(1/t), over the
    steps where both ends are positive and finite; None when there is nothing to measure."""
    errors = np.asarray(errors, dtype=float)
    if errors.shape[0] < 2:
        return None
    factors = []
    for column in errors.T:
        good = np.flatnonzero(np.isfinite(column) & (column > 0))
        if good.size < 2 or good[-1] == good[0]:
            return None
        factors.append((column[good[-1]] / column[good[0]]) ** (1.0 / (good[-1] - good[0])))
    return np.array(factors)


def theory_label(split: EigenSplit, index: int, decay: float = 0.0) -> str:
    """The legend entry of direction ``index``'s theory line (short: two directions' entries
    side by side must fit above the plot)."""
    sub = _SUBSCRIPTS[index]
    rate = float(split.rates[index])
    if split.exact:
        if decay:
            return f"theory ∏|1−η<sub>k</sub>λ{sub}|"
        return f"theory |1−ηλ{sub}|ᵗ = {format_number(rate)}ᵗ"
    return f"rate r{sub}ᵗ = {format_number(rate)}ᵗ"


def condition_sweep_figure(
    data: ConditionSweep,
    current_kappa: float | None = None,
    anchor: float = 10.0,
    title: str | None = None,
    height: int = SWEEP_HEIGHT,
) -> go.Figure:
    """Steps to converge against κ (log–log), one curve per rule, with the κ and √κ laws.

    The laws are c·κ (through GD's point at the first κ ≥ ``anchor``) and c·√κ (through heavy
    ball's): on a round bowl every rule needs one step, and the power laws describe the
    counts from κ ≈ 10 on. ``current_kappa`` (the κ of the page's surface) is drawn as a
    vertical line.

    Returns
    -------
    plotly.graph_objects.Figure
        ``meta["traces"]``: ``steps`` (by rule, in ``data.names`` order), ``kappa_law``,
        ``sqrt_law`` (None without GD / heavy ball in the data) and ``current`` (or None).
    """
    fig = go.Figure()
    roles: dict[str, object] = {"steps": [], "kappa_law": None, "sqrt_law": None, "current": None}
    kappas = data.kappas
    for name in data.names:
        steps = data.row(name)
        rule_title = SWEEP_TITLES.get(name, name)
        fig.add_trace(
            go.Scatter(
                x=kappas,
                y=steps,
                mode="lines+markers",
                line={"color": RULE_COLORS.get(name, theme.PATH_COLORS[3]), "width": 3},
                marker={"size": 8, "line": {"color": theme.OUTLINE_COLOR, "width": 1}},
                name=rule_title,
                hovertemplate=f"{rule_title}<br>κ = %{{x:.4g}}<br>%{{y:d}} steps<extra></extra>",
            )
        )
        roles["steps"].append(len(fig.data) - 1)
    for role, power, rule, name in (
        ("kappa_law", 1.0, "gd", "∝ κ: ≈ κ/2·ln(1/ε) steps"),
        ("sqrt_law", 0.5, "momentum", "∝ √κ: ≈ √κ/2·ln(1/ε) steps"),
    ):
        if rule not in data.names:
            continue
        fig.add_trace(
            go.Scatter(
                x=kappas,
                y=data.law(power, rule, anchor),
                mode="lines",
                line={"color": LAW_COLOR, "width": 2, "dash": "dash" if power == 1.0 else "dot"},
                name=name,
                hovertemplate=f"{name}<br>κ = %{{x:.4g}}<br>%{{y:.4g}}<extra></extra>",
            )
        )
        roles[role] = len(fig.data) - 1
    finite = data.steps[np.isfinite(data.steps) & (data.steps > 0)]
    low = float(finite.min()) if finite.size else 1.0
    high = float(finite.max()) if finite.size else 10.0
    y_range = [math.log10(low) - 0.15, math.log10(high) + 0.15]
    if current_kappa is not None and math.isfinite(current_kappa) and current_kappa >= 1.0:
        fig.add_trace(
            go.Scatter(
                x=[current_kappa, current_kappa],
                y=[10 ** y_range[0], 10 ** y_range[1]],
                mode="lines",
                line={"color": KAPPA_COLOR, "width": 2, "dash": "dashdot"},
                name=f"your surface: κ = {format_number(current_kappa)}",
                hovertemplate=(
                    f"κ of the sidebar's surface: {format_number(current_kappa)}<extra></extra>"
                ),
            )
        )
        roles["current"] = len(fig.data) - 1
    if title is None:
        title = f"Steps to ‖∇f‖ < {format_number(data.tol)} on the quadratic bowl"
    theme.apply_theme(fig, title=title, height=height, legend_rows=0)
    # Inside the plot, top left: the curves rise from the lower left, so that corner is empty,
    # and six long entries in a band above the plot would take a third of the figure.
    fig.update_layout(
        legend={
            "x": 0.01,
            "y": 0.99,
            "xref": "paper",
            "yref": "paper",
            "xanchor": "left",
            "yanchor": "top",
            "orientation": "v",
            "bgcolor": "rgba(34, 37, 45, 0.88)",
            "bordercolor": "rgba(255, 255, 255, 0.25)",
            "borderwidth": 1,
        }
    )
    fig.update_layout(
        margin={"b": 70}, hovermode="closest", meta={"traces": roles, "kappas": kappas.tolist()}
    )
    x_low, x_high = math.log10(kappas.min()), math.log10(kappas.max())
    fig.update_xaxes(
        type="log",
        title={"text": "condition number κ = λmax/λmin", "standoff": 4},
        range=[x_low - 0.05, x_high + 0.05],
    )
    fig.update_yaxes(type="log", title={"text": "steps to converge", "standoff": 4}, range=y_range)
    return fig


def _log_range(values: np.ndarray, window: int = 5) -> list[float]:
    """A log axis range over the positive values, padded 4 %; the low end ignores isolated
    dips (a momentum run's error crosses zero now and then, and one 1e-16 would squash the
    plot): it is the lowest value of the running maximum over the next ``window`` steps."""
    finite = np.where(np.isfinite(values) & (values > 0), values, np.nan)
    if not np.any(np.isfinite(finite)):
        return [-1.0, 1.0]
    high = math.log10(float(np.nanmax(finite)))
    ahead = np.lib.stride_tricks.sliding_window_view(
        np.concatenate([finite, np.full((window - 1, finite.shape[1]), np.nan)]), window, axis=0
    )
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows
        envelope = np.nanmax(ahead, axis=-1)
    low = math.log10(float(np.nanmin(envelope)))
    span = max(high - low, 1.0)
    pad = 0.04 * span + 0.5 * (span - (high - low))
    return [low - pad, high + pad]


def _decade_tick(values: np.ndarray) -> int | str:
    """A tick every power of ten (every 2nd, 3rd … for at most 8), or 1-2-5 under 2 decades."""
    low, high = _log_range(values)
    return max(1, math.ceil((high - low) / 8)) if high - low >= 2 else "D2"
