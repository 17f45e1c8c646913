"""Figures of the Neural network page (pure: data in, Plotly figure out; no Streamlit).

* :func:`boundary_figure` — the decision boundary over the data, animated epoch by epoch.
* :func:`curves_figure` — loss and accuracy per epoch, training and held-out, per optimizer.
* :func:`pca_figure` — a run's shadow on its PCA plane over the loss of that plane, beside a
  real 2-D run on the plane.
* :func:`standardization_figure` — loss per epoch with and without standardized inputs.
* :func:`eos_figure` — sharpness against 2/η, and the loss, step by step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from networks import Network, pca_plane
from optimizers.numbers import format_number
from viz.theme import (
    LEGEND_ROW,
    SUBTITLE_FONT_SIZE,
    TITLE_SPACE,
    apply_theme,
    legend_rows,
    path_color,
)

#: Class colours and shapes (colour-blind safe: the shape tells them apart as well).
CLASS_COLORS = ("#5e3c99", "#e66101", "#1b9e77")
CLASS_SYMBOLS = ("circle", "diamond", "square")
#: Purple (class 0) through white to orange (class 1): PuOr, readable with every colour vision.
PROBABILITY_SCALE = [[0.0, "#5e3c99"], [0.5, "#f7f7f7"], [1.0, "#e66101"]]
OPTIMIZER_SYMBOLS = ("circle", "square", "triangle-up", "diamond", "x", "star", "cross")
#: Grid of the decision-boundary picture, and the most frames an animation carries.
BOUNDARY_GRID = 40
MAX_FRAMES = 30
PANEL_HEIGHT = 520


@dataclass(frozen=True, eq=False)
class BoundaryFrames:
    """P(class 1) on a grid over the data for some epochs of one run."""

    xs: np.ndarray
    ys: np.ndarray
    probabilities: np.ndarray  # (frames, len(ys), len(xs)), float32
    epochs: np.ndarray  # (frames,)


def frame_epochs(epochs: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """At most ``max_frames`` epochs 0 … ``epochs``, evenly spread, both ends included."""
    return np.unique(np.linspace(0, epochs, min(epochs + 1, max_frames)).round().astype(int))


def boundary_frames(network: Network, thetas, X, resolution: int = BOUNDARY_GRID):
    """P(class 1 | x) over a square grid around the 2-D inputs ``X``, for every θ of ``thetas``
    (k, P) at the epochs :func:`frame_epochs` picks; None for inputs that are not 2-D."""
    if X.shape[1] != 2 or network.sizes[-1] != 1:
        return None
    low, high = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * (high - low)
    xs = np.linspace(low[0] - pad[0], high[0] + pad[0], resolution)
    ys = np.linspace(low[1] - pad[1], high[1] + pad[1], resolution)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    epochs = frame_epochs(len(thetas) - 1)
    probabilities = network.proba(np.asarray(thetas)[epochs], grid)[..., 0]
    probabilities = np.clip(probabilities, 0.0, 1.0)  # the squared error's linear output
    return BoundaryFrames(
        xs,
        ys,
        probabilities.reshape(len(epochs), resolution, resolution).astype(np.float32),
        epochs,
    )


def _data_traces(X, y, X_test, y_test, classes: int) -> list[go.Scatter]:
    traces = []
    for label in range(classes):
        for part, (features, labels) in (("train", (X, y)), ("held-out", (X_test, y_test))):
            chosen = features[labels == label]
            symbol = CLASS_SYMBOLS[label % 3] + ("" if part == "train" else "-open")
            traces.append(
                go.Scatter(
                    x=chosen[:, 0],
                    y=chosen[:, 1],
                    mode="markers",
                    name=f"class {label} ({part})",
                    marker={
                        "symbol": symbol,
                        "size": 8 if part == "train" else 10,
                        "color": CLASS_COLORS[label % 3],
                        "line": {"width": 1 if part == "train" else 2, "color": "#111111"},
                    },
                    hoverinfo="skip",
                )
            )
    return traces


def boundary_figure(frames: BoundaryFrames, data, label: str) -> go.Figure:
    """The decision regions of one run over the data, with Play and an epoch slider.

    Frames replace only the heatmap (trace 0); a heatmap needs ``redraw: True`` to survive an
    animation (NOTES.md), which at ≤ 30 frames costs a few seconds of playing, not of loading.
    """
    last = frames.probabilities[-1]
    fig = go.Figure(
        [
            go.Heatmap(
                x=frames.xs,
                y=frames.ys,
                z=last,
                zmin=0.0,
                zmax=1.0,
                colorscale=PROBABILITY_SCALE,
                colorbar={"title": {"text": "P(class 1)"}, "len": 0.8},
                hovertemplate="x₁ %{x:.2f}, x₂ %{y:.2f}: P(class 1) = %{z:.2f}<extra></extra>",
            ),
            *_data_traces(data.X, data.y, data.X_test, data.y_test, data.classes),
        ]
    )
    names = [f"epoch {int(epoch)}" for epoch in frames.epochs]
    fig.frames = [
        go.Frame(data=[go.Heatmap(z=z)], traces=[0], name=name)
        for z, name in zip(frames.probabilities, names, strict=True)
    ]
    fig.update_layout(
        sliders=[
            {
                "active": len(names) - 1,
                "currentvalue": {"prefix": "Epoch shown: "},
                "x": 0.0,
                "len": 1.0,
                "y": -0.36,
                "yanchor": "top",
                "pad": {"t": 10},
                "steps": [
                    {
                        "label": str(int(epoch)),
                        "method": "animate",
                        "args": [[name], {"mode": "immediate", "frame": {"redraw": True}}],
                    }
                    for epoch, name in zip(frames.epochs, names, strict=True)
                ],
            }
        ],
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                # Under the x axis's title (at -0.14 "❚❚ Pause" covered it at 1280×800).
                "y": -0.2,
                "xanchor": "left",
                "yanchor": "top",
                "bgcolor": "#f2f2f2",
                "font": {"color": "#111111"},
                "pad": {"t": 10, "r": 10},
                "buttons": [
                    {
                        "label": "▶ Play",
                        "method": "animate",
                        "args": [
                            None,
                            {
                                "frame": {"duration": 150, "redraw": True},
                                "fromcurrent": False,
                                "transition": {"duration": 0},
                            },
                        ],
                    },
                    {
                        "label": "❚❚ Pause",
                        "method": "animate",
                        "args": [[None], {"mode": "immediate", "frame": {"redraw": False}}],
                    },
                ],
            }
        ],
    )
    apply_theme(fig, title="Decision regions", height=PANEL_HEIGHT + 160)
    fig.update_layout(meta={"optimizer": label})
    fig.update_layout(
        showlegend=False,
        margin={"l": 60, "r": 20, "b": 230},
        xaxis={"title": {"text": data.features[0]}, "range": [frames.xs[0], frames.xs[-1]]},
        yaxis={"title": {"text": data.features[1]}, "range": [frames.ys[0], frames.ys[-1]]},
    )
    return fig


def curves_figure(runs, labels) -> go.Figure:
    """Loss (log scale) and accuracy per epoch: solid = training data, dashed = held out;
    each optimizer its colour and marker shape."""
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("Loss", "Accuracy"),
        horizontal_spacing=0.1,
    )
    for index, (run, label) in enumerate(zip(runs, labels, strict=True)):
        epochs = np.arange(run.epochs + 1)
        color, symbol = path_color(index), OPTIMIZER_SYMBOLS[index % len(OPTIMIZER_SYMBOLS)]
        for column, (train, test) in enumerate(
            ((run.train_loss, run.test_loss), (run.train_accuracy, run.test_accuracy)), start=1
        ):
            for part, values, dash in (("train", train, "solid"), ("held-out", test, "dash")):
                fig.add_trace(
                    go.Scatter(
                        x=epochs,
                        y=values,
                        mode="lines+markers",
                        name=f"{label}, {part}",
                        legendgroup=f"{label}{part}",
                        showlegend=column == 1,
                        line={"color": color, "dash": dash, "width": 2.5},
                        marker={"symbol": symbol, "size": 8, "maxdisplayed": 12},
                        hovertemplate=f"{label} ({part})<br>epoch %{{x}}: %{{y:.4g}}"
                        + "<extra></extra>",
                    ),
                    row=1,
                    col=column,
                )
    fig.update_yaxes(type="log", dtick="D2", title_text="loss", row=1, col=1)
    # On the right of its panel: between the panels its title lay on the loss panel when the
    # chart is narrow (1024×768 beside the sidebar, a phone).
    fig.update_yaxes(
        title_text="accuracy", range=[0, 1.02], side="right", automargin=True, row=1, col=2
    )
    fig.update_xaxes(title_text="epoch")
    _legend_below(fig, [trace.name for trace in fig.data if trace.showlegend])
    return fig


def _legend_below(fig: go.Figure, names: list[str], title: str | None = None) -> None:
    """The shared theme with the legend under the plots: subplot titles keep the top."""
    rows = legend_rows(names, 700)
    apply_theme(fig, title=title, height=PANEL_HEIGHT + LEGEND_ROW * rows)
    # At the bottom edge of the figure, in the room the bottom margin keeps for it.
    fig.update_layout(
        legend={"yref": "container", "y": 0.0, "yanchor": "bottom"},
        margin={"t": TITLE_SPACE + (20 if title else 0), "b": 80 + LEGEND_ROW * rows},
    )
    fig.update_annotations(font_size=SUBTITLE_FONT_SIZE)


@dataclass(frozen=True, eq=False)
class PlaneView:
    """The loss on a run's PCA plane, the run's shadow on it, and a real 2-D run on it."""

    alphas: np.ndarray
    betas: np.ndarray
    losses: np.ndarray  # (len(betas), len(alphas))
    shadow: np.ndarray  # (k, 2)
    explained: np.ndarray  # (2,)
    real_path: np.ndarray  # (k', 2)
    n_params: int


def plane_view(network: Network, thetas, X, y, lr: float, resolution: int = 41) -> PlaneView:
    """PCA plane of a run's θ per epoch (Li et al. 2018, §7), the loss over it, and full-batch
    gradient descent run *on the plane* from the shadow's start: c ← c − η Dᵀ∇L(θ_end + Dᵀc)."""
    plane = pca_plane(thetas)
    reach = max(0.5, 1.25 * float(np.abs(plane.coordinates).max()))
    alphas = np.linspace(-reach, reach, resolution)
    betas = np.linspace(-reach, reach, resolution)
    A, B = np.meshgrid(alphas, betas)
    stack = (
        plane.origin
        + A.reshape(-1, 1) * plane.directions[0]
        + B.reshape(-1, 1) * plane.directions[1]
    )
    with np.errstate(all="ignore"):
        losses = np.asarray(network.loss_value(stack, X, y)).reshape(A.shape)
        point, path = plane.coordinates[0].copy(), [plane.coordinates[0].copy()]
        for _ in range(len(thetas) - 1):
            theta = plane.origin + point @ plane.directions
            point = point - lr * (plane.directions @ network.gradient(theta, X, y))
            if not np.all(np.isfinite(point)) or np.abs(point).max() > 100 * reach:
                break
            path.append(point.copy())
    return PlaneView(
        alphas, betas, losses, plane.coordinates, plane.explained, np.array(path), network.n_params
    )


