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

import streamlit as st

#: Keys of charts whose height follows the window (``st.plotly_chart(key=…,
#: height="stretch")``), with the room they leave above and below them in the window, in px.
TALL_CHARTS = {
    # The page title above, the status line under it; Play/Pause are inside the figure.
    "playground_chart": 168,
    # The race: the same animated figure, with a taller legend (one row per racer).
    "race_chart": 168,
}

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
</style>
"""


def inject() -> None:
    """Add the app's CSS to this run's page (app.py calls it once, before the page)."""
    st.html(CSS)
