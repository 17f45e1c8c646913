"""Ask the browser for plotly.js at the start of the first script run, not at its end.

Streamlit loads its Plotly chart code (``static/js/PlotlyChart.<hash>.js``, 4.6 MB with
plotly.js inside) on demand, when the first chart reaches the page: on a cold page that is
after the server has imported NumPy, SciPy and Plotly and computed the first figure, and only
then does the browser start downloading and compiling those megabytes. :func:`plotly` mounts a
components-v2 module (``ui/components/preload_plotly.js``) that adds a
``<link rel="modulepreload">`` for that file as soon as the run starts, so the two overlap.
Called from app.py before the page runs; it draws nothing.
"""

from __future__ import annotations

import functools
from pathlib import Path

import streamlit as st

KEY = "_dl_preload_plotly"


@functools.cache
def plotly_chunk() -> str | None:
    """The file name of Streamlit's Plotly chart module (hashed per release), or None."""
    folder = Path(st.__file__).parent / "static" / "static" / "js"
    found = sorted(folder.glob("PlotlyChart.*.js"))
    return found[0].name if found else None


@functools.cache
def _component():
    """The module with the file's name written in (not passed as data: the module must act
    on its first call, whatever data that call has)."""
    source = (Path(__file__).parent / "components" / "preload_plotly.js").read_text("utf-8")
    return st.components.v2.component(
        "descent_lab_preload_plotly",
        js=source.replace("__PLOTLY_CHUNK__", plotly_chunk()),
        # Out of the page's flow: an empty element would still push the title 16 px down
        # (the gap Streamlit keeps between elements). Its script runs all the same.
        css=f".st-key-{KEY} {{ display: none; }}",
        isolate_styles=False,
    )


def plotly() -> None:
    """Start loading plotly.js in the browser (once per page; nothing when not found)."""
    if plotly_chunk() is not None:
        _component()(key=KEY, height=0)