def pca_figure(view: PlaneView, label: str) -> go.Figure:
    """Loss contour of the PCA plane with the shadow of the full run and a real 2-D run."""
    finite = view.losses[np.isfinite(view.losses)]
    top = float(np.quantile(finite, 0.95)) if finite.size else 1.0
    fig = go.Figure(
        go.Contour(
            x=view.alphas,
            y=view.betas,
            z=np.minimum(view.losses, top),
            colorscale="Viridis",
            ncontours=24,
            colorbar={"title": {"text": "loss"}, "len": 0.8},
            hovertemplate="α %{x:.2f}, β %{y:.2f}: loss %{z:.4g}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=view.shadow[:, 0],
            y=view.shadow[:, 1],
            mode="lines+markers",
            name=f"shadow of the {view.n_params}-parameter run (a projection)",
            line={"color": "#ffffff", "width": 3},
            marker={"symbol": "circle", "size": 7, "maxdisplayed": 40},
        )
    )
    real = view.real_path
    fig.add_trace(
        go.Scatter(
            x=real[:, 0],
            y=real[:, 1],
            mode="lines+markers",
            name="real 2-D run on this plane (GD)",
            line={"color": "#ff9f1c", "width": 3, "dash": "dash"},
            marker={"symbol": "x", "size": 8, "maxdisplayed": 40},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[0.0],
            y=[0.0],
            mode="markers",
            name="end of the run (θ_end)",
            marker={"symbol": "star", "size": 16, "color": "#ffd700", "line": {"width": 1}},
        )
    )
    d1, d2 = (100 * view.explained).tolist()
    title = f"PCA plane (d₁ {d1:.0f} %, d₂ {d2:.0f} %)"
    _legend_below(fig, [trace.name for trace in fig.data if trace.name], title)
    fig.update_layout(meta={"optimizer": label})
    reach = float(view.alphas[-1])
    fig.update_layout(
        xaxis={"title": {"text": "α along d₁"}, "range": [-reach, reach]},
        yaxis={"title": {"text": "β along d₂"}, "range": [-reach, reach]},
    )
    return fig


