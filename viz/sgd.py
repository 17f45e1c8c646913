r"""Figures that compare batch gradient descent with mini-batch SGD on a data surface.

Batch GD steps along the full gradient, SGD along the mean over a random mini-batch B of b
of the n examples:

.. math:: w_{t+1} = w_t - \eta_t\, g_B(w_t), \qquad
          g_B(w) = \frac1b \sum_{i \in B} \nabla \ell_i(w) + r(w),

where r is the part of the gradient that does not depend on the data (weight decay).
E[g_B] = ∇f, so SGD goes the right way on average; its scatter around ∇f is what makes it
zig-zag, and sampling without replacement gives the finite-population law

.. math:: \operatorname{tr} \operatorname{Cov}(g_B) = \frac{n - b}{b\,(n - 1)}\,
          \operatorname{tr} \Sigma, \qquad
          \Sigma = \frac1n \sum_{i=1}^n (\nabla\ell_i - \overline{\nabla\ell})
          (\nabla\ell_i - \overline{\nabla\ell})^\top,

which is tr Σ for b = 1 and 0 for b = n (the full batch).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from optimizers import Trajectory
from viz.clicks import click_grid
from viz.layers import SurfaceLayers, add_surface
from viz.theme import (
    GRADIENT_COLOR,
    MINIMUM_COLOR,
    OUTLINE_COLOR,
    START_COLOR,
    STEP_COLOR,
    apply_theme,
    legend_rows,
)

GD_COLOR = "#ffffff"
SGD_COLOR = "#ff9f1c"
#: The two classes of the logistic data: +1 and −1.
CLASS_COLORS = {1.0: "#4fc3f7", -1.0: "#ff66ff"}
CLASS_SYMBOLS = {1.0: "circle", -1.0: "diamond"}
POINT_COLOR = "#cfd8dc"
#: f − f* is clipped here on the log axis: below it the loss is exact to rounding.
LOSS_FLOOR = 1e-16
PANEL_HEIGHT = 560
#: Width a legend can count on in a half-width column on a laptop (1280 px with the sidebar).
PANEL_LEGEND_WIDTH = 380
#: Mini-batch gradients drawn in the cloud.
CLOUD_DRAWS = 200


@dataclass(frozen=True)
class GradientCloud:
    """Sampled mini-batch gradients at one point, and the full gradient they scatter around.

    Attributes
    ----------
    point : ndarray (2,)
        Where the gradients are taken.
    full_gradient : ndarray (2,)
        ∇f(point).
    samples : ndarray (draws, 2)
        g_B(point) for ``draws`` mini-batches B of ``batch_size`` distinct examples each.
    batch_size, n_samples : int
        b and n.
    population_trace : float
        tr Σ, the total variance of the per-example gradients (divided by n): the spread of
        the cloud for b = 1.
    extent : ((float, float), (float, float))
        A box holding the origin, ∇f and every possible mini-batch gradient (each is a mean of
        per-example gradients, so it lies in their bounding box): the same for every b.
    """

    point: np.ndarray
    full_gradient: np.ndarray
    samples: np.ndarray
    batch_size: int
    n_samples: int
    population_trace: float
    extent: tuple

    @property
    def spread(self) -> float:
        """tr Cov of the drawn samples (unbiased, ddof = 1)."""
        return float(self.samples.var(axis=0, ddof=1).sum())

    @property
    def law_factor(self) -> float:
        """(n − b)/(b(n − 1)): the fraction of tr Σ that a mini-batch mean keeps."""
        n, b = self.n_samples, self.batch_size
        return (n - b) / (b * (n - 1)) if n > 1 else 0.0

    @property
    def law_spread(self) -> float:
        """tr Cov(g_B) = (n − b)/(b(n − 1)) · tr Σ, exact for sampling without replacement."""
        return self.law_factor * self.population_trace


@dataclass(frozen=True)
class SgdView:
    """Everything the GD-vs-SGD page draws.

    Attributes
    ----------
    layers : SurfaceLayers
    gd : Trajectory
        The full-batch run (exact gradient).
    sgd : tuple of Trajectory
        One mini-batch run per seed in ``seeds``.
    seeds : tuple of int
    f_star : float
        The minimum of the loss.
    step : int
        The current update index, at most the longest run's length.
    cloud : GradientCloud
        Mini-batch gradients at GD's point after ``step`` updates.
    """

    layers: SurfaceLayers
    gd: Trajectory
    sgd: tuple[Trajectory, ...]
    seeds: tuple[int, ...]
    f_star: float
    step: int
    cloud: GradientCloud


def gradient_cloud(
    surface, point, batch_size: int, draws: int = CLOUD_DRAWS, seed: int = 0
) -> GradientCloud:
    """Draw ``draws`` mini-batch gradients of ``surface`` at ``point``.

    The per-example gradients ∇ℓᵢ come from one vectorised ``surface.example_gradients``
    call; each batch is ``rng.choice(n, b, replace=False)``, as one epoch of shuffled batches
    would draw it, and g_B is the batch mean plus r = ∇f − mean(∇ℓᵢ) (the weight-decay term
    of the logistic loss, 0 for least squares), so it equals ``surface.batch_gradient``.

    Parameters
    ----------
    surface : Surface
        A data surface (``n_samples`` is not None).
    point : array_like (2,)
    batch_size : int
        1 ≤ b ≤ n.
    draws : int
        At least 2 (a spread needs two samples).
    seed : int
        Seeds the batch sampling.

    Returns
    -------
    GradientCloud

    Raises
    ------
    TypeError
        If the surface has no data set or a count is not a whole number.
    ValueError
        If b or ``draws`` is out of range or the gradients are not finite at ``point``.
    """
    n = surface.n_samples
    if n is None:
        raise TypeError(f"The {surface.title} surface has no data set, so it has no mini-batches.")
    for name, number in (("batch_size", batch_size), ("draws", draws), ("seed", seed)):
        if isinstance(number, (bool, np.bool_)) or not isinstance(number, (int, np.integer)):
            raise TypeError(f"{name} must be a whole number, got {number!r}.")
    if not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must be between 1 and {n}, got {batch_size}.")
    if draws < 2:
        raise ValueError(f"draws must be at least 2, got {draws}.")
    point = np.asarray(point, dtype=float)
    examples = surface.example_gradients(point)
    full = surface.gradient(point)
    if not (np.all(np.isfinite(examples)) and np.all(np.isfinite(full))):
        raise ValueError(f"The gradients are not finite at {tuple(point)}.")
    offset = full - examples.mean(axis=0)
    rng = np.random.default_rng(seed)
    batches = np.stack([rng.choice(n, size=batch_size, replace=False) for _ in range(draws)])
    samples = examples[batches].mean(axis=1) + offset
    corners = np.vstack([examples + offset, np.zeros((1, 2)), full[None, :]])
    low, high = corners.min(axis=0), corners.max(axis=0)
    return GradientCloud(
        point=point,
        full_gradient=full,
        samples=samples,
        batch_size=int(batch_size),
        n_samples=int(n),
        population_trace=float(examples.var(axis=0).sum()),
        extent=((float(low[0]), float(high[0])), (float(low[1]), float(high[1]))),
    )


def point_at(trajectory, step: int) -> np.ndarray:
    """The trajectory's point after ``step`` updates (its last point if it stopped earlier)."""
    return trajectory.points[min(max(int(step), 0), len(trajectory.points) - 1)]


