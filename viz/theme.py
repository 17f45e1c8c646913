"""The lecture-hall look every figure shares: big type, a dark page, bright path colours.

Figures are projected for a room of students, so text is at least 16 px, titles 22 px, and the
plot area is dark: the surface raster (Viridis, dark = low loss) fills the contour panel and
the other panels match it, so the same bright path colours read well on both. The figure's
paper is the app's own dark background (``.streamlit/config.toml`` sets the same colours), so
a legend, a title and the page around them are one surface, not dark boxes on a white page.
Everything is set on ``layout`` itself rather than in a template, so
``st.plotly_chart(theme="streamlit")`` cannot override it (pages should still pass
``theme=None``).

Colour-blind safety: the path colours differ in lightness as well as hue, and the lines that
sit together on the contour differ in shape too: the path is solid with round markers, −∇f is
dotted, the step arrow solid and white, the theory's loss curve dashed.
"""

from __future__ import annotations

import copy
import math
import re

import plotly.graph_objects as go

from viz.dict_figure import merge

FONT_FAMILY = "Inter, 'Segoe UI', 'Helvetica Neue', Arial, sans-serif"
BASE_FONT_SIZE = 18
TICK_FONT_SIZE = 16
TITLE_FONT_SIZE = 24
SUBTITLE_FONT_SIZE = 20
TEXT_COLOR = "#eef0f4"
#: The page behind every figure: the app's ``backgroundColor`` (``.streamlit/config.toml``).
PAPER_COLOR = "#16181d"
#: The plot area behind non-contour panels: as dark as the low end of Viridis.
PLOT_COLOR = "#22252d"
GRID_COLOR = "rgba(255, 255, 255, 0.16)"

#: Path colours, chosen to stand out on Viridis (dark purple → teal → yellow) and on
#: :data:`PLOT_COLOR`: no dark purple, green or yellow.
PATH_COLORS = (
    "#ff9f1c",  # orange
    "#00e5ff",  # cyan
    "#ff4dff",  # magenta
    "#ffffff",  # white
    "#ff3b3b",  # red
    "#ffc2a1",  # peach
    "#8fb8ff",  # light blue
    "#c8c8c8",  # light grey
)
#: −∇f arrow (dotted), step arrow, minimizer stars, start point, divergence cross. Pink and
#: white, not red and yellow: next to the orange path, red and yellow are one colour to a
#: deuteranope (review/13) and fade together on a washed-out projector.
GRADIENT_COLOR = "#ff5ce1"
GRADIENT_DASH = "dot"
STEP_COLOR = "#ffffff"
MINIMUM_COLOR = "#ffd700"
START_COLOR = "#ffffff"
DIVERGED_COLOR = "#ff1f1f"
OUTLINE_COLOR = "#111111"

MARGIN = {"l": 70, "r": 30, "t": 100, "b": 40}
#: Vertical room for the title, and for each row of the legend under it.
TITLE_SPACE = 54
LEGEND_ROW = 28
#: Each further row of a legend over the plots (measured in Chromium: a 4-row legend is
#: 136 px tall, a 1-row one 46 px; 2 px more keep it off the title).
LEGEND_NEXT_ROW = 32
#: A width the legend can count on (a chart in Streamlit's centred layout is ~700 px wide
#: on a laptop; wider on a projector) and a rough text width per character (measured in
#: Chromium: 7.3 px per character of a 16 px legend entry).
LEGEND_WIDTH = 1000
CHAR_WIDTH = 7.3


def path_color(index: int) -> str:
    """The colour of the ``index``-th path (cycling through :data:`PATH_COLORS`)."""
    return PATH_COLORS[index % len(PATH_COLORS)]


