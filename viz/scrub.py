"""Scrub the learning rate: every stop's run in one figure, switched in the browser.

:func:`scrub_figure` draws the run of one learning rate (the path on the contour, its loss
curve and a sentence saying how it ended) and carries the runs of all the other stops as
animation frames, one per stop. A Plotly slider under the figure steps through them with
``animate`` and ``redraw: False``: plotly.js swaps three traces while the thumb moves, with no
round trip to the server (a Streamlit widget reruns the script only when it is released).
The stability limit 2/λmax and the best fixed step 2/(λmin+λmax) are marked with arrows at
the slider's stops nearest them.

The figure is a plain dict (like :func:`viz.animation.path_figure_dict`): arrays are NumPy
arrays that :func:`viz.dict_figure.encode_arrays` turns into base64, float32 for positions
and losses, about 0.5 MB for 40 stops × 300 steps.
"""

from __future__ import annotations

import json
import math

import numpy as np

from optimizers import status_label
from optimizers.numbers import format_number
from viz import theme
from viz.animation import _SUBPLOT_AXES, _base_layout, _loss_axis, _minima_trace, _step_axis
from viz.dict_figure import merge
from viz.layers import SurfaceLayers, surface_parts

#: How each status's words (:func:`optimizers.status_label`) name the step the run ended at.
_AT_STEP = {
    "converged": "{words} in {k} steps",
    "diverged": "{words} at step {k}",
    "stopped": "{words} at step {k}",
    "undefined": "{words} at step {k}",
}
#: Names of the figure's traces, in order (``layout.meta["traces"]`` repeats them).
TRACES = ("level lines", "minimum", "start", "path", "end", "loss", "verdict")
#: The traces a stop's frame replaces: path, end point, loss curve, verdict.
MOVING = (3, 4, 5, 6)
#: The most points drawn of one run (path and loss curve).
MAX_DRAWN_STEPS = 400
#: The slider's distance under the plots, where its step ticks end (measured in Chromium:
#: rail 7.5 px and ticks 25 px below the pad, 6 px long), and plotly.js's inset of the first
#: and last step from the slider's ends, in pixels.
_SLIDER_GAP = 56
_TICKS_BOTTOM = _SLIDER_GAP + 25 + 7
_STEP_INSET = 10
#: Positions and losses beyond this are drawn at it (float32 ends near 3.4e38).
_FLOAT32_LIMIT = 1e30


def verdict(status: str, last_step: int) -> str:
    """How a run ended, in a student's words: 'converged in 41 steps', 'diverged at step 7',
    'still moving after 300 steps' (:func:`optimizers.status_label` gives the words)."""
    pattern = _AT_STEP.get(status, "{words} after {k} steps")
    text = pattern.format(words=status_label(status), k=last_step)
    return text.replace(" 1 steps", " 1 step")


def scrub_rates(
    options, current: float, limit: float | None = None, best: float | None = None, count=40
) -> tuple[float, ...]:
    """About ``count`` stops of the learning-rate scale ``options`` for the scrub.

    From 2/λmax / 100 to 4 · 2/λmax when the stability limit ``limit`` is known (slow, fast,
    oscillating, diverging), else from ``current`` / 30 to ``current`` · 30; widened to hold
    ``current``; evenly spaced on the log scale. The stops nearest ``current``, ``limit`` and
    ``best`` are always among them, so releasing the scrub lands on a stop of the scale.
    """
    options = np.asarray(sorted(options), dtype=float)
    low, high = (limit / 100, 4 * limit) if limit else (current / 30, current * 30)
    low, high = min(low, current), max(high, current)
    wanted = np.geomspace(max(low, options[0]), min(high, options[-1]), count)
    chosen = {_nearest(options, value) for value in wanted}
    chosen |= {_nearest(options, value) for value in (current, limit, best) if value}
    return tuple(sorted(chosen))


