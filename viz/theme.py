"""The lecture-hall look every figure shares: big type, a dark plot area, bright path colours.

Figures are projected for a room of students, so text is at least 16 px, titles 22 px, and the
plot area is dark: the surface raster (Viridis, dark = low loss) fills the contour panel and
the other panels match it, so the same bright path colours read well on both. Everything is
set on ``layout`` itself rather than in a template, so ``st.plotly_chart(theme="streamlit")``
cannot override it (pages should still pass ``theme=None``).
"""

from __future__ import annotations

import plotly.graph_objects as go

FONT_FAMILY = "Inter, 'Segoe UI', 'Helvetica Neue', Arial, sans-serif"
BASE_FONT_SIZE = 18
TICK_FONT_SIZE = 16
TITLE_FONT_SIZE = 24
SUBTITLE_FONT_SIZE = 20
TEXT_COLOR = "#1b1e24"
PAPER_COLOR = "#ffffff"
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
#: −∇f arrow, step arrow, minimizer stars, start point, divergence cross.
GRADIENT_COLOR = "#ff2d2d"
STEP_COLOR = "#ffe14d"
MINIMUM_COLOR = "#ffd700"
START_COLOR = "#ffffff"
DIVERGED_COLOR = "#ff1f1f"
OUTLINE_COLOR = "#111111"

MARGIN = {"l": 70, "r": 30, "t": 100, "b": 40}
#: Vertical room for the title, and for each row of the legend under it.
TITLE_SPACE = 56
LEGEND_ROW = 30
#: A width the legend can count on (a chart in Streamlit's centred layout is ~700 px wide
#: on a laptop; wider on a projector) and a rough text width per character.
LEGEND_WIDTH = 1000
CHAR_WIDTH = 0.55 * TICK_FONT_SIZE


def path_color(index: int) -> str:
    """The colour of the ``index``-th path (cycling through :data:`PATH_COLORS`)."""
    return PATH_COLORS[index % len(PATH_COLORS)]


def legend_rows(names: list[str], width: float = LEGEND_WIDTH) -> int:
    """How many rows a horizontal legend with these entries needs, roughly."""
    rows, used = 1, 0.0
    for name in names:
        item = 50 + CHAR_WIDTH * len(name)  # symbol and gaps, then the text
        if used and used + item > width:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def apply_theme(
    fig: go.Figure,
    title: str | None = None,
    height: int | None = None,
    legend_rows: int = 1,
) -> go.Figure:
    """Give ``fig`` the shared look (fonts, colours, margins, legend on top); returns ``fig``.

    The legend sits in a dark band between the title and the plots (its entries are the
    bright colours the plots use, white included); the top margin makes room for
    ``legend_rows`` rows of it.

    Axis styling covers every 2-D axis already in the figure, so call it after the subplots
    exist. Subplot titles are annotations: builders give them :data:`SUBTITLE_FONT_SIZE`.
    """
    if height is not None:
        fig.update_layout(height=height)
    # The legend hangs from just under the title, in pixels from the top of the figure.
    figure_height = fig.layout.height or 450
    fig.update_layout(
        template="none",
        font={"family": FONT_FAMILY, "size": BASE_FONT_SIZE, "color": TEXT_COLOR},
        paper_bgcolor=PAPER_COLOR,
        plot_bgcolor=PLOT_COLOR,
        margin={**MARGIN, "t": TITLE_SPACE + LEGEND_ROW * legend_rows},
        hoverlabel={"font": {"size": TICK_FONT_SIZE, "family": FONT_FAMILY}},
        legend={
            "orientation": "h",
            "x": 0.0,
            "xanchor": "left",
            "yref": "container",
            "y": 1.0 - TITLE_SPACE / figure_height,
            "yanchor": "top",
            "font": {"size": TICK_FONT_SIZE, "color": "#f2f2f2"},
            "bgcolor": PLOT_COLOR,
            "itemsizing": "constant",
            "itemwidth": 40,
        },
    )
    if title is not None:
        fig.update_layout(title={"text": title})
    fig.update_layout(
        title={
            "font": {"size": TITLE_FONT_SIZE},
            "x": 0.0,
            "xanchor": "left",
            "xref": "paper",
            "y": 1.0,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 14},
        }
    )
    axis = {
        "tickfont": {"size": TICK_FONT_SIZE},
        "title": {"font": {"size": BASE_FONT_SIZE}},
        "gridcolor": GRID_COLOR,
        "zerolinecolor": GRID_COLOR,
        "linecolor": "#888888",
        "showline": True,
        "ticks": "outside",
        "mirror": False,
        # 10⁻⁶, not 1µ: students read powers of ten, not SI prefixes.
        "exponentformat": "power",
    }
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis)
    return fig
