"""Every page in a real Chromium: it loads cleanly, draws its charts with data, reacts to the
learning-rate slider, plays its animation with the contour in place, takes a click on the
contour as the start point, and keeps the user's choices across pages.

The pages are read from ``app.py`` (each ``st.Page``), their URLs derived from the file names
the way Streamlit does (``app_pages/gd_vs_sgd.py`` → ``/gd_vs_sgd``, the default page → ``/``).
Tests find widgets by their labels and charts by their data (``gd._fullData`` and the trace
roles in ``layout.meta``), never by pixel positions: a click's pixel is computed from the
plot's own axes. Screenshots of every page at 1280×800 and 1920×1080 go to
``test-artifacts/screenshots/<timestamp>/``.
"""

from __future__ import annotations

import ast
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
#: Generous: two shared cores, and the first chart loads a 4.7 MB plotly.js (4–5 s idle).
TIMEOUT_MS = 90_000
#: A classroom projector (1024×768), a laptop, a large monitor.
SIZES = ((1280, 800), (1024, 768), (1920, 1080))


# ----- the pages, as app.py lists them ----------------------------------------------------------
@dataclass(frozen=True)
class AppPage:
    file: str
    title: str
    url_path: str  # "" for the default page

    @property
    def slug(self) -> str:
        return self.url_path or Path(self.file).stem

    @property
    def url(self) -> str:
        return "/" + self.url_path


def app_pages() -> list[AppPage]:
    """The ``st.Page(...)`` entries of app.py, in order."""
    pages = []
    for node in ast.walk(ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page"):
            continue
        if not (node.args and isinstance(node.args[0], ast.Constant)):
            continue
        file = node.args[0].value
        keywords = {
            k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)
        }
        # Streamlit's default: the file's stem without a leading number ("01_x.py" → "x").
        url_path = keywords.get("url_path") or re.sub(r"^\d+[_ -]*", "", Path(file).stem)
        if keywords.get("default"):
            url_path = ""
        pages.append(AppPage(file, keywords.get("title", Path(file).stem), url_path))
    return pages


PAGES = app_pages()
BY_SLUG = {page.slug: page for page in PAGES}
#: Pages whose main picture is a contour (a raster in layout.images plus level lines).
CONTOUR_PAGES = {"playground", "curvature", "gd_vs_sgd", "race", "phase"}
#: Pages that may show only a contour and a start point (a lesson hides the run until the
#: class has predicted it).
SETUP_ONLY = {"lessons"}
#: Pages without a learning-rate slider (a lesson fixes its settings).
NO_LR_SLIDER = {"lessons"}
#: On the Curvature page η only enters the |1 − ηλᵢ| factors shown as text, not the charts.
LR_CHANGES_TEXT = {"curvature"}
#: Pages with the animated path figure.
ANIMATED_PAGES = ("playground", "race")


def test_the_pages_are_found():
    assert {"playground", "curvature", "gd_vs_sgd", "race", "phase"} <= set(BY_SLUG)
    assert BY_SLUG["playground"].url == "/"
    assert BY_SLUG["gd_vs_sgd"].url == "/gd_vs_sgd"


# ----- what the browser is asked -------------------------------------------------------------
IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && !document.querySelector('[data-testid="stStatusWidget"]');
}"""

CHARTS_READY_JS = """() => {
  // st.plotly_chart's elements and the charts drawn in place (ui/live_chart.py).
  const boxes = document.querySelectorAll('[data-testid="stPlotlyChart"], .dl-live-chart').length;
  const plots = Array.from(document.querySelectorAll('.js-plotly-plot'))
    .filter(gd => gd._fullData && gd._fullLayout).length;
  return boxes > 0 && plots === boxes;
}"""

CHARTS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => {
  const size = a => (a && a.length) || 0;
  const full = gd._fullData || [];
  return {
    names: full.map(t => t.name || ''),
    types: full.map(t => t.type || ''),
    points: full.map(t => Math.max(size(t.x), size(t.y), size(t.z))),
    images: ((gd._fullLayout || {}).images || []).length,
    drawnImages: gd.querySelectorAll('.imagelayer image').length,
  };
})"""

