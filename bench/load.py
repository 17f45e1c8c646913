"""Load test: many students on one server. ``python bench/load.py`` (not a CI test).

Starts ``streamlit run app.py`` on 127.0.0.1 (a free port unless ``--port``) and connects
``--sessions`` Playground sessions. Every session moves the learning-rate slider (and now and
then the quadratic bowl's condition-number slider) one to three stops every 2–5 s, at random,
for ``--seconds``. Sessions come in two kinds, all talking to the one server at once:

- ``--browsers`` of them are real pages in one headless Chromium (one browser context each, the
  async Playwright API). A change is timed on the browser's clock from the key press to the
  chart's data changing (a signature of ``gd._fullData`` polled every 25 ms), and to the arrival
  of the server's new figure on the websocket (the first message over 20 kB).
- The rest speak Streamlit's websocket protocol themselves (:class:`ProtocolClient`): the
  ``BackMsg`` a browser tab sends when a slider moves, then the server's ``ForwardMsg`` replies,
  read but not drawn. A change is timed from sending the new slider value to receiving the new
  figure, and to the end of the script run. To the server they are browser tabs; they leave out
  only the drawing, which in a classroom each student's own laptop does. On this 2-core machine
  one Chromium page spends about 0.6 s of CPU drawing each new Playground chart, so twenty real
  pages would measure the load generator rather than the server (``--browsers 20`` shows it).

A session fails on an exception, a traceback on the page or in the server's reply, a slider
that does not show the value sent, or a change that takes more than 15 s. Every 5 s the script
reads the server's resident memory (``VmRSS`` of the streamlit process and its children) and
the CPU time of the server, the browser and this script from ``/proc``: the simulated students
share the server's cores, and the report shows who used them. It prints a table and writes
``bench/load_results.md``.

Everything is bounded: each session stops at the deadline and after at most one change per
second of the run; every wait has a timeout; all traffic goes to 127.0.0.1.

Targets (for 20 sessions on 2 cores): no failed session, p95 change→chart < 2 s for both
kinds, and memory that levels off instead of growing with every rerun.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import os
import platform
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/load.py` puts bench/, not the repository, first
    sys.path.insert(0, str(ROOT))

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from tests.helpers import CHROMIUM as CHROMIUM_PATH  # noqa: E402
from tests.helpers import CHROMIUM_ARGS as HEADLESS_ARGS  # noqa: E402
from tests.helpers import (  # noqa: E402
    ServerError,
    free_port,
    start_server,
    stop_server,
    wait_until_healthy,
)
from ui.live_chart import NAME as LIVE_CHART  # noqa: E402

RESULTS = ROOT / "bench" / "load_results.md"
CHROMIUM = str(CHROMIUM_PATH)
CHROMIUM_ARGS = [
    *HEADLESS_ARGS,
    # Twenty tabs in one headless browser: keep the hidden ones running at full speed.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
CHANGE_TIMEOUT_S = 15.0
LOAD_TIMEOUT_S = 120.0
#: Pages loading at the same time while the class arrives.
ARRIVING_AT_ONCE = 4
MEMORY_EVERY_S = 5.0
TARGET_P95_S = 2.0

#: The texts the sliders show at their two ends.
SLIDER_ENDS = {"Learning rate": ("0.0001", "10"), "Condition number κ": ("1", "1000")}
#: The session-state keys of those sliders on the Playground's default surface and optimizer
#: (a widget's id ends with its key: ``$$ID-<hash>-<key>``).
SLIDER_KEYS = {
    "Learning rate": "dl_lr.quadratic.gd",
    "Condition number κ": "dl_surface.quadratic.condition_number",
}

IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !!(document.querySelector('.js-plotly-plot') || {})._fullData;
}"""
#: Count and weighted sum of every number the first chart draws: changes with its data.
SIGNATURE_JS = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  if (!gd || !gd._fullData) return null;
  let count = 0, sum = 0;
  const add = a => {
    if (!a) return;
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (typeof v === 'number' && isFinite(v)) { count++; sum += v * (1 + (i % 7)); }
    }
  };
  for (const t of gd._fullData) { add(t.x); add(t.y); }
  return count + ':' + sum.toPrecision(12);
}"""
#: Installed in every page before Streamlit loads: the browser-clock times of key presses and
#: of large websocket messages from the server (a new figure is hundreds of kB; the other
#: messages of a rerun are a few hundred bytes).
PROBE_JS = """(() => {
  const probe = window.__loadProbe = {keys: [], figures: []};
  document.addEventListener('keydown', () => probe.keys.push(performance.now()), true);
  const Native = window.WebSocket;
  class Probed extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', event => {
        const data = event.data;
        const size = data.byteLength || data.size || data.length || 0;
        if (size > 20000) probe.figures.push(performance.now());
      });
    }
  }
  window.WebSocket = Probed;
})()"""
#: After a change: (first key press, first large server message after it, chart change).
TIMES_JS = """(since) => {
  const probe = window.__loadProbe;
  const key = probe.keys.find(t => t >= since);
  const figure = key === undefined ? undefined : probe.figures.find(t => t >= key);
  return [key ?? null, figure ?? null, probe.changed ?? null];
}"""

#: Tracebacks on the page. (A red box saying a run diverged is the app working: not counted.)
#: What the page is doing, for a failure's message.
STATE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const status = document.querySelector('[data-testid="stStatusWidget"]');
  const gd = document.querySelector('.js-plotly-plot');
  return 'script ' + (app ? app.getAttribute('data-test-script-state') : 'no app')
    + '; status widget ' + (status ? JSON.stringify(status.innerText.slice(0, 80)) : 'none')
    + '; chart ' + (gd ? (gd._fullData ? 'drawn' : 'not drawn') : 'none')
    + '; focus ' + (document.activeElement ? document.activeElement.getAttribute('aria-label')
      || document.activeElement.tagName : 'none');
}"""
ERRORS_JS = """() => Array.from(document.querySelectorAll('[data-testid="stException"]'))
  .map(e => e.innerText.slice(0, 200))"""


