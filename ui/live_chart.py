"""A Plotly chart that stays mounted across reruns and draws each new figure in place.

``st.plotly_chart`` keys its element by a hash of the figure, so each new figure (every
learning-rate change on the Playground) is a new element: the browser tears the old chart
down and draws the new one from scratch, twice. :func:`show` mounts a components-v2 module
(``ui/components/live_chart.js``) that keeps one plot div per key and hands each new figure to
``Plotly.react``, which updates what is drawn. plotly.js is the copy Streamlit ships (the
module imports Streamlit's own Plotly chart file, :func:`ui.preload.plotly_chunk`).

The element's data is the figure's JSON text, exactly what ``st.plotly_chart`` would send,
as the one item of a list (:func:`figure_of` reads it back, for tests). A click on the
contour panel calls ``on_click`` with the clicked point's coordinates.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path

import plotly.io
import streamlit as st

from ui.preload import plotly_chunk

#: The component's name; tests find its elements by it.
NAME = "descent_lab_live_chart"


@functools.cache
def _component():
    """The module with Streamlit's Plotly file name written in."""
    source = (Path(__file__).parent / "components" / "live_chart.js").read_text("utf-8")
    return st.components.v2.component(
        NAME,
        js=source.replace("__PLOTLY_CHUNK__", plotly_chunk() or ""),
        # The plot fills its element, whose height the page's CSS sets (ui/style.py).
        css=".dl-live-chart { width: 100%; height: 100%; }",
        isolate_styles=False,
    )


def available() -> bool:
    """Whether Streamlit's Plotly file was found (else pages fall back to st.plotly_chart)."""
    return plotly_chunk() is not None


def show(figure, *, key: str, on_click: Callable[[float, float], None] | None = None) -> None:
    """Show ``figure`` in the element ``key``, drawn in place over the previous figure.

    Parameters
    ----------
    figure : plotly.graph_objects.Figure
        Any figure (a :class:`viz.dict_figure.DictFigure` is never validated on the way).
    key : str
        The element's key: the same key across reruns is the same chart in the browser.
    on_click : callable(x, y), optional
        Called (as a widget callback, before the rerun) with the data coordinates of a click
        on the panel that holds the figure's ``click grid`` trace.
    """
    if not available():
        # A Streamlit without the file this module loads plotly.js from: the ordinary chart.
        st.plotly_chart(
            figure,
            key=key,
            on_select="ignore" if on_click is None else functools.partial(_selected, key, on_click),
            selection_mode="points",
            width="stretch",
            height="stretch",
            theme=None,
        )
        return
    # As st.plotly_chart writes it: validate=False keeps a DictFigure a dict.
    text = plotly.io.to_json(figure, validate=False)
    callbacks = {}
    if on_click is not None:
        callbacks["on_click_change"] = functools.partial(_clicked, key, on_click)
    # In a one-item list: Streamlit sends a list as JSON as it is, where for a bare string it
    # first asks pandas whether it is a data frame, importing pandas (≈ 0.3 s of CPU) before a
    # cold server's first chart.
    _component()(key=key, data=[text], width="stretch", height="stretch", **callbacks)


def _clicked(key: str, on_click: Callable[[float, float], None]) -> None:
    # The component's state in session state is a mapping of its trigger values.
    result = st.session_state.get(key) or {}
    _call(on_click, result.get("click") if hasattr(result, "get") else None)


def _selected(key: str, on_click: Callable[[float, float], None]) -> None:
    event = st.session_state.get(key) or {}
    points = event.get("selection", {}).get("points", []) if hasattr(event, "get") else []
    _call(on_click, points[0] if points else None)


def _call(on_click: Callable[[float, float], None], point) -> None:
    if not isinstance(point, dict):
        return
    x, y = point.get("x"), point.get("y")
    if isinstance(x, (int, float)) and isinstance(y, (int, float)):
        on_click(float(x), float(y))


def figure_of(element) -> dict:
    """The figure a live chart element shows (an AppTest element or its proto)."""
    proto = getattr(element, "proto", element)
    return json.loads(json.loads(proto.json)[0])