#: Every drawn contour raster against the plot area it lies in (the subplot's drag rectangle),
#: both in page pixels: [raster box, plot box] pairs.
RASTER_FIT_JS = """() => {
  const box = e => { const r = e.getBoundingClientRect();
    return [r.left, r.top, r.width, r.height].map(v => Math.round(v * 10) / 10); };
  const pairs = [];
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    const areas = Array.from(gd.querySelectorAll('.draglayer .nsewdrag')).map(box);
    for (const image of gd.querySelectorAll('.imagelayer image')) {
      const b = box(image);
      const overlap = a => Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]))
        * Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
      const area = areas.reduce((best, a) => (overlap(a) > overlap(best) ? a : best), areas[0]);
      pairs.push([b, area]);
    }
  }
  return pairs;
}"""

#: Lengths and weighted sums of every trace's numbers: changes whenever the data does.
SIGNATURE_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd =>
  (gd._fullData || []).map(t => {
    let count = 0, sum = 0;
    const add = a => {
      if (!a) return;
      for (let i = 0; i < a.length; i++) {
        const v = a[i];
        if (v !== null && typeof v === 'object' && v.length !== undefined) add(v);
        else if (typeof v === 'number' && isFinite(v)) { count++; sum += v * (1 + (i % 7)); }
      }
    };
    add(t.x); add(t.y); add(t.z);
    return `${t.name}:${count}:${sum.toPrecision(12)}`;
  }).join('|')).join('||')"""

#: The animated figure's path and contour, found by the trace roles viz.animation records.
PATH_JS = """() => {
  const gd = Array.from(document.querySelectorAll('.js-plotly-plot')).find(
    g => g.layout && g.layout.meta && g.layout.meta.traces && g.layout.meta.traces.path_history);
  if (!gd) return null;
  const roles = gd.layout.meta.traces, full = gd._fullData;
  const history = full[roles.path_history[0]], tail = full[roles.path_tail[0]];
  const level = full[roles.level_lines];
  const size = a => (a && a.length) || 0;
  const line = gd.querySelector('.trace' + level.uid + ' .js-line');
  return {
    drawn: size(history.x) + Math.max(size(tail.x) - 1, 0),
    first: size(history.x) ? [history.x[0], history.y[0]] : null,
    levelPoints: size(level.x),
    levelVisible: level.visible === true,
    levelPath: line ? (line.getAttribute('d') || '').length : 0,
    images: ((gd._fullLayout || {}).images || []).length,
    drawnImages: gd.querySelectorAll('.imagelayer image').length,
    bounds: [gd._fullLayout.xaxis.range, gd._fullLayout.yaxis.range],
  };
}"""

#: Page coordinates of the data point (x, y) on the first subplot of the animated figure.
PIXEL_JS = """([x, y]) => {
  const gd = Array.from(document.querySelectorAll('.js-plotly-plot')).find(
    g => g.layout && g.layout.meta && g.layout.meta.traces && g.layout.meta.traces.path_history);
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const box = gd.getBoundingClientRect();
  return [box.left + xa._offset + xa.l2p(x), box.top + ya._offset + ya.l2p(y)];
}"""

MAIN_TEXT_JS = (
    """() => (document.querySelector('[data-testid="stMain"]') || document.body).innerText"""
)


def is_benign(message: str, url: str) -> bool:
    """Console errors that say nothing about the app.

    On a deep link (``/race``) Streamlit's frontend first asks ``/race/_stcore/health`` and
    ``/race/_stcore/host-config`` to find the server's base path; those answer 404, Chromium
    logs "Failed to load resource", and the frontend then uses ``/_stcore/…``
    (streamlit/streamlit#7074). Only that exact pair of probes is ignored.
    """
    return "status of 404" in message and bool(
        re.search(r"/[^/]+/_stcore/(health|host-config)$", url)
    )


class Browser:
    """A page of the app plus the console errors it logged."""

    def __init__(self, page: Page, shots: Path):
        self.page, self.shots, self.errors = page, shots, []
        page.set_default_timeout(TIMEOUT_MS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            url = (message.location or {}).get("url", "")
            if not is_benign(message.text, url):
                self.errors.append(f"console error: {message.text} ({url})")

    # -- waiting ------------------------------------------------------------------------------
    def settle(self) -> None:
        """Wait until no script runs (twice, 0.3 s apart: a run may start another)."""
        for _ in range(2):
            self.page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS)
            time.sleep(0.3)
        self.page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS)

    def open(self, app_page: AppPage) -> None:
        self.page.goto(app_page.url)
        self.page.wait_for_selector('[data-testid="stApp"]')
        self.settle()
        self.page.wait_for_function(CHARTS_READY_JS, timeout=TIMEOUT_MS)
        self.settle()

    def wait_for_change(self, script: str, before, what: str) -> None:
        """Wait until ``script`` returns something other than ``before``, then settle."""
        try:
            self.page.wait_for_function(
                f"(before) => JSON.stringify(({script})()) !== before",
                arg=_json(before),
                timeout=TIMEOUT_MS,
            )
        except Exception as error:  # playwright's TimeoutError: say what did not change
            raise AssertionError(
                f"{what} did not change within {TIMEOUT_MS / 1000:.0f} s"
            ) from error
        self.settle()
        self.page.wait_for_function(CHARTS_READY_JS, timeout=TIMEOUT_MS)

    # -- reading ------------------------------------------------------------------------------
    def charts(self) -> list[dict]:
        return self.page.evaluate(CHARTS_JS)

    def signature(self) -> str:
        return self.page.evaluate(SIGNATURE_JS)

    def path(self) -> dict | None:
        return self.page.evaluate(PATH_JS)

    def failures_on_page(self, error_boxes: bool = True) -> list[str]:
        """Tracebacks on the page and, unless ``error_boxes`` is False, red error boxes (after a
        slider move a box saying the run diverged is the app doing its job)."""
        found = [
            f"exception on the page: {text}"
            for text in self.page.locator('[data-testid="stException"]').all_inner_texts()
        ]
        if error_boxes:
            found += [
                f"error box: {text}"
                for text in self.page.locator(
                    '[data-testid="stAlertContentError"]'
                ).all_inner_texts()
            ]
        return found

    def screenshot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{name}.png"))

    # -- acting -------------------------------------------------------------------------------
    def lr_slider(self):
        slider = self.page.get_by_role("slider", name="Learning rate").first
        if not slider.count():
            # The race keeps each racer's learning rate in a collapsed expander, whose content
            # Streamlit renders only when opened: open the first one.
            self.page.locator('[data-testid="stExpander"] summary').first.click()
            slider.wait_for(state="visible")
        return slider

    def move_lr(self, presses: int = 3) -> str:
        """Move the learning rate ``presses`` stops (down if it sits at the top); return the
        value shown before."""
        slider = self.lr_slider()
        slider.scroll_into_view_if_needed()
        before = slider.get_attribute("aria-valuetext") or ""
        slider.focus()
        key = "ArrowLeft" if before.strip() in ("10", "10.0") else "ArrowRight"
        for _ in range(presses):
            self.page.keyboard.press(key)
        return before

    def select(self, label: str, option: str) -> None:
        self.page.get_by_role("combobox", name=label, exact=True).first.click()
        self.page.get_by_role("option", name=option, exact=True).click()

    def selected(self, label: str) -> str:
        """The option a selectbox shows (Streamlit's selectbox is a combobox input)."""
        return self.page.get_by_role("combobox", name=label, exact=True).first.input_value()

    def number(self, label: str) -> float:
        return float(self.page.get_by_label(label, exact=True).input_value())

    def go_via_sidebar(self, app_page: AppPage) -> None:
        nav = self.page.get_by_test_id("stSidebarNav")
        nav.get_by_role("link", name=app_page.title).click()
        suffix = re.escape(app_page.url_path)
        self.page.wait_for_url(re.compile(rf"^https?://[^/]+/{suffix}(\?.*)?$"))
        self.settle()
        self.page.wait_for_function(CHARTS_READY_JS, timeout=TIMEOUT_MS)


def _json(value) -> str:
    import json

    return json.dumps(value)


@pytest.fixture
def app(page: Page, screenshot_dir: Path) -> Browser:
    return Browser(page, screenshot_dir)


def page_param(slugs=None):
    chosen = [page for page in PAGES if slugs is None or page.slug in slugs]
    return pytest.mark.parametrize("app_page", chosen, ids=[page.slug for page in chosen])


# ----- every page ---------------------------------------------------------------------------
@page_param()
def test_page_loads_and_draws_its_charts(app: Browser, app_page: AppPage):
    app.open(app_page)
    charts = app.charts()
    # Screenshots first, so a failing page is on file too.
    misfits = []
    for width, height in SIZES:
        app.page.set_viewport_size({"width": width, "height": height})
        time.sleep(1.0)  # Plotly resizes its charts to the new width
        app.screenshot(f"{app_page.slug}-{width}x{height}")
        # The raster fills its plot exactly at every width: x and y keep one scale by giving
        # up domain, never range, so no band of bare background shows beside the surface.
        for raster, plot in app.page.evaluate(RASTER_FIT_JS):
            if max(abs(a - b) for a, b in zip(raster, plot, strict=True)) > 2:
                misfits.append(f"{width}x{height}: raster {raster} in plot area {plot}")
    app.page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})
    assert not misfits, misfits

    assert not app.failures_on_page(), app.failures_on_page()
    assert charts, "no chart on the page"
    curves = 0
    for index, chart in enumerate(charts):
        assert chart["names"], f"chart {index} has no traces"
        # The invisible click grid does not count as data; the level lines do (a lesson's
        # set-up picture is a contour and a start point, nothing more, on purpose).
        points = dict(zip(chart["names"], chart["points"], strict=False))
        points.pop("click grid", None)
        assert max(points.values(), default=0) >= 2, f"chart {index}: no trace with 2 points"
        points.pop("level lines", None)
        curves += max(points.values(), default=0) >= 2
        # A contour is a raster under level lines; a map (a heatmap under the level lines,
        # the Curvature page's κ map) replaces the raster on purpose.
        if "level lines" in chart["names"] and "heatmap" not in chart["types"]:
            assert chart["images"] >= 1, f"contour chart {index} has no raster in layout.images"
            assert chart["drawnImages"] >= 1, f"contour chart {index} drew no raster"
    if app_page.slug not in SETUP_ONLY:
        assert curves, "no chart shows a path or a curve of 2 points or more"
    if app_page.slug in CONTOUR_PAGES:
        assert any("level lines" in chart["names"] for chart in charts), "no contour chart"
    assert not app.errors, app.errors