# ----- the server ---------------------------------------------------------------------------------
def process_tree(root_pid: int) -> list[int]:
    """``root_pid`` and all its descendants, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: the ppid follows the last ')'.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def rss_mb(root_pid: int) -> float:
    total_kb = 0
    for pid in process_tree(root_pid):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        if match:
            total_kb += int(match.group(1))
    return total_kb / 1024


class CpuMeter:
    """User + system CPU seconds used so far by a changing set of processes (from
    /proc/<pid>/stat); a process that exits keeps the time it had used when last seen."""

    def __init__(self):
        self.seen: dict[int, float] = {}
        self.ticks = os.sysconf("SC_CLK_TCK")

    def __call__(self, pids) -> float:
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            self.seen[pid] = (int(fields[11]) + int(fields[12])) / self.ticks  # utime, stime
        return sum(self.seen.values())


SERVER_CPU, BROWSERS_CPU, SCRIPT_CPU = CpuMeter(), CpuMeter(), CpuMeter()


def sample(server_pid: int) -> tuple[float, float, float, float]:
    """RSS of the server (MB), and CPU seconds so far of the server, of the browser (Chromium
    and Playwright's driver) and of this script (the protocol sessions)."""
    server = process_tree(server_pid)
    browsers = set(process_tree(os.getpid())) - set(server) - {os.getpid()}
    return (
        rss_mb(server_pid),
        SERVER_CPU(server),
        BROWSERS_CPU(browsers),
        SCRIPT_CPU([os.getpid()]),
    )


async def sample_memory(pid: int, started: float, stop: asyncio.Event, samples: list) -> None:
    while not stop.is_set():
        samples.append((time.monotonic() - started, *sample(pid)))
        try:
            await asyncio.wait_for(stop.wait(), timeout=MEMORY_EVERY_S)
        except asyncio.TimeoutError:
            pass
    samples.append((time.monotonic() - started, *sample(pid)))


# ----- one student --------------------------------------------------------------------------------
@dataclass
class Session:
    number: int
    kind: str  # "browser" or "protocol"
    load_s: float | None = None
    #: (slider, seconds): browser, key press → new chart data; protocol, new value sent → new
    #: figure received.
    changes: list[tuple[str, float]] = field(default_factory=list)
    #: browser, key press → the server's new figure; protocol, new value sent → end of the run.
    replies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def next_stop(position: int, count: int, rng: random.Random) -> int:
    """One to three stops away from ``position`` among ``count``, never past an end, and
    inwards at an end, so that every move really changes the value."""
    if position <= 0:
        direction = 1
    elif position >= count - 1:
        direction = -1
    else:
        direction = rng.choice((-1, 1))
    return min(count - 1, max(0, position + direction * rng.randint(1, 3)))


async def settle(page, timeout_s: float = CHANGE_TIMEOUT_S) -> None:
    await page.wait_for_function(IDLE_JS, timeout=timeout_s * 1000, polling=50)


class BrowserTab:
    """A Playground page in its own context of the shared headless Chromium."""

    def __init__(self, browser, base: str, session: Session):
        self.browser, self.base, self.session = browser, base, session
        self.context = self.page = None

    async def open(self) -> None:
        self.context = await self.browser.new_context(viewport={"width": 1280, "height": 800})
        await self.context.add_init_script(PROBE_JS)
        self.page = await self.context.new_page()
        self.page.set_default_timeout(CHANGE_TIMEOUT_S * 1000)
        failures = self.session.failures
        self.page.on("pageerror", lambda error: failures.append(f"page error: {error}"))
        self.page.on(
            "console",
            lambda message: (
                message.type == "error" and failures.append(f"console error: {message.text[:300]}")
            ),
        )
        await self.page.goto(self.base + "/", timeout=LOAD_TIMEOUT_S * 1000)
        await self.page.wait_for_function(IDLE_JS, timeout=LOAD_TIMEOUT_S * 1000, polling=100)

    async def change(self, label: str, rng: random.Random) -> tuple[float, float | None]:
        """Move slider ``label`` one to three stops with the arrow keys. Returns the seconds
        from the first key press to new chart data, and to the server's first large message
        (the new figure) if any."""
        page = self.page
        slider = page.get_by_role("slider", name=label).first
        text = await slider.get_attribute("aria-valuetext") or ""
        before = await page.evaluate(SIGNATURE_JS)
        low, high = SLIDER_ENDS[label]
        if text in (low, high):
            key = "ArrowRight" if text == low else "ArrowLeft"
        else:
            key = rng.choice(("ArrowLeft", "ArrowRight"))
        await slider.focus()
        since = await page.evaluate("() => performance.now()")
        for _ in range(rng.randint(1, 3)):
            await page.keyboard.press(key)
        try:
            await page.wait_for_function(
                f"""(before) => {{
                  if (({SIGNATURE_JS})() === before) return false;
                  window.__loadProbe.changed = performance.now();
                  return true;
                }}""",
                arg=before,
                timeout=CHANGE_TIMEOUT_S * 1000,
                polling=25,
            )
        except Exception as error:
            after = await slider.get_attribute("aria-valuetext")
            raise TimeoutError(
                f"no new chart {CHANGE_TIMEOUT_S:g} s after moving {label} {text} → {after}: "
                + await page.evaluate(STATE_JS)
            ) from error
        pressed, figure, changed = await page.evaluate(TIMES_JS, since)
        try:
            await settle(page)
        except Exception as error:
            raise TimeoutError(
                f"the page did not settle {CHANGE_TIMEOUT_S:g} s after a new chart: "
                + await page.evaluate(STATE_JS)
            ) from error
        shown = await page.evaluate(ERRORS_JS)
        if shown:
            raise RuntimeError(f"error on the page: {' '.join(shown[0].split())}")
        reply = None if figure is None else (figure - pressed) / 1000
        return (changed - pressed) / 1000, reply

    async def close(self) -> None:
        if self.context is not None:
            await self.context.close()


def _chart_spec(element) -> str | None:
    """The figure's JSON text of a chart element: ``st.plotly_chart``'s spec, or the
    Playground's in-place chart (ui/live_chart.py, a components-v2 element whose data is the
    figure's JSON text)."""
    kind = element.WhichOneof("type")
    if kind == "plotly_chart":
        return element.plotly_chart.spec
    if kind == "bidi_component" and LIVE_CHART in element.bidi_component.component_name:
        return element.bidi_component.json
    return None


class ProtocolClient:
    """A browser tab without the drawing: Streamlit's websocket protocol, spoken directly.

    It sends what the frontend sends (a ``BackMsg`` asking for a rerun with the page, the URL's
    query string and the changed widget's value) and reads every ``ForwardMsg`` of the run as
    the frontend would, keeping what the next request needs: the page's script hash, the query
    string the app writes, and each slider's widget id (a hash of its label, options and help,
    so it can change when another control does) and shown value. Widgets it does not send keep
    their values on the server, as for a tab that sends them unchanged.
    """

    def __init__(self, base: str, session: Session):
        self.base, self.session = base, session
        self.websocket = None
        self.page_script_hash = ""
        self.query_string = ""
        self.sliders: dict[str, object] = {}  # key → the latest Slider proto
        self.shown: dict[str, str] = {}  # key → the value the tab's slider shows
        self.sent: dict[str, str] = {}  # widget id → the value last sent for it
        self.chart_digest = b""

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        host = self.base.removeprefix("http://")
        self.websocket = await connect(
            f"ws://{host}/_stcore/stream",
            subprotocols=["streamlit"],
            origin=self.base,
            max_size=64 * 2**20,
            open_timeout=LOAD_TIMEOUT_S,
        )
        await asyncio.wait_for(self.rerun(), timeout=LOAD_TIMEOUT_S)
        missing = [key for key in SLIDER_KEYS.values() if key not in self.sliders]
        if missing or not self.chart_digest:
            raise RuntimeError(f"first run showed no chart or lacked sliders {missing}")

    async def rerun(self, widget_id: str | None = None, value: str | None = None):
        """Ask for a rerun (with ``widget_id`` set to ``value``) and read it to its end.

        Returns
        -------
        (float or None, float)
            Seconds from sending to a new figure (None if the figure did not change), and to
            the end of the run.
        """
        sent = time.perf_counter()
        await self.websocket.send(self.rerun_request(widget_id, value))
        new_figure = None
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await self.websocket.recv())
            kind = reply.WhichOneof("type")
            if kind == "new_session":
                self.page_script_hash = reply.new_session.page_script_hash
            elif kind == "navigation" and reply.navigation.page_script_hash:
                # The page st.navigation ran (the frontend sends it back with every rerun);
                # new_session names the main script's hash before a page is picked.
                self.page_script_hash = reply.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = reply.page_info_changed.query_string
            elif kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                element = reply.delta.new_element
                element_kind = element.WhichOneof("type")
                if element_kind == "slider":
                    self._slider(element.slider)
                elif new_figure is None and (spec := _chart_spec(element)) is not None:
                    digest = hashlib.blake2b(spec.encode()).digest()
                    if digest != self.chart_digest:
                        new_figure = time.perf_counter() - sent
                    self.chart_digest = digest
                elif element_kind == "exception":
                    raise RuntimeError(f"traceback in the reply: {element.exception.message}")
            elif kind == "script_finished":
                status = reply.script_finished
                # A run the app itself restarts (st.rerun) goes on in the next one.
                if status != ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN:
                    if status != ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY:
                        raise RuntimeError(f"the run ended with status {status}")
                    return new_figure, time.perf_counter() - sent

    def _slider(self, slider) -> None:
        """What a tab's slider shows after this reply, as Streamlit's frontend decides it: the
        server's value when the app set it (``set_value``) or the widget is new (another id:
        its options changed), else the value the tab itself sent, if it is one of the stops."""
        key = slider.id.split("-", 2)[-1]
        sent = self.sent.get(slider.id)
        self.sliders[key] = slider
        if not slider.options:  # a numeric slider (the load moves only the select sliders)
            return
        if not slider.set_value and sent is not None and sent in slider.options:
            self.shown[key] = sent
        elif slider.raw_value:
            self.shown[key] = slider.raw_value[0]
        else:  # a select slider's default is an index into its options
            self.shown[key] = slider.options[int(slider.default[0])]

    def rerun_request(self, widget_id: str | None = None, value: str | None = None) -> bytes:
        """The ``BackMsg`` a tab sends to rerun the page (with ``widget_id`` set to ``value``)."""
        message = BackMsg()
        request = message.rerun_script
        request.query_string = self.query_string
        request.page_script_hash = self.page_script_hash
        context = request.context_info
        context.timezone, context.locale = "UTC", "en-US"
        context.url, context.color_scheme = self.base + "/", "light"
        if widget_id is not None:
            self.sent[widget_id] = value
            widget = request.widget_states.widgets.add()
            widget.id = widget_id
            widget.string_array_value.data.append(value)
        return message.SerializeToString()

    async def change(self, label: str, rng: random.Random) -> tuple[float, float]:
        """Move slider ``label`` one to three stops. Returns the seconds from sending the new
        value to receiving the new figure, and to the end of the run."""
        slider = self.sliders[SLIDER_KEYS[label]]
        options = list(slider.options)
        text = self.shown[SLIDER_KEYS[label]]
        value = options[next_stop(options.index(text), len(options), rng)]
        try:
            figure, finished = await asyncio.wait_for(
                self.rerun(slider.id, value), timeout=CHANGE_TIMEOUT_S
            )
        except asyncio.TimeoutError as error:
            raise TimeoutError(
                f"no end of the run {CHANGE_TIMEOUT_S:g} s after moving {label} {text} → {value}"
            ) from error
        shown = self.shown[SLIDER_KEYS[label]]
        if shown != value:
            raise RuntimeError(f"{label} shows {shown} after {text} → {value} was sent")
        if figure is None:
            raise RuntimeError(f"the figure did not change after moving {label} {text} → {value}")
        return figure, finished

    async def close(self) -> None:
        if self.websocket is not None:
            await self.websocket.close()


