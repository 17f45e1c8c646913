"""Page-level CSS: charts that follow the window's height, text that wraps instead of clipping.

Streamlit sizes a chart from its figure's ``layout.height`` unless ``st.plotly_chart`` is told
``height="stretch"``; then the chart fills the element around it, which carries the chart's
key as a class (``st-key-<key>``). Giving that element a height in viewport units here lets
the figure grow with the screen: at 1024×768, 1280×800 and 1920×1080 the Playground's contour
takes what is left under the page title (measured in tests/browser/test_layout_browser.py).
Plotly's own layout cannot do this: the server never learns the window's size.

:func:`inject` is called once per run from app.py; the ``<style>`` element takes no room on
the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

#: Keys of charts whose height follows the window (``st.plotly_chart(key=…,
#: height="stretch")``), with the room they leave above and below them in the window, in px.
TALL_CHARTS = {
    # The page title above, the status line under it; Play/Pause are inside the figure.
    "playground_chart": 168,
    # The race: the same animated figure, with a taller legend (one row per racer).
    "race_chart": 168,
}


@dataclass(frozen=True)
class ScreenChart:
    """How one page's chart fills the window (``st.plotly_chart(key=…, height="stretch")``).

    Its height follows its width at ``ratio`` (width ÷ height: a square contour with its title,
    legend and axis under it looks right near 1, a wide line chart near 2), never more than
    the window's height less ``room`` or ``most``, never less than ``least`` (the figure's own
    height: no chart shrinks). A chart in a narrow column therefore stays short (a square
    contour cannot use more height than its width), the same chart alone on a 1920×1080
    screen grows to the window.

    Attributes
    ----------
    least : int
        Smallest height in px, also the height on a phone (where the chart scrolls sideways).
    ratio : float
        Width ÷ height the figure reads best at.
    room : int
        Height of the window, in px, left for the page around the chart (a heading above,
        a caption under it): ``height ≤ 100vh − room``.
    most : int
        Largest height in px: a two-panel line chart is not a poster.
    """

    least: int
    ratio: float
    room: int
    most: int = 1100


#: Charts of the other pages that fill the window (the Playground's and the race's are
#: :data:`TALL_CHARTS`). A key ending in ``*`` stands for every key that starts with it
#: (a lesson's charts are keyed by their scene).
SCREEN_CHARTS = {
    # GD vs SGD: the data and the paths side by side (stacked below 760 px), the loss of
    # both runs (two panels), the gradient cloud.
    "sgd_data_chart": ScreenChart(560, 0.95, 150),
    "sgd_paths_chart": ScreenChart(560, 0.95, 150),
    "sgd_loss_chart": ScreenChart(440, 2.2, 250, most=700),
    "sgd_cloud_chart": ScreenChart(560, 1.0, 150),
    # Curvature: the eigen-axes on the contour, the map of κ.
    "curvature_axes_chart": ScreenChart(660, 0.95, 150),
    "curvature_map_chart": ScreenChart(660, 0.95, 150),
    # Convergence rates: one wide panel each.
    "rates_eigen": ScreenChart(500, 1.8, 220, most=850),
    "rates_sweep": ScreenChart(540, 1.8, 220, most=850),
    # Phase diagram: the map (its legend under it), the run beside it, the slice (two rows).
    "phase_map": ScreenChart(812, 1.1, 120, most=1250),
    "phase_run": ScreenChart(520, 0.95, 150),
    "phase_slice": ScreenChart(620, 1.8, 200, most=900),
    # Neural network: loss and accuracy (two panels), the decision regions beside the PCA
    # plane, standardization (two panels), the edge of stability (two rows).
    "net_curves_chart": ScreenChart(576, 2.2, 200, most=800),
    "net_boundary_chart": ScreenChart(680, 0.95, 150),
    "net_pca_chart": ScreenChart(680, 0.95, 150),
    "net_standard_chart": ScreenChart(576, 2.2, 200, most=800),
    "net_eos_chart": ScreenChart(680, 1.6, 200, most=900),
    # Lessons (outside teacher mode, whose own rule in ui/lessons.py fills the window): the
    # scene's setup and, after the reveal, its animated runs.
    "lesson_setup*": ScreenChart(520, 1.1, 200),
    "lesson_chart*": ScreenChart(620, 1.1, 150),
    # A network scene's experiment: two panels side by side or two rows.
    "lesson_network*": ScreenChart(580, 1.8, 200, most=850),
}


def chart_selector(key: str) -> str:
    """The CSS selector of the element Streamlit wraps around the chart ``key`` (its class is
    ``st-key-<key>`` with dots turned into dashes); ``key*`` matches every key that starts so."""
    if key.endswith("*"):
        return f'[class*="st-key-{key[:-1].replace(".", "-")}"]'
    return f".st-key-{key.replace('.', '-')}"


#: On a phone (narrower than this) a two-panel chart keeps this width and scrolls sideways
#: inside its own box, so the contour keeps ≥ 300 px instead of shrinking to 110 px.
PHONE_WIDTH_PX = 640
PHONE_CHART_MIN_WIDTH_PX = 680
#: Below this chart width the figure's own title gives its room to the legend's extra rows
#: (the page title and the sidebar name the surface); plotly cannot wrap a legend upwards.
NARROW_CHART_PX = 800
#: Plotly charts: st.plotly_chart's and those drawn in place (ui/live_chart.py).
CHARTS = ".stPlotlyChart, .dl-live-chart"
#: Below this main-area width, columns holding charts stack.
STACK_COLUMNS_PX = 760


def _tall_chart_rules() -> str:
    rules = []
    for key, room in TALL_CHARTS.items():
        # Never shorter than 560 px (the contour's 420 px plus title, legend and buttons),
        # never taller than a square contour can use on a 4K screen.
        rules.append(
            f".st-key-{key} {{ height: clamp(560px, calc(100vh - {room}px), 1500px); "
            "container-type: inline-size; }"
        )
        # The figure keeps room above its title and under its buttons: the page's gap is not
        # needed there (at 1280×800 the status line under the chart stays on screen).
        rules.append(f".st-key-{key} {{ margin: -1rem 0 -0.75rem; }}")
        rules.append(
            f"@container (max-width: {NARROW_CHART_PX}px) {{ .st-key-{key} .g-gtitle "
            "{ display: none; } }"
        )
        rules.append(
            f"@media (max-width: {PHONE_WIDTH_PX}px) {{ .st-key-{key} {{ height: 640px; "
            f"min-width: {PHONE_CHART_MIN_WIDTH_PX}px; }} }}"
        )
    return "\n".join(rules)


def _screen_chart_rules() -> str:
    rules = []
    for key, chart in SCREEN_CHARTS.items():
        selector = chart_selector(key)
        # The height follows the width (aspect-ratio), limited by the window; CSS lets
        # min-height win over max-height, so a short window keeps the figure's own height.
        rules.append(
            f"{selector} {{ height: auto; aspect-ratio: {chart.ratio}; "
            f"min-height: {chart.least}px; "
            f"max-height: min(calc(100vh - {chart.room}px), {chart.most}px); }}"
        )
        rules.append(
            f"@media (max-width: {PHONE_WIDTH_PX}px) {{ {selector} {{ aspect-ratio: auto; "
            f"height: {chart.least}px; max-height: none; }} }}"
        )
    return "\n".join(rules)


CSS = f"""
<style>
/* Less empty space around the page title: at 1280×800 the Playground's chart, its Play button
   and the status line under it fit one screen. The top padding keeps the title out from under
   Streamlit's header (its buttons). */
