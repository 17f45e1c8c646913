"""The Lessons' figure before the reveal: the surfaces and the runs' start points, no path.

The scenes themselves (questions, runs, judges) are lesson material in :mod:`lessons`; the
animated figure after the reveal is :func:`viz.animation.path_figure_dict`, as on every page.
A scene on a neural network shows :func:`network_figure` instead, drawn by the Neural network
page's builders (:mod:`viz.network`).
"""

from __future__ import annotations

import colorsys
import copy
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

import lessons
import surfaces
from lessons import network_scenes
from optimizers import RunSpec
from viz import network as network_figures
from viz import theme
from viz.layers import SurfaceLayers, add_surface

#: The start ring of the first run of a panel: its size in pixels (the figure and the words).
START_SIZE = 26


def start_marker_size(shared: int) -> int:
    """Size of a start ring that ``shared`` earlier runs of its panel also start from (nested
    rings: the first the largest)."""
    return max(START_SIZE - 8 * shared, 8)


def colour_name(colour: str) -> str:
    """A plain name for a ``#rrggbb`` colour ("orange", "cyan", …), from its hue."""
    red, green, blue = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    if saturation < 0.15 or lightness > 0.95 or lightness < 0.08:
        return "white" if lightness > 0.8 else "black" if lightness < 0.2 else "grey"
    degrees = hue * 360
    for limit, name in (
        (15, "red"),
        (45, "orange"),
        (70, "yellow"),
        (165, "green"),
        (200, "cyan"),
        (260, "blue"),
        (335, "magenta"),
    ):
        if degrees < limit:
            return name
    return "red"


def start_marker_words(index: int = 0) -> str:
    """What a setup text calls the start marker of run ``index`` of a panel, from the marker
    :func:`setup_figure` draws: "the large orange dot"."""
    size = "large " if start_marker_size(0) >= 20 and index == 0 else ""
    return f"the {size}{colour_name(theme.path_color(index))} dot"


def from_step_zero(spec: dict) -> dict:
    """The animated figure ``spec`` (:func:`viz.animation.path_figure_dict`) set back to its
    first frame: the data show step 0 and the slider sits at 0, so pressing Play (or the
    page starting the animation) plays the run from its start instead of showing it done.

    Applies frame 0's updates over its ``baseframe`` chain, as plotly.js does when it shows a
    frame; the frames themselves are untouched.
    """
    frames = spec["frames"]
    by_name = {frame["name"]: frame for frame in frames}
    chain, frame = [], frames[0]
    while frame is not None and frame not in chain:
        chain.append(frame)
        frame = by_name.get(frame.get("baseframe")) if frame.get("baseframe") else None
    data = [dict(trace) for trace in spec["data"]]
    for frame in reversed(chain):
        for index, update in zip(frame["traces"], frame["data"], strict=True):
            data[index].update({key: value for key, value in update.items() if key != "type"})
    layout = copy.deepcopy(spec["layout"])
    for slider in layout.get("sliders", []):
        slider["active"] = 0
    return {**spec, "data": data, "layout": layout}