def suboptimality(trajectory, f_star: float) -> np.ndarray:
    """f(wₜ) − f*, floored at :data:`LOSS_FLOOR` for the log axis."""
    return np.maximum(trajectory.losses - f_star, LOSS_FLOOR)


def paths_figure(
    layers: SurfaceLayers,
    surface,
    gd,
    sgd_runs,
    seeds,
    step: int,
    axis_labels: tuple[str, str] = ("w₁", "w₂"),
) -> go.Figure:
    """The contour with the batch-GD path and a fan of SGD paths, drawn up to ``step``.

    Trace order: level lines, click grid, an empty legend entry for SGD, one ``'SGD seed s'``
    per run (points 0…step), then
    ``'GD (full batch)'``, the SGD and GD markers at ``step``, the start and the minimizer.

    Parameters
    ----------
    layers : SurfaceLayers
    surface : Surface
    gd : Trajectory
        The full-batch run.
    sgd_runs : sequence of Trajectory
        Mini-batch runs, one per seed in ``seeds``.
    seeds : sequence of int
    step : int
        The current update index.
    axis_labels : (str, str)

    Returns
    -------
    go.Figure
    """
    fig = go.Figure()
    add_surface(fig, layers)
    fig.add_trace(click_grid(layers.bounds))
    if sgd_runs:
        # One legend entry for the whole fan; the paths keep their own names for hovers.
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name="SGD (one path per seed)",
                legendgroup="sgd",
                line={"color": SGD_COLOR, "width": 3},
                hoverinfo="skip",
            )
        )
    for seed, run in zip(seeds, sgd_runs, strict=True):
        shown = run.points[: step + 1]
        fig.add_trace(
            go.Scatter(
                x=shown[:, 0],
                y=shown[:, 1],
                mode="lines",
                name=f"SGD seed {seed}",
                legendgroup="sgd",
                showlegend=False,
                line={"color": SGD_COLOR, "width": 1.6},
                opacity=0.85,
                hovertemplate=f"SGD seed {seed}<br>(%{{x:.3g}}, %{{y:.3g}})<extra></extra>",
            )
        )
    shown = gd.points[: step + 1]
    fig.add_trace(
        go.Scatter(
            x=shown[:, 0],
            y=shown[:, 1],
            mode="lines+markers",
            name="GD (full batch)",
            line={"color": GD_COLOR, "width": 3.5},
            marker={"size": 5, "color": GD_COLOR},
            hovertemplate="GD<br>(%{x:.3g}, %{y:.3g})<extra></extra>",
        )
    )
    if sgd_runs:
        current = np.array([point_at(run, step) for run in sgd_runs])
        fig.add_trace(
            go.Scatter(
                x=current[:, 0],
                y=current[:, 1],
                mode="markers",
                name="SGD now",
                showlegend=False,
                marker={
                    "size": 11,
                    "color": SGD_COLOR,
                    "line": {"color": OUTLINE_COLOR, "width": 1},
                },
                hovertemplate="SGD at this step<br>(%{x:.3g}, %{y:.3g})<extra></extra>",
            )
        )
    here = point_at(gd, step)
    fig.add_trace(
        go.Scatter(
            x=[here[0]],
            y=[here[1]],
            mode="markers",
            name="GD now",
            showlegend=False,
            marker={"size": 15, "color": GD_COLOR, "line": {"color": OUTLINE_COLOR, "width": 2}},
            hovertemplate="GD at this step<br>(%{x:.3g}, %{y:.3g})<extra></extra>",
        )
    )
    start = gd.points[0]
    fig.add_trace(
        go.Scatter(
            x=[start[0]],
            y=[start[1]],
            mode="markers",
            name="start",
            showlegend=False,
            marker={
                "symbol": "circle-open",
                "size": 16,
                "color": START_COLOR,
                "line": {"width": 3},
            },
            hovertemplate="start (%{x:.3g}, %{y:.3g})<extra></extra>",
        )
    )
    if surface.minima:
        minima = np.asarray(surface.minima, dtype=float)
        fig.add_trace(
            go.Scatter(
                x=minima[:, 0],
                y=minima[:, 1],
                mode="markers",
                name="minimizer",
                showlegend=False,
                marker={
                    "symbol": "star",
                    "size": 16,
                    "color": MINIMUM_COLOR,
                    "line": {"color": OUTLINE_COLOR, "width": 1},
                },
                hovertemplate="minimizer (%{x:.3g}, %{y:.3g})<extra></extra>",
            )
        )
    _finish(fig, f"Paths on the loss, step {step}")
    fig.update_layout(hovermode="closest", clickmode="event+select", dragmode=False)
    # Equal scale by shrinking the plot area, never by widening a range past the raster.
    fig.update_xaxes(constrain="domain", title={"text": axis_labels[0]})
    fig.update_yaxes(constrain="domain", title={"text": axis_labels[1]})
    return fig