[data-testid="stMainBlockContainer"] {{
  padding-top: 3rem;
  padding-left: 1.5rem;
  padding-right: 1.5rem;
  padding-bottom: 3rem;
}}
h1 {{ font-size: 2.25rem !important; padding: 0.25rem 0 0.5rem !important; }}
/* Elements of the page keep 12 px between them (Streamlit: 16 px). */
[data-testid="stMain"] [data-testid="stVerticalBlock"] {{ gap: 0.75rem; }}
/* Metrics show their whole value: wrap instead of an ellipsis. */
[data-testid="stMetricValue"] > div,
[data-testid="stMetricLabel"] div,
[data-testid="stMetricLabel"] p {{
  white-space: normal !important;
  overflow: visible !important;
  text-overflow: clip !important;
  overflow-wrap: anywhere;
}}
[data-testid="stMetricValue"] {{ font-size: 1.9rem; }}
/* A multiselect's chosen options show their whole name ("Momentum (heavy ball)"). */
.stMultiSelect [data-baseweb="tag"] {{ max-width: 100%; height: auto; }}
.stMultiSelect [data-baseweb="tag"] span,
.stMultiSelect span[class*="st-emotion-cache"] {{
  max-width: none !important; white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important;
}}
/* A button's label wraps instead of ending in an ellipsis. */
.stButton button p, .stDownloadButton button p {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}}
/* A toggle's or checkbox's label wraps instead of ending in an ellipsis. */
[data-testid="stCheckbox"] label, [data-testid="stCheckbox"] label div,
[data-testid="stCheckbox"] label p {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  min-width: 0;
}}
/* Formulas wrap or scroll inside their own box, never past the column. */
.katex-display {{ overflow-x: auto; overflow-y: hidden; }}
/* Side-by-side columns stack when the main area is too narrow for two charts (1024×768 with
   the sidebar open leaves 676 px): a half-width chart of 330 px cut its own title. */
[data-testid="stMainBlockContainer"] {{ container-type: inline-size; }}
@container (max-width: {STACK_COLUMNS_PX}px) {{
  [data-testid="stHorizontalBlock"]:has({CHARTS}) {{ flex-wrap: wrap; }}
  [data-testid="stHorizontalBlock"]:has({CHARTS}) > [data-testid="stColumn"] {{
    min-width: 100% !important; width: 100% !important; flex: 1 1 100% !important;
  }}
}}
/* On a phone every chart keeps a laptop column's width and scrolls sideways in its block. */
@media (max-width: {PHONE_WIDTH_PX}px) {{
  [data-testid="stElementContainer"]:has({CHARTS}) {{
    min-width: {PHONE_CHART_MIN_WIDTH_PX}px;
  }}
  [data-testid="stVerticalBlock"]:has(> .stElementContainer > .stFullScreenFrame .stPlotlyChart),
  [data-testid="stVerticalBlock"]:has(> .stElementContainer .dl-live-chart) {{ overflow-x: auto; }}
  /* Plotly's toolbar hangs over the chart's title on a narrow screen. */
  :is({CHARTS}) .modebar-container {{ display: none; }}
}}
{_tall_chart_rules()}
{_screen_chart_rules()}
</style>
"""


def inject() -> None:
    """Add the app's CSS to this run's page (app.py calls it once, before the page)."""
    st.html(CSS)
