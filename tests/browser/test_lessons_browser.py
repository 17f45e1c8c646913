"""The Lessons page in a real Chromium, as a teacher uses it in front of a class.

Teacher mode folds the sidebar away and keeps Previous, Next, Reveal and Open in the
Playground on the page; the arrow keys walk through the scenes and space reveals; the reveal
plays the run from step 0 (not the finished run); at 1024×768 and 1280×800 the revealed
scene (the bar, the chart with its Play button and step slider) fits the window.
Screenshots of teacher mode before and after the reveal at 1024×768, 1280×800, 1920×1080
and 390×844 go to ``test-artifacts/screenshots/<timestamp>/``.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import lessons
from tests.browser.test_layout_browser import OVERLAP_JS, SLACK_PX
from tests.browser.test_pages_browser import CHARTS_READY_JS, IDLE_JS, TIMEOUT_MS, is_benign

pytestmark = pytest.mark.browser

#: A projector, a laptop, a large monitor, a phone.
SIZES = ((1024, 768), (1280, 800), (1920, 1080), (390, 844))
#: The first test runs at the projector size and takes its screenshots; these are the rest.
OTHER_SIZES = SIZES[1:]
NAV = ("Previous", "Next", "Open in the Playground")

HEADER_JS = "() => [...document.querySelectorAll('h2')].map(h => h.innerText).join('|')"
SIDEBAR_FOLDED_JS = """() => {
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  return !sidebar || sidebar.getBoundingClientRect().width < 60;
}"""
#: Record the animated chart's slider position (the step shown) every 20 ms from now on.
WATCH_STEPS_JS = """() => {
  window.__lessonSteps = [];
  setInterval(() => {
    const gd = [...document.querySelectorAll('.js-plotly-plot')].find(
      g => g._fullLayout && g.layout.meta && g.layout.meta.traces
        && g.layout.meta.traces.path_history);
    if (!gd) return;
    const history = gd._fullData[gd.layout.meta.traces.path_history[0]];
    window.__lessonSteps.push([gd._fullLayout.sliders[0].active, history.x.length,
                               gd._fullLayout.sliders[0].steps.length]);
  }, 20);
}"""


def settle(page: Page) -> None:
    for _ in range(2):
        page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS)
        page.wait_for_timeout(300)
    page.wait_for_function(CHARTS_READY_JS, timeout=TIMEOUT_MS)


#: plotly.js logs this when the animation slider's fixed left pad (room for Play and Pause)
#: exceeds a phone-wide chart; the figure still draws and plays. Tolerated below 500 px only
#: (a follow-up for the figure layout, viz/animation.py's slider).
PHONE_SLIDER = "<rect> attribute width: A negative value is not valid"


def watch_errors(page: Page) -> list[str]:
    errors: list[str] = []

    def console(message) -> None:
        url = (message.location or {}).get("url", "")
        phone = page.viewport_size["width"] < 500 and PHONE_SLIDER in message.text
        if message.type == "error" and not is_benign(message.text, url) and not phone:
            errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def teacher_mode(page: Page, width: int, height: int) -> None:
    """Open the Lessons at the first scene and switch teacher mode on from the sidebar."""
    page.set_viewport_size({"width": width, "height": height})
    page.set_default_timeout(TIMEOUT_MS)
    page.goto("/lessons")
    page.wait_for_selector('[data-testid="stApp"]')
    settle(page)
    if page.evaluate(SIDEBAR_FOLDED_JS):  # a phone starts with the sidebar folded
        page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_test_id("stCheckbox").get_by_text("Teacher mode").click()
    settle(page)
    page.wait_for_function(SIDEBAR_FOLDED_JS, timeout=TIMEOUT_MS)
    settle(page)


#: The animated chart's Play button and step slider (plotly.js draws both inside the figure's
#: SVG), as their boxes in the window: [left, top, right, bottom] in px.
PLAY_AND_SLIDER_JS = """() => {
  const box = e => {
    const b = e.getBoundingClientRect();
    return [b.left, b.top, b.right, b.bottom];
  };
  const charts = document.querySelectorAll('.js-plotly-plot');
  return [...charts].filter(gd => gd.layout && gd.layout.sliders).map(gd => ({
    play: [...gd.querySelectorAll('.updatemenu-button')]
      .filter(b => b.textContent.includes('Play')).map(box),
    slider: [...gd.querySelectorAll('.slider-container')].map(box),
    chart: box(gd),
  }));
}"""


def assert_scene_fits(page: Page, count: int = 1) -> None:
    """The revealed scene's ``count`` charts, each with Play and the step slider, and the bar
    of buttons lie inside the window: the class sees the runs play without anyone scrolling."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    charts = page.evaluate(PLAY_AND_SLIDER_JS)
    assert len(charts) == count, charts
    for chart in charts:
        assert len(chart["play"]) == 1 and len(chart["slider"]) == 1, chart
        for what, (left, top, right, bottom) in (
            ("Play", chart["play"][0]),
            ("the step slider", chart["slider"][0]),
            ("the chart", chart["chart"]),
        ):
            assert 0 <= left < right <= width and 0 <= top < bottom <= height, (
                f"{what} at {[left, top, right, bottom]} leaves the {width}×{height} window"
            )
    for name in ("Previous", "Next", "Ask again", "Open in the Playground"):
        assert in_view(page, button(page, name)), f"{name} is off screen at {width}×{height}"


def button(page: Page, name: str):
    return page.get_by_test_id("stMain").get_by_role("button", name=name)