def dataset_figure(surface, gd_weights, sgd_weights, step: int) -> go.Figure:
    r"""The data with the model of the current step: GD solid, SGD (first seed) dashed.

    Logistic regression: the examples xᵢ coloured by class and the decision boundary
    :math:`w^\top x = 0`, the line through the origin perpendicular to w (none while w = 0).
    Least squares: the pairs (xᵢ, tᵢ) and the fitted line t = w x + b.

    Parameters
    ----------
    surface : Surface
        ``'logistic'`` or ``'least_squares'``.
    gd_weights : array_like (2,)
    sgd_weights : array_like (2,) or None
    step : int

    Returns
    -------
    go.Figure
        Data traces first, then ``'GD'`` and ``'SGD (seed 0)'`` (when given).
    """
    fig = go.Figure()
    models = [("GD", gd_weights, GD_COLOR, "solid", 4)]
    if sgd_weights is not None:
        models.append(("SGD (seed 0)", sgd_weights, SGD_COLOR, "dash", 3))
    if surface.name == "logistic":
        features, labels = surface.X, surface.y
        for label in (1.0, -1.0):
            mine = features[labels == label]
            fig.add_trace(
                go.Scatter(
                    x=mine[:, 0],
                    y=mine[:, 1],
                    mode="markers",
                    name=f"class {label:+.0f}",
                    marker={
                        "color": CLASS_COLORS[label],
                        "symbol": CLASS_SYMBOLS[label],
                        "size": 10,
                        "line": {"color": OUTLINE_COLOR, "width": 1},
                    },
                    hovertemplate="(%{x:.2f}, %{y:.2f})<extra></extra>",
                )
            )
        (xmin, xmax), (ymin, ymax) = _padded_box(features)
        reach = 2.0 * max(xmax - xmin, ymax - ymin)
        for name, weights, color, dash, width in models:
            w = np.asarray(weights, dtype=float)
            norm = float(np.hypot(w[0], w[1]))
            along = np.array([-w[1], w[0]]) / norm if norm > 0 else np.full(2, np.nan)
            fig.add_trace(
                go.Scatter(
                    x=[-reach * along[0], reach * along[0]],
                    y=[-reach * along[1], reach * along[1]],
                    mode="lines",
                    name=name,
                    line={"color": color, "dash": dash, "width": width},
                    hoverinfo="skip",
                )
            )
        title = f"Data and wᵀx = 0, step {step}"
        labels_xy = ("x₁", "x₂")
        equal_scale = True
    else:
        feature, targets = surface.X[:, 0], surface.y
        fig.add_trace(
            go.Scatter(
                x=feature,
                y=targets,
                mode="markers",
                name="data (xᵢ, tᵢ)",
                marker={
                    "color": POINT_COLOR,
                    "size": 9,
                    "line": {"color": OUTLINE_COLOR, "width": 1},
                },
                hovertemplate="(%{x:.2f}, %{y:.2f})<extra></extra>",
            )
        )
        (xmin, xmax), (ymin, ymax) = _padded_box(np.column_stack([feature, targets]))
        ends = np.array([xmin, xmax])
        for name, weights, color, dash, width in models:
            slope, intercept = (float(v) for v in weights)
            fig.add_trace(
                go.Scatter(
                    x=ends,
                    y=slope * ends + intercept,
                    mode="lines",
                    name=name,
                    line={"color": color, "dash": dash, "width": width},
                    hoverinfo="skip",
                )
            )
        title = f"Data and the line, step {step}"
        labels_xy = ("x", "t")
        equal_scale = False
    _finish(fig, title)
    fig.update_xaxes(range=[xmin, xmax], title={"text": labels_xy[0]})
    fig.update_yaxes(range=[ymin, ymax], title={"text": labels_xy[1]})
    if equal_scale:
        fig.update_xaxes(constrain="domain")
        fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig


def loss_figure(gd, sgd_runs, f_star: float, step: int) -> go.Figure:
    r"""f − f* per update and per epoch, for GD and every SGD run, on a log axis.

    An epoch is one pass over the data: n/b updates for SGD (``updates_per_epoch``), one for
    batch GD. Per update GD looks better; per epoch, which costs the same n example gradients
    either way, SGD is usually far ahead early on. The epoch panel spans SGD's epochs, the
    same compute for both. A dotted line marks ``step``.

    Parameters
    ----------
    gd : Trajectory
    sgd_runs : sequence of Trajectory
    f_star : float
        The minimum of f.
    step : int

    Returns
    -------
    go.Figure
        Traces ``'GD'`` then each SGD run in the left panel, the same in the right panel.
    """
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.05)
    updates_per_epoch = sgd_runs[0].updates_per_epoch if sgd_runs else 1
    for col, per_epoch in ((1, False), (2, True)):
        fig.add_trace(
            go.Scatter(
                x=np.arange(len(gd.losses)),
                y=suboptimality(gd, f_star),
                mode="lines",
                name="GD (full batch)",
                legendgroup="gd",
                showlegend=col == 1,
                line={"color": GD_COLOR, "width": 3.5},
                hovertemplate="GD: %{y:.3g} at %{x:.3g}<extra></extra>",
            ),
            row=1,
            col=col,
        )
        for index, run in enumerate(sgd_runs):
            scale = run.updates_per_epoch if per_epoch else 1
            fig.add_trace(
                go.Scatter(
                    x=np.arange(len(run.losses)) / scale,
                    y=suboptimality(run, f_star),
                    mode="lines",
                    name="SGD (one line per seed)",
                    legendgroup="sgd",
                    showlegend=col == 1 and index == 0,
                    line={"color": SGD_COLOR, "width": 1.4},
                    opacity=0.8,
                    hovertemplate="SGD: %{y:.3g} at %{x:.3g}<extra></extra>",
                ),
                row=1,
                col=col,
            )
        where = step / updates_per_epoch if per_epoch else step
        fig.add_vline(
            x=where, line={"color": STEP_COLOR, "width": 2, "dash": "dot"}, row=1, col=col
        )
    longest = max([len(run.losses) for run in sgd_runs] + [len(gd.losses)]) - 1
    # Short enough for a chart 676 px wide (1024×768 beside the sidebar).
    apply_theme(fig, title="Loss above its minimum, f − f*", height=440)
    fig.update_layout(margin={"b": 75})
    # Without digits between decades: over one decade they crowd into an unreadable column.
    fig.update_yaxes(type="log", minorloglabels="none")
    values = np.concatenate([suboptimality(run, f_star) for run in (gd, *sgd_runs)])
    ticks = _few_decade_ticks(float(values.min()), float(values.max()))
    if ticks:
        fig.update_yaxes(tickvals=ticks, ticktext=[f"{tick:g}" for tick in ticks])
    fig.update_yaxes(title={"text": "f − f*"}, row=1, col=1)
    fig.update_xaxes(title={"text": "update t"}, range=[0, max(longest, 1)], row=1, col=1)
    fig.update_xaxes(
        title={"text": f"epoch (= {updates_per_epoch} SGD updates, 1 GD update)"},
        row=1,
        col=2,
        range=[0, max(longest, 1) / max(updates_per_epoch, 1)],
    )
    return fig