def standardization_figure(results: dict) -> go.Figure:
    """Loss per epoch with raw and standardized inputs, one panel per data set.

    ``results`` maps a data set's title to ``{"raw": run, "standardized": run}`` plus the
    condition numbers ``kappa_raw``/``kappa_standardized`` of the final Hessians."""
    titles = list(results)
    fig = make_subplots(rows=1, cols=len(titles), subplot_titles=titles, horizontal_spacing=0.1)
    for column, title in enumerate(titles, start=1):
        entry = results[title]
        for index, (kind, dash, symbol) in enumerate(
            (("raw", "dash", "x"), ("standardized", "solid", "circle"))
        ):
            run = entry[kind]
            kappa = entry[f"kappa_{kind}"]
            look = (path_color(index), dash, symbol)
            name = f"{kind} (κ = {_kappa_text(kappa)})"
            fig.add_trace(_epoch_loss_trace(run, name, kind, look), row=1, col=column)
    fig.update_yaxes(type="log", dtick="D2", title_text="training loss", col=1)
    fig.update_yaxes(type="log", dtick="D2")
    fig.update_xaxes(title_text="epoch")
    _legend_below(fig, [trace.name for trace in fig.data])
    return fig


def _epoch_loss_trace(run, name: str, hover: str, look: tuple[str, str, str]) -> go.Scatter:
    """One run's training loss per epoch, a line with a dot every few epochs; ``look`` is
    (colour, dash, marker symbol), so runs differ by more than their colour."""
    color, dash, symbol = look
    return go.Scatter(
        x=np.arange(run.epochs + 1),
        y=run.train_loss,
        mode="lines+markers",
        name=name,
        line={"color": color, "dash": dash, "width": 3},
        marker={"symbol": symbol, "size": 8, "maxdisplayed": 12},
        hovertemplate=f"{hover}: epoch %{{x}}, loss %{{y:.4g}}<extra></extra>",
    )