def legend_rows(names: list[str], width: float = LEGEND_WIDTH) -> int:
    """How many rows a horizontal legend with these entries needs, as plotly.js lays it out.

    Plotly puts every entry in one row when they all fit in ``width`` (the figure's width
    less its side margins); otherwise it gives every entry the width of the widest one and
    fills rows of equal columns. An entry is its symbol and gaps (53 px, measured in
    Chromium) and its text (:data:`CHAR_WIDTH` per character).
    """
    if not names:
        return 1
    # Markup such as <sup>2t</sup> takes no width.
    items = [53 + CHAR_WIDTH * len(re.sub(r"<[^>]*>", "", name)) for name in names]
    if sum(items) <= width:
        return 1
    # Columns keep a gap between them (measured: two 381 px entries did not fit in 778 px).
    columns = max(1, int(width // (1.04 * max(items))))
    return math.ceil(len(items) / columns)


def top_margin(legend_rows: int) -> int:
    """The room over the plots for the title and a legend of ``legend_rows`` rows, in px:
    ``TITLE_SPACE + LEGEND_ROW + LEGEND_NEXT_ROW · (rows − 1)`` (just the title for 0 rows)."""
    if legend_rows <= 0:
        return TITLE_SPACE
    return TITLE_SPACE + LEGEND_ROW + LEGEND_NEXT_ROW * (legend_rows - 1)


#: The axis look every 2-D axis shares (:func:`apply_theme`, :func:`subplots_layout`).
AXIS_STYLE = {
    "tickfont": {"size": TICK_FONT_SIZE},
    "title": {"font": {"size": BASE_FONT_SIZE}},
    "gridcolor": GRID_COLOR,
    "zerolinecolor": GRID_COLOR,
    "linecolor": "#8a8f99",
    "showline": True,
    "ticks": "outside",
    "mirror": False,
    # 10⁻⁶, not 1µ: students read powers of ten, not SI prefixes.
    "exponentformat": "power",
    # On a log axis the ticks between powers of ten say "2×10⁻³", not a bare "2"
    # (plotly's default), which read as 2 among 10⁻², 10⁻³ ("5, 2, 1, 5": issue 11).
    "minorloglabels": "complete",
}
#: plotly.py's "none" template as a figure's JSON carries it (no styling at all).
NONE_TEMPLATE = {"data": {"scatter": [{"type": "scatter"}]}}


def layout_style(legend_rows: int = 1) -> dict:
    """The figure-wide part of the shared look (fonts, colours, margins, legend, title
    placement) as plain layout attributes; :func:`apply_theme` sets exactly these."""
    return {
        "font": {"family": FONT_FAMILY, "size": BASE_FONT_SIZE, "color": TEXT_COLOR},
        "paper_bgcolor": PAPER_COLOR,
        "plot_bgcolor": PLOT_COLOR,
        "margin": {**MARGIN, "t": top_margin(legend_rows)},
        "hoverlabel": {"font": {"size": TICK_FONT_SIZE, "family": FONT_FAMILY}},
        "legend": {
            "orientation": "h",
            "x": 0.0,
            "xanchor": "left",
            # Stands on the top edge of the plots (paper y = 1), whatever the figure's height.
            "yref": "paper",
            "y": 1.0,
            "yanchor": "bottom",
            "font": {"size": TICK_FONT_SIZE, "color": TEXT_COLOR},
            "bgcolor": "rgba(0, 0, 0, 0)",
            "itemsizing": "constant",
            "itemwidth": 40,
        },
        "title": {
            "font": {"size": TITLE_FONT_SIZE},
            "x": 0.0,
            "xanchor": "left",
            "xref": "paper",
            "y": 1.0,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 14},
        },
    }


def apply_theme(
    fig: go.Figure,
    title: str | None = None,
    height: int | None = None,
    legend_rows: int = 1,
) -> go.Figure:
    """Give ``fig`` the shared look (fonts, colours, margins, legend on top); returns ``fig``.

    The legend sits between the title and the plots, on the figure's own dark paper (its
    entries are the bright colours the plots use, white included): its bottom edge is the top
    of the plots and the top margin makes room for ``legend_rows`` rows of it, so it never
    covers a plot whatever height the browser gives the figure (a chart that follows the
    window's height keeps the legend in place; the title hangs from the top edge).

    Axis styling covers every 2-D axis already in the figure, so call it after the subplots
    exist. Subplot titles are annotations: builders give them :data:`SUBTITLE_FONT_SIZE`.
    """
    # The same as update_layout(height=…), update_layout(template="none", **layout_style(…)),
    # update_layout(title={"text": …}), update_xaxes(**AXIS_STYLE) and update_yaxes(…) (the
    # tests check it), merged as plain dicts and validated once: Plotly's updates of a live
    # figure took 25 ms per figure, 6 ms this way, and the GD vs SGD page draws four.
    layout = fig.layout.to_plotly_json()  # a deep copy
    if height is not None:
        layout["height"] = height
    merge(layout, {"template": "none", **layout_style(legend_rows)})
    if title is not None:
        merge(layout, {"title": {"text": title}})
    for key in fig.layout:
        if key.startswith(("xaxis", "yaxis")) and fig.layout[key] is not None:
            merge(layout.setdefault(key, {}), copy.deepcopy(AXIS_STYLE))
    fig.layout = go.Layout(layout)
    return fig


def axes_layout(axes: tuple[str, ...], height: int | None = None, legend_rows: int = 1) -> dict:
    """``apply_theme(go.Figure(layout={axis: {} for axis in axes}), height=…, legend_rows=…)``'s
    layout as a plain dict, built without Plotly's objects (the tests compare the two): the
    shared look for a figure with these 2-D axes (``"xaxis"``, ``"yaxis2"``, …)."""
    layout: dict = {"template": NONE_TEMPLATE}
    for axis in axes:
        layout[axis] = copy.deepcopy(AXIS_STYLE)
    if height is not None:
        layout["height"] = height
    layout.update(copy.deepcopy(layout_style(legend_rows)))
    return layout


def subplots_layout(
    cols: int,
    column_widths: tuple[float, ...] | None = None,
    spacing: float = 0.2,
    height: int | None = None,
    legend_rows: int = 1,
) -> dict:
    """The layout of one row of ``cols`` 2-D subplots with the shared look, as a plain dict.

    The same layout as ``apply_theme(make_subplots(rows=1, cols=cols, column_widths=…,
    horizontal_spacing=spacing), height=…, legend_rows=…).layout`` (the tests compare the
    two), without building Plotly's objects: that took 125–175 ms of CPU on a cold server's
    first chart (Plotly's layout classes load on first use), 35–40 ms afterwards. Subplot c
    (from 0) spans x from Σ_{j<c} w_j + c·spacing to that plus w_c, where the widths w share
    1 − (cols − 1)·spacing in the proportions of ``column_widths`` (equal by default),
    computed in the order make_subplots computes them, so the numbers are the same floats.
    """
    room = 1.0 - spacing * (cols - 1)
    if column_widths is None:
        widths = [room / cols] * cols
    else:
        total = float(sum(column_widths))
        widths = [room * (width / total) for width in column_widths]
    suffixes = ["" if c == 0 else str(c + 1) for c in range(cols)]
    axes = tuple(f"{axis}{suffix}" for suffix in suffixes for axis in ("xaxis", "yaxis"))
    layout = axes_layout(axes, height, legend_rows)
    for c, suffix in enumerate(suffixes):
        start = sum(widths[:c]) + c * spacing
        layout[f"xaxis{suffix}"].update(anchor=f"y{suffix}", domain=[start, start + widths[c]])
        layout[f"yaxis{suffix}"].update(anchor=f"x{suffix}", domain=[0.0, 1.0])
    return layout