@page_param([page.slug for page in PAGES if page.slug not in NO_LR_SLIDER])
def test_learning_rate_slider_changes_the_page(app: Browser, app_page: AppPage):
    app.open(app_page)
    slider = app.lr_slider()
    expect(slider).to_be_visible()
    text_page = app_page.slug in LR_CHANGES_TEXT
    read = MAIN_TEXT_JS if text_page else SIGNATURE_JS
    before = app.page.evaluate(read)
    shown = app.move_lr()
    app.wait_for_change(read, before, "the page's text" if text_page else "the chart data")
    assert slider.get_attribute("aria-valuetext") != shown
    assert not app.failures_on_page(error_boxes=False), app.failures_on_page(False)
    assert not app.errors, app.errors


def test_quick_presses_back_and_forth_keep_the_page_connected(app: Browser):
    """Three presses right then three left, without waiting, ten times over: runs are cut
    short and figures come back. With Streamlit's message cache on, the browser dropped a
    cached figure that a reply then referred to ("Cached ForwardMsg MISS") and the page stopped
    within a few rounds; .streamlit/config.toml turns that cache off."""
    app.open(BY_SLUG["playground"])
    slider = app.lr_slider()
    slider.scroll_into_view_if_needed()
    slider.focus()
    start = slider.get_attribute("aria-valuetext")
    for _ in range(10):
        for key in ("ArrowRight", "ArrowLeft"):
            for _ in range(3):
                app.page.keyboard.press(key)
        assert not app.errors, app.errors
    app.settle()
    assert slider.get_attribute("aria-valuetext") == start
    # Still connected: one more move draws a new chart.
    before = app.signature()
    app.move_lr(presses=1)
    app.wait_for_change(SIGNATURE_JS, before, "the chart data")
    assert not app.errors, app.errors
    assert not app.page.get_by_test_id("stStatusWidget").count(), "status widget still shown"