async def student(tab, session: Session, phases: Phases, seed: int) -> None:
    """One student: arrive (``tab.open``), then move a slider every 2–5 s until the deadline."""
    rng = random.Random(seed)
    try:
        try:
            async with phases.arrivals:
                started = time.perf_counter()
                await tab.open()
                session.load_s = time.perf_counter() - started
        finally:
            phases.arrived()
        await phases.go.wait()
        for _ in range(int(phases.seconds) + 1):  # at most one change a second
            pause = rng.uniform(*phases.pause_s)
            if time.monotonic() + pause >= phases.deadline:
                break
            await asyncio.sleep(pause)
            label = "Condition number κ" if rng.random() < 0.2 else "Learning rate"
            try:
                chart, reply = await tab.change(label, rng)
                session.changes.append((label, chart))
                if reply is not None:
                    session.replies.append(reply)
            except Exception as error:
                session.failures.append(f"{label}: {type(error).__name__}: {str(error)[:160]}")
    except Exception as error:
        session.failures.append(f"{type(error).__name__}: {str(error)[:200]}")
    finally:
        await tab.close()


@dataclass
class Phases:
    """The class arrives (at most :data:`ARRIVING_AT_ONCE` sessions loading at a time), then
    everyone moves sliders for the same ``seconds``: the slider times are not mixed up with
    first loads of a 4.7 MB plotly.js on the same cores."""

    sessions: int
    seconds: float
    arrivals: asyncio.Semaphore
    go: asyncio.Event = field(default_factory=asyncio.Event)
    ready: int = 0
    deadline: float = 0.0
    started: float = 0.0  # monotonic time of the go signal
    #: Each student's pause between moves is uniform in this range (s).
    pause_s: tuple[float, float] = (2.0, 5.0)

    def arrived(self) -> None:
        self.ready += 1
        if self.ready == self.sessions:
            self.started = time.monotonic()
            self.deadline = self.started + self.seconds
            self.go.set()


