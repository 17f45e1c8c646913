"""The Playground's chart drawn in place (ui/live_chart.py): one element across reruns, whose
data is the page's figure. The browser side (Plotly.react on the same div, clicks, Play) is
checked in tests/browser/test_pages_browser.py."""

from __future__ import annotations

import numpy as np

import surfaces
from tests.helpers import chart_figure, charts, decode, open_page
from ui import live_chart, preload


def _live(app):
    found = [node for node in charts(app) if node.type == "bidi_component"]
    assert len(found) == 1, [node.type for node in charts(app)]
    return found[0]


def test_the_module_loads_the_plotly_file_streamlit_ships():
    assert live_chart.available()
    chunk = preload.plotly_chunk()
    assert chunk.startswith("PlotlyChart.") and chunk.endswith(".js")
    app = open_page("app_pages/playground.py")
    js = _live(app).proto.js_content
    # The file's name is written in, and nothing else is fetched from anywhere.
    assert f'const CHUNK = "{chunk}";' in js
    assert "__PLOTLY_CHUNK__" not in js and "http" not in js


def _path(figure: dict) -> np.ndarray:
    """The drawn path (its history trace holds every step in ``data``), as (n, 2)."""
    trace = figure["data"][figure["layout"]["meta"]["traces"]["path_history"][0]]
    return np.column_stack([decode(trace["x"]), decode(trace["y"])])


def _gradient_descent(app, steps: int) -> np.ndarray:
    """The page's run recomputed here: x_{k+1} = x_k − η ∇f(x_k) on its quadratic bowl."""
    state = app.session_state
    bowl = surfaces.get(
        "quadratic",
        condition_number=state["dl_surface.quadratic.condition_number"],
        angle=state["dl_surface.quadratic.angle"],
    )
    lr = state["dl_lr.quadratic.gd"]
    points = [np.array([state["dl_start.quadratic.x"], state["dl_start.quadratic.y"]])]
    for _ in range(steps):
        points.append(points[-1] - lr * bowl.gradient(points[-1]))
    return np.array(points)


def test_a_learning_rate_change_keeps_the_element_and_sends_the_new_figure():
    app = open_page("app_pages/playground.py")
    before = _live(app)
    element_id, figure = before.proto.id, chart_figure(before)
    path = _path(figure)
    # float32 on the wire: a few units in the 7th digit.
    np.testing.assert_allclose(path, _gradient_descent(app, len(path) - 1), atol=1e-5)

    slider = app.sidebar.select_slider(key="dl_lr.quadratic.gd")
    lr = slider.value
    options = list(slider.options)
    slider.set_value(float(options[options.index(str(lr)) - 1])).run()
    assert not app.exception
    assert app.session_state["dl_lr.quadratic.gd"] < lr
    after = _live(app)
    # Same key, same element: the browser keeps its plot div and calls Plotly.react on it.
    assert after.proto.id == element_id
    new_path = _path(chart_figure(after))
    assert not np.array_equal(new_path, path)
    np.testing.assert_allclose(new_path, _gradient_descent(app, len(new_path) - 1), atol=1e-5)