# ----- the animation ------------------------------------------------------------------------
@page_param(ANIMATED_PAGES)
def test_play_advances_the_path_and_keeps_the_contour(app: Browser, app_page: AppPage):
    app.open(app_page)
    final = app.path()
    assert final is not None, "no animated figure (layout.meta.traces.path_history)"
    assert final["drawn"] >= 2 and final["levelPoints"] > 0 and final["images"] >= 1

    play = app.page.locator(".js-plotly-plot .updatemenu-button", has_text="Play").first
    play.scroll_into_view_if_needed()
    play.click()
    samples = []
    deadline = time.monotonic() + 6.0
    while time.monotonic() < deadline:
        samples.append(app.path())
        time.sleep(0.2)
    counts = [sample["drawn"] for sample in samples]
    # Play restarts at step 0: the path is shorter than the final one and then grows.
    assert len(set(counts)) >= 3, f"the drawn path did not advance: {counts}"
    assert min(counts) < final["drawn"], f"Play did not restart the path: {counts}"
    for sample in samples:  # the contour stays while it plays (no redraw, NOTES.md)
        assert sample["levelPoints"] == final["levelPoints"] and sample["levelVisible"]
        assert sample["levelPath"] > 0, "the level lines vanished from the SVG"
        assert sample["images"] >= 1 and sample["drawnImages"] >= 1, "the raster vanished"
    assert not app.errors, app.errors


