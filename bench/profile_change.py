"""Where the browser's time goes for one learning-rate change. ``python bench/profile_change.py``.

Not a CI test. Starts the app (or ``--app PATH``, e.g. a copy of ``main``), opens the
Playground in headless Chromium, makes ``--warm`` untimed changes of the learning-rate slider,
then records ``--changes`` more with the Chrome DevTools Protocol's sampling profiler (from the
key press until the page is idle again) and prints the main thread's time per change by
activity: each sample is charged to the deepest frame of its stack that is a named function
of plotly.js or of Streamlit's own bundle (or the profiler's ``(garbage collector)``,
``(program)``: layout, style and paint, and ``(idle)``), summed over the changes and divided
by their number.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.browser import settle  # noqa: E402
from bench.load import CHROMIUM, CHROMIUM_ARGS, SIGNATURE_JS  # noqa: E402
from tests.helpers import free_port, start_server, stop_server, wait_until_healthy  # noqa: E402

TIMEOUT_MS = 120_000
#: Wraps plotly.js's entry points (once ``window.Plotly`` exists) to count their calls and
#: their synchronous time; asynchronous draws (promises) are timed to their resolution.
WRAP_JS = """() => {
  const P = window.Plotly;
  if (!P || P.__wrapped) return !!P;
  P.__wrapped = true;
  window.__calls = {};
  for (const name of ['newPlot', 'react', 'addFrames', 'purge', 'relayout', 'restyle',
                      'update', 'animate', 'redraw', 'deleteFrames']) {
    const inner = P[name];
    if (typeof inner !== 'function') continue;
    P[name] = function (...args) {
      const t0 = performance.now();
      const done = () => {
        const c = window.__calls[name] = window.__calls[name] || [];
        c.push(Math.round(performance.now() - t0));
      };
      const out = inner.apply(this, args);
      if (out && typeof out.then === 'function') out.then(done, done); else done();
      return out;
    };
  }
  return true;
}"""


def _self_times(profile: dict) -> dict[str, float]:
    """Milliseconds of samples per (function, file) of their top frame."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    deltas = profile["timeDeltas"]
    found: dict[str, float] = collections.Counter()
    for sample, delta in zip(profile["samples"], [*deltas[1:], 0], strict=True):
        frame = nodes[sample]["callFrame"]
        url = frame["url"].rsplit("/", 1)[-1].split("?")[0]
        name = frame["functionName"] or "(anonymous)"
        found[f"{name} [{url}]" if url else name] += delta / 1000
    return found


def _by_file(profile: dict) -> dict[str, float]:
    """Milliseconds of samples per file (plotly.js, Streamlit's chunks …): a built-in such as
    ``getBoundingClientRect`` is charged to the file of the nearest caller that has one."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    parent = {child: node["id"] for node in profile["nodes"] for child in node.get("children", [])}
    found: dict[str, float] = collections.Counter()
    deltas = profile["timeDeltas"]
    for sample, delta in zip(profile["samples"], [*deltas[1:], 0], strict=True):
        node, where = sample, None
        while node is not None and where is None:
            frame = nodes[node]["callFrame"]
            if frame["url"]:
                where = frame["url"].rsplit("/", 1)[-1].split("?")[0].split(".")[0]
            elif frame["functionName"].startswith("("):
                where = frame["functionName"]
            node = parent.get(node)
        found[where or "(native, no caller)"] += delta / 1000
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", type=Path, default=ROOT / "app.py")
    parser.add_argument("--warm", type=int, default=2)
    parser.add_argument("--changes", type=int, default=4)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    port = free_port()
    log = ROOT / "test-artifacts" / "profile-change.log"
    log.parent.mkdir(exist_ok=True)
    server = start_server(port, log, args.app)
    totals: dict[str, float] = collections.Counter()
    files: dict[str, float] = collections.Counter()
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_healthy(base, server, log, 60)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(base + "/", timeout=TIMEOUT_MS)
            settle(page)
            page.wait_for_function(WRAP_JS, timeout=TIMEOUT_MS)
            cdp = page.context.new_cdp_session(page)
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 200})
            slider = page.get_by_role("slider", name="Learning rate").first
            for change in range(args.warm + args.changes):
                slider.focus()
                before = page.evaluate(SIGNATURE_JS)
                profiling = change >= args.warm
                if profiling:
                    page.evaluate("() => { window.__calls = {}; }")
                    cdp.send("Profiler.start")
                page.keyboard.press("ArrowRight")
                page.wait_for_function(
                    f"(before) => ({SIGNATURE_JS})() !== before", arg=before, timeout=TIMEOUT_MS
                )
                settle(page)
                if profiling:
                    profile = cdp.send("Profiler.stop")["profile"]
                    totals.update(_self_times(profile))
                    files.update(_by_file(profile))
                    print("  plotly.js calls:", page.evaluate("() => window.__calls"))
                time.sleep(0.3)
            browser.close()
    finally:
        stop_server(server)
    n = args.changes
    print(f"Per change (mean of {n}), self time by file:")
    for where, ms in sorted(files.items(), key=lambda kv: -kv[1]):
        if where != "(idle)" and ms / n >= 1:
            print(f"  {ms / n:7.1f} ms  {where}")
    print(f"Top {args.top} functions by self time (ms per change):")
    busy = [(k, v) for k, v in totals.items() if k != "(idle)"]
    for key, ms in sorted(busy, key=lambda kv: -kv[1])[: args.top]:
        print(f"  {ms / n:7.1f}  {key}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
