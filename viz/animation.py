"""Animated and static figures of optimizer paths: the Playground and the Optimizer race.

:func:`path_figure` is the animated one: the path on the surface (left) and the loss per
step (right), with Play/Pause buttons and a step slider. How it stays small and smooth:

* The surface is drawn once (:func:`viz.layers.add_surface`: a ``layout.images`` raster and
  one level-line trace); frames never touch it and every animation uses ``redraw: False``
  (shared/NOTES.md: contour traces vanish without a redraw, and a redraw doubles the cost).
* At most ``max_frames`` frames (:data:`MAX_FRAMES`, 40, by default), at steps spread
  evenly over the run; the last step is always one of them. Frames are named by their
  step (``"0"``, ``"12"``, …).
* A frame that carries the whole path so far grows the figure with the square of the
  number of frames. So each path is two traces: a *history* (steps 0…k of the last
  keyframe) and a *tail* (from that keyframe to the frame's step). Every ⌈√frames⌉-th frame
  and the last are keyframes that carry the history; the frames after one name it as
  ``baseframe`` (plotly.js merges it in before animating, see :func:`resolve_frame`) and
  carry only their tail, the current point, the arrows and the loss marker. The hover data
  (step, loss) of the path lives once in ``data`` on the history trace, whose points are
  always a prefix of the full path, so no frame repeats it; tail points have no hover until
  the next keyframe (the current point always has one).
* ``data`` holds the final state (the complete paths) and the slider starts on the last
  step, so the figure says everything before anyone presses Play, and a screenshot of it
  too. Play restarts from step 0 (plotly.js ``fromcurrent`` resumes only a paused run).
* Path coordinates are float32 (invisible on a chart, half the bytes of base64 float64);
  losses stay float64 where they leave float32's range. One- and two-point traces are plain
  lists: base64's ``{"dtype", "bdata"}`` wrapper would be longer than the numbers.

* Paths are drawn point for point while the figure's runs have at most 2,000 points in
  all. Beyond that, points less than about a pixel (0.15 % of the plot diagonal) from the
  last point kept are left out; the picture is the same and 4 runs × 1,000 steps stay
  near 500 KB of JSON.

* The figure is built as a plain dict (:func:`path_figure_dict`: ~6 ms for the Playground,
  against ~200 ms for the same ~500 frame traces as validated ``go.Scatter``/``go.Frame``
  objects) and handed out as a :class:`viz.dict_figure.DictFigure`, which reaches the
  browser and the cache without ever being validated.

Trace order (``fig.layout.meta["traces"]`` has the indices by role): static traces first,
level lines 0, minimizers 1, start points 2, one static loss curve per trajectory, then
(if any run diverged) the ✕ ends of the loss curves. Then the moving traces: the history
and tail of each trajectory, the −∇f and step arrows (first trajectory), the current point
of each trajectory, a ✕ per diverged trajectory, and each one's marker on its loss curve.
"""

from __future__ import annotations

import functools
import json
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from viz import theme
from viz.dict_figure import DictFigure, merge
from viz.layers import SurfaceLayers, color_transform, surface_parts
from viz.minima import shown_minima

#: The most animation frames of a path figure by default. Each frame is a step of the figure's
#: slider, and plotly.js draws and measures every step's label when it plots the figure:
#: 40 frames instead of 100 cut ~20–30 ms of the browser's CPU per new chart (measured A/B,
#: bench/browser_results.md). The path stays exact: each frame draws it up to its own step.
MAX_FRAMES = 40
#: Milliseconds per frame while playing (plotly.js with ``redraw: False`` needs ~35 ms): with
#: 40 frames a run plays in about 4 s, slow enough for a room to follow the path.
FRAME_DURATION_MS = 100
#: The longest −∇f arrow, as a fraction of the plot diagonal, and the decades of ‖∇f‖ its
#: length spans (see ``_ArrowScale.gradient_length``).
MAX_GRADIENT_ARROW = 0.15
GRADIENT_DECADES = 3.0
#: Paths are drawn point for point while all of a figure's paths together have at most this
#: many points; beyond that, points closer than :data:`PATH_RESOLUTION` (a fraction of the
#: plot diagonal: about a pixel on a 450 px panel) to the last point kept are left out,
#: which leaves the picture as it was and keeps 4 runs × 1,000 steps near 500 KB of JSON.
EXACT_PATH_POINTS = 2000
PATH_RESOLUTION = 1.5e-3
#: The most points drawn of one path, and of one loss curve (kept as the minimum and maximum
#: of each of half as many buckets, so an oscillating loss keeps its envelope).
MAX_DRAWN_POINTS = 1000
MAX_CURVE_POINTS = 2000

#: The path's line width in pixels, about how many steps carry a dot (every k-th step, see
#: ``_Run.marker_every``) and the dots' size.
PATH_WIDTH = 1.5
PATH_DOTS = 20
PATH_DOT_SIZE = 7

#: The width the path figure's legend can count on: the Playground beside the sidebar on a
#: 1280 px laptop, less the side margins (measured: 778 px). The figure follows the window's
#: height, and its top margin holds this many legend rows.
PATH_LEGEND_WIDTH = 778

#: The contour's and the loss panel's shares of the width, and the gap between them (the loss
#: axis is on the right, so the gap only needs to part the panels). The contour is square,
#: so its share decides its size beside the sidebar (≥ 450 px at 1280×800).
PATH_COLUMNS = (0.64, 0.36)
PATH_SPACING = 0.05

#: The width the race's loss and distance legend can count on (1024×768, sidebar open).
RACE_LEGEND_WIDTH = 560

#: The theory's loss curve (:func:`optimizers.theory.rate_curve`), dashed on the loss panel.
THEORY_COLOR = "#f2f2f2"

_FLOAT32_LIMIT = 1e30
_HOVER_POINT = (
    "step %{customdata[0]:d}<br>x = %{x:.4g}<br>y = %{y:.4g}<br>loss = %{customdata[1]:.4g}"
)


# --------------------------------------------------------------------------------------------
# public builders
# --------------------------------------------------------------------------------------------
def path_figure(layers: SurfaceLayers, surface, trajectories, **options) -> go.Figure:
    """Animated figure: the optimizer paths on the surface and their loss per step.

    Takes the arguments of :func:`path_figure_dict`, which describes the figure.

    Returns
    -------
    plotly.graph_objects.Figure
        A :class:`viz.dict_figure.DictFigure`: :func:`path_figure_dict` as a ``go.Figure``,
        validated only when something reads its objects (``to_dict``, ``to_json`` and
        ``st.plotly_chart`` do not).
    """
    return DictFigure(path_figure_dict(layers, surface, trajectories, **options))