# ----- a click on the contour ----------------------------------------------------------------
@pytest.mark.parametrize("where", [(0.72, 0.3), (0.04, 0.05), (0.95, 0.96)])
def test_click_on_the_contour_sets_the_start(app: Browser, where):
    """Anywhere on the plot, near the corners too: the click grid draws a single marker
    (``marker.maxdisplayed``) but every one of its points takes a click."""
    app.open(BY_SLUG["playground"])
    before = app.path()
    start = app.number("Start x"), app.number("Start y")
    (xmin, xmax), (ymin, ymax) = before["bounds"]
    # A point inside the plot and well away from the current start.
    target = (xmin + where[0] * (xmax - xmin), ymin + where[1] * (ymax - ymin))
    if abs(target[0] - start[0]) < 0.2 * (xmax - xmin):
        target = (xmin + (1 - where[0]) * (xmax - xmin), target[1])
    x_pixel, y_pixel = app.page.evaluate(PIXEL_JS, list(target))
    app.page.mouse.click(x_pixel, y_pixel)
    app.wait_for_change(PATH_JS.replace("bounds:", "ignored:"), before, "the path")
    app.page.wait_for_function(
        "([x, y]) => { const v = l => parseFloat(document.querySelector("
        "`input[aria-label=\"${l}\"]`).value); return v('Start x') !== x || v('Start y') !== y; }",
        arg=list(start),
    )
    new_start = app.number("Start x"), app.number("Start y")
    # The click lands on the nearest point of a 50×50 grid: within 2 % of the plot's span.
    assert new_start[0] == pytest.approx(target[0], abs=0.03 * (xmax - xmin))
    assert new_start[1] == pytest.approx(target[1], abs=0.03 * (ymax - ymin))
    first = app.path()["first"]
    assert first == pytest.approx(new_start, abs=2e-3), (first, new_start)  # float32, 3 decimals
    assert not app.failures_on_page(error_boxes=False), app.failures_on_page(False)
    assert not app.errors, app.errors


# ----- choices survive a trip to another page -----------------------------------------------
def test_choices_persist_across_pages(app: Browser):
    playground, race = BY_SLUG["playground"], BY_SLUG["race"]
    app.open(playground)
    before = app.signature()
    app.select("Surface", "Rosenbrock valley")
    app.wait_for_change(SIGNATURE_JS, before, "the chart after choosing Rosenbrock")
    before = app.signature()
    app.move_lr(presses=2)
    app.wait_for_change(SIGNATURE_JS, before, "the chart after moving the learning rate")
    lr = app.lr_slider().get_attribute("aria-valuetext")
    chart = app.signature()
    assert app.selected("Surface") == "Rosenbrock valley"

    app.go_via_sidebar(race)
    assert app.selected("Surface") == "Rosenbrock valley", "the race forgot the surface"
    assert not app.failures_on_page(error_boxes=False), app.failures_on_page(False)

    app.go_via_sidebar(playground)
    assert app.selected("Surface") == "Rosenbrock valley"
    assert app.lr_slider().get_attribute("aria-valuetext") == lr
    assert app.signature() == chart, "the Playground came back with a different run"
    assert not app.errors, app.errors