async def drive(
    base: str,
    server_pid: int,
    sessions: int,
    browsers: int,
    seconds: float,
    seed,
    pause_s: tuple[float, float] = (2.0, 5.0),
):
    """Run ``sessions`` students, the first ``browsers`` of them in Chromium, each pausing
    ``pause_s`` (uniform, seconds) between moves."""
    from playwright.async_api import async_playwright

    memory: list[tuple[float, float, float, float, float]] = []
    stop = asyncio.Event()
    started = time.monotonic()
    sampler = asyncio.create_task(sample_memory(server_pid, started, stop, memory))
    results = [Session(i, "browser" if i < browsers else "protocol") for i in range(sessions)]
    phases = Phases(sessions, seconds, asyncio.Semaphore(ARRIVING_AT_ONCE), pause_s=pause_s)
    async with async_playwright() as playwright:
        browser = None
        if browsers:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tabs = [
            BrowserTab(browser, base, session)
            if session.kind == "browser"
            else ProtocolClient(base, session)
            for session in results
        ]
        await asyncio.gather(
            *(
                student(tab, session, phases, seed * 1000 + index)
                for index, (tab, session) in enumerate(zip(tabs, results, strict=True))
            )
        )
        if browser is not None:
            await browser.close()
    stop.set()
    await sampler
    return results, memory, phases.started - started