def cloud_figure(
    cloud: GradientCloud, step: int, axis_labels: tuple[str, str] = ("w₁", "w₂")
) -> go.Figure:
    r"""The mini-batch gradients at the GD point as dots, the full gradient as an arrow.

    The dashed circle around ∇f has radius √(tr Cov(g_B)) from the finite-population law;
    the axes are the same for every batch size (:attr:`GradientCloud.extent`), so a larger b
    visibly shrinks the cloud.

    Parameters
    ----------
    cloud : GradientCloud
    step : int
        The update index the cloud belongs to (for the title).
    axis_labels : (str, str)
        The weights' names; the axes are the partial derivatives along them.

    Returns
    -------
    go.Figure
        Traces ``'mini-batch gradients'``, ``'full gradient'``, ``'law radius'``.
    """
    full = cloud.full_gradient
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=cloud.samples[:, 0],
            y=cloud.samples[:, 1],
            mode="markers",
            name=f"g_B ({len(cloud.samples)} batches)",
            marker={"color": SGD_COLOR, "size": 7, "opacity": 0.6},
            hovertemplate="g_B = (%{x:.3g}, %{y:.3g})<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[0.0, full[0]],
            y=[0.0, full[1]],
            mode="lines",
            name="∇f",
            line={"color": GRADIENT_COLOR, "width": 4},
            hovertemplate="∇f = (%{x:.3g}, %{y:.3g})<extra></extra>",
        )
    )
    if np.hypot(*full) > 0:
        fig.add_annotation(
            x=full[0],
            y=full[1],
            ax=0.0,
            ay=0.0,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            showarrow=True,
            arrowhead=3,
            arrowsize=1.6,
            arrowwidth=4,
            arrowcolor=GRADIENT_COLOR,
            text="",
        )
    radius = float(np.sqrt(cloud.law_spread))
    angle = np.linspace(0.0, 2.0 * np.pi, 91)
    fig.add_trace(
        go.Scatter(
            x=full[0] + radius * np.cos(angle),
            y=full[1] + radius * np.sin(angle),
            mode="lines",
            name="law radius",
            line={"color": STEP_COLOR, "width": 2.5, "dash": "dash"},
            hoverinfo="skip",
        )
    )
    (xmin, xmax), (ymin, ymax) = cloud.extent
    # A square window around the box: equal scale without a thin sliver of a plot.
    half = 0.55 * max(xmax - xmin, ymax - ymin, 1e-12)
    cx, cy = 0.5 * (xmin + xmax), 0.5 * (ymin + ymax)
    _finish(fig, f"Mini-batch gradients, step {step}")
    fig.update_layout(showlegend=True)
    fig.update_xaxes(
        range=[cx - half, cx + half],
        constrain="domain",
        title={"text": f"∂f/∂{axis_labels[0]}"},
        zeroline=True,
    )
    fig.update_yaxes(
        range=[cy - half, cy + half],
        scaleanchor="x",
        scaleratio=1,
        constrain="domain",
        title={"text": f"∂f/∂{axis_labels[1]}"},
        zeroline=True,
    )
    return fig


def _finish(fig: go.Figure, title: str) -> None:
    """The shared theme for a half-width panel, with room for its legend's rows."""
    names = [trace.name for trace in fig.data if trace.showlegend is not False and trace.name]
    apply_theme(
        fig, title=title, height=PANEL_HEIGHT, legend_rows=legend_rows(names, PANEL_LEGEND_WIDTH)
    )
    fig.update_layout(margin={"l": 65, "r": 20, "b": 60})


def _few_decade_ticks(low: float, high: float) -> list[float]:
    """1-2-5 ticks where a log axis spans under three decades (it would label only one or two
    powers of ten); an empty list otherwise."""
    if not (0 < low < high) or np.log10(high / low) >= 3:
        return []
    decades = range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
    return [m * 10.0**k for k in decades for m in (1, 2, 5) if low <= m * 10.0**k <= high]


def _padded_box(points: np.ndarray, pad: float = 0.08) -> tuple:
    low, high = points.min(axis=0), points.max(axis=0)
    margin = pad * np.maximum(high - low, 1e-9)
    return (
        (float(low[0] - margin[0]), float(high[0] + margin[0])),
        (float(low[1] - margin[1]), float(high[1] + margin[1])),
    )