def setup_figure(
    panels: Sequence[tuple[SurfaceLayers, surfaces.Surface, Sequence[RunSpec]]], height: int = 520
) -> go.Figure:
    """The surfaces with their minimizers and the start point of every run, and no path: what
    the class sees while it predicts.

    One panel per ``(layers, surface, runs)``, side by side. Each run's start is a ring in the
    colour its path will have in the animated figure (:func:`viz.theme.path_color` of its
    position in its panel); rings of runs that share a start are nested, the first the
    largest. One panel is titled with its surface and has the runs in the legend; several
    panels are titled with their runs.
    """
    several = len(panels) > 1
    fig = make_subplots(
        rows=1,
        cols=len(panels),
        horizontal_spacing=0.12,
        subplot_titles=[", ".join(r.label for r in runs) for _, _, runs in panels]
        if several
        else None,
    )
    for column, (layers, surface, runs) in enumerate(panels, start=1):
        suffix = "" if column == 1 else str(column)
        add_surface(fig, layers, row=1, col=column, axis_suffix=suffix)
        fig.data[-1].update(hoverinfo="skip")
        minima = np.asarray(surface.minima, dtype=float).reshape(-1, 2)
        fig.add_trace(
            go.Scatter(
                x=minima[:, 0],
                y=minima[:, 1],
                mode="markers",
                name="minimum",
                showlegend=column == 1 and len(minima) > 0,
                marker={
                    "symbol": "star",
                    "size": 18,
                    "color": theme.MINIMUM_COLOR,
                    "line": {"color": theme.OUTLINE_COLOR, "width": 1.5},
                },
                hovertemplate="minimum (%{x:.4g}, %{y:.4g})<extra></extra>",
            ),
            row=1,
            col=column,
        )
        for offset, run_ in enumerate(runs):
            shared = sum(1 for other in runs[:offset] if other.x0 == run_.x0)
            fig.add_trace(
                go.Scatter(
                    x=[run_.x0[0]],
                    y=[run_.x0[1]],
                    mode="markers",
                    name=run_.label,
                    showlegend=not several,
                    marker={
                        "size": start_marker_size(shared),
                        "color": theme.path_color(offset),
                        "line": {"color": theme.OUTLINE_COLOR, "width": 2},
                    },
                    hovertemplate=f"{run_.label}<br>start (%{{x:.4g}}, %{{y:.4g}})<extra></extra>",
                ),
                row=1,
                col=column,
            )
        labels = surface.extras.get("axis_labels", ("x", "y"))
        fig.update_xaxes(title={"text": labels[0], "standoff": 4}, row=1, col=column)
        # Equal scale in a narrow panel: shrink the panel, not stretch the y range.
        fig.update_yaxes(
            title={"text": labels[1], "standoff": 4}, constrain="domain", row=1, col=column
        )
    names = [trace.name for trace in fig.data if trace.showlegend is not False]
    # One entry per row: the figure sits in a narrow column beside the question, where a
    # horizontal legend would wrap unpredictably over the plot.
    theme.apply_theme(
        fig,
        title=None if several else panels[0][1].title,
        height=height,
        legend_rows=0 if several else len(names),
    )
    # Several panels are titled with their runs: a legend would only repeat the titles.
    fig.update_layout(showlegend=not several, legend_orientation="v")
    fig.update_xaxes(showline=False)
    fig.update_yaxes(showline=False)
    fig.update_annotations(font={"size": theme.SUBTITLE_FONT_SIZE})
    fig.update_layout(hovermode="closest", margin={"b": 50})
    return fig


def network_figure(scene: lessons.Scene, results) -> go.Figure:
    """The figure of a scene on a neural network (``scene.network``), from its results
    (:func:`lessons.run_scene`): the builders of the Neural network page."""
    kind = scene.network.kind
    if kind == "zero_init":
        units = [
            network_scenes.hidden_units(network_scenes.ZERO_NET, r.thetas[-1]) for r in results
        ]
        return network_figures.hidden_units_figure(results, ["zero start", "Xavier start"], units)
    if kind == "standardization":
        raw, standardized = results
        kappas = [network_scenes.input_kappa(network_scenes.iris_data(f).X) for f in (False, True)]
        title = "Iris: κ of the inputs' matrix in the legend"
        return network_figures.standardization_figure(
            {
                title: {
                    "raw": raw,
                    "standardized": standardized,
                    "kappa_raw": kappas[0],
                    "kappa_standardized": kappas[1],
                }
            }
        )
    if kind == "edge_of_stability":
        (run,) = results
        return network_figures.eos_figure(run.losses, run.sharpness, run.lr)
    raise ValueError(f"No figure for network scenes of kind {kind!r}.")