def path_figure_dict(
    layers: SurfaceLayers,
    surface,
    trajectories,
    labels: Sequence[str] | None = None,
    max_frames: int = MAX_FRAMES,
    show_arrows: bool = True,
    title: str | None = None,
    height: int = 620,
    theory=None,
) -> dict:
    """The animated figure (:func:`path_figure`) as a plain dict, built without Plotly's
    per-object validation: ~10× faster than the same figure as ``go.Scatter``/``go.Frame``
    objects.

    Left (64 %): the surface raster and level lines, minimizers (stars), start points and,
    for each trajectory, the path so far, the current point and, for the first trajectory
    when ``show_arrows``, the steepest-descent arrow −∇f(x_k) (log-scaled, at most 15 % of
    the plot diagonal) and the step arrow x_{k+1} − x_k (true length; for momentum methods
    this is the velocity step −η·v). Right (36 %): loss against step, log scale when every
    loss is positive, with a marker per trajectory at the current step.

    ``data`` shows the final state; frames animate step 0 → the end (see the module notes).

    Parameters
    ----------
    layers : SurfaceLayers
        From :func:`viz.layers.surface_layers` for ``surface``.
    surface : Surface
    trajectories : Trajectory or sequence of Trajectory
        From :func:`optimizers.run`; the first one gets the arrows.
    labels : sequence of str, optional
        Legend entries; ``t.optimizer.label()`` by default.
    max_frames : int
        The most animation frames, ≥ 1, however long the runs.
    show_arrows : bool
        Draw the −∇f and step arrows of the first trajectory.
    title : str, optional
        Figure title; ``surface.title`` by default.
    height : int
        Figure height in pixels.
    theory : curve or sequence of curves, optional
        The theory's loss curve per trajectory (None where there is none), each with
        ``losses`` (t = 0, 1, …) and ``label``, e.g. :func:`optimizers.theory.rate_curve`;
        one curve alone belongs to the first trajectory. Drawn dashed (light grey) on the
        loss panel, as static traces appended after the moving ones (so the moving traces
        keep their indices); ``meta["traces"]["theory"]`` lists them.

    Returns
    -------
    dict
        ``data``, ``layout`` and ``frames``, arrays as NumPy arrays:
        ``go.Figure(path_figure_dict(...))`` is the figure, and
        :func:`viz.dict_figure.encode_arrays` makes it JSON-ready.
    """
    trajectories = _as_list(trajectories)
    labels = _labels(trajectories, labels)
    theory_curves = _theory_list(theory, len(trajectories))
    if isinstance(max_frames, bool) or not isinstance(max_frames, (int, np.integer)):
        raise TypeError(f"max_frames must be a whole number, got {max_frames!r}.")
    if max_frames < 1:
        raise ValueError(f"max_frames must be at least 1, got {max_frames}.")

    (xmin, xmax), (ymin, ymax) = layers.bounds
    diagonal = math.hypot(xmax - xmin, ymax - ymin)
    steps = frame_steps(max(t.steps for t in trajectories), int(max_frames))
    keys = keyframe_steps(steps)
    loss_axis = _loss_axis([t.losses for t in trajectories])
    exact = sum(t.steps + 1 for t in trajectories) <= EXACT_PATH_POINTS
    runs = [
        _Run.build(i, t, label, steps, diagonal, loss_axis, exact)
        for i, (t, label) in enumerate(zip(trajectories, labels, strict=True))
    ]
    arrows = _ArrowScale.build(trajectories[0], layers.bounds) if show_arrows else None

    data: list[dict] = []  # the traces, as go.Figure.add_trace(trace, row=1, col=…) adds them

    def add(trace: dict, col: int) -> int:
        data.append({"type": "scatter", **trace, **_SUBPLOT_AXES[col]})
        return len(data) - 1

    roles: dict[str, object] = {}

    # ----- static traces ---------------------------------------------------------------------
    surface_layer = surface_parts(layers)
    # Level lines in float32: half the bytes, the same picture.
    roles["level_lines"] = add(
        {**surface_layer["trace"], "x": _coords(layers.line_x), "y": _coords(layers.line_y)}, 1
    )
    roles["minima"] = add(_minima_trace(surface), 1)
    roles["start"] = add(_start_trace(trajectories), 1)
    roles["loss_curves"] = [add(run.loss_curve_trace(), 2) for run in runs]
    diverged_runs = [run for run in runs if run.diverged]
    roles["loss_ends"] = add(_loss_ends_trace(diverged_runs), 2) if diverged_runs else None
    static_count = len(data)

    # ----- moving traces (data = the state of the last frame) ---------------------------------
    final_step = int(steps[-1])
    final_key = final_step  # the last frame is a keyframe: its history is the whole path
    roles["path_history"], roles["path_tail"] = [], []
    for run in runs:
        roles["path_history"].append(add(run.history_trace(final_key), 1))
        roles["path_tail"].append(add(run.tail_trace(final_key, final_step), 1))
    roles["gradient_arrow"] = roles["step_arrow"] = None
    if arrows is not None:
        roles["gradient_arrow"] = add(arrows.gradient_trace(runs[0], final_step), 1)
        roles["step_arrow"] = add(arrows.step_trace(runs[0], final_step), 1)
    roles["current"] = [add(run.current_trace(final_step), 1) for run in runs]
    roles["diverged"] = [
        add(run.diverged_trace(final_step), 1) if run.diverged else None for run in runs
    ]
    roles["loss_marker"] = [add(run.loss_marker_trace(final_step), 2) for run in runs]
    # Static, but after the moving traces: the indices frames refer to stay as they were.
    roles["theory"] = [
        None if curve is None else add(_theory_trace(curve, run, loss_axis), 2)
        for run, curve in zip(runs, theory_curves, strict=True)
    ]
    theory_indices = [index for index in roles["theory"] if index is not None]

    # ----- frames ------------------------------------------------------------------------------
    frames = []
    for index, step in enumerate(steps.tolist()):
        key = int(keys[index])
        is_key = key == step
        updates = []  # (trace index, what changes), in trace order
        for run, history, tail in zip(runs, roles["path_history"], roles["path_tail"], strict=True):
            if is_key:
                updates.append((history, run.history_trace(key, frame=True)))
            updates.append((tail, run.tail_trace(key, step, frame=True)))
        if arrows is not None:
            updates.append((roles["gradient_arrow"], arrows.gradient_trace(runs[0], step, True)))
            updates.append((roles["step_arrow"], arrows.step_trace(runs[0], step, True)))
        for run, current in zip(runs, roles["current"], strict=True):
            updates.append((current, run.current_trace(step, frame=True)))
        for run, diverged in zip(runs, roles["diverged"], strict=True):
            if diverged is not None:
                updates.append((diverged, run.diverged_trace(step, frame=True)))
        for run, marker in zip(runs, roles["loss_marker"], strict=True):
            updates.append((marker, run.loss_marker_trace(step, frame=True)))
        frame = {
            "data": [{"type": "scatter", **trace} for _, trace in updates],
            "name": str(step),
            "traces": [trace_index for trace_index, _ in updates],
        }
        if not is_key:
            frame["baseframe"] = str(key)
        frames.append(frame)

    # ----- layout ------------------------------------------------------------------------------
    # The shared theme over the two subplots (built once per height and legend size), then
    # what this figure adds, merged in as fig.update_layout / update_xaxes would.
    legend_names = [trace["name"] for trace in data if trace.get("showlegend") is not False]
    layout = json.loads(
        _base_layout(
            2,
            PATH_COLUMNS,
            PATH_SPACING,
            int(height),
            theme.legend_rows(legend_names, PATH_LEGEND_WIDTH),
        )
    )
    title = surface.title if title is None else title
    axis_labels = getattr(surface, "extras", {}).get("axis_labels", ("x", "y"))
    merge(
        layout,
        {
            **({"title": {"text": title}} if title is not None else {}),
            "images": [surface_layer["image"]],
            "xaxis": surface_layer["xaxis"],
            "yaxis": surface_layer["yaxis"],
        },
    )
    merge(
        layout,
        {
            "margin": {"b": 84},
            # In trace order, not in legend groups: plotly starts each group on a row of its
            # own, which made three rows of six short entries and ran them into the title.
            "legend": {"traceorder": "normal"},
            "hovermode": "closest",
            "updatemenus": [_play_pause_menu()],
            "sliders": [_slider(steps)],
            "meta": {
                "traces": roles,
                "static_traces": list(range(static_count)) + theory_indices,
                "frame_steps": steps.tolist(),
                "keyframe_steps": sorted(set(keys.tolist())),
            },
            # The surface's own names for its parameters (w, b; w₁, w₂), as its other figures.
            "xaxis": {"title": {"text": axis_labels[0], "standoff": 4}, "showline": False},
            "yaxis": {"title": {"text": axis_labels[1], "standoff": 4}, "showline": False},
            "xaxis2": _step_axis(final_step),
            # Ticks and title on the right, outside the figure: between the panels they ran
            # into a contour that fills its width (a projector at 1024×768, teacher mode).
            "yaxis2": {**loss_axis.layout(), "side": "right", "automargin": True},
        },
    )
    return {"data": data, "layout": layout, "frames": frames}


