"""The scrub in a real browser: the thumb switches runs with no script run, and its release
sets the app's learning rate and the URL."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page

from tests.browser.test_pages_browser import TIMEOUT_MS, Browser

# The scrub chart (layout.meta.scrub), what it shows and the stop it is on.
SHOWN_JS = """() => {
    const gd = Array.from(document.querySelectorAll('.js-plotly-plot'))
        .find(el => el.layout && el.layout.meta && el.layout.meta.scrub);
    if (!gd || !gd._fullData) return null;
    return {
        verdict: gd._fullData[6].text[0],
        points: gd._fullData[3].x.length,
        active: gd.layout.sliders[0].active,
        lr: gd.layout.meta.lrs[gd.layout.sliders[0].active],
        mounted: gd.dataset.scrubMark || null,
    };
}"""
# Counts every appearance of Streamlit's "running" widget from now on.
WATCH_RUNS_JS = """() => {
    window.__runs = 0;
    new MutationObserver(() => {
        const shown = !!document.querySelector('[data-testid="stStatusWidget"]');
        if (shown && !window.__shown) window.__runs += 1;
        window.__shown = shown;
    }).observe(document.body, {childList: true, subtree: true});
}"""


@pytest.fixture
def app(page: Page, screenshot_dir: Path) -> Browser:
    return Browser(page, screenshot_dir)


def _lr_in_url(url: str) -> float:
    return float(parse_qs(urlparse(url).query)["lr.quadratic.gd"][0])


def test_dragging_switches_runs_in_the_browser_and_release_sets_the_rate(app: Browser):
    page = app.page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/?scrub=true")
    page.wait_for_selector(".js-plotly-plot .slider-grip-rect", timeout=TIMEOUT_MS)
    app.settle()
    page.wait_for_function(f"({SHOWN_JS})() !== null", timeout=TIMEOUT_MS)
    first = page.evaluate(SHOWN_JS)
    assert _lr_in_url(page.url) == first["lr"]
    # Marked element: a remount (a new figure from the server) would lose the mark.
    page.evaluate(
        "() => document.querySelectorAll('.js-plotly-plot').forEach(gd => "
        "gd.dataset.scrubMark = 'same')"
    )
    page.evaluate(WATCH_RUNS_JS)

    grip = page.locator(".slider-grip-rect").first.bounding_box()
    rail = page.locator(".slider-rail-rect").first.bounding_box()
    y = grip["y"] + grip["height"] / 2
    page.mouse.move(grip["x"] + grip["width"] / 2, y)
    page.mouse.down()
    seen = []
    for fraction in (0.05, 0.5, 0.97):
        page.mouse.move(rail["x"] + fraction * rail["width"], y, steps=4)
        page.wait_for_timeout(300)
        seen.append(page.evaluate(SHOWN_JS))
    # While the thumb is held: other stops shown, each with its own verdict, the same chart
    # element, and no script run at all.
    assert [shown["active"] for shown in seen] == sorted({s["active"] for s in seen})
    assert len({shown["verdict"] for shown in seen}) == 3
    assert all(shown["mounted"] == "same" for shown in seen)
    assert re.search(r"still moving after \d+ steps", seen[0]["verdict"])
    assert re.search(r"diverged at step \d+", seen[-1]["verdict"])
    assert page.evaluate("() => window.__runs") == 0
    assert _lr_in_url(page.url) == first["lr"]

    page.mouse.up()
    released = seen[-1]["lr"]
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while _lr_in_url(page.url) != released and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert _lr_in_url(page.url) == released
    app.settle()
    slider = page.get_by_role("slider", name="Learning rate").first
    assert float(slider.get_attribute("aria-valuetext")) == released
    assert page.evaluate(SHOWN_JS)["lr"] == released
    # The page follows: the status line now tells of the diverged run.
    assert "Diverged" in page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    app.screenshot("scrub-released")
    assert not app.errors
