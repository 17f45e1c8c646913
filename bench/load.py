"""Load test: many students on one server. ``python bench/load.py`` (not a CI test).

Starts ``streamlit run app.py`` on 127.0.0.1 (a free port unless ``--port``), opens
``--sessions`` Playground sessions in one headless Chromium (one browser context each, the
async Playwright API), and has every session move the learning-rate slider (and now and then
the quadratic bowl's condition-number slider) every 2–5 s, at random, for ``--seconds``.

For every change it measures, on the browser's clock, the time from the key press to the
chart's data changing (a signature of ``gd._fullData`` polled every 25 ms) and to the arrival
of the server's new figure on the websocket (the first message over 20 kB). A session fails
on an exception, a traceback on the page, or a change that takes more than 15 s. Every 5 s it
reads the server's resident memory (``VmRSS`` of the streamlit process and its children) and
the CPU time of the server and of the browser from ``/proc``: on one machine the simulated
students compete with the server for the same cores, and the report shows who used them. It
prints a table and writes ``bench/load_results.md``.

Everything is bounded: each session stops at the deadline and after at most one change per
second of the run; every wait has a timeout; all traffic goes to 127.0.0.1.

Targets (for 20 sessions on 2 cores): no failed session, p95 change→chart < 2 s, and memory
that levels off instead of growing with every rerun.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/load.py` puts bench/, not the repository, first
    sys.path.insert(0, str(ROOT))

from tests.helpers import CHROMIUM as CHROMIUM_PATH  # noqa: E402
from tests.helpers import CHROMIUM_ARGS as HEADLESS_ARGS  # noqa: E402

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
ERRORS_JS = """() => Array.from(document.querySelectorAll('[data-testid="stException"]'))
  .map(e => e.innerText.slice(0, 200))"""


# ----- the server ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, log_path: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    log = log_path.open("w")
    return subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(base: str, server: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"streamlit exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                if answer.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{base}/_stcore/health did not answer 'ok' within {timeout:.0f} s")


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


SERVER_CPU, CLIENTS_CPU = CpuMeter(), CpuMeter()


def sample(server_pid: int) -> tuple[float, float, float]:
    """RSS of the server (MB), CPU seconds of the server and of everything else this script
    started (the browser and Playwright's driver: the simulated students)."""
    server = process_tree(server_pid)
    clients = set(process_tree(os.getpid())) - set(server)
    return rss_mb(server_pid), SERVER_CPU(server), CLIENTS_CPU(clients)


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
    load_s: float | None = None
    changes: list[tuple[str, float]] = field(default_factory=list)  # (slider, seconds)
    replies: list[float] = field(default_factory=list)  # key press → the server's new figure
    failures: list[str] = field(default_factory=list)


async def settle(page, timeout_s: float = CHANGE_TIMEOUT_S) -> None:
    await page.wait_for_function(IDLE_JS, timeout=timeout_s * 1000, polling=50)


async def change(page, label: str, rng: random.Random) -> tuple[float, float | None]:
    """Move slider ``label`` one to three stops. Returns the seconds from the first key press
    to new chart data, and to the server's first large message (the new figure) if any."""
    slider = page.get_by_role("slider", name=label).first
    text = await slider.get_attribute("aria-valuetext") or ""
    before = await page.evaluate(SIGNATURE_JS)
    # Away from the ends, so that every press really changes the value.
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
            f"no new chart {CHANGE_TIMEOUT_S:g} s after moving {label} {text} → {after}"
        ) from error
    pressed, figure, changed = await page.evaluate(TIMES_JS, since)
    await settle(page)
    reply = None if figure is None else (figure - pressed) / 1000
    return (changed - pressed) / 1000, reply


@dataclass
class Phases:
    """The class arrives (at most :data:`ARRIVING_AT_ONCE` pages loading at a time), then
    everyone moves sliders for the same ``seconds``: the slider times are not mixed up with
    twenty first loads of a 4.7 MB plotly.js on the same cores."""

    sessions: int
    seconds: float
    arrivals: asyncio.Semaphore
    go: asyncio.Event = field(default_factory=asyncio.Event)
    ready: int = 0
    deadline: float = 0.0
    started: float = 0.0  # monotonic time of the go signal

    def arrived(self) -> None:
        self.ready += 1
        if self.ready == self.sessions:
            self.started = time.monotonic()
            self.deadline = self.started + self.seconds
            self.go.set()