# ----- the report ---------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _times(results: list[Session], kind: str) -> dict:
    """Percentiles of one kind of session's changes, replies and first loads."""
    chosen = [s for s in results if s.kind == kind]
    times = [seconds for s in chosen for _, seconds in s.changes]
    replies = [seconds for s in chosen for seconds in s.replies]
    loads = [s.load_s for s in chosen if s.load_s is not None]
    by_slider: dict[str, list[float]] = {}
    for s in chosen:
        for label, seconds in s.changes:
            by_slider.setdefault(label, []).append(seconds)
    return {
        "sessions": len(chosen),
        "failed": sum(1 for s in chosen if s.failures),
        "changes": len(times),
        "p50_s": percentile(times, 0.5),
        "p95_s": percentile(times, 0.95),
        "max_s": max(times, default=float("nan")),
        "replies": len(replies),
        "reply_p50_s": percentile(replies, 0.5),
        "reply_p95_s": percentile(replies, 0.95),
        "load_p50_s": percentile(loads, 0.5),
        "load_p95_s": percentile(loads, 0.95),
        "loads": len(loads),
        "by_slider": {
            label: (len(v), percentile(v, 0.5), percentile(v, 0.95))
            for label, v in sorted(by_slider.items())
        },
    }


def summarize(results: list[Session], memory: list, args) -> dict:
    failed = [s for s in results if s.failures]
    # Memory and CPU of the slider phase (after the whole class has arrived).
    phase = [sample_ for sample_ in memory if sample_[0] >= args.go_at] or memory
    rss = [sample_[1] for sample_ in phase]
    third = max(1, len(rss) // 3)
    changes = sum(len(s.changes) for s in results)
    return {
        "sessions": args.sessions,
        "seconds": args.seconds,
        "failed_sessions": len(failed),
        "failures": {s.number: (s.kind, s.failures[:3]) for s in failed},
        "browser": _times(results, "browser"),
        "protocol": _times(results, "protocol"),
        "memory": memory,
        # CPU use over the slider phase, in % of one core (the server is one process: Python's
        # GIL keeps its script runs on about one core at a time).
        "server_cpu_pct": _cpu_percent(phase, 2),
        "browsers_cpu_pct": _cpu_percent(phase, 3),
        "script_cpu_pct": _cpu_percent(phase, 4),
        "arrival_s": args.go_at,
        # Server CPU per slider change while sliding (each change is one rerun).
        "server_cpu_per_rerun_s": _per_change(phase, 2, changes),
        # Browser CPU per change a browser session made: what drawing one new chart costs.
        "browser_cpu_per_change_s": _per_change(phase, 3, _changes_in_phase(results, "browser")),
        "rss_start_mb": memory[0][1] if memory else float("nan"),
        "rss_peak_mb": max((sample_[1] for sample_ in memory), default=float("nan")),
        "rss_end_mb": rss[-1] if rss else float("nan"),
        # Levelling off: the last third of the samples grows less than 10 % over the middle one.
        "rss_middle_mb": statistics.mean(rss[third : 2 * third]) if len(rss) >= 3 else float("nan"),
        "rss_last_mb": statistics.mean(rss[2 * third :]) if len(rss) >= 3 else float("nan"),
    }


def _changes_in_phase(results: list[Session], kind: str) -> int:
    return sum(len(s.changes) for s in results if s.kind == kind)


def _per_change(samples: list, column: int, changes: int) -> float:
    if len(samples) < 2 or not changes:
        return float("nan")
    return (samples[-1][column] - samples[0][column]) / changes


def _cpu_percent(samples: list, column: int) -> float:
    if len(samples) < 2 or samples[-1][0] <= samples[0][0]:
        return float("nan")
    return 100 * (samples[-1][column] - samples[0][column]) / (samples[-1][0] - samples[0][0])


def verdicts(summary: dict) -> dict[str, bool]:
    """Each target and whether the run met it."""
    found = {"0 failed sessions": summary["failed_sessions"] == 0}
    for kind, what in (("browser", "slider→chart"), ("protocol", "slider→new figure")):
        if summary[kind]["sessions"]:
            found[f"p95 {what} < {TARGET_P95_S:g} s ({kind} sessions)"] = (
                summary[kind]["p95_s"] < TARGET_P95_S
            )
    found["memory levels off (last third ≤ 1.1 × middle third)"] = (
        summary["rss_last_mb"] <= 1.10 * summary["rss_middle_mb"]
    )
    return found


def report(summary: dict, args, started_at: str) -> str:
    browser, protocol = summary["browser"], summary["protocol"]
    cores = os.cpu_count() or 1
    lines = [
        "# Load test: students moving sliders on one server",
        "",
        f"`python bench/load.py --sessions {args.sessions} --browsers {args.browsers} "
        f"--seconds {args.seconds:g}` on {started_at}: {cores} cores, Python "
        f"{platform.python_version()}, load average before the run {args.load_before}.",
        "",
        f"{args.sessions} Playground sessions on one Streamlit server: "
        f"{_count(browser['sessions'], 'page')} in headless Chromium and "
        f"{_count(protocol['sessions'], 'protocol session')} (Streamlit's "
        "websocket messages, sent and read as a browser tab does, without the drawing). The "
        f"class arrives (at most {ARRIVING_AT_ONCE} sessions loading at a time); once all are "
        f"in, for {args.seconds:g} s every session moves, every 2–5 s at random, the "
        "learning-rate slider (80 %) or the condition-number slider (20 %) by one to three "
        "stops. Browser times run from the key press to new data in the chart; protocol "
        "times from sending the new value to receiving the new figure. Server, browser and "
        "this script share the machine's cores: the CPU lines say who used them.",
        "",
        "| measure | browser sessions | protocol sessions |",
        "|---|---|---|",
        f"| sessions (failed) | {browser['sessions']} ({browser['failed']}) | "
        f"{protocol['sessions']} ({protocol['failed']}) |",
        f"| slider changes measured | {browser['changes']} | {protocol['changes']} |",
        "| slider → chart (browser: new data drawn; protocol: new figure received), "
        f"p50 / p95 / max | {_seconds(browser, 'p50_s', 'p95_s', 'max_s')} | "
        f"{_seconds(protocol, 'p50_s', 'p95_s', 'max_s')} |",
        "| slider → server's reply (browser: new figure received; protocol: run ended), "
        f"p50 / p95 | {_seconds(browser, 'reply_p50_s', 'reply_p95_s')} | "
        f"{_seconds(protocol, 'reply_p50_s', 'reply_p95_s')} |",
        f"| first load (to the first chart), p50 / p95 | "
        f"{_seconds(browser, 'load_p50_s', 'load_p95_s')} | "
        f"{_seconds(protocol, 'load_p50_s', 'load_p95_s')} |",
    ]
    labels = sorted(set(browser["by_slider"]) | set(protocol["by_slider"]))
    for label in labels:
        cells = []
        for side in (browser, protocol):
            count, p50, p95 = side["by_slider"].get(label, (0, float("nan"), float("nan")))
            cells.append(f"{count}: {p50:.2f} s / {p95:.2f} s" if count else "–")
        lines.append(f"| {label}: changes: p50 / p95 | {cells[0]} | {cells[1]} |")
    lines += [
        "",
        "| server and machine | value |",
        "|---|---|",
        f"| all {args.sessions} in after | {summary['arrival_s']:.0f} s |",
        f"| server RSS: start / peak / end | {summary['rss_start_mb']:.0f} / "
        f"{summary['rss_peak_mb']:.0f} / {summary['rss_end_mb']:.0f} MB |",
        f"| server RSS while sliding: mean of middle / last third | "
        f"{summary['rss_middle_mb']:.0f} / {summary['rss_last_mb']:.0f} MB |",
        f"| CPU while sliding, % of one core (of {100 * cores} %): server / browser / "
        f"this script | {summary['server_cpu_pct']:.0f} % / "
        f"{summary['browsers_cpu_pct']:.0f} % / {summary['script_cpu_pct']:.0f} % |",
        f"| server CPU per slider change (one rerun each) | "
        f"{summary['server_cpu_per_rerun_s'] * 1000:.0f} ms |",
        f"| browser CPU per browser-session change (drawing a new chart) | "
        f"{summary['browser_cpu_per_change_s'] * 1000:.0f} ms |",
    ]
    lines += ["", "## Targets", ""]
    lines += [f"- {'PASS' if ok else 'MISS'}: {name}" for name, ok in verdicts(summary).items()]
    if summary["failures"]:
        lines += ["", "## Failures (first three per session)", ""]
        for number, (kind, reasons) in summary["failures"].items():
            lines += [f"- session {number} ({kind}): " + "; ".join(reasons)]
    lines += [
        "",
        "## Server memory and CPU, every 5 s",
        "",
        "RSS: VmRSS of the streamlit process and its children. CPU: % of one core in the "
        "interval before the sample, for the server, the browser (Chromium and Playwright's "
        "driver) and this script (the protocol sessions).",
        "",
        "| t (s) | server RSS (MB) | server CPU | browser CPU | script CPU |",
        "|---|---|---|---|---|",
    ]
    previous = None
    for sample_ in summary["memory"]:
        t, mb = sample_[0], sample_[1]
        if previous is None or t <= previous[0]:
            cpu = ("", "", "")
        else:
            span = t - previous[0]
            cpu = tuple(
                f"{100 * (sample_[column] - previous[column]) / span:.0f} %" for column in (2, 3, 4)
            )
        lines.append(f"| {t:.0f} | {mb:.0f} | {' | '.join(cpu)} |")
        previous = sample_
    return "\n".join(lines) + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _seconds(side: dict, *keys: str) -> str:
    if not side["sessions"]:
        return "–"
    return " / ".join(f"{side[key]:.2f} s" for key in keys)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20, help="browser sessions (20)")
    parser.add_argument(
        "--browsers", type=int, default=4, help="how many sessions are Chromium pages (4)"
    )
    parser.add_argument("--seconds", type=float, default=180.0, help="run time (180 s)")
    parser.add_argument("--port", type=int, default=0, help="server port (0: a free one)")
    parser.add_argument("--seed", type=int, default=0, help="seeds each session's choices")
    parser.add_argument("--out", type=Path, default=RESULTS, help="the Markdown report")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 200 or not 5 <= args.seconds <= 3600:
        parser.error("--sessions must be 1…200 and --seconds 5…3600")
    if not 0 <= args.browsers <= args.sessions:
        parser.error("--browsers must be 0…--sessions")
    if args.browsers and not Path(CHROMIUM).is_file():
        parser.error(f"{CHROMIUM} not found (apt-get install chromium)")

    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    args.load_before = " ".join(f"{v:.2f}" for v in os.getloadavg())
    started_at = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    log = ROOT / "test-artifacts" / "logs" / f"load-{dt.datetime.now():%Y%m%d-%H%M%S}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    server = start_server(port, log)
    try:
        try:
            wait_until_healthy(base, server, log, timeout=60.0)
        except ServerError as error:
            raise SystemExit(str(error)) from None
        print(
            f"server {base} (pid {server.pid}); {args.sessions} sessions "
            f"({args.browsers} in Chromium) for {args.seconds:g} s"
        )
        results, memory, args.go_at = asyncio.run(
            drive(base, server.pid, args.sessions, args.browsers, args.seconds, args.seed)
        )
    finally:
        stop_server(server)
    summary = summarize(results, memory, args)
    text = report(summary, args, started_at)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    print(f"written to {args.out}")
    return 0 if all(verdicts(summary).values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
