"""Browser benchmark: what a student waits for in Chromium. ``python bench/browser.py``.

Not a CI test (nothing asserts a time). One run measures, in headless Chromium on this machine:

- **cold start**: a fresh server (``streamlit run``) and a fresh browser profile per sample; page
  open → first chart drawn (a ``.js-plotly-plot`` with plotly.js's ``_fullData``) and → the
  first script run finished (the app's ``data-test-script-state`` back to ``notRunning``),
  both on the browser's clock from navigation start;
- **slider release → new chart drawn**: ``--changes`` presses of the learning-rate slider's
  arrow key (Streamlit's slider reruns on a key press as on a release), each to a value not seen
  before; timed from the ``keydown`` to the chart's data changing (polled every animation
  frame), with the browser's main-thread work per change (Chrome DevTools Protocol
  ``Performance.getMetrics`` ``TaskDuration``, from the press until the page is idle) and the
  server's CPU per change (``/proc``);
- **the scrub** (Playground's "Scrub the learning rate"): browser work and latency per stop
  while the thumb is dragged (pointer move → verdict text changed), the figure's bytes for 40
  stops × 300 steps, and the time to compute that batch (:func:`optimizers.paths.lr_paths`).

``--peer PATH`` measures another Streamlit app the same way (cold start and slider changes;
``--peer-slider`` names its slider) and prints the ratios peer / Descent Lab. The two apps'
slider changes take turns (ours, the peer's, ours, …, both servers up), so a copy of ``main``
as the peer is an A/B of a change under the same load. Medians (and 90th
percentiles) of repeated samples: the machine is shared, so run it when it is quiet. Writes
``bench/browser_results.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/browser.py` puts bench/, not the repository, first
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.load import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    IDLE_JS,
    SIGNATURE_JS,
    CpuMeter,
    process_tree,
)
from tests.helpers import free_port, start_server, stop_server, wait_until_healthy  # noqa: E402

RESULTS = ROOT / "bench" / "browser_results.md"
TIMEOUT_MS = 120_000
#: Targets of issue #13 (ms).
TARGETS = {
    "first_chart": 3000,
    "script_done": 1500,
    "release_p50": 250,
    "release_work": 250,
    "drag_work": 50,
    "scrub_bytes": 1_000_000,
    "scrub_compute": 150,
}

#: Installed before the page loads: the times (browser clock, ms since navigation) of the first
#: chart drawn and of the first script run finished, and of every key press and pointer move.
PROBE_JS = """(() => {
  const probe = window.__bench = {keys: [], moves: [], sawRunning: false};
  document.addEventListener('keydown', () => probe.keys.push(performance.now()), true);
  document.addEventListener('pointermove', () => probe.moves.push(performance.now()), true);
  const tick = () => {
    const gd = document.querySelector('.js-plotly-plot');
    if (probe.firstChart === undefined && gd && gd._fullData && gd.querySelector('.main-svg'))
      probe.firstChart = performance.now();
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute('data-test-script-state');
    if (state === 'running') probe.sawRunning = true;
    if (probe.scriptDone === undefined && probe.sawRunning && state === 'notRunning')
      probe.scriptDone = performance.now();
    if (probe.firstChart === undefined || probe.scriptDone === undefined)
      requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()"""
SCRUB_TEXT_JS = """() => {
  const gd = Array.from(document.querySelectorAll('.js-plotly-plot'))
      .find(el => el.layout && el.layout.meta && el.layout.meta.scrub);
  return gd && gd._fullData ? gd._fullData[6].text[0] : null;
}"""


@dataclass
class Side:
    """One app's measurements (milliseconds unless named otherwise)."""

    name: str
    first_chart: list[float] = field(default_factory=list)
    script_done: list[float] = field(default_factory=list)
    release: list[float] = field(default_factory=list)
    release_work: list[float] = field(default_factory=list)
    release_cpu: list[float] = field(default_factory=list)
    cold_server_cpu: list[float] = field(default_factory=list)
    server_cpu: list[float] = field(default_factory=list)
    drag_work: list[float] = field(default_factory=list)
    drag_cpu: list[float] = field(default_factory=list)
    drag_latency: list[float] = field(default_factory=list)


def task_seconds(cdp) -> tuple[float, float]:
    """The renderer main thread's task time (wall clock, ``TaskDuration``) and CPU time
    (``ThreadTime``) so far, in seconds. On a busy machine the first grows with the waiting,
    the second much less: both are reported."""
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return metrics["TaskDuration"], metrics["ThreadTime"]


def _ms_since(before: tuple[float, float], after: tuple[float, float]) -> tuple[float, float]:
    return (after[0] - before[0]) * 1000, (after[1] - before[1]) * 1000


def settle(page) -> None:
    for _ in range(2):
        page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS, polling=50)
        time.sleep(0.3)


@dataclass
class Open:
    """An app's last cold server and its page, kept open for the slider changes."""

    side: Side
    server: object
    context: object
    page: object
    base: str


def cold_starts(browser, side: Side, script: Path, cold: int) -> Open:
    """``cold`` cold starts (a new server each, at least one); the last one is left open."""
    log_dir = ROOT / "test-artifacts" / "bench-browser"
    server = None
    try:
        for sample in range(max(cold, 1)):
            if server is not None:
                stop_server(server)
            port = free_port()
            log = log_dir / f"{side.name}-{sample}.log"
            server = start_server(port, log, script)
            cold_cpu = CpuMeter()
            base = f"http://127.0.0.1:{port}"
            wait_until_healthy(base, server, log, 60)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_init_script(PROBE_JS)
            page = context.new_page()
            page.goto(base + "/", timeout=TIMEOUT_MS)
            page.wait_for_function(
                "() => window.__bench.firstChart !== undefined "
                "&& window.__bench.scriptDone !== undefined",
                timeout=TIMEOUT_MS,
                polling=100,
            )
            first, done = page.evaluate(
                "() => [window.__bench.firstChart, window.__bench.scriptDone]"
            )
            side.first_chart.append(first)
            side.script_done.append(done)
            # The server's CPU from its launch (Streamlit's own start included) to here: less
            # sensitive to a busy machine than the wall-clock times.
            side.cold_server_cpu.append(cold_cpu(process_tree(server.pid)) * 1000)
            print(f"  {side.name} cold {sample + 1}: chart {first:.0f} ms, script {done:.0f} ms")
            if sample < cold - 1:
                context.close()
    except BaseException:
        if server is not None:
            stop_server(server)
        raise
    settle(page)
    return Open(side, server, context, page, base)


def close(app: Open) -> None:
    app.context.close()
    stop_server(app.server)


def measure_changes(app: Open, slider: str, changes: int):
    """The slider changes, one per ``next()``: a generator, so that two apps' changes can
    take turns (A, B, A, B, …) and share the machine's load alike."""
    page, side, server_pid = app.page, app.side, app.server.pid
    cdp = app.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    server_cpu = CpuMeter()
    handle = page.get_by_role("slider", name=slider).first
    for change in range(changes):
        # Focus again each time: the other app's page may have had the keyboard meanwhile.
        page.bring_to_front()
        handle.scroll_into_view_if_needed()
        handle.focus()
        if change == changes // 2:
            # Up the slider for the first half, then jump below the start and go down: no
            # value repeats, so no cache answers for the server. The jump is not timed.
            before = page.evaluate(SIGNATURE_JS)
            for _ in range(changes // 2 + 1):
                page.keyboard.press("ArrowLeft")
            page.wait_for_function(
                f"(before) => ({SIGNATURE_JS})() !== before", arg=before, timeout=TIMEOUT_MS
            )
            settle(page)
        before = page.evaluate(SIGNATURE_JS)
        since = page.evaluate("() => performance.now()")
        work0, cpu0 = task_seconds(cdp), server_cpu(process_tree(server_pid))
        page.keyboard.press("ArrowRight" if change < changes // 2 else "ArrowLeft")
        page.wait_for_function(
            f"""(before) => {{
                if (({SIGNATURE_JS})() === before) return false;
                window.__bench.changed = performance.now();
                return true;
            }}""",
            arg=before,
            timeout=TIMEOUT_MS,
            polling="raf",
        )
        settle(page)
        pressed, changed = page.evaluate(
            "(since) => [window.__bench.keys.find(t => t >= since), window.__bench.changed]",
            since,
        )
        side.release.append(changed - pressed)
        work, cpu = _ms_since(work0, task_seconds(cdp))
        side.release_work.append(work)
        side.release_cpu.append(cpu)
        side.server_cpu.append((server_cpu(process_tree(server_pid)) - cpu0) * 1000)
        yield
    print(
        f"  {side.name} changes: p50 {_p(side.release, 50):.0f} ms, "
        f"work {_p(side.release_work, 50):.0f} ms"
    )
    cdp.detach()


def measure_scrub(app: Open) -> None:
    page, context, side, base = app.page, app.context, app.side, app.base
    page.goto(base + "/?scrub=true", timeout=TIMEOUT_MS)
    page.wait_for_selector(".js-plotly-plot .slider-grip-rect", timeout=TIMEOUT_MS)
    settle(page)
    page.wait_for_function(f"({SCRUB_TEXT_JS})() !== null", timeout=TIMEOUT_MS)
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    grip = page.locator(".slider-grip-rect").first.bounding_box()
    rail = page.locator(".slider-rail-rect").first.bounding_box()
    stops = page.evaluate("() => document.querySelector('.js-plotly-plot').layout.meta.lrs.length")
    y = grip["y"] + grip["height"] / 2
    page.mouse.move(grip["x"] + grip["width"] / 2, y)
    page.mouse.down()
    for sweep in range(2):
        for index in range(stops) if sweep == 0 else reversed(range(stops)):
            x = rail["x"] + 10 + (rail["width"] - 20) * index / (stops - 1)
            before = page.evaluate(SCRUB_TEXT_JS)
            work0 = task_seconds(cdp)
            since = page.evaluate("() => performance.now()")
            page.mouse.move(x, y)
            changed = page.evaluate(
                f"""async (before) => {{
                    const until = performance.now() + 2000;
                    while (({SCRUB_TEXT_JS})() === before && performance.now() < until)
                        await new Promise(r => requestAnimationFrame(r));
                    await new Promise(r => requestAnimationFrame(r));
                    return ({SCRUB_TEXT_JS})() !== before ? performance.now() : null;
                }}""",
                before,
            )
            if changed is None:
                continue  # the pointer stayed on the same stop
            moved = page.evaluate("(since) => window.__bench.moves.find(t => t >= since)", since)
            work, cpu = _ms_since(work0, task_seconds(cdp))
            side.drag_work.append(work)
            side.drag_cpu.append(cpu)
            side.drag_latency.append(changed - moved)
    # Let go off to the side of the grip's last stop, without waiting for the rerun.
    page.mouse.up()
    cdp.detach()
    print(f"  scrub: {len(side.drag_work)} stop changes, work p50 {_p(side.drag_work, 50):.1f} ms")


def scrub_batch() -> dict:
    """Bytes of the scrub figure and the time to compute its runs: 40 stops × 300 steps of
    the Playground's default (gradient descent, quadratic bowl κ = 10) and of heavy ball."""
    import numpy as np

    import optimizers
    import surfaces
    from optimizers.paths import lr_paths
    from viz.dict_figure import encode_arrays
    from viz.layers import surface_layers
    from viz.scrub import scrub_figure

    surface = surfaces.get("quadratic", condition_number=10.0, angle=30.0)
    stops = np.geomspace(0.002, 0.8, 40)
    found = {}
    for name, optimizer in (
        ("gd", optimizers.get("gd")),
        ("momentum", optimizers.get("momentum", momentum=0.9)),
    ):
        times = []
        for _ in range(7):
            started = time.perf_counter()
            paths = lr_paths(surface, optimizer, stops, x0=(-2.4, 1.6), steps=300, tol=0.0)
            times.append((time.perf_counter() - started) * 1000)
        spec = scrub_figure(surface_layers(surface), surface, paths, active=20)
        found[name] = {
            "compute_ms": statistics.median(times),
            "bytes": len(json.dumps(encode_arrays(spec))),
        }
    return found


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def report(ours: Side, peer: Side | None, batch: dict, args, started: str, load: tuple) -> str:
    def row(label, key, q, target=None, unit="ms"):
        value = _p(getattr(ours, key), q)
        cells = [label, f"{value:,.0f} {unit}"]
        if peer is not None:
            theirs = _p(getattr(peer, key), q)
            cells += [f"{theirs:,.0f} {unit}", f"{theirs / value:.1f}×" if value else "—"]
        cells.append("" if target is None else f"≤ {target:,} {unit}")
        return "| " + " | ".join(cells) + " |"

    head = ["measure", "Descent Lab"]
    if peer is not None:
        head += ["peer", "peer / ours"]
    head.append("target")
    lines = [
        "# Browser benchmark",
        "",
        f"`python bench/browser.py` — {started} UTC, headless Chromium at 1280×900, "
        f"{os.cpu_count()} cores, load average {load[0]:.1f} at the start and {load[1]:.1f} at "
        f"the end (the machine was shared: numbers are medians of repeated samples).",
        f"{args.cold} cold starts, {args.changes} slider changes"
        + (f"; peer: `{args.peer}`" if peer else "")
        + ".",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
        row("page open → first chart drawn (cold server), median", "first_chart", 50, 3000),
        row("page open → script finished (cold server), median", "script_done", 50, 1500),
        row("slider release → new chart drawn, p50", "release", 50, 250),
        row("slider release → new chart drawn, p90", "release", 90),
        row(
            "browser main-thread work per change (CDP TaskDuration), median",
            "release_work",
            50,
            250,
        ),
        row("browser main-thread CPU per change (CDP ThreadTime), median", "release_cpu", 50),
        row("server CPU per change, median", "server_cpu", 50),
        row("server CPU from launch to the first script finished, median", "cold_server_cpu", 50),
    ]
    if ours.drag_work:
        lines += [
            "",
            "The scrub (Descent Lab only):",
            "",
            "| measure | value | target |",
            "|---|---|---|",
            f"| browser work per stop while dragging, median / p90 | "
            f"{_p(ours.drag_work, 50):.1f} / {_p(ours.drag_work, 90):.1f} ms | ≤ 50 ms |",
            f"| browser main-thread CPU per stop while dragging (ThreadTime), median / p90 | "
            f"{_p(ours.drag_cpu, 50):.1f} / {_p(ours.drag_cpu, 90):.1f} ms | |",
            f"| pointer move → new path and verdict drawn, median / p90 | "
            f"{_p(ours.drag_latency, 50):.0f} / {_p(ours.drag_latency, 90):.0f} ms | |",
        ]
    for name, found in batch.items():
        lines.append(
            f"| 40 stops × 300 steps ({name}): batch compute, median of 7 / figure | "
            f"{found['compute_ms']:.0f} ms / {found['bytes'] / 1e6:.2f} MB | ≤ 150 ms / ≤ 1 MB |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", type=int, default=3, help="cold starts (a new server each)")
    parser.add_argument("--changes", type=int, default=20, help="slider changes")
    parser.add_argument("--peer", type=Path, help="a peer's Streamlit script to compare with")
    parser.add_argument("--peer-slider", default="Learning rate", help="its slider's label")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")
    load0 = os.getloadavg()[0]
    batch = scrub_batch()
    ours, peer = Side("descent-lab"), None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        apps = []
        try:
            apps.append(cold_starts(browser, ours, ROOT / "app.py", args.cold))
            changers = [measure_changes(apps[0], "Learning rate", args.changes)]
            if args.peer is not None:
                peer = Side("peer")
                apps.append(cold_starts(browser, peer, args.peer.resolve(), args.cold))
                changers.append(measure_changes(apps[1], args.peer_slider, args.changes))
            # Interleaved, A B A B …: a change in the load hits both apps alike.
            for _ in range(args.changes + 1):
                for changer in changers:
                    next(changer, None)
            measure_scrub(apps[0])
        finally:
            for app in apps:
                close(app)
            browser.close()
    text = report(ours, peer, batch, args, started, (load0, os.getloadavg()[0]))
    print(text)
    if not args.no_write:
        RESULTS.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