async def student(browser, base: str, session: Session, phases: Phases, seed: int) -> None:
    rng = random.Random(seed)
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    await context.add_init_script(PROBE_JS)
    page = await context.new_page()
    page.set_default_timeout(CHANGE_TIMEOUT_S * 1000)
    page.on("pageerror", lambda error: session.failures.append(f"page error: {error}"))
    try:
        try:
            async with phases.arrivals:
                started = time.perf_counter()
                await page.goto(base + "/", timeout=LOAD_TIMEOUT_S * 1000)
                await page.wait_for_function(IDLE_JS, timeout=LOAD_TIMEOUT_S * 1000, polling=100)
                session.load_s = time.perf_counter() - started
        finally:
            phases.arrived()
        await phases.go.wait()
        for _ in range(int(phases.seconds) + 1):  # at most one change a second
            pause = rng.uniform(2.0, 5.0)
            if time.monotonic() + pause >= phases.deadline:
                break
            await asyncio.sleep(pause)
            label = "Condition number κ" if rng.random() < 0.2 else "Learning rate"
            try:
                chart, reply = await change(page, label, rng)
                session.changes.append((label, chart))
                if reply is not None:
                    session.replies.append(reply)
            except Exception as error:
                session.failures.append(f"{label}: {type(error).__name__}: {str(error)[:160]}")
            shown = await page.evaluate(ERRORS_JS)
            if shown:
                session.failures.append(f"error on the page: {' '.join(shown[0].split())}")
    except Exception as error:
        session.failures.append(f"{type(error).__name__}: {str(error)[:200]}")
    finally:
        await context.close()


async def drive(base: str, server_pid: int, sessions: int, seconds: float, seed: int):
    from playwright.async_api import async_playwright

    memory: list[tuple[float, float, float, float]] = []
    stop = asyncio.Event()
    started = time.monotonic()
    sampler = asyncio.create_task(sample_memory(server_pid, started, stop, memory))
    results = [Session(i) for i in range(sessions)]
    phases = Phases(sessions, seconds, asyncio.Semaphore(ARRIVING_AT_ONCE))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tasks = [
            asyncio.create_task(student(browser, base, session, phases, seed * 1000 + index))
            for index, session in enumerate(results)
        ]
        await asyncio.gather(*tasks)
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