def scrub_figure(
    layers: SurfaceLayers,
    surface,
    paths,
    active: int,
    marks: dict[str, float] | None = None,
    title: str | None = None,
    height: int = 620,
) -> dict:
    """The scrub figure of ``paths`` (:func:`optimizers.paths.lr_paths`) as a plain dict.

    Left: the surface, its minimizers, the start and the path of one learning rate, ending
    in a dot (or a ✕ where it diverged), with the verdict written over the top of the plot.
    Right: that run's loss per step, on an axis that fits every stop. Below: a slider with
    one stop per learning rate; ``data`` shows stop ``active`` and each frame (named by its
    learning rate) swaps the path, the end, the loss curve and the verdict.

    Parameters
    ----------
    layers : SurfaceLayers
        From :func:`viz.layers.surface_layers` for ``surface``.
    surface : Surface
    paths : LrPaths
        One run per learning rate.
    active : int
        The stop shown first (the app's current learning rate).
    marks : dict of str to float, optional
        Labels for learning rates on the slider, e.g. ``{"2/λmax": 0.08, "best": 0.077}``;
        each labels the stop nearest it on the log scale.
    title : str, optional
        Figure title; ``surface.title`` by default.
    height : int
        Figure height in pixels.

    Returns
    -------
    dict
        ``data``, ``layout`` and ``frames``; ``layout.meta`` holds ``lrs`` (the stops),
        ``verdicts`` and ``marks`` (stop index per label), which the browser-side control and
        the tests read.
    """
    lrs = np.asarray(paths.lrs, dtype=float)
    if not 0 <= active < lrs.size:
        raise ValueError(f"active must index one of the {lrs.size} stops, got {active}.")
    verdicts = [
        verdict(status, int(step))
        for status, step in zip(paths.statuses, paths.last_steps, strict=True)
    ]
    (xmin, xmax), (ymin, ymax) = layers.bounds
    loss_axis = _loss_axis([paths.loss_curve(i) for i in range(lrs.size)])
    annotations, mark_stops = _mark_annotations(lrs, marks or {})
    label_at = (xmin + 0.02 * (xmax - xmin), ymax - 0.02 * (ymax - ymin))

    def moving(index: int) -> list[dict]:
        steps = _drawn_steps(int(paths.last_steps[index]))
        path, losses = paths.points[index, steps], paths.losses[index, steps]
        diverged = paths.statuses[index] == "diverged"
        end = path[-1:]
        return [
            {"x": _plotted(path[:, 0]), "y": _plotted(path[:, 1])},
            {
                "x": _plotted(end[:, 0]).tolist(),
                "y": _plotted(end[:, 1]).tolist(),
                "marker.symbol": "x" if diverged else "circle",
            },
            {"x": steps, "y": _plotted(loss_axis.shown(losses))},
            {"text": [f"η = {lrs[index]:g}<br>{verdicts[index]}"]},
        ]

    shown = moving(active)
    surface_layer = surface_parts(layers)
    color = theme.path_color(0)
    data = [
        {**surface_layer["trace"], "x": _plotted(layers.line_x), "y": _plotted(layers.line_y)},
        _minima_trace(surface),
        {
            "x": _plotted(paths.points[:1, 0, 0]).tolist(),
            "y": _plotted(paths.points[:1, 0, 1]).tolist(),
            "mode": "markers",
            "marker": {"symbol": "circle-open", "size": 14, "color": theme.START_COLOR},
            "name": "start",
            "hoverinfo": "skip",
        },
        {
            **shown[0],
            "mode": "lines+markers",
            "line": {"color": color, "width": 2.5},
            "marker": {"size": 4, "color": color},
            "name": "path",
            "hovertemplate": "x = %{x:.4g}<br>y = %{y:.4g}<extra></extra>",
        },
        {
            "x": shown[1]["x"],
            "y": shown[1]["y"],
            "mode": "markers",
            "marker": {
                "symbol": shown[1]["marker.symbol"],
                "size": 16,
                "color": color,
                "line": {"color": theme.OUTLINE_COLOR, "width": 1.5},
            },
            "name": "last point",
            "showlegend": False,
            "hoverinfo": "skip",
        },
        {
            **shown[2],
            "mode": "lines",
            "line": {"color": color, "width": 2.5},
            "name": "loss",
            "showlegend": False,
            "hovertemplate": "step %{x}<br>loss %{y:.4g}<extra></extra>",
        },
        {
            "x": [label_at[0]],
            "y": [label_at[1]],
            **shown[3],
            "mode": "text",
            "textposition": "bottom right",
            # Two lines may be wider than a narrow contour panel: let them run over its edge.
            "cliponaxis": False,
            "textfont": {
                "size": theme.BASE_FONT_SIZE,
                "color": "#ffffff",
                "shadow": "1px 1px 2px #000000",
            },
            "name": "verdict",
            "showlegend": False,
            "hoverinfo": "skip",
        },
    ]
    for index, trace in enumerate(data):
        trace.update({"type": "scatter", **_SUBPLOT_AXES[2 if index == 5 else 1]})

    frames = [
        {
            "name": _frame_name(lr),
            "traces": list(MOVING),
            "data": [_as_frame_trace(part) for part in moving(i)],
        }
        for i, lr in enumerate(lrs.tolist())
    ]
    layout = json.loads(_base_layout(2, (0.6, 0.4), 0.08, int(height), 1))
    merge(
        layout,
        {
            "title": {"text": surface.title if title is None else title},
            "images": [surface_layer["image"]],
            "xaxis": {**surface_layer["xaxis"], "title": {"text": "x", "standoff": 4}},
            "yaxis": {**surface_layer["yaxis"], "title": {"text": "y", "standoff": 4}},
            "xaxis2": _step_axis(int(paths.points.shape[1] - 1)),
            "yaxis2": {**loss_axis.layout(), "side": "right", "automargin": True},
            "margin": {"b": _TICKS_BOTTOM + 80},
            "hovermode": "closest",
            "sliders": [_slider(lrs, active)],
            "annotations": annotations,
            "meta": {
                "scrub": True,
                "traces": list(TRACES),
                "lrs": lrs.tolist(),
                "verdicts": verdicts,
                "statuses": list(paths.statuses),
                "marks": mark_stops,
            },
        },
    )
    return {"data": data, "layout": layout, "frames": frames}