def in_view(page: Page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return bool(box) and box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


def wait_for_header(page: Page, number: int) -> None:
    page.wait_for_function(
        f"() => ({HEADER_JS})().includes('{number}. {lessons.SCENES[number - 1].title}')",
        timeout=TIMEOUT_MS,
    )
    settle(page)


def test_teacher_mode_keys_walk_the_scenes_and_reveal_plays_from_step_zero(
    page: Page, screenshot_dir: Path
):
    errors = watch_errors(page)
    teacher_mode(page, 1024, 768)
    wait_for_header(page, 1)
    page.screenshot(path=str(screenshot_dir / "lessons-teacher-1024x768.png"))
    for name in (*NAV, "Reveal"):
        expect(button(page, name)).to_be_visible()
        assert in_view(page, button(page, name)), f"{name} is off screen at 1024×768"
    expect(page.get_by_text("next scene")).to_be_visible()  # the shortcuts, on the page

    page.mouse.click(5, 300)  # the page has the focus, not a widget
    for key, number in (("ArrowRight", 2), ("ArrowRight", 3), ("ArrowLeft", 2)):
        page.keyboard.press(key)
        wait_for_header(page, number)
    assert page.evaluate(SIDEBAR_FOLDED_JS)

    page.evaluate(WATCH_STEPS_JS)
    page.keyboard.press(" ")  # space: Reveal
    expect(button(page, "Ask again")).to_be_visible(timeout=TIMEOUT_MS)
    # The run plays by itself to its last frame ...
    page.wait_for_function(
        "() => (window.__lessonSteps || []).some(([a, n, total]) => a === total - 1)",
        timeout=TIMEOUT_MS,
    )
    seen = page.evaluate("() => window.__lessonSteps")
    steps = [active for active, _, _ in seen]
    lengths = [length for _, length, _ in seen]
    # ... from its start: the first frame seen is step 0 (or the first few, if the script
    # pressed Play before the first sample), with one point of path, and it only moves on.
    assert steps[0] <= 3 and lengths[0] <= 2, seen[:5]
    assert all(b >= a for a, b in itertools.pairwise(steps)), steps
    assert len(set(steps)) > 10, "the animation advanced frame by frame"
    assert lengths[-1] > lengths[0]
    assert_scene_fits(page)
    page.screenshot(path=str(screenshot_dir / "lessons-teacher-revealed-1024x768.png"))
    assert not errors, errors


@pytest.mark.parametrize("size", OTHER_SIZES, ids=[f"{w}x{h}" for w, h in OTHER_SIZES])
def test_teacher_mode_screenshots(page: Page, screenshot_dir: Path, size):
    width, height = size
    errors = watch_errors(page)
    teacher_mode(page, width, height)
    # The first bar of the page: Previous, Next, Reveal and the Playground, all on screen.
    for name in (*NAV, "Reveal"):
        expect(button(page, name)).to_be_visible()
        assert in_view(page, button(page, name)), f"{name} is off screen at {width}×{height}"
    page.screenshot(path=str(screenshot_dir / f"lessons-teacher-{width}x{height}.png"))
    button(page, "Reveal").click()
    expect(button(page, "Ask again")).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    page.wait_for_timeout(1500)  # a moment of the animation
    if width >= 1024 and height <= 800:  # a projector or a laptop: no scrolling
        assert_scene_fits(page)
    page.screenshot(path=str(screenshot_dir / f"lessons-teacher-revealed-{width}x{height}.png"))
    assert not errors, errors


#: Each chart's contour (its first plot area): width and height in px.
CONTOURS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .filter(gd => gd.layout && gd.layout.sliders)
  .map(gd => { const r = gd.querySelector('.draglayer .xy .nsewdrag').getBoundingClientRect();
               return [r.width, r.height]; })"""


def test_teacher_mode_two_surfaces_fit_a_projector(page: Page, screenshot_dir: Path):
    """Lesson 7 compares two surfaces: revealed in teacher mode at 1024×768, both runs play side
    by side with their Play buttons and step sliders on screen (stacked, the second was a
    scroll away), each contour still about 200 px, and no axis title on the slider's label."""
    number = [scene.id for scene in lessons.SCENES].index("standardize") + 1
    errors = watch_errors(page)
    page.set_viewport_size({"width": 1024, "height": 768})
    page.set_default_timeout(TIMEOUT_MS)
    page.goto("/lessons?lesson.scene=standardize")
    page.wait_for_selector('[data-testid="stApp"]')
    settle(page)
    page.get_by_test_id("stCheckbox").get_by_text("Teacher mode").click()
    settle(page)
    page.wait_for_function(SIDEBAR_FOLDED_JS, timeout=TIMEOUT_MS)
    wait_for_header(page, number)
    button(page, "Reveal").click()
    expect(button(page, "Ask again")).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    page.wait_for_timeout(1500)  # a moment of the animation
    page.screenshot(path=str(screenshot_dir / "lessons-teacher-two-surfaces-1024x768.png"))
    assert_scene_fits(page, count=2)
    # Measured 199 × 199 px each once laid out (stacked, each was 400 px but only one on
    # screen); a chart may still be settling its legend's rows: wait for it, then read.
    try:
        page.wait_for_function(
            f"() => ({CONTOURS_JS})().every(([w, h]) => Math.min(w, h) >= 180)",
            timeout=TIMEOUT_MS,
        )
    except Exception as error:  # playwright's TimeoutError: say what the charts measured
        raise AssertionError(f"contours {page.evaluate(CONTOURS_JS)}: want ≥ 180 px") from error
    overlaps = page.evaluate(OVERLAP_JS, SLACK_PX)
    assert not overlaps, overlaps
    assert not errors, errors
