"""The static picture of a surface: a colour raster and level lines, built once per surface.

Plotly drops ``go.Contour``/``go.Heatmap`` traces while an animation plays with
``redraw: False``, and redrawing them costs twice the time per frame (shared/NOTES.md). So the
surface is a ``layout.images`` raster (PNG, painted under the axes) plus its level lines as one
plain line trace (computed with contourpy); neither is touched by animation frames.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import contourpy
import numpy as np
import plotly.graph_objects as go
from PIL import Image
from plotly.colors import hex_to_rgb, sequential

#: Colour scale of the surface raster (dark = low loss).
COLORSCALE = sequential.Viridis
LINE_COLOR = "rgba(255, 255, 255, 0.55)"


@dataclass(frozen=True)
class SurfaceLayers:
    """What every contour figure of one surface shares.

    Attributes
    ----------
    bounds : ((xmin, xmax), (ymin, ymax))
    image : str
        ``data:image/png;base64,...`` of the colour map, row 0 at the top.
    line_x, line_y : ndarray
        Level lines joined into one polyline, segments separated by NaN.
    levels : ndarray
        The loss value of each level line.
    value_range : (float, float)
        The finite min and max of f on the grid.
    """

    bounds: tuple
    image: str
    line_x: np.ndarray
    line_y: np.ndarray
    levels: np.ndarray
    value_range: tuple[float, float]


def color_transform(values: np.ndarray) -> np.ndarray:
    r"""Map losses to [0, 1] for colour: :math:`\log(1 + f - f_{min})`, rescaled.

    The log spreads the low valley floor over most of the colour range, where the paths are.
    Non-finite values map to NaN (painted transparent).
    """
    finite = np.isfinite(values)
    if not finite.any():
        return np.full(values.shape, np.nan)
    low = values[finite].min()
    with np.errstate(all="ignore"):
        squashed = np.log1p(np.where(finite, values - low, np.nan))
    high = np.nanmax(squashed)
    return squashed / high if high > 0 else np.zeros_like(squashed)


def surface_layers(surface, resolution: int = 160, n_levels: int = 18) -> SurfaceLayers:
    """Raster and level lines of ``surface`` over its bounds on a ``resolution``² grid.

    160² is finer than a projected chart's pixels per cell needs (the raster is smoothed by
    the browser) and costs ~40 KB of PNG.
    """
    xs, ys, values = surface.grid(resolution)
    shade = color_transform(values)
    image = _png_data_uri(_colorize(shade[::-1]))  # image rows run top-down
    finite = np.isfinite(values)
    low = float(values[finite].min()) if finite.any() else 0.0
    high = float(values[finite].max()) if finite.any() else 1.0
    # Levels evenly spaced in the same log scale as the colours.
    span = np.log1p(max(high - low, 0.0))
    levels = low + np.expm1(np.linspace(0.0, span, n_levels + 2)[1:-1])
    filled = np.where(finite, values, high)
    generator = contourpy.contour_generator(xs, ys, filled, line_type="SeparateCode")
    line_x, line_y = [], []
    for level in levels:
        for segment in generator.lines(level)[0]:
            line_x.extend([*segment[:, 0], np.nan])
            line_y.extend([*segment[:, 1], np.nan])
    return SurfaceLayers(
        bounds=surface.bounds,
        image=image,
        # float32 halves the JSON and is still far finer than a pixel.
        line_x=np.asarray(line_x, dtype=np.float32),
        line_y=np.asarray(line_y, dtype=np.float32),
        levels=levels,
        value_range=(low, high),
    )


def _colorize(shade: np.ndarray) -> np.ndarray:
    """RGBA uint8 image from values in [0, 1] (NaN → transparent) with :data:`COLORSCALE`."""
    stops = np.linspace(0.0, 1.0, len(COLORSCALE))
    rgb = np.array([hex_to_rgb(color) for color in COLORSCALE], dtype=float)
    safe = np.nan_to_num(shade, nan=0.0)
    channels = [np.interp(safe, stops, rgb[:, i]) for i in range(3)]
    alpha = np.where(np.isnan(shade), 0.0, 255.0)
    return np.stack([*channels, alpha], axis=-1).round().astype(np.uint8)


def _png_data_uri(rgba: np.ndarray) -> str:
    buffer = io.BytesIO()
    # zlib's default level: optimize=True (level 9 and a search) took 45–265 ms per 160² raster
    # to save 4–6 % of 12–36 KB, on a cold first chart and on every change of the surface.
    Image.fromarray(rgba, mode="RGBA").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def surface_parts(layers: SurfaceLayers, axis_suffix: str = "") -> dict:
    """What :func:`add_surface` paints, as plain dicts (for figures built as dicts):
    ``image`` (a ``layout.images`` entry), ``trace`` (the level lines, without ``type`` and
    axes), and the ``xaxis`` and ``yaxis`` settings."""
    (xmin, xmax), (ymin, ymax) = layers.bounds
    axis = {"showgrid": False, "zeroline": False}
    return {
        "image": {
            "source": layers.image,
            "xref": f"x{axis_suffix}",
            "yref": f"y{axis_suffix}",
            "x": xmin,
            "y": ymax,
            "sizex": xmax - xmin,
            "sizey": ymax - ymin,
            "sizing": "stretch",
            "layer": "below",
            "opacity": 1.0,
        },
        "trace": {
            "x": layers.line_x,
            "y": layers.line_y,
            "mode": "lines",
            "line": {"color": LINE_COLOR, "width": 1},
            "hoverinfo": "skip",
            "showlegend": False,
            "name": "level lines",
        },
        # Both axes give up domain, never range, to keep x and y at one scale: on a wide
        # screen the plot narrows, on a narrow one it gets shorter, and the raster (placed at
        # the bounds) always fills it with no band of empty background.
        "xaxis": {"range": [xmin, xmax], "constrain": "domain", **axis},
        "yaxis": {
            "range": [ymin, ymax],
            "constrain": "domain",
            **axis,
            "scaleanchor": f"x{axis_suffix}",
            "scaleratio": 1,
        },
    }


def add_surface(
    fig: go.Figure,
    layers: SurfaceLayers,
    row: int | None = None,
    col: int | None = None,
    axis_suffix: str = "",
) -> None:
    """Paint ``layers`` into ``fig``: the raster under the axes ``x{axis_suffix}``/``y…`` and
    the level lines as the figure's next trace. Axis ranges are fixed to the bounds, with
    equal scale so circles look round."""
    parts = surface_parts(layers, axis_suffix)
    fig.add_layout_image(**parts["image"])
    fig.add_trace(go.Scatter(**parts["trace"]), row=row, col=col)
    fig.update_xaxes(row=row, col=col, **parts["xaxis"])
    fig.update_yaxes(row=row, col=col, **parts["yaxis"])