def _drawn_steps(last_step: int) -> np.ndarray:
    """The steps drawn of a run: all of them up to :data:`MAX_DRAWN_STEPS`, else that many
    spread evenly, always with the last (a 2,000-step budget keeps the figure under 1 MB)."""
    if last_step < MAX_DRAWN_STEPS:
        return np.arange(last_step + 1, dtype=np.int32)
    return np.unique(np.linspace(0, last_step, MAX_DRAWN_STEPS).round()).astype(np.int32)


def _nearest(options: np.ndarray, value: float) -> float:
    """The stop of ``options`` nearest ``value`` on a log scale."""
    return float(options[int(np.argmin(np.abs(np.log(options) - math.log(value))))])


def _mark_annotations(lrs: np.ndarray, marks: dict[str, float]) -> tuple[list, dict[str, int]]:
    """Arrows under the slider pointing at the stops nearest each mark, and mark name → stop
    index. Two marks within a few stops of each other (2/λmax and the best step often are)
    write their labels away from each other: the lower rate's to the left of its arrow."""
    annotations: list[dict] = []
    stops: dict[str, int] = {}
    last = max(lrs.size - 1, 1)
    for name, value in marks.items():
        if value is None or not value > 0 or not math.isfinite(value):
            continue
        index = int(np.argmin(np.abs(np.log(lrs) - math.log(value))))
        stops[name] = index
        fraction = index / last
        annotations.append(
            {
                "text": f"{name} = {format_number(value)}",
                "xref": "paper",
                "yref": "paper",
                "x": fraction,
                "y": 0,
                # plotly.js puts step i at 10 px + (width − 20 px)·i/last from the slider's
                # left end (sliders/constants.js stepInset): shift the paper position to it.
                "xshift": _STEP_INSET * (1 - 2 * fraction),
                "yshift": -_TICKS_BOTTOM,
                "showarrow": True,
                "arrowhead": 2,
                "arrowwidth": 1.5,
                "arrowcolor": theme.TEXT_COLOR,
                "ax": 0,
                "ay": 22,
                "font": {"size": theme.TICK_FONT_SIZE, "color": theme.TEXT_COLOR},
            }
        )
    indices = list(stops.values())
    for annotation, index in zip(annotations, indices, strict=True):
        near = [other for other in indices if other != index and abs(other - index) < 8]
        if near:
            annotation["xanchor"] = "right" if index < min(near) else "left"
    return annotations, stops


def _frame_name(lr: float) -> str:
    return f"{lr:g}"


def _slider(lrs: np.ndarray, active: int) -> dict:
    animate = {
        "frame": {"duration": 0, "redraw": False},
        "transition": {"duration": 0},
        "mode": "immediate",
    }
    return {
        "active": int(active),
        "x": 0.0,
        "len": 1.0,
        "xanchor": "left",
        "y": 0.0,
        "yanchor": "top",
        "pad": {"t": _SLIDER_GAP, "b": 0, "l": 0},
        "font": {"size": theme.TICK_FONT_SIZE, "color": theme.TEXT_COLOR},
        "ticklen": 6,
        "minorticklen": 3,
        # The current value would show the step's label, which is blank for most stops: the
        # verdict trace names η instead.
        "currentvalue": {"visible": False},
        "transition": {"duration": 0},
        "steps": [
            {
                # No labels: plotly.js would show only every n-th of 40 (the marks are
                # annotations under the ticks instead).
                "label": "",
                "value": _frame_name(lr),
                "method": "animate",
                "args": [[_frame_name(lr)], animate],
            }
            for i, lr in enumerate(lrs.tolist())
        ],
    }


def _as_frame_trace(part: dict) -> dict:
    """A frame's trace: dotted keys ('marker.symbol') nested as plotly.js frames need."""
    trace: dict = {"type": "scatter"}
    for key, value in part.items():
        head, _, tail = key.partition(".")
        if tail:
            trace.setdefault(head, {})[tail] = value
        else:
            trace[key] = value
    return trace


def _plotted(values) -> np.ndarray:
    """float32 positions, clamped where float32 would overflow (a run flying off the plot)."""
    values = np.asarray(values, dtype=float)
    return np.clip(values, -_FLOAT32_LIMIT, _FLOAT32_LIMIT).astype(np.float32)