def summarize(results: list[Session], memory: list, args) -> dict:
    times = [seconds for s in results for _, seconds in s.changes]
    by_slider: dict[str, list[float]] = {}
    for s in results:
        for label, seconds in s.changes:
            by_slider.setdefault(label, []).append(seconds)
    loads = [s.load_s for s in results if s.load_s is not None]
    replies = [seconds for s in results for seconds in s.replies]
    failed = [s for s in results if s.failures]
    # Memory and CPU of the slider phase (after the whole class has arrived).
    phase = [sample_ for sample_ in memory if sample_[0] >= args.go_at] or memory
    rss = [mb for _, mb, _, _ in phase]
    third = max(1, len(rss) // 3)
    return {
        "sessions": args.sessions,
        "seconds": args.seconds,
        "changes": len(times),
        "failed_sessions": len(failed),
        "failures": {s.number: s.failures[:3] for s in failed},
        "p50_s": percentile(times, 0.5),
        "p95_s": percentile(times, 0.95),
        "max_s": max(times, default=float("nan")),
        "replies": len(replies),
        "reply_p50_s": percentile(replies, 0.5),
        "reply_p95_s": percentile(replies, 0.95),
        "by_slider": {
            label: (len(v), percentile(v, 0.5), percentile(v, 0.95))
            for label, v in by_slider.items()
        },
        "load_p50_s": percentile(loads, 0.5),
        "load_p95_s": percentile(loads, 0.95),
        "memory": memory,
        # CPU use over the run, in % of one core (the server is one process: Python's GIL keeps
        # its script runs on about one core at a time).
        "server_cpu_pct": _cpu_percent(phase, 2),
        "clients_cpu_pct": _cpu_percent(phase, 3),
        "arrival_s": args.go_at,
        # Server CPU per rerun a student caused (each change and each first load is one): the
        # server's cost, whatever the simulated clients cost on the same cores.
        "server_cpu_per_rerun_s": (memory[-1][2] - memory[0][2]) / max(1, len(times) + len(loads))
        if len(memory) >= 2
        else float("nan"),
        "rss_start_mb": memory[0][1] if memory else float("nan"),
        "rss_peak_mb": max((mb for _, mb, _, _ in memory), default=float("nan")),
        "rss_end_mb": rss[-1] if rss else float("nan"),
        # Levelling off: the last third of the samples grows less than 10 % over the middle one.
        "rss_middle_mb": statistics.mean(rss[third : 2 * third]) if len(rss) >= 3 else float("nan"),
        "rss_last_mb": statistics.mean(rss[2 * third :]) if len(rss) >= 3 else float("nan"),
    }


def _cpu_percent(samples: list, column: int) -> float:
    if len(samples) < 2 or samples[-1][0] <= samples[0][0]:
        return float("nan")
    return 100 * (samples[-1][column] - samples[0][column]) / (samples[-1][0] - samples[0][0])


def report(summary: dict, args, started_at: str) -> str:
    levelled = summary["rss_last_mb"] <= 1.10 * summary["rss_middle_mb"]
    verdict = {
        "0 failed sessions": summary["failed_sessions"] == 0,
        f"p95 slider→chart < {TARGET_P95_S:g} s": summary["p95_s"] < TARGET_P95_S,
        "memory levels off (last third ≤ 1.1 × middle third)": levelled,
    }
    lines = [
        "# Load test: students moving sliders on one server",
        "",
        f"`python bench/load.py --sessions {args.sessions} --seconds {args.seconds:g}` "
        f"on {started_at}: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average before the run {args.load_before}.",
        "",
        "Each session opens the Playground in its own browser context (the class arrives: "
        f"at most {ARRIVING_AT_ONCE} pages loading at a time). Once all are in, for "
        f"{args.seconds:g} s every session moves, every 2–5 s at random, the learning-rate "
        "slider (80 %) or the condition-number slider (20 %) by one to three stops. Times are "
        "on the browser's clock, from the key press to new data in the chart, and to the "
        "arrival of the server's new figure. The browser and the server share this "
        "machine's cores: the CPU line says who used them.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| sessions / duration | {args.sessions} / {args.seconds:g} s |",
        f"| slider changes measured | {summary['changes']} |",
        f"| failed sessions | {summary['failed_sessions']} |",
        f"| slider → updated chart, p50 | {summary['p50_s']:.2f} s |",
        f"| slider → updated chart, p95 | {summary['p95_s']:.2f} s |",
        f"| slider → updated chart, max | {summary['max_s']:.2f} s |",
        f"| slider → server's new figure received, p50 / p95 (of {summary['replies']}) | "
        f"{summary['reply_p50_s']:.2f} s / {summary['reply_p95_s']:.2f} s |",
        f"| first load (page → chart), p50 / p95 | {summary['load_p50_s']:.1f} s / "
        f"{summary['load_p95_s']:.1f} s (all {args.sessions} in after "
        f"{summary['arrival_s']:.0f} s) |",
        f"| server RSS: start / peak / end | {summary['rss_start_mb']:.0f} / "
        f"{summary['rss_peak_mb']:.0f} / {summary['rss_end_mb']:.0f} MB |",
        f"| server RSS while sliding: mean of middle / last third | "
        f"{summary['rss_middle_mb']:.0f} / "
        f"{summary['rss_last_mb']:.0f} MB |",
        f"| CPU while sliding, % of one core: server / browsers | "
        f"{summary['server_cpu_pct']:.0f} % / "
        f"{summary['clients_cpu_pct']:.0f} % (of {100 * (os.cpu_count() or 1)} %) |",
        f"| server CPU per rerun (changes + first loads) | "
        f"{summary['server_cpu_per_rerun_s']:.2f} s |",
    ]
    for label, (count, p50, p95) in sorted(summary["by_slider"].items()):
        lines.append(f"| {label}: changes, p50, p95 | {count}, {p50:.2f} s, {p95:.2f} s |")
    lines += ["", "## Targets", ""]
    lines += [f"- {'PASS' if ok else 'MISS'}: {name}" for name, ok in verdict.items()]
    if summary["failures"]:
        lines += ["", "## Failures (first three per session)", ""]
        for number, reasons in summary["failures"].items():
            lines += [f"- session {number}: " + "; ".join(reasons)]
    lines += [
        "",
        "## Server memory and CPU, every 5 s",
        "",
        "RSS: VmRSS of the streamlit process and its children. CPU: % of one core in the "
        "interval before the sample, for the server and for the browser that plays the students "
        "(both on this machine's cores).",
        "",
        "| t (s) | server RSS (MB) | server CPU | clients CPU |",
        "|---|---|---|---|",
    ]
    previous = None
    for sample_ in summary["memory"]:
        t, mb, server_cpu, clients_cpu = sample_
        if previous is None or t <= previous[0]:
            cpu = ("", "")
        else:
            span = t - previous[0]
            cpu = (
                f"{100 * (server_cpu - previous[2]) / span:.0f} %",
                f"{100 * (clients_cpu - previous[3]) / span:.0f} %",
            )
        lines.append(f"| {t:.0f} | {mb:.0f} | {cpu[0]} | {cpu[1]} |")
        previous = sample_
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20, help="browser sessions (20)")
    parser.add_argument("--seconds", type=float, default=180.0, help="run time (180 s)")
    parser.add_argument("--port", type=int, default=0, help="server port (0: a free one)")
    parser.add_argument("--seed", type=int, default=0, help="seeds each session's choices")
    parser.add_argument("--out", type=Path, default=RESULTS, help="the Markdown report")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 200 or not 5 <= args.seconds <= 3600:
        parser.error("--sessions must be 1…200 and --seconds 5…3600")
    if not Path(CHROMIUM).is_file():
        parser.error(f"{CHROMIUM} not found (apt-get install chromium)")

    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    args.load_before = " ".join(f"{v:.2f}" for v in os.getloadavg())
    started_at = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    log = ROOT / "test-artifacts" / "logs" / f"load-{dt.datetime.now():%Y%m%d-%H%M%S}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    server = start_server(port, log)
    try:
        wait_healthy(base, server)
        print(f"server {base} (pid {server.pid}); {args.sessions} sessions for {args.seconds:g} s")
        results, memory, args.go_at = asyncio.run(
            drive(base, server.pid, args.sessions, args.seconds, args.seed)
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    summary = summarize(results, memory, args)
    text = report(summary, args, started_at)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    print(f"written to {args.out}")
    return 0 if summary["failed_sessions"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
