r"""The phase diagram: how many steps a rule needs, over learning rate × momentum.

For one surface, start point and step budget, :func:`optimizers.sweep` runs every cell of a
grid of learning rates η (log-spaced, the learning-rate slider's own stops) and momentum
coefficients β (the momentum slider's own stops, 0.01 apart) at once. :func:`map_figure`
colours each cell by the steps it took to reach ‖∇f‖ < tol, dark red where the run diverged
and grey where it was still running at the end. On a quadratic f(p) = ½ pᵀHp with
eigenvalues λmin ≤ λmax the edge of the diverged region is known exactly:

.. math::
    \text{GD: } \eta < \frac{2}{\lambda_{max}}, \qquad
    \text{heavy ball: } \eta < \frac{2(1+\beta)}{\lambda_{max}}, \qquad
    \text{Nesterov: } \eta < \frac{2(1+\beta)}{(1+2\beta)\,\lambda_{max}},

and the fastest heavy-ball pair is :math:`\eta^* = \big(2/(\sqrt{\lambda_{max}} +
\sqrt{\lambda_{min}})\big)^2`, :math:`\beta^* = \big((\sqrt\kappa-1)/(\sqrt\kappa+1)\big)^2`,
with rate :math:`(\sqrt\kappa-1)/(\sqrt\kappa+1)` per step (κ = λmax/λmin). :func:`slice_figure`
is one row of the map in full resolution (the "choose your learning rate" picture), and
:func:`run_figure` the path of one setting on the surface.

Gradient descent has no second knob, so it gets the slice only (its map would be the β = 0 row
of heavy-ball momentum's). Adam's map has β₁ on the y-axis and RMSprop's ρ; adaptive rules
divide the step by a running gradient scale, so the limits above do not apply to them.

Everything here is pure (NumPy and Plotly): the Streamlit page caches the sweeps.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

import optimizers
from optimizers.numbers import format_number
from surfaces.curvature import Curvature
from viz import theme
from viz.dict_figure import merge
from viz.layers import SurfaceLayers, surface_parts
from viz.minima import shown_minima

#: The rules the page offers, in the picker's order; the hyperparameter on the map's y-axis.
OPTIMIZERS = ("momentum", "nesterov", "adam", "rmsprop", "gd")
Y_AXES = {"momentum": "momentum", "nesterov": "momentum", "adam": "b1", "rmsprop": "rho"}
Y_LABELS = {"momentum": "momentum β", "b1": "β₁ (Adam)", "rho": "ρ (RMSprop)"}
#: Rules with a fixed step η, whose stability limit on a quadratic is a multiple of 1/λmax.
FIXED_STEP_RULES = ("gd", "momentum", "nesterov")
#: The y-axis: the momentum slider's stops, 0 (or 0.01 where 0 is not allowed) … 0.99.
Y_STEP, Y_HIGH = 0.01, 0.99
#: The learning rates shown, in decades around the anchor (2/λmax, or an adaptive rule's
#: suggested rate): far enough down that the slow region shows, up past every limit.
LR_DECADES = {"fixed": (-2.5, 0.5), "adaptive": (-1.5, 2.0)}
MAP_LR_COUNT = 120
#: The fewest learning rates a map or slice shows when its window is cut by the stops.
MIN_LR_COUNT = 40

#: Steps to converge: few steps bright, many dark (a log colour scale, see :func:`log_colorscale`).
STEPS_COLORSCALE = "Viridis_r"
DIVERGED_COLOR = "#8b0a1a"
NOT_CONVERGED_COLOR = "#9a9a9a"
#: Bounded but never settling: lighter than "still running", apart from Viridis' yellow.
BOUNCING_COLOR = "#d9d2e9"
#: A zero step or a point outside the domain of f: near-black, darker than the dark red.
STOPPED_COLOR = "#262626"
LIMIT_COLOR = "#ffffff"
GD_LIMIT_COLOR = "#ff9f1c"
OPTIMUM_COLOR = theme.MINIMUM_COLOR
CURRENT_COLOR = "#00e5ff"
MAP_HEIGHT = 560
SLICE_HEIGHT = 620
#: A width the map's legend can count on (its column is narrower than a full-width chart).
LEGEND_WIDTH = 420
LEGEND_ROW = 28
#: The slice's legend is counted for the chart at 1024×768 beside the sidebar and on a phone
#: (676 px): plotly lays its six entries out in two columns there, three rows.
SLICE_LEGEND_WIDTH = 700
RUN_HEIGHT = 520
#: Names of the map's invisible, clickable cell-centre traces (one per outcome).
CELL_TRACE_NAMES = (
    "cells: converged",
    "cells: still running",
    "cells: diverged",
    "cells: bouncing",
    "cells: stopped",
)


@dataclass(frozen=True, eq=False)
class PhaseData:
    """Everything the phase figures show, computed for one setting.

    Attributes
    ----------
    optimizer : str
        The rule's registry name.
    y_name : str or None
        The hyperparameter on the map's y-axis (``None`` for GD: no map).
    lrs, ys : ndarray
        The map's axes (``ys`` empty without a map).
    steps_to_converge, diverged : ndarray (len(ys), len(lrs)) or None
        The map: from :func:`optimizers.sweep`, rows are y values, columns learning rates.
    slice_lrs : ndarray
        The slice's learning rates.
    slice_steps, slice_diverged, slice_final_loss : ndarray (len(slice_lrs),)
        The slice at the current y value.
    lr, y : float
        The current setting (the learning-rate and y sliders); ``y`` is None for GD.
    steps, tol : int, float
        The step budget and the convergence threshold on ‖∇f‖.
    curvature : Curvature or None
        The Hessian of a quadratic surface where it is positive definite (theory applies);
        ``None`` otherwise.
    trajectory : optimizers.Trajectory
        The run at the current setting.
    """

    optimizer: str
    y_name: str | None
    lrs: np.ndarray
    ys: np.ndarray
    steps_to_converge: np.ndarray | None
    diverged: np.ndarray | None
    slice_lrs: np.ndarray
    slice_steps: np.ndarray
    slice_diverged: np.ndarray
    slice_final_loss: np.ndarray
    lr: float
    y: float | None
    steps: int
    tol: float
    curvature: Curvature | None
    trajectory: optimizers.Trajectory
    #: The sweep's outcome codes (``optimizers.OUTCOMES``) of the map; None: only
    #: converged / still running / diverged are known.
    outcome: np.ndarray | None = None

    @property
    def has_map(self) -> bool:
        return self.y_name is not None


# --------------------------------------------------------------------------------------------
# axes
# --------------------------------------------------------------------------------------------
def y_values(name: str) -> tuple[float, ...]:
    """The map's y values for rule ``name``: every stop of its slider, 0.01 apart, up to 0.99.

    Starts at 0.01 where the hyperparameter excludes 0 (Nesterov's β), else at 0. Rounded to
    two decimals, so a clicked cell's value is exactly the slider's.
    """
    y_name = Y_AXES[name]
    spec = next(s for s in optimizers.hyperparameters(name) if s.name == y_name)
    first = 1 if spec.low_open else 0
    return tuple(round(Y_STEP * i, 2) for i in range(first, round(Y_HIGH / Y_STEP) + 1))


def lr_anchor(curvature: Curvature, name: str, suggested: float) -> float:
    """The learning rate the shown range is centred on.

    Fixed-step rules: 2/|λ|max of the reference Hessian (the GD limit 2/λmax where it is
    positive definite). Adaptive rules, or a Hessian that is zero: ``suggested``.
    """
    largest = max(abs(curvature.lambda_min), abs(curvature.lambda_max))
    if name in FIXED_STEP_RULES and largest > 0 and math.isfinite(largest):
        return 2.0 / largest
    return float(suggested)


def lr_grid(stops, anchor: float, name: str, count: int | None = None) -> tuple[float, ...]:
    r"""The learning rates to sweep: the slider's ``stops`` within the window around ``anchor``.

    The window is :math:`[10^{a}\,\text{anchor},\ 10^{b}\,\text{anchor}]` with (a, b) from
    :data:`LR_DECADES`, cut to the stops. With ``count``, that many stops
    evenly spread (by index, so evenly on the log axis); otherwise all of them.

    Parameters
    ----------
    stops : sequence of float
        Ascending, log-spaced (the learning-rate slider's options).
    anchor : float
    name : str
        The rule (fixed-step or adaptive window).
    count : int, optional

    Returns
    -------
    tuple of float
    """
    stops = np.asarray(stops, dtype=float)
    below, above = LR_DECADES["fixed" if name in FIXED_STEP_RULES else "adaptive"]
    low, high = math.log10(anchor) + below, math.log10(anchor) + above
    logs = np.log10(stops)
    inside = stops[(logs >= low - 1e-9) & (logs <= high + 1e-9)]
    if inside.size < MIN_LR_COUNT:  # the window (nearly) misses the stops: the nearest ones
        size = min(MIN_LR_COUNT, stops.size)
        middle = int(np.searchsorted(logs, 0.5 * (low + high)))
        first = min(max(middle - size // 2, 0), stops.size - size)
        inside = stops[first : first + size]
    if count is not None and inside.size > count:
        inside = inside[np.unique(np.linspace(0, inside.size - 1, count).round().astype(int))]
    return tuple(float(v) for v in inside)


def stability_limit(curvature: Curvature | None, name: str, y: float | None) -> float | None:
    r"""The largest stable η on the quadratic with this Hessian, for rule ``name`` at β = ``y``.

    :math:`2/\lambda_{max}` (GD), :math:`2(1+\beta)/\lambda_{max}` (heavy ball),
    :math:`2(1+\beta)/((1+2\beta)\lambda_{max})` (Nesterov); ``None`` for adaptive rules or
    without a positive definite Hessian.
    """
    if curvature is None or curvature.gd_stability_limit is None:
        return None
    lam_max = curvature.lambda_max
    beta = 0.0 if y is None else float(y)
    if name == "gd":
        return 2.0 / lam_max
    if name == "momentum":
        return 2.0 * (1.0 + beta) / lam_max
    if name == "nesterov":
        return 2.0 * (1.0 + beta) / ((1.0 + 2.0 * beta) * lam_max)
    return None


def log_colorscale(base: str, low: float, high: float, samples: int = 33) -> list:
    r"""A Plotly colour scale that is logarithmic in z over [``low``, ``high``].

    Plotly maps z to colour linearly; putting the k-th of ``samples`` colours of ``base`` at
    :math:`z_k = \text{low}\,(\text{high}/\text{low})^{k/(n-1)}`, i.e. at position
    :math:`(z_k - \text{low})/(\text{high} - \text{low})`, makes the colour follow log z
    (linearly in between: a close match with 33 samples). The map can then carry the raw step
    counts in z.
    """
    low = max(float(low), 1.0)
    high = max(float(high), 2.0 * low)
    fractions = np.linspace(0.0, 1.0, samples)
    colors = sample_colorscale(base, fractions.tolist())
    positions = (low * (high / low) ** fractions - low) / (high - low)
    positions[0], positions[-1] = 0.0, 1.0
    return [[float(p), c] for p, c in zip(positions, colors, strict=True)]


def nice_ticks(low: float, high: float) -> list[int]:
    """Whole numbers 1, 2, 5, 10, 20, 50, … inside [low, high], for a log colour bar."""
    ticks = [m * 10**k for k in range(9) for m in (1, 2, 5)]
    inside = [t for t in ticks if low <= t <= high]
    return inside or [round(low), round(high)]


# --------------------------------------------------------------------------------------------
# figures
# --------------------------------------------------------------------------------------------
# Each figure is one go.Figure(data, layout) call on plain dicts: Plotly validates once. Its
# incremental helpers (update_layout, add_vline, add_annotation, make_subplots) re-validate
# the whole layout on every call: ~100 ms for the slice that way, ~4 ms like this.
def map_figure(data: PhaseData) -> go.Figure:
    r"""Heatmap of steps to converge over learning rate (log x) × ``data.y_name`` (y).

    Layers, bottom to top: the outcome of every cell (grey: still running after the budget,
    dark red: diverged); the steps to converge where it converged (raw counts in z, log
    colour scale :func:`log_colorscale`, colour bar in powers of ten); on a quadratic, the
    stability limits (heavy ball :math:`\eta = 2(1+\beta)/\lambda_{max}` or Nesterov
    :math:`\eta = 2(1+\beta)/((1+2\beta)\lambda_{max})`, and the GD limit
    :math:`2/\lambda_{max}` as a dotted line) and, for heavy ball, the optimal pair;
    invisible markers at the cell centres (they carry the hover text and make a click report
    the cell: Plotly reports no selections on heatmaps); the current setting.

    Parameters
    ----------
    data : PhaseData
        With a map (``data.has_map``).

    Returns
    -------
    go.Figure
        ``layout.meta["traces"]`` maps each role to its trace index.
    """
    if not data.has_map:
        raise ValueError("Gradient descent has no phase map; show the slice instead.")
    lrs, ys = data.lrs, data.ys
    steps = data.steps_to_converge
    converged = (steps >= 0) & ~data.diverged
    y_label = Y_LABELS[data.y_name]
    traces: list[dict] = []
    roles: dict[str, int | list[int]] = {}

    def add(role: str, trace: dict) -> None:
        roles[role] = len(traces)
        traces.append(trace)

    # Outcome under everything: 1 still running, 2 diverged, 3 bouncing, 4 stopped or left
    # the domain of f (0, converged, is painted over). The axes stay float64 (a few hundred
    # numbers): the exact grid the sweep ran.
    outcome = np.where(data.diverged, 2, np.where(converged, 0, 1)).astype(np.uint8)
    bouncing = stopped = np.zeros(outcome.shape, dtype=bool)
    if data.outcome is not None:
        code = optimizers.OUTCOMES.index
        bouncing = data.outcome == code("bouncing")
        stopped = np.isin(data.outcome, (code("stopped"), code("undefined")))
        outcome[bouncing], outcome[stopped] = 3, 4
    add(
        "outcome",
        {
            "type": "heatmap",
            "name": "outcome",
            "x": lrs,
            "y": ys,
            "z": outcome,
            "zmin": 0,
            "zmax": 4,
            "showscale": False,
            "hoverinfo": "skip",
            "colorscale": [
                [0.0, NOT_CONVERGED_COLOR],
                [0.375, NOT_CONVERGED_COLOR],
                [0.375, DIVERGED_COLOR],
                [0.625, DIVERGED_COLOR],
                [0.625, BOUNCING_COLOR],
                [0.875, BOUNCING_COLOR],
                [0.875, STOPPED_COLOR],
                [1.0, STOPPED_COLOR],
            ],
        },
    )
    # Colours span the fastest cell to the budget, so the fast region stands out.
    low = float(max(steps[converged].min(), 1)) if converged.any() else 1.0
    high = float(max(data.steps, 2 * low))
    add(
        "steps",
        {
            "type": "heatmap",
            "name": "steps to converge",
            "x": lrs,
            "y": ys,
            "z": np.where(converged, steps, np.nan).astype(np.float32),  # exact below 2²⁴
            "zmin": low,
            "zmax": high,
            "showscale": False,
            "hoverinfo": "skip",
            "hoverongaps": False,
            "colorscale": log_colorscale(STEPS_COLORSCALE, low, high),
        },
    )
    # The colour bar in log₁₀ (Plotly's own would be linear): a one-point invisible trace.
    ticks = nice_ticks(low, high)
    add(
        "colorbar",
        {
            "type": "scatter",
            "name": "colour bar",
            "x": [float(lrs[0])],
            "y": [float(ys[0])],
            "mode": "markers",
            "hoverinfo": "skip",
            "showlegend": False,
            "marker": {
                "color": [math.log10(low)],
                "cmin": math.log10(low),
                "cmax": math.log10(high),
                "opacity": 0,
                "colorscale": STEPS_COLORSCALE,
                "showscale": True,
                "colorbar": {
                    "title": {"text": "steps to converge", "side": "right"},
                    "tickvals": [math.log10(t) for t in ticks],
                    "ticktext": [f"{t:,}" for t in ticks],
                    "thickness": 18,
                    "len": 1.0,
                    "y": 0.5,
                    "yanchor": "middle",
                },
            },
        },
    )
    # Legend entries for the two flat colours (heatmaps have none).
    add("legend_diverged", _legend_square("diverged", DIVERGED_COLOR))
    add(
        "legend_running",
        _legend_square(f"still running after {data.steps:,} steps", NOT_CONVERGED_COLOR),
    )
    if bouncing.any():
        add("legend_bouncing", _legend_square("bouncing: bounded, never settles", BOUNCING_COLOR))
    if stopped.any():
        add(
            "legend_stopped",
            _legend_square("stopped: zero step or outside the domain of f", STOPPED_COLOR),
        )
    for role, (label, x_line, y_line) in theory_lines(data.curvature, data.optimizer, ys).items():
        dotted = role == "gd_limit"
        add(
            role,
            _line(
                x_line,
                y_line,
                label,
                GD_LIMIT_COLOR if dotted else LIMIT_COLOR,
                "dot" if dotted else "dash",
                f"{label}<br>η = %{{x:.3g}} at {y_label} = %{{y:.2f}}<extra></extra>",
            ),
        )

    # Clickable cell centres, one trace per outcome so each gets its own hover text.
    lr_grid_, y_grid = np.meshgrid(lrs, ys)
    hover = f"η = %{{x:.3g}}<br>{y_label} = %{{y:.2f}}<br>"
    groups = (
        (converged, hover + "converged in %{customdata:,} steps", steps),
        (
            ~converged & ~data.diverged & ~bouncing & ~stopped,
            hover + f"still running after {data.steps:,} steps",
            None,
        ),
        (data.diverged, hover + "diverged", None),
        (bouncing, hover + "bouncing: bounded, never settles", None),
        (stopped, hover + "stopped: zero step or outside the domain of f", None),
    )
    roles["cells"] = []
    for (mask, template, values), name in zip(groups, CELL_TRACE_NAMES, strict=True):
        roles["cells"].append(len(traces))
        traces.append(
            {
                "type": "scatter",
                "name": name,
                "x": _f32(lr_grid_[mask]),
                "y": _f32(y_grid[mask]),
                "mode": "markers",
                "showlegend": False,
                # hoverinfo must not be "skip": plotly.js fires no click on such points.
                "marker": {"size": 10, "opacity": 0.0, "color": "#ffffff"},
                "customdata": None if values is None else values[mask].astype(np.int32),
                "hovertemplate": template + "<br><i>click to use</i><extra></extra>",
            }
        )

    optimum = optimal_pair(data.curvature, data.optimizer)
    if optimum is not None:
        add(
            "optimum",
            _marker(
                optimum,
                "optimum η*, β*",
                {
                    "symbol": "star",
                    "size": 22,
                    "color": OPTIMUM_COLOR,
                    "line": {"color": theme.OUTLINE_COLOR, "width": 1.5},
                },
                "optimal pair<br>η* = %{x:.3g}<br>β* = %{y:.3f}<extra></extra>",
            ),
        )
    add(
        "current",
        _marker(
            (data.lr, data.y),
            "current η, " + _symbol(data.y_name),
            {"symbol": "circle-open", "size": 20, "color": CURRENT_COLOR, "line": {"width": 4}},
            f"current setting<br>η = %{{x:.3g}}<br>{y_label} = %{{y:.2f}}<extra></extra>",
        ),
    )

    # The legend goes under the plot: the map column is too narrow for it between title and plot.
    names = [t["name"] for t in traces if t.get("showlegend") is not False]
    rows = theme.legend_rows(names, width=LEGEND_WIDTH)
    log_low, log_high = _log_edges(lrs)
    y_pad = 0.5 * (ys[1] - ys[0]) if len(ys) > 1 else 0.5
    layout = _themed_layout(
        ("xaxis", "yaxis"),
        MAP_HEIGHT + LEGEND_ROW * rows,
        {
            "title": {"text": "Steps to converge"},
            "legend": {
                "yref": "container",
                "y": 0.0,
                "yanchor": "bottom",
                "x": 0.0,
                "xanchor": "left",
            },
            "margin": {"t": 60, "b": 84 + LEGEND_ROW * rows},
            "xaxis": {
                "type": "log",
                "range": [log_low, log_high],
                "showgrid": False,
                "title": {"text": "learning rate η"},
            },
            "yaxis": {
                "range": [ys[0] - y_pad, ys[-1] + y_pad],
                "showgrid": False,
                "zeroline": False,
                "title": {"text": y_label},
            },
            "hovermode": "closest",
            "clickmode": "event+select",
            "dragmode": False,
            "meta": {"traces": roles},
        },
    )
    return go.Figure(data=traces, layout=layout)


def slice_figure(data: PhaseData) -> go.Figure:
    r"""One row of the map, in full resolution: the "choose your learning rate" picture.

    Top: steps to converge against η (log-log); runs still going after the budget sit on the
    budget line (grey), diverged runs are red ✕ on it. Bottom: the loss where each run ended
    (at convergence, or after the budget), log scale where every loss is positive, diverged
    runs as ✕ along the top. Too small an η is slow, the right one converges in a few steps,
    too large diverges. Vertical lines over both panels: the current η and, on a quadratic,
    the stability limit (the diverging side shaded) and, for GD, the best fixed step
    :math:`2/(\lambda_{min}+\lambda_{max})`.

    Parameters
    ----------
    data : PhaseData

    Returns
    -------
    go.Figure
        ``layout.meta["traces"]`` maps each role to its trace index and
        ``layout.meta["lines"]`` each vertical line to its η.
    """
    lrs, steps, loss = data.slice_lrs, data.slice_steps, data.slice_final_loss
    diverged = data.slice_diverged
    converged = (steps >= 0) & ~diverged
    running = ~converged & ~diverged
    finite = ~diverged & np.isfinite(loss)
    budget = float(data.steps)
    log_loss = bool(finite.any()) and bool(np.all(loss[finite] > 0))
    top = float(loss[finite].max()) if finite.any() else 1.0
    traces: list[dict] = []
    roles: dict[str, int] = {}

    def add(role: str, trace: dict, row: int) -> None:
        roles[role] = len(traces)
        # unselected: a clicked point must not fade all the others.
        axes = {"xaxis": "x", "yaxis": "y"} if row == 1 else {"xaxis": "x2", "yaxis": "y2"}
        traces.append({**trace, **axes, "unselected": {"marker": {"opacity": 1.0}}})

    color, loss_color = theme.PATH_COLORS[1], theme.PATH_COLORS[0]
    x_mark = {"symbol": "x", "size": 9, "color": theme.DIVERGED_COLOR}
    add(
        "converged",
        {
            "type": "scatter",
            "name": "steps to converge",
            "mode": "lines+markers",
            "x": _f32(lrs[converged]),
            "y": steps[converged].astype(np.int32),
            "line": {"color": color, "width": 2},
            "marker": {"size": 6, "color": color},
            "hovertemplate": "η = %{x:.3g}<br>converged in %{y:,} steps<extra></extra>",
        },
        1,
    )
    add(
        "running",
        {
            "type": "scatter",
            "name": f"not converged in {data.steps:,} steps",
            "mode": "markers",
            "x": _f32(lrs[running]),
            "y": np.full(int(running.sum()), budget, dtype=np.float32),
            "marker": {"size": 7, "color": NOT_CONVERGED_COLOR},
            "hovertemplate": "η = %{x:.3g}<br>still running at the end<extra></extra>",
        },
        1,
    )
    add(
        "diverged",
        {
            "type": "scatter",
            "name": "diverged",
            "legendgroup": "diverged",
            "mode": "markers",
            "x": _f32(lrs[diverged]),
            "y": np.full(int(diverged.sum()), budget, dtype=np.float32),
            "marker": x_mark,
            "hovertemplate": "η = %{x:.3g}<br>diverged<extra></extra>",
        },
        1,
    )
    add(
        "final_loss",
        {
            "type": "scatter",
            "name": "loss at the end",
            "mode": "lines+markers",
            "x": _f32(lrs[finite]),
            "y": loss[finite],
            "line": {"color": loss_color, "width": 2},
            "marker": {"size": 5, "color": loss_color},
            "hovertemplate": "η = %{x:.3g}<br>final loss %{y:.3g}<extra></extra>",
        },
        2,
    )
    add(
        "diverged_loss",
        {
            "type": "scatter",
            "name": "diverged",
            "legendgroup": "diverged",
            "showlegend": False,
            "mode": "markers",
            "x": _f32(lrs[diverged]),
            "y": np.full(int(diverged.sum()), top * (3.0 if log_loss else 1.0)),
            "marker": x_mark,
            "hovertemplate": "η = %{x:.3g}<br>diverged<extra></extra>",
        },
        2,
    )

    log_low, log_high = _log_edges(lrs)
    lines: dict[str, float] = {}
    shapes: list[dict] = []
    limit = stability_limit(data.curvature, data.optimizer, data.y)
    if limit is not None and 10**log_low < limit < 10**log_high:
        shapes += [
            {
                "type": "rect",
                "xref": "x",
                "yref": f"{axis} domain",
                "x0": limit,
                "x1": 10**log_high,
                "y0": 0,
                "y1": 1,
                "fillcolor": theme.DIVERGED_COLOR,
                "opacity": 0.14,
                "line": {"width": 0},
                "layer": "below",
            }
            for axis in ("y", "y2")
        ]
        label = {"gd": "2/λmax", "momentum": "2(1+β)/λmax", "nesterov": "2(1+β)/((1+2β)λmax)"}[
            data.optimizer
        ]
        lines["limit"] = limit
        _vertical(
            traces,
            shapes,
            limit,
            f"stability limit {label} = {format_number(limit)}",
            LIMIT_COLOR,
            "dash",
        )
    if data.optimizer == "gd" and data.curvature is not None:
        best = data.curvature.best_fixed_step
        lines["best"] = best
        _vertical(
            traces,
            shapes,
            best,
            f"best step 2/(λmin+λmax) = {format_number(best)}",
            OPTIMUM_COLOR,
            "dot",
        )
    lines["current"] = data.lr
    _vertical(
        traces, shapes, data.lr, f"current η = {format_number(data.lr)}", CURRENT_COLOR, "solid"
    )

    names = [t["name"] for t in traces if t.get("showlegend") is not False]
    at = "" if data.y_name is None else f" ({_symbol(data.y_name)} = {data.y:.2f})"
    loss_axis = {
        "type": "log" if log_loss else "linear",
        "title": {"text": "loss at the end"},
        "domain": [0.0, 0.54],
        "anchor": "x2",
    }
    if log_loss:
        loss_axis["dtick"] = _decade_step(loss[finite], top * 3.0)
    layout = _themed_layout(
        ("xaxis", "yaxis", "xaxis2", "yaxis2"),
        SLICE_HEIGHT,
        {
            "title": {"text": f"Choose your learning rate{at}"},
            "xaxis": {
                "type": "log",
                "range": [log_low, log_high],
                "matches": "x2",
                "showticklabels": False,
                "anchor": "y",
            },
            "xaxis2": {
                "type": "log",
                "range": [log_low, log_high],
                "anchor": "y2",
                "title": {"text": "learning rate η"},
            },
            "yaxis": {
                "type": "log",
                "range": [-0.05, math.log10(budget) + 0.2],
                "dtick": 1,
                "domain": [0.61, 1.0],
                "anchor": "x",
                "title": {"text": "steps to converge"},
            },
            "yaxis2": loss_axis,
            "shapes": shapes,
            "annotations": _region_labels(
                lrs, steps, loss, converged, diverged, limit, log_low, log_high
            ),
            "margin": {"b": 60},
            "hovermode": "closest",
            "clickmode": "event+select",
            "dragmode": False,
            "meta": {"traces": roles, "lines": lines},
        },
        legend_rows=theme.legend_rows(names, SLICE_LEGEND_WIDTH),
    )
    return go.Figure(data=traces, layout=layout)


def run_figure(layers: SurfaceLayers, surface, trajectory: optimizers.Trajectory) -> go.Figure:
    """The path of one run on the surface: raster, level lines, minimizers, path, start, end.

    Parameters
    ----------
    layers : SurfaceLayers
        From :func:`viz.layers.surface_layers` for ``surface``.
    surface : Surface
    trajectory : optimizers.Trajectory

    Returns
    -------
    go.Figure
        ``layout.meta["traces"]`` maps each role to its trace index.
    """
    surface_layer = surface_parts(layers)
    traces = [{"type": "scatter", **surface_layer["trace"]}]
    roles = {"level_lines": 0}
    if surface.minima:
        minima = shown_minima(surface)
        roles["minima"] = len(traces)
        traces.append(
            _marker(
                (minima[:, 0].tolist(), minima[:, 1].tolist()),
                "minimizer",
                {
                    "symbol": "star",
                    "size": 16,
                    "color": theme.MINIMUM_COLOR,
                    "line": {"color": theme.OUTLINE_COLOR, "width": 1},
                },
                "minimizer (%{x:.3g}, %{y:.3g})<extra></extra>",
            )
        )
    points = trajectory.points
    color = theme.PATH_COLORS[0]
    roles["path"] = len(traces)
    traces.append(
        {
            "type": "scatter",
            "name": "path",
            "mode": "lines+markers",
            "x": _f32(points[:, 0]),
            "y": _f32(points[:, 1]),
            "line": {"color": color, "width": 2},
            "marker": {"size": 4, "color": color},
            "hovertemplate": "(%{x:.3g}, %{y:.4g})<extra></extra>",
        }
    )
    roles["start"] = len(traces)
    traces.append(
        _marker(
            (float(points[0, 0]), float(points[0, 1])),
            "start",
            {
                "size": 13,
                "color": theme.START_COLOR,
                "line": {"color": theme.OUTLINE_COLOR, "width": 2},
            },
            "start (%{x:.3g}, %{y:.3g})<extra></extra>",
        )
    )
    diverged = trajectory.status == "diverged"
    roles["end"] = len(traces)
    traces.append(
        _marker(
            (float(points[-1, 0]), float(points[-1, 1])),
            "end",
            {
                "symbol": "x" if diverged else "circle",
                "size": 14,
                "color": theme.DIVERGED_COLOR if diverged else color,
                "line": {"color": theme.OUTLINE_COLOR, "width": 1.5},
            },
            f"{optimizers.status_label(trajectory.status)} after {trajectory.steps} steps"
            "<extra></extra>",
        )
    )
    knobs = ", ".join(
        f"{_symbol(k)} = {format_number(v)}"
        for k, v in trajectory.optimizer.hyperparameters.items()
        if k in _SYMBOLS
    )
    layout = _themed_layout(
        ("xaxis", "yaxis"),
        RUN_HEIGHT,
        {
            "title": {"text": f"Run at {knobs}", "font": {"size": 19}},
            "images": [surface_layer["image"]],
            "xaxis": {
                **surface_layer["xaxis"],
                "showline": False,
                "title": {"text": "x", "standoff": 2},
            },
            "yaxis": {
                **surface_layer["yaxis"],
                "showline": False,
                "title": {"text": "y", "standoff": 2},
            },
            "hovermode": "closest",
            "showlegend": False,
            "dragmode": False,
            "margin": {"l": 50, "r": 10, "t": 50, "b": 40},
            "meta": {"traces": roles},
        },
        legend_rows=0,
    )
    return go.Figure(data=traces, layout=layout)


# --------------------------------------------------------------------------------------------
# theory
# --------------------------------------------------------------------------------------------
def theory_lines(curvature: Curvature | None, name: str, ys) -> dict[str, tuple]:
    r"""The stability limits to draw on a map, as ``{role: (label, x, y)}``.

    Heavy ball: :math:`\eta = 2(1+\beta)/\lambda_{max}` over every β of ``ys``; Nesterov:
    :math:`\eta = 2(1+\beta)/((1+2\beta)\lambda_{max})`; both with the GD limit
    :math:`2/\lambda_{max}` as a vertical line for comparison. Nothing for adaptive rules or
    without a positive definite Hessian.
    """
    if curvature is None or curvature.gd_stability_limit is None:
        return {}
    if name not in ("momentum", "nesterov"):
        return {}
    betas = np.asarray(ys, dtype=float)
    lam_max = curvature.lambda_max
    if name == "momentum":
        limit = 2.0 * (1.0 + betas) / lam_max
        label = "limit η = 2(1+β)/λmax"
    else:
        limit = 2.0 * (1.0 + betas) / ((1.0 + 2.0 * betas) * lam_max)
        label = "limit η = 2(1+β)/((1+2β)λmax)"
    gd = curvature.gd_stability_limit
    return {
        "limit": (label, limit, betas),
        "gd_limit": ("GD limit η = 2/λmax", [gd, gd], [float(betas[0]), float(betas[-1])]),
    }


def optimal_pair(curvature: Curvature | None, name: str) -> tuple[float, float] | None:
    r"""Heavy ball's fastest (η*, β*) on a quadratic, or None (other rules, no theory).

    :math:`\eta^* = \big(2/(\sqrt{\lambda_{max}}+\sqrt{\lambda_{min}})\big)^2`,
    :math:`\beta^* = \big((\sqrt\kappa-1)/(\sqrt\kappa+1)\big)^2`.
    """
    if name != "momentum" or curvature is None or curvature.momentum_lr is None:
        return None
    return float(curvature.momentum_lr), float(curvature.momentum_beta)


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def _f32(values) -> np.ndarray:
    """Coordinates as float32: invisible on a chart, half the bytes of float64 in the JSON."""
    return np.asarray(values, dtype=np.float32)


def _log_edges(lrs: np.ndarray) -> tuple[float, float]:
    """log₁₀ of the outer cell edges of a log-spaced axis."""
    logs = np.log10(np.asarray(lrs, dtype=float))
    half = 0.5 * (logs[1] - logs[0]) if logs.size > 1 else 0.5
    return float(logs[0] - half), float(logs[-1] + half)


def _legend_square(name: str, color: str) -> dict:
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "markers",
        "name": name,
        "hoverinfo": "skip",
        "marker": {"symbol": "square", "size": 16, "color": color},
    }


def _line(x, y, name: str, color: str, dash: str, hovertemplate: str) -> dict:
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "lines",
        "name": name,
        "line": {"color": color, "width": 3, "dash": dash},
        "hovertemplate": hovertemplate,
        "unselected": {"marker": {"opacity": 1.0}},
    }


def _marker(point, name: str, marker: dict, hovertemplate: str) -> dict:
    """Markers at ``point`` (x, y), numbers or lists, drawn over the axes' edges too.

    ``unselected`` keeps plotly.js from fading them while a clicked cell is selected.
    """
    x, y = point
    return {
        "type": "scatter",
        "x": x if isinstance(x, list) else [x],
        "y": y if isinstance(y, list) else [y],
        "mode": "markers",
        "name": name,
        "marker": marker,
        "hovertemplate": hovertemplate,
        "cliponaxis": False,
        "unselected": {"marker": {"opacity": 1.0}},
    }


def _vertical(traces: list, shapes: list, x: float, name: str, color: str, dash: str) -> None:
    """A vertical line at η = ``x`` over both panels of the slice, with its own legend entry."""
    line = {"color": color, "width": 3, "dash": dash}
    shapes += [
        {
            "type": "line",
            "xref": "x",
            "yref": f"{axis} domain",
            "x0": x,
            "x1": x,
            "y0": 0,
            "y1": 1,
            "line": line,
        }
        for axis in ("y", "y2")
    ]
    traces.append(
        {
            "type": "scatter",
            "x": [None],
            "y": [None],
            "mode": "lines",
            "name": name,
            "hoverinfo": "skip",
            "line": line,
        }
    )


@functools.lru_cache(maxsize=16)
def _theme_base(axes: tuple[str, ...], height: int, legend_rows: int) -> str:
    """The shared theme's layout for a figure with these axes, as JSON (once per shape; as
    plain dicts: Plotly's objects took ~0.2 s of a cold Phase diagram's first run)."""
    return json.dumps(theme.axes_layout(axes, height, legend_rows))


def _themed_layout(axes: tuple[str, ...], height: int, layout: dict, legend_rows: int = 0) -> dict:
    """:func:`viz.theme.apply_theme`'s layout for ``axes``, with ``layout`` merged over it."""
    return merge(json.loads(_theme_base(axes, height, legend_rows)), layout)


def _region_labels(lrs, steps, loss, converged, diverged, limit, log_low, log_high) -> list[dict]:
    """'too small: slow', 'just right', 'too large: diverges' in the loss panel.

    The first and last along its bottom (where a slow run's loss is still high and a diverged
    one has none), 'just right' along its top at the fastest converged η (none when no η
    converged).
    Annotations on a log axis take log₁₀ of η.
    """
    style = {
        "showarrow": False,
        "font": {"size": 16, "color": "#f2f2f2"},
        "bgcolor": "rgba(34, 37, 45, 0.8)",
        "yref": "y2 domain",
        "xref": "x2",
    }
    bottom = {**style, "y": 0.03, "yanchor": "bottom"}
    labels = [{**bottom, "x": log_low + 0.03, "xanchor": "left", "text": "too small: slow"}]
    # "just right" only where a run converged: a still-moving η is not right, however low its
    # loss (#11 item 6).
    best = None
    if converged.any():
        best = int(np.argmin(np.where(converged, steps, np.iinfo(np.int64).max)))
    if best is not None:
        labels.append(
            {
                **style,
                "x": float(np.log10(lrs[best])),
                "xanchor": "center",
                "y": 0.97,
                "yanchor": "top",
                "text": "just right",
            }
        )
    if diverged.any() or limit is not None:
        labels.append(
            {**bottom, "x": log_high - 0.03, "xanchor": "right", "text": "too large: diverges"}
        )
    return labels


def _decade_step(values: np.ndarray, top: float) -> int:
    """Tick every 1, 2, 3 … decades so a log axis spanning many decades gets ≤ 6 labels."""
    span = math.log10(top) - math.log10(max(float(values.min()), 1e-300))
    return max(1, math.ceil(span / 6))


_SYMBOLS = {"lr": "η", "momentum": "β", "b1": "β₁", "rho": "ρ"}


def _symbol(name: str) -> str:
    return _SYMBOLS.get(name, name)