def frame_steps(max_steps: int, max_frames: int) -> np.ndarray:
    """The steps the animation shows: at most ``max_frames``, spread evenly over
    0…``max_steps``, always including 0 and ``max_steps`` (just ``max_steps`` for one frame).
    """
    count = min(max_frames, max_steps + 1)
    if count <= 1:
        return np.array([max_steps])
    # Spacing ≥ 1 (count ≤ max_steps + 1), so the rounded steps are distinct.
    return np.round(np.linspace(0, max_steps, count)).astype(int)


def keyframe_steps(steps: np.ndarray) -> np.ndarray:
    """For each frame step, the step of its keyframe: every ⌈√frames⌉-th frame and the last.

    √frames keyframes balance what they carry (the path so far) against what the frames in
    between carry (the tail since their keyframe): about 10·(steps + 1) points per path for
    100 frames instead of 50·(steps + 1) if every frame carried its whole path.
    """
    every = math.ceil(math.sqrt(len(steps)))
    keys = steps[(np.arange(len(steps)) // every) * every].copy()
    keys[-1] = steps[-1]
    return keys


def resolve_frame(fig: go.Figure, name: str) -> dict[int, dict]:
    """The complete update frame ``name`` applies: its own traces merged over its
    ``baseframe`` chain, as plotly.js ``Plots.computeFrame`` does.

    Returns ``{trace index: {property: value}}`` with only the properties the frames set.
    """
    by_name = {frame.name: frame for frame in fig.frames}
    chain, seen = [], set()
    frame = by_name[str(name)]
    while frame is not None and frame.name not in seen:
        chain.append(frame)
        seen.add(frame.name)
        frame = by_name.get(frame.baseframe) if frame.baseframe else None
    merged: dict[int, dict] = {}
    for frame in reversed(chain):
        indices = frame.traces if frame.traces is not None else range(len(frame.data))
        for index, trace in zip(indices, frame.data, strict=True):
            props = {key: value for key, value in trace.to_plotly_json().items() if key != "type"}
            merged.setdefault(index, {}).update(props)
    return merged


def trajectory_3d_figure(
    surface,
    trajectories,
    resolution: int = 80,
    labels: Sequence[str] | None = None,
    title: str | None = None,
    height: int = 620,
) -> go.Figure:
    """Static 3-D view: the surface f over its bounds and the paths lifted onto it.

    Where the loss spans a wide range (Rosenbrock's ridge is ~100× its valley), heights are
    compressed as h = s·log(1 + (f − f_min)/s), with s a quarter of the median of f − f_min:
    linear near the valley floor, logarithmic up the walls. The z ticks are labelled with the
    true f, so the axis stays honest. Paths float a little above the surface so they are not
    hidden in it; points beyond the bounds are left out.

    Parameters
    ----------
    surface : Surface
    trajectories : Trajectory or sequence of Trajectory
    resolution : int
        Grid points per axis of the surface mesh.
    labels : sequence of str, optional
        Legend entries; ``t.optimizer.label()`` by default.
    title : str, optional
        Figure title; ``surface.title`` by default.
    height : int
        Figure height in pixels.
    """
    trajectories = _as_list(trajectories)
    labels = _labels(trajectories, labels)
    xs, ys, values = surface.grid(int(resolution))
    height_map = _HeightMap.build(values)
    z = height_map(values)
    finite_z = z[np.isfinite(z)]
    z_low, z_high = (float(finite_z.min()), float(finite_z.max())) if finite_z.size else (0.0, 1.0)
    lift = 0.025 * max(z_high - z_low, 1e-12)

    fig = go.Figure()
    fig.add_trace(
        go.Surface(
            # float32 throughout: half the bytes of the 3 grids, nothing a screen shows.
            x=xs.astype(np.float32),
            y=ys.astype(np.float32),
            z=_coords(z),
            surfacecolor=color_transform(values).astype(np.float32),
            colorscale="Viridis",
            cmin=0.0,
            cmax=1.0,
            showscale=False,
            opacity=0.95,
            name="f(x, y)",
            customdata=_compact_losses(values),
            hovertemplate="x = %{x:.3g}<br>y = %{y:.3g}<br>f = %{customdata:.4g}<extra></extra>",
            contours={"z": {"show": False}},
        )
    )
    (xmin, xmax), (ymin, ymax) = surface.bounds
    for i, (trajectory, label) in enumerate(zip(trajectories, labels, strict=True)):
        points = trajectory.points
        inside = _inside(points, surface.bounds)
        keep = _drawn_indices(
            points, math.hypot(xmax - xmin, ymax - ymin), len(points) <= EXACT_PATH_POINTS
        )
        px = np.where(inside, points[:, 0], np.nan)[keep]
        py = np.where(inside, points[:, 1], np.nan)[keep]
        pz = np.minimum(height_map(trajectory.losses[keep]), z_high) + lift
        color = theme.path_color(i)
        fig.add_trace(
            go.Scatter3d(
                x=px,
                y=py,
                z=pz,
                mode="lines",
                line={"color": color, "width": 7},
                name=label,
                customdata=np.column_stack([keep, trajectory.losses[keep]]),
                hovertemplate=f"{label}<br>{_HOVER_POINT}<extra></extra>",
            )
        )
        ends = [0, len(keep) - 1]
        fig.add_trace(
            go.Scatter3d(
                x=px[ends],
                y=py[ends],
                z=pz[ends],
                mode="markers",
                marker={
                    "size": [6, 10],
                    "color": [theme.START_COLOR, color],
                    "line": {"color": theme.OUTLINE_COLOR, "width": 2},
                },
                showlegend=False,
                hoverinfo="skip",
            )
        )
    theme.apply_theme(
        fig,
        title=surface.title if title is None else title,
        height=height,
        legend_rows=theme.legend_rows(labels),
    )
    tickvals, ticktext = height_map.ticks(z_low, z_high)
    axis = {
        "backgroundcolor": theme.PLOT_COLOR,
        "gridcolor": "rgba(255, 255, 255, 0.25)",
        "showbackground": True,
        "tickfont": {"size": theme.TICK_FONT_SIZE - 2},
        "title": {"font": {"size": theme.BASE_FONT_SIZE}},
    }
    span_x, span_y = xmax - xmin, ymax - ymin
    fig.update_layout(
        margin={"l": 10, "r": 10, "b": 10},
        scene={
            "xaxis": {**axis, "title": {"text": "x"}, "range": [xmin, xmax]},
            "yaxis": {**axis, "title": {"text": "y"}, "range": [ymin, ymax]},
            "zaxis": {
                **axis,
                "title": {"text": "f"},
                "range": [z_low, z_high + 2 * lift],
                "tickvals": tickvals,
                "ticktext": ticktext,
            },
            "aspectmode": "manual",
            "aspectratio": {"x": 1.0, "y": span_y / span_x, "z": 0.6},
            # From the low corner and well above: paths lie in valleys, which a low view hides.
            "camera": {
                "eye": {"x": -1.05, "y": -1.3, "z": 1.1},
                "center": {"x": 0.0, "y": 0.0, "z": -0.2},
            },
        },
    )
    return fig


def loss_distance_figure(
    surface,
    trajectories,
    labels: Sequence[str] | None = None,
    title: str | None = None,
    height: int = 520,
) -> go.Figure:
    """Static race figure: loss per step and, where the surface lists minimizers, the
    distance to the nearest one per step (log scale); the loss panel alone otherwise.

    Parameters
    ----------
    surface : Surface
    trajectories : Trajectory or sequence of Trajectory
    labels : sequence of str, optional
        Legend entries; ``t.optimizer.label()`` by default.
    title : str, optional
        Figure title; "Loss and distance to the minimum" by default.
    height : int
        Figure height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        A :class:`viz.dict_figure.DictFigure`, like :func:`path_figure`.
    """
    trajectories = _as_list(trajectories)
    labels = _labels(trajectories, labels)
    minima = np.asarray(surface.minima, dtype=float).reshape(-1, 2)
    with_distance = len(minima) > 0
    loss_axis = _loss_axis([t.losses for t in trajectories])
    distances = [_nearest_distance(t.points, minima) for t in trajectories] if with_distance else []
    distance_axis = _loss_axis(distances, name="distance to the minimum") if with_distance else None
    longest = max(t.steps for t in trajectories)
    # Built as a dict like path_figure (the same figure as go objects costs ~40 ms more).
    data = []
    for i, (trajectory, label) in enumerate(zip(trajectories, labels, strict=True)):
        color = theme.path_color(i)
        loss = _curve_trace(
            trajectory.losses,
            loss_axis.shown(trajectory.losses),
            label,
            color,
            "loss",
            name=_legend_name(label, trajectory),
            legendgroup=f"run{i}",
        )
        data.append({"type": "scatter", **loss, **_SUBPLOT_AXES[1]})
        if with_distance:
            distance = _curve_trace(
                distances[i],
                distance_axis.shown(distances[i]),
                label,
                color,
                "distance",
                legendgroup=f"run{i}",
                showlegend=False,
            )
            data.append({"type": "scatter", **distance, **_SUBPLOT_AXES[2]})
    if title is None:
        title = "Loss and distance to the minimum" if with_distance else "Loss"
    cols = 2 if with_distance else 1
    # The distance panel's axis is on the right, outside the figure (between the panels its
    # title lay on the loss panel at 1024 px); the legend's rows are counted for a chart as
    # narrow as 1024×768 with the sidebar open.
    layout = json.loads(
        _base_layout(cols, None, 0.06, int(height), theme.legend_rows(labels, RACE_LEGEND_WIDTH))
    )

    merge(
        layout,
        {
            "title": {"text": title},
            "margin": {"b": 70},
            "hovermode": "closest",
            "xaxis": _step_axis(longest),
            "yaxis": loss_axis.layout(),
        },
    )
    if with_distance:
        merge(
            layout,
            {
                "xaxis2": _step_axis(longest),
                "yaxis2": {**distance_axis.layout(), "side": "right", "automargin": True},
            },
        )
    return DictFigure({"data": data, "layout": layout})


# --------------------------------------------------------------------------------------------
# one trajectory, ready to draw
# --------------------------------------------------------------------------------------------
@dataclass
class _Run:
    trajectory: object
    label: str
    group: str  # legend group: clicking the legend entry hides all of this run
    color: str
    drawn: np.ndarray  # indices of the path points drawn (see EXACT_PATH_POINTS)
    shown_losses: np.ndarray  # losses as the loss axis draws them

    @classmethod
    def build(cls, index, trajectory, label, steps, diagonal, loss_axis, exact) -> _Run:
        n = trajectory.steps
        # The current point of every frame must be a drawn point, so the tail ends on it.
        drawn = np.union1d(_drawn_indices(trajectory.points, diagonal, exact), np.minimum(steps, n))
        return cls(
            trajectory,
            label,
            f"run{index}",
            theme.path_color(index),
            drawn,
            loss_axis.shown(trajectory.losses),
        )

    @property
    def steps(self) -> int:
        return self.trajectory.steps

    @property
    def diverged(self) -> bool:
        return self.trajectory.status == "diverged"

    def _segment(self, first: int, last: int) -> np.ndarray:
        lo, hi = np.searchsorted(self.drawn, [first, last], side="left")
        return self.drawn[lo : hi + 1]

    @property
    def exact(self) -> bool:
        """True when every point is drawn, so a history point's number is its step."""
        return len(self.drawn) == self.steps + 1

    def _customdata(self, indices: np.ndarray) -> np.ndarray:
        return np.column_stack([indices, self.trajectory.losses[indices]])

    # Each *_trace(…, frame=True) returns only what changes between frames; without it, the
    # full trace with its style (the figure's data). Traces are plain dicts without ``type``.
    def history_trace(self, key: int, frame: bool = False) -> dict:
        indices = self._segment(0, min(key, self.steps))
        points = self.trajectory.points[indices]
        xy = {"x": _coords(points[:, 0]), "y": _coords(points[:, 1])}
        if frame:
            return xy
        # The hover data covers the whole path; frames only shorten x and y to a prefix, so
        # point i keeps its step and loss. When every point is drawn, point i is step i.
        if self.exact:
            customdata = _compact_losses(self.trajectory.losses[indices])
            hover = _HOVER_POINT.replace("customdata[0]", "pointNumber").replace(
                "customdata[1]", "customdata"
            )
        else:
            customdata, hover = _compact_losses(self._customdata(indices)), _HOVER_POINT
        return {
            **xy,
            "mode": "lines+markers",
            "line": self._path_line(),
            "marker": self._path_marker(indices),
            "name": _legend_name(self.label, self.trajectory),
            "legendgroup": self.group,
            "customdata": customdata,
            "hovertemplate": f"{self.label}<br>{hover}<extra></extra>",
        }

    def tail_trace(self, key: int, step: int, frame: bool = False) -> dict:
        indices = self._segment(min(key, self.steps), min(step, self.steps))
        points = self.trajectory.points[indices]
        trace = {"x": _coords(points[:, 0]), "y": _coords(points[:, 1])}
        # The tail starts at its keyframe's step, not at step 0, so its marker sizes (which
        # steps carry a dot) travel with it in every frame; they are a few numbers.
        sizes = self._marker_sizes(indices)
        if frame:
            return {**trace, "marker": {"size": sizes}}
        look = {
            "mode": "lines+markers",
            "line": self._path_line(),
            "marker": {**self._path_marker(indices), "size": sizes},
        }
        return self._unlisted(trace, look, hoverinfo="skip")

    def current_trace(self, step: int, frame: bool = False) -> dict:
        index = min(step, self.steps)
        x, y = self.trajectory.points[index].tolist()
        trace = {
            "x": [_short(x)],
            "y": [_short(y)],
            "customdata": [[index, _short(self.trajectory.losses[index])]],
        }
        if frame:
            return trace
        look = {"mode": "markers", "marker": self._dot(17)}
        hover = f"{self.label} (now)<br>{_HOVER_POINT}<extra></extra>"
        return self._unlisted(trace, look, hovertemplate=hover)

    def diverged_trace(self, step: int, frame: bool = False) -> dict:
        # The cross appears once the animation reaches the step where the run blew up; before
        # that its point is NaN (not drawn). It may lie far outside the plot: never clipped.
        x, y = self.trajectory.points[-1].tolist() if step >= self.steps else (math.nan, math.nan)
        trace = {"x": [_short(x)], "y": [_short(y)]}
        if frame:
            return trace
        return self._unlisted(
            trace,
            {"mode": "markers", "marker": _cross_marker(22)},
            name="diverged",
            text=[_wrap(self.trajectory.message)],
            hovertemplate=f"<b>{self.label}</b><br>%{{text}}<extra></extra>",
        )

    def loss_marker_trace(self, step: int, frame: bool = False) -> dict:
        index = min(step, self.steps)
        trace = {
            "x": [index],
            "y": [_short(self.shown_losses[index])],
            "customdata": [_short(self.trajectory.losses[index])],
        }
        if frame:
            return trace
        look = {"mode": "markers", "marker": self._dot(14)}
        hover = f"{self.label}<br>step %{{x}}<br>loss %{{customdata:.4g}}<extra></extra>"
        return self._unlisted(trace, look, hovertemplate=hover)

    def loss_curve_trace(self) -> dict:
        return _curve_trace(
            self.trajectory.losses,
            self.shown_losses,
            self.label,
            self.color,
            "loss",
            opacity=0.85,
            legendgroup=self.group,
            showlegend=False,
        )

    def _unlisted(self, trace: dict, look: dict, name: str | None = None, **hover) -> dict:
        """``trace`` with ``look`` (mode, line, marker), then in this run's legend group
        without an entry of its own (clicking the run's entry hides it too), then ``hover``."""
        name = self.label if name is None else name
        trace.update(look, name=name, legendgroup=self.group, showlegend=False, **hover)
        return trace

    def _dot(self, size: int) -> dict:
        return {
            "size": size,
            "color": self.color,
            "line": {"color": theme.OUTLINE_COLOR, "width": 2},
        }

    def _path_line(self) -> dict:
        # Thin: at κ = 100 gradient descent crosses the valley every step, and 3 px lines with
        # a dot per step merged into a solid wedge at 1024×768 (review/02, 03). 1.5 px lines
        # leave the gaps between the crossings open, so the zig-zag reads as one.
        return {"color": self.color, "width": PATH_WIDTH}

    @property
    def marker_every(self) -> int:
        """k: a dot on every k-th step, about :data:`PATH_DOTS` of them on the whole run."""
        return max(1, math.ceil(self.steps / PATH_DOTS))

    def _marker_sizes(self, indices: np.ndarray) -> np.ndarray | list:
        """Dot size per drawn point: :data:`PATH_DOT_SIZE` on every k-th step, 0 elsewhere."""
        sizes = np.where(indices % self.marker_every == 0, PATH_DOT_SIZE, 0).astype(np.uint8)
        return sizes if sizes.size > 2 else sizes.tolist()

    def _path_marker(self, indices: np.ndarray) -> dict:
        # Dots only on every k-th step (the start and the current point have markers of their
        # own): a dot per step hid the path under its markers. Outlined, so a dot on the
        # yellow end of the colour map still has an edge.
        return {
            "size": self._marker_sizes(indices),
            "color": self.color,
            "line": {"color": theme.OUTLINE_COLOR, "width": 1},
        }


@dataclass(frozen=True)
class _ArrowScale:
    """How long the arrows of one trajectory are drawn, the same for every frame."""

    reference: float  # the gradient norm that gets the longest arrow
    max_length: float
    head: float
    trajectory: object

    @classmethod
    def build(cls, trajectory, bounds) -> _ArrowScale:
        (xmin, xmax), (ymin, ymax) = bounds
        diagonal = math.hypot(xmax - xmin, ymax - ymin)
        norms = trajectory.grad_norms
        inside = _inside(trajectory.points, bounds)
        # The 90th percentile, not the maximum: one huge gradient at the start (Rosenbrock's
        # wall) or far off the plot (divergence) would leave every other arrow a dot.
        reference = norms[inside] if inside.any() else norms
        return cls(
            float(np.percentile(reference, 90)),
            MAX_GRADIENT_ARROW * diagonal,
            0.03 * diagonal,
            trajectory,
        )

    def gradient_length(self, norm: float) -> float:
        r"""L(‖g‖) = L_max · clip(1 + log₁₀(‖g‖ / g_ref) / 3, 0, 1).

        Log-scaled over three decades: g_ref (the 90th percentile of ‖∇f‖ on the plot) and
        above get the longest arrow, 15 % of the plot diagonal; g_ref/10 two thirds of it,
        g_ref/100 a third; from g_ref/1000 down the arrow vanishes (a flat spot).
        """
        if not (self.reference > 0 and norm > 0):
            return 0.0
        fraction = 1.0 + math.log10(norm / self.reference) / GRADIENT_DECADES
        return self.max_length * min(max(fraction, 0.0), 1.0)

    def gradient_trace(self, run: _Run, step: int, frame: bool = False) -> dict:
        index = min(step, run.steps)
        point, gradient = self.trajectory.points[index], self.trajectory.gradients[index]
        norm = float(np.hypot(*gradient))
        direction = -gradient / norm if norm > 0 else np.zeros(2)
        xs, ys = _arrow(point, direction * self.gradient_length(norm), self.head)
        trace = {"x": xs, "y": ys}
        if not frame:
            trace.update(
                mode="lines",
                line={"color": theme.GRADIENT_COLOR, "width": 4, "dash": theme.GRADIENT_DASH},
                # Short: with it the Playground's legend takes one row beside the sidebar at
                # 1280 px, which leaves the contour its 450 px.
                name="−∇f",
                legendrank=1100,
                hoverinfo="skip",
            )
        return trace

    def step_trace(self, run: _Run, step: int, frame: bool = False) -> dict:
        index = min(step, run.steps)
        points = self.trajectory.points
        # x_{k+1} − x_k: for heavy ball exactly the velocity step −η·v_{k+1}.
        vector = points[index + 1] - points[index] if index < run.steps else np.zeros(2)
        xs, ys = _arrow(points[index], vector, self.head)
        trace = {"x": xs, "y": ys}
        if not frame:
            trace.update(
                mode="lines",
                line={"color": theme.STEP_COLOR, "width": 3, "dash": "solid"},
                name="next step",
                legendrank=1101,
                hoverinfo="skip",
            )
        return trace


# --------------------------------------------------------------------------------------------
# the loss axis
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _LossAxis:
    log: bool
    floor: float | None  # where zeros are drawn on a log axis
    title: str
    range: tuple[float, float]

    def layout(self) -> dict:
        """The y-axis settings: type, fixed range, title; on a log axis a tick at every
        power of ten (or every 2nd, 3rd … so there are at most 8), or over less than two
        decades at 1, 2 and 5 times them (not plotly's crowded 2, 3, …, 9)."""
        settings = {
            "type": "log" if self.log else "linear",
            "range": list(self.range),
            "title": {"text": self.title, "standoff": 4},
        }
        decades = self.range[1] - self.range[0]
        if self.log:
            dtick = max(1, math.ceil(decades / 8)) if decades >= 2 else "D2"
            settings.update(tick0=0, dtick=dtick)
        return settings

    def shown(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, dtype=float)
        if self.floor is None:
            return values
        return np.maximum(values, self.floor)


def _loss_axis(series: list[np.ndarray], name: str = "loss f(x, y)") -> _LossAxis:
    """Log scale when every value is positive; zeros (exact convergence) drawn one decade
    under the smallest positive value; linear when some value is negative (saddles)."""
    values = np.concatenate([np.asarray(s, dtype=float).ravel() for s in series])
    values = values[np.isfinite(values)]
    if values.size == 0:
        return _LossAxis(False, None, name, (0.0, 1.0))
    low, high = float(values.min()), float(values.max())
    positive = values[values > 0]
    if low >= 0 and positive.size:
        floor = None
        smallest = float(positive.min())
        if low == 0:
            floor = smallest / 10.0
            name += f" (0 drawn at {floor:.0e})"
            smallest = floor
        log_low, log_high = math.log10(smallest), math.log10(high)
        return _LossAxis(
            True, floor, name, tuple(_padded_range(log_low, log_high, 0.04, minimum=0.5))
        )
    if low < 0:
        name += " (linear: f < 0 here)"
    return _LossAxis(False, None, name, tuple(_padded_range(low, high, 0.05)))


def _padded_range(low: float, high: float, fraction: float, minimum: float = 0.0) -> list:
    span = max(high - low, minimum)
    if span == 0:
        span = max(abs(low), 1.0)
    pad = fraction * span + 0.5 * (span - (high - low))
    return [low - pad, high + pad]


# --------------------------------------------------------------------------------------------
# 3-D heights
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _HeightMap:
    low: float
    scale: float | None  # None: heights are f itself

    @classmethod
    def build(cls, values: np.ndarray) -> _HeightMap:
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            return cls(0.0, None)
        low = float(finite.min())
        relative = finite - low
        median = float(np.median(relative))
        top = float(np.percentile(relative, 99))
        # A bowl or a saddle has top/median ≈ 2–4; a ridge that would flatten the view, ≫ 4.
        if median > 0 and top / median > 8.0:
            return cls(low, median / 4.0)
        return cls(low, None)

    @property
    def linear(self) -> bool:
        return self.scale is None

    def __call__(self, values) -> np.ndarray:
        values = np.asarray(values, dtype=float)
        if self.scale is None:
            return values
        with np.errstate(all="ignore"):
            return self.scale * np.log1p(np.maximum(values - self.low, 0.0) / self.scale)

    def ticks(self, z_low: float, z_high: float) -> tuple[list | None, list | None]:
        """Tick positions and true-f labels for the compressed axis (None: plotly's own)."""
        if self.scale is None:
            return None, None
        top = self.low + self.scale * math.expm1(z_high / self.scale)
        candidates = [self.low]
        for exponent in range(-3, 20):
            for mantissa in (1, 2, 5):
                value = mantissa * 10.0**exponent
                if value < (top - self.low) and value > 0.02 * (top - self.low):
                    candidates.append(self.low + value)
        # Drop ticks that would crowd each other on the compressed axis.
        positions, labels = [], []
        span = top - self.low
        for value in sorted(candidates):
            z = float(self(value))
            if not positions or z - positions[-1] > 0.08 * (z_high - z_low):
                positions.append(z)
                labels.append(_tick_label(value, span))
        return positions, labels


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------
def _as_list(trajectories) -> list:
    if hasattr(trajectories, "points"):
        trajectories = [trajectories]
    trajectories = list(trajectories)
    if not trajectories:
        raise ValueError("Give at least one trajectory to draw.")
    return trajectories


def _legend_name(label: str, trajectory) -> str:
    """A run's legend entry: its label, marked when the run diverged."""
    return label + (" ✕ diverged" if trajectory.status == "diverged" else "")


def _labels(trajectories, labels) -> list[str]:
    if labels is None:
        return [t.optimizer.label() for t in trajectories]
    labels = [str(label) for label in labels]
    if len(labels) != len(trajectories):
        raise ValueError(
            f"Got {len(labels)} labels for {len(trajectories)} trajectories: give one each."
        )
    return labels


#: The axes ``add_trace(row=1, col=…)`` gives a trace in the first or second subplot.
_SUBPLOT_AXES = {1: {"xaxis": "x", "yaxis": "y"}, 2: {"xaxis": "x2", "yaxis": "y2"}}


@functools.lru_cache(maxsize=32)
def _base_layout(
    cols: int, column_widths: tuple | None, spacing: float, height: int, legend_rows: int
) -> str:
    """One row of ``cols`` subplots with the shared theme, as layout JSON (callers get a
    fresh dict from it to merge into); once per shape, height and legend size."""
    return json.dumps(theme.subplots_layout(cols, column_widths, spacing, height, legend_rows))


def _step_axis(last_step: int) -> dict:
    """The x axis of a loss panel: steps 0 … ``last_step`` (at least 1), a little padded."""
    return {
        "title": {"text": "step", "standoff": 4},
        "range": _padded_range(0.0, float(max(last_step, 1)), 0.03),
    }


def _coords(values: np.ndarray) -> np.ndarray | list:
    """Plot positions: float32 when every finite value fits comfortably, else float64; a list
    of short numbers for one or two values (smaller than base64 with its wrapper)."""
    values = np.asarray(values, dtype=float)
    if values.size <= 2:
        return [_short(value) for value in values.tolist()]
    finite = values[np.isfinite(values)]
    if finite.size and np.abs(finite).max() >= _FLOAT32_LIMIT:
        return values
    return values.astype(np.float32)


def _compact_losses(values: np.ndarray) -> np.ndarray:
    """float32 when every nonzero value is inside float32's normal range (1e-37 … 1e37),
    float64 otherwise (losses of converged runs reach 1e-300)."""
    values = np.asarray(values, dtype=float)
    magnitude = np.abs(values[np.isfinite(values) & (values != 0)])
    if magnitude.size == 0 or (magnitude.min() > 1e-37 and magnitude.max() < 1e37):
        return values.astype(np.float32)
    return values


def _short(value: float) -> float | None:
    """``value`` to 7 significant digits (float32's precision); None for NaN (a gap)."""
    value = float(value)
    if not math.isfinite(value):
        return None
    return float(f"{value:.7g}")


def _arrow(start: np.ndarray, vector: np.ndarray, head: float) -> tuple[np.ndarray, np.ndarray]:
    """An arrow as one line trace: shaft, NaN, then the head as a 'V' through the tip."""
    length = float(np.hypot(*vector))
    if not (math.isfinite(length) and length > 0):
        return _coords(np.array([np.nan])), _coords(np.array([np.nan]))
    tip = start + vector
    unit = vector / length
    barb = min(head, 0.4 * length)
    angle = math.radians(28.0)
    cos, sin = math.cos(angle), math.sin(angle)
    left = tip - barb * np.array([unit[0] * cos - unit[1] * sin, unit[0] * sin + unit[1] * cos])
    right = tip - barb * np.array([unit[0] * cos + unit[1] * sin, -unit[0] * sin + unit[1] * cos])
    xs = np.array([start[0], tip[0], np.nan, left[0], tip[0], right[0]])
    ys = np.array([start[1], tip[1], np.nan, left[1], tip[1], right[1]])
    return _coords(xs), _coords(ys)


def _inside(points: np.ndarray, bounds) -> np.ndarray:
    """Which of ``points`` lie within ``bounds`` ((xmin, xmax), (ymin, ymax)), edges included."""
    (xmin, xmax), (ymin, ymax) = bounds
    x, y = points[:, 0], points[:, 1]
    return (x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax)


def _drawn_indices(points: np.ndarray, diagonal: float, exact: bool) -> np.ndarray:
    """Indices of the path points worth drawing: all of them if ``exact``; otherwise those at
    least :data:`PATH_RESOLUTION` of the diagonal (in |dx| + |dy|) from the last point kept,
    evenly thinned to :data:`MAX_DRAWN_POINTS` if still more. Always the first and last."""
    n = len(points)
    if exact:
        return np.arange(n)
    tolerance = PATH_RESOLUTION * diagonal
    kept = [0]
    last_x, last_y = points[0]
    for i, (x, y) in enumerate(points[1:-1].tolist(), start=1):
        if abs(x - last_x) + abs(y - last_y) >= tolerance:
            kept.append(i)
            last_x, last_y = x, y
    kept.append(n - 1)
    indices = np.asarray(kept)
    if len(indices) > MAX_DRAWN_POINTS:
        picks = np.round(np.linspace(0, len(indices) - 1, MAX_DRAWN_POINTS)).astype(int)
        indices = indices[np.unique(picks)]
    return indices


def _curve_indices(values: np.ndarray) -> np.ndarray:
    """Indices of a curve to draw: all of them, or for a long curve the first and the
    minimum and maximum of each of :data:`MAX_CURVE_POINTS` / 2 buckets (keeps the envelope
    of an oscillating loss), and the last."""
    n = len(values)
    if n <= MAX_CURVE_POINTS:
        return np.arange(n)
    buckets = np.array_split(np.arange(n), MAX_CURVE_POINTS // 2)
    picks = {0, n - 1}
    for bucket in buckets:
        part = values[bucket]
        picks.add(int(bucket[np.argmin(part)]))
        picks.add(int(bucket[np.argmax(part)]))
    return np.array(sorted(picks))


def _curve_trace(values, shown, label, color, quantity, **style) -> dict:
    """A static curve of ``shown`` (``values`` as the axis draws them) against step, as a
    scatter trace's properties."""
    keep = _curve_indices(shown)
    if len(keep) == len(shown):  # every step: x is implied by x0 = 0, dx = 1
        steps = {"x0": 0, "dx": 1}
    else:
        steps = {"x": keep.astype(np.int32)}
    # Hover the true value where the axis moved it (zeros on a log axis).
    moved = not np.array_equal(values, shown)
    trace = {
        **steps,
        "y": _compact_losses(shown[keep]),
        "mode": "lines",
        "line": {"color": color, "width": 2.5},
        "name": label,
        "hovertemplate": (
            f"{label}<br>step %{{x}}<br>{quantity} %{{{'customdata' if moved else 'y'}:.4g}}"
            "<extra></extra>"
        ),
    }
    if moved:
        trace["customdata"] = _compact_losses(values[keep])
    trace.update(style)
    return trace


def _nearest_distance(points: np.ndarray, minima: np.ndarray) -> np.ndarray:
    differences = points[:, None, :] - minima[None, :, :]
    return np.sqrt((differences**2).sum(axis=-1)).min(axis=1)


def _theory_list(theory, count: int) -> list:
    if theory is None:
        return [None] * count
    if hasattr(theory, "losses"):
        theory = [theory]
    curves = list(theory)
    if len(curves) > count:
        raise ValueError(f"Got {len(curves)} theory curves for {count} trajectories.")
    return curves + [None] * (count - len(curves))


def _theory_trace(curve, run: _Run, loss_axis: _LossAxis) -> dict:
    """The theory's loss curve of ``run``, dashed, over the run's steps (and no further)."""
    values = np.asarray(curve.losses, dtype=float)[: run.steps + 1]
    with np.errstate(invalid="ignore"):
        # A diverging rate overflows to ∞ within a few hundred steps: a gap, not a line.
        values = np.where(np.isfinite(values), values, np.nan)
    keep = _curve_indices(values)
    steps = {"x0": 0, "dx": 1} if len(keep) == len(values) else {"x": keep.astype(np.int32)}
    shown = values[keep] if loss_axis.floor is None else np.maximum(values[keep], loss_axis.floor)
    return {
        **steps,
        "y": _compact_losses(shown),
        "mode": "lines",
        # Light dashes: where the theory is tight (GD near its best step) they lie on the
        # run's curve, and dashes in the run's own colour would vanish into it.
        "line": {"color": THEORY_COLOR, "width": 2.5, "dash": "dash"},
        "opacity": 0.95,
        "name": curve.label,
        "legendgroup": run.group,
        "legendrank": 1104,
        "hovertemplate": f"{curve.label}<br>step %{{x}}<br>loss %{{y:.4g}}<extra></extra>",
    }


def _minima_trace(surface) -> dict:
    minima = shown_minima(surface)
    return _landmarks(
        minima, "minimum", 1103, ("star", 16, theme.MINIMUM_COLOR, 1.5), showlegend=len(minima) > 0
    )


def _start_trace(trajectories) -> dict:
    starts = np.unique(np.array([t.points[0] for t in trajectories]), axis=0)
    # No legend entry: the white dot where every path begins says it, and the entry would
    # push the Playground's legend to a second row (the contour's height) at 1280×800.
    return _landmarks(starts, "start", 1102, ("circle", 13, theme.START_COLOR, 2), showlegend=False)


def _landmarks(points: np.ndarray, name: str, rank: int, look: tuple, **extra) -> dict:
    """Fixed points of the surface panel (the minimizers, the starts) as one trace with a
    legend entry; ``look`` is the marker's (symbol, size, colour, outline width)."""
    symbol, size, color, outline = look
    return {
        "x": points[:, 0],
        "y": points[:, 1],
        "mode": "markers",
        "marker": {
            "symbol": symbol,
            "size": size,
            "color": color,
            "line": {"color": theme.OUTLINE_COLOR, "width": outline},
        },
        "name": name,
        "legendrank": rank,
        **extra,
        "hovertemplate": f"{name} (%{{x:.4g}}, %{{y:.4g}})<extra></extra>",
    }


def _loss_ends_trace(runs: list[_Run]) -> dict:
    return {
        "x": np.array([run.steps for run in runs], dtype=np.int32),
        "y": np.array([run.shown_losses[-1] for run in runs]),
        "mode": "markers",
        "marker": _cross_marker(18),
        "name": "diverged",
        "showlegend": False,
        "text": [f"<b>{run.label}</b><br>{_wrap(run.trajectory.message)}" for run in runs],
        "hovertemplate": "%{text}<extra></extra>",
    }


def _cross_marker(size: int) -> dict:
    """The ✕ where a run diverged (on the path and at the end of its loss curve)."""
    return {
        "symbol": "x",
        "size": size,
        "color": theme.DIVERGED_COLOR,
        "line": {"color": "#ffffff", "width": 1.5},
    }


def _tick_label(value: float, span: float) -> str:
    """A tick label a student reads at a glance: '0', '0.5', '200', '2000' (no 2e+03)."""
    if abs(value) < 1e-3 * span:
        return "0"
    if 1 <= abs(value) < 1e6:
        return f"{value:.4g}" if abs(value) < 1e4 else f"{value:.0f}"
    return f"{value:.3g}"


def _wrap(text: str, width: int = 60) -> str:
    return "<br>".join(textwrap.wrap(text, width))


def _animation_args(duration: int) -> dict:
    return {
        "frame": {"duration": duration, "redraw": False},
        "transition": {"duration": 0},
        "mode": "immediate",
    }


def _play_pause_menu() -> dict:
    return {
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "x": 0.0,
        "xanchor": "left",
        "y": 0.0,
        "yanchor": "top",
        "pad": {"t": 50, "r": 10},
        "font": {"size": theme.TICK_FONT_SIZE, "color": theme.TEXT_COLOR},
        "bgcolor": theme.PLOT_COLOR,
        "bordercolor": "#8a8f99",
        "buttons": [
            {
                "label": "▶ Play",
                "method": "animate",
                "args": [None, {**_animation_args(FRAME_DURATION_MS), "fromcurrent": True}],
            },
            {
                "label": "❚❚ Pause",
                "method": "animate",
                "args": [[None], _animation_args(0)],
            },
        ],
    }


def _slider(steps: np.ndarray) -> dict:
    return {
        "active": len(steps) - 1,
        "x": 0.0,
        "len": 1.0,
        "xanchor": "left",
        "y": 0.0,
        "yanchor": "top",
        # Room on the left, in pixels, for the Play and Pause buttons at any width.
        "pad": {"t": 30, "b": 0, "l": 215},
        # Step labels would crowd into a black bar at 100 frames: hide them (transparent)
        # and tiny (they still take a row of the figure), and show the current step in large
        # type instead.
        "font": {"color": "rgba(0, 0, 0, 0)", "size": 2},
        "ticklen": 0,
        "minorticklen": 0,
        "currentvalue": {
            "prefix": "step ",
            "font": {"size": theme.BASE_FONT_SIZE, "color": theme.TEXT_COLOR},
            # At the slider's right end: at its left end it sat on the contour's "x" title.
            "xanchor": "right",
            "offset": 6,
        },
        "transition": {"duration": 0},
        "steps": [
            {
                "label": str(step),
                "method": "animate",
                "args": [[str(step)], _animation_args(0)],
            }
            for step in steps.tolist()
        ],
    }
