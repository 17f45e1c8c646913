"""The Neural network page in a real browser: no exception, the charts carry the library's
numbers, a control changes them, bad settings get a message, and screenshots at four sizes.

The generic checks of every page (charts drawn, the learning-rate slider changes the data)
run on this page too, from test_pages_browser.py; these are the page's own.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

import networks
import optimizers
from optimizers.train import train
from tests.browser.test_pages_browser import CHARTS_READY_JS, TIMEOUT_MS, Browser

#: A short, quick state (the edge of stability is checked in the library's tests).
QUERY = "net.eos=false&net.epochs=10"
SIZES = ((1024, 768), (1280, 800), (1920, 1080), (390, 844))

#: Every chart's traces by name: x and y as plain arrays.
TRACES_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd =>
  (gd._fullData || []).map(t => ({name: t.name || '', type: t.type || '',
    x: t.x ? Array.from(t.x) : [], y: t.y ? Array.from(t.y) : []})))"""


LENGTHS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd =>
  (gd._fullData || []).map(t => (t.x ? t.x.length : 0)).join()).join('|')"""


@pytest.fixture
def app(page, screenshot_dir) -> Browser:
    return Browser(page, screenshot_dir)


def open_network(app: Browser, query: str = QUERY) -> None:
    app.page.goto(f"/network?{query}")
    app.page.wait_for_selector('[data-testid="stApp"]')
    app.settle()
    app.page.wait_for_function(CHARTS_READY_JS, timeout=TIMEOUT_MS)
    app.settle()


def curve(app: Browser, name: str) -> tuple[np.ndarray, np.ndarray]:
    for chart in app.page.evaluate(TRACES_JS):
        for trace in chart:
            if trace["name"] == name:
                return np.asarray(trace["x"], dtype=float), np.asarray(trace["y"], dtype=float)
    raise AssertionError(f"no trace named {name!r}")


def test_page_shows_the_library_run_and_a_control_changes_it(app: Browser):
    open_network(app)
    assert not app.failures_on_page(), app.failures_on_page()
    for width, height in SIZES:
        app.page.set_viewport_size({"width": width, "height": height})
        time.sleep(1.0)  # Plotly resizes its charts to the new width
        app.screenshot(f"network-{width}x{height}")
    app.page.set_viewport_size({"width": 1280, "height": 800})

    # The loss curve drawn is the library's run of the same settings.
    data = networks.datasets.make("moons", 200, 0.15, 0).standardized()
    run = train(networks.Network((2, 8, 1)), data, optimizers.get("gd", lr=0.5), 10, 32)
    epochs, loss = curve(app, "Gradient descent (η = 0.5), train")
    np.testing.assert_array_equal(epochs, np.arange(11))
    np.testing.assert_allclose(loss, run.train_loss, rtol=1e-9)

    # Moving the epochs slider retrains: the curve gets longer.
    before = app.page.evaluate(LENGTHS_JS)
    slider = app.page.get_by_role("slider", name="Epochs")
    slider.scroll_into_view_if_needed()
    slider.focus()
    app.page.keyboard.press("ArrowRight")
    app.wait_for_change(LENGTHS_JS, before, "the curves' lengths")
    epochs, _ = curve(app, "Gradient descent (η = 0.5), train")
    assert len(epochs) == 21
    assert not app.failures_on_page(), app.failures_on_page()
    assert not app.errors, app.errors


def test_too_long_a_run_gets_a_message(app: Browser):
    app.page.goto(f"/network?{QUERY}&net.batch=1&net.epochs=300")
    app.page.wait_for_selector('[data-testid="stApp"]')
    app.settle()
    errors = app.page.locator('[data-testid="stAlertContentError"]')
    errors.first.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "updates per optimizer" in " ".join(errors.all_inner_texts())
    assert not app.page.locator('[data-testid="stException"]').count()
    app.screenshot("network-too-long-a-run")
    assert not app.errors, app.errors