def _kappa_text(kappa: float) -> str:
    return "∞ (λmin ≤ 0)" if not np.isfinite(kappa) else format_number(kappa)


def eos_figure(losses, sharpness, lr: float) -> go.Figure:
    """Sharpness λmax per step against the stability line 2/η, and the loss below it."""
    steps = np.arange(len(losses))
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.1,
        subplot_titles=("Sharpness λmax(∇²L) per step", "Training loss (MSE) per step"),
    )
    fig.add_trace(
        go.Scatter(
            x=steps,
            y=sharpness,
            mode="lines",
            name="sharpness λmax",
            line={"color": path_color(1), "width": 3},
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=[0, max(1, len(steps) - 1)],
            y=[2 / lr, 2 / lr],
            mode="lines",
            name=f"2/η = {format_number(2 / lr)} (GD's stability limit)",
            line={"color": "#ffffff", "dash": "dash", "width": 2},
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=steps, y=losses, mode="lines", name="loss", line={"color": path_color(0), "width": 3}
        ),
        row=2,
        col=1,
    )
    fig.update_yaxes(type="log", dtick="D2", row=2, col=1)
    fig.update_xaxes(title_text="step (full-batch gradient descent)", row=2, col=1)
    _legend_below(fig, [trace.name for trace in fig.data])
    fig.update_layout(height=PANEL_HEIGHT + 160)
    return fig


def hidden_units_figure(runs, labels, units) -> go.Figure:
    """Zero initialization against a random start: the training loss per epoch (left) and
    every hidden unit's two incoming weights (w₁, w₂) at the end of each run (right), one
    marker per unit; units that stayed identical sit on one point.

    ``units`` holds, per run, an array (units, ≥ 2) whose first two columns are the weights.
    """
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("Training loss per epoch", "Hidden units' weights at the end"),
        horizontal_spacing=0.14,
    )
    for index, (run, label, unit) in enumerate(zip(runs, labels, units, strict=True)):
        color, symbol = path_color(index), OPTIMIZER_SYMBOLS[index % len(OPTIMIZER_SYMBOLS)]
        dash = ("solid", "dash")[index % 2]
        fig.add_trace(
            _epoch_loss_trace(run, f"{label}: loss", label, (color, dash, symbol)), row=1, col=1
        )
        distinct = len(np.unique(np.round(unit[:, :2], 12), axis=0))
        fig.add_trace(
            go.Scatter(
                x=unit[:, 0],
                y=unit[:, 1],
                mode="markers",
                name=f"{label}: {len(unit)} units on {distinct} point"
                + ("" if distinct == 1 else "s"),
                marker={
                    "symbol": symbol,
                    "size": 12,
                    "color": color,
                    "line": {"color": "#111111", "width": 1},
                },
                hovertemplate=f"{label}: w₁ %{{x:.3g}}, w₂ %{{y:.3g}}<extra></extra>",
            ),
            row=1,
            col=2,
        )
    fig.update_xaxes(title_text="epoch", row=1, col=1)
    fig.update_yaxes(title_text="training loss", row=1, col=1)
    fig.update_xaxes(title_text="weight from x₁", row=1, col=2)
    fig.update_yaxes(title_text="weight from x₂", row=1, col=2)
    _legend_below(fig, [trace.name for trace in fig.data])
    return fig
