"""The Lessons' figure before the reveal: the surfaces and the runs' start points, no path.

The scenes themselves (questions, runs, judges) are lesson material in :mod:`lessons`; the
animated figure after the reveal is :func:`viz.animation.path_figure_dict`, as on every page.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

import surfaces
from optimizers import RunSpec
from viz import theme
from viz.layers import SurfaceLayers, add_surface


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
                        "size": max(26 - 8 * shared, 8),
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
