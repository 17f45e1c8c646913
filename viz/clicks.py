"""An invisible grid of points that makes a contour panel clickable.

Streamlit's ``on_select`` with ``selection_mode="points"`` reports clicks on trace points
only, and the surface itself is a ``layout.images`` raster with no points to click. A dense
grid of transparent markers over the plot gives every click a nearby point to report.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

#: Name of the grid trace; pages read clicked points' coordinates, tests skip this trace.
CLICK_GRID_NAME = "click grid"


def click_grid(bounds, resolution: int = 50) -> go.Scatter:
    """A ``resolution``² grid of invisible markers over ``bounds``.

    ``hoverinfo="none"`` rather than ``"skip"``: plotly.js fires no click (and so no Streamlit
    selection) on points whose hover is skipped, but still fires it when only the label is
    hidden.

    Parameters
    ----------
    bounds : ((xmin, xmax), (ymin, ymax))
    resolution : int
        Points per side; 50 puts one every 2 % of the plot, finer than a finger or a mouse aims.

    Returns
    -------
    go.Scatter
    """
    return go.Scatter(click_grid_trace(bounds, resolution))


def click_grid_trace(bounds, resolution: int = 50) -> dict:
    """:func:`click_grid` as a plain trace dict (``type`` included), for figures built as
    dicts (viz.dict_figure)."""
    (xmin, xmax), (ymin, ymax) = bounds
    xs, ys = np.meshgrid(np.linspace(xmin, xmax, resolution), np.linspace(ymin, ymax, resolution))
    return {
        "type": "scatter",
        "x": xs.ravel(),
        "y": ys.ravel(),
        "mode": "markers",
        # Big enough to cover the gaps between grid points, so every click lands on one.
        # maxdisplayed: plotly.js draws one of the 2,500 markers, yet hover, click and
        # selection still search all the points (they read the data, not the SVG). Drawing
        # them all cost the browser ~0.2 s of its ~0.6 s for each new Playground chart.
        "marker": {"size": 14, "opacity": 0.0, "color": "#ffffff", "maxdisplayed": 1},
        "hoverinfo": "none",
        "showlegend": False,
        "name": CLICK_GRID_NAME,
    }
