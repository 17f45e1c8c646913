"""Replicas behind a real proxy: ``python bench/replicas.py`` (a script, not a CI test).

Starts K Streamlit replicas of the app on loopback ports behind HAProxy, run with
``deploy/haproxy.cfg`` itself (only its server lines become the loopback replicas, and it binds
to a loopback port), and drives ``bench/load.py``'s sessions through the proxy:

- **capacity**: the same steps of protocol sessions (each moving a slider every 2-5 s) against
  one replica and against two: slider → new figure p50/p95, failures, and the moves per second
  sustained before p95 passes 2 s;
- **failover**: Chromium pages spread over two replicas, each showing its own settings (from
  its URL); one replica is killed (SIGKILL) mid-run. Every page that was on it must reconnect
  through the proxy to the survivor and show the same URL state and the same figure data:
  sessions affected, recovered, time to recover p50/p95, failures;
- **greedy client**: protocol sessions at the usual pace, with and without one client that
  sends slider changes as fast as it can on its session, and a script opening sessions in a
  burst (the proxy answers 429 past its per-client limit).

Writes ``bench/replicas_results.md``. All traffic goes to 127.0.0.1; every loop is bounded.
The machine has 2 cores shared by the replicas, the proxy and the load generator (and, while
this was written, by other people's work): read the numbers as this machine's, noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/replicas.py` puts bench/, not the repository, first
    sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402
from tests.helpers import (  # noqa: E402
    free_port,
    start_server,
    stop_server,
    wait_until_healthy,
)
from ui import ratelimit  # noqa: E402

HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"
RESULTS = ROOT / "bench" / "replicas_results.md"
LOGS = ROOT / "test-artifacts" / "logs"
#: The cookie the proxy pins a browser to its replica with (deploy/haproxy.cfg).
STICKY_COOKIE = "DLSRV"
_SERVERS_BLOCK = re.compile(r"(    # servers: begin\n).*?(    # servers: end\n)", re.S)


# ----- the proxy and the replicas -----------------------------------------------------------------
def proxy_config(ports: list[int]) -> str:
    """``deploy/haproxy.cfg`` with its servers replaced by loopback replicas on ``ports``.

    Each server gets a fixed cookie value ``r1``, ``r2`` … (the deploy file derives them from the
    address), so a browser's ``DLSRV`` cookie names the replica it is on.
    """
    text = HAPROXY_CFG.read_text()
    lines = "".join(
        f"    server r{i} 127.0.0.1:{port} check cookie r{i}\n" for i, port in enumerate(ports, 1)
    )
    replaced, count = _SERVERS_BLOCK.subn(lambda m: m.group(1) + lines + m.group(2), text)
    if count != 1:
        raise ValueError(f"{HAPROXY_CFG} has no '# servers: begin/end' block")
    return replaced


def haproxy_path() -> str | None:
    """Debian's haproxy (``apt-get install haproxy``), or None."""
    return shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if Path(p).is_file()), None
    )


def start_proxy(ports: list[int], proxy_port: int, log: Path, env: dict | None = None):
    """HAProxy in the foreground on 127.0.0.1:``proxy_port`` in front of ``ports``; its config
    is written beside ``log``. ``env`` adds to the proxy's environment (the ``DL_*`` limits)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    config = log.with_suffix(".cfg")
    config.write_text(proxy_config(ports))
    environment = {**os.environ, "DL_PROXY_BIND": f"127.0.0.1:{proxy_port}", **(env or {})}
    with log.open("w") as output:
        proxy = subprocess.Popen(
            [haproxy_path() or "haproxy", "-db", "-f", str(config)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment,
        )
    return proxy


@dataclass
class Cluster:
    """K replicas and the proxy in front of them (all children of this process)."""

    base: str
    replicas: list[subprocess.Popen]
    ports: list[int]
    proxy: subprocess.Popen
    logs: list[Path] = field(default_factory=list)

    def stop(self) -> None:
        for process in [self.proxy, *self.replicas]:
            stop_server(process)

    def wait_until_proxy_sees(self, count: int, timeout: float = 30.0) -> None:
        """Until ``count`` replicas answer through the proxy's health checks (its stats are
        not exposed: poll the health URL until every replica has served one)."""
        wait_until_healthy(self.base, self.proxy, self.logs[0], timeout)
        # The proxy's own checks run every second: give them two rounds (fall/rise 2).
        time.sleep(2.5)


def start_cluster(count: int, tag: str, proxy_env: dict | None = None) -> Cluster:
    """``count`` replicas of ``streamlit run app.py`` on free loopback ports, one cookie secret
    for all (``STREAMLIT_SERVER_COOKIE_SECRET``, as the deploy files set it), and the proxy."""
    os.environ.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", os.urandom(32).hex())
    stamp = f"{tag}-{dt.datetime.now():%H%M%S}"
    ports = [free_port() for _ in range(count)]
    logs = [LOGS / f"replica-{stamp}-{i}.log" for i in range(1, count + 1)]
    replicas = [start_server(port, log) for port, log in zip(ports, logs, strict=True)]
    proxy_port = free_port()
    proxy_log = LOGS / f"haproxy-{stamp}.log"
    proxy = start_proxy(ports, proxy_port, proxy_log, proxy_env)
    cluster = Cluster(f"http://127.0.0.1:{proxy_port}", replicas, ports, proxy, [proxy_log, *logs])
    try:
        for port, replica, log in zip(ports, replicas, logs, strict=True):
            wait_until_healthy(f"http://127.0.0.1:{port}", replica, log, timeout=90)
            asyncio.run(warm_up(f"http://127.0.0.1:{port}"))
        cluster.wait_until_proxy_sees(count)
    except BaseException:
        cluster.stop()
        raise
    return cluster


async def warm_up(base: str) -> None:
    """One Playground run on the replica at ``base`` itself: its first run imports NumPy, SciPy,
    Plotly… (seconds); a replica that has served a class has done that long before."""
    client = load.ProtocolClient(base, load.Session(-1, "protocol"))
    try:
        await asyncio.wait_for(client.open(), timeout=load.LOAD_TIMEOUT_S)
    finally:
        await client.close()


def kill(process: subprocess.Popen) -> None:
    """A replica dying as a crashed process or a lost machine does: no goodbye to its clients."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=15)


# ----- a page in the browser (Playwright's sync API) ----------------------------------------------
#: The figure's data (load.py's signature), the URL, how many figures the page has received
#: (load.py's websocket probe must be installed), whether the page is idle with a chart, and
#: the wall-clock times (s) its WebSockets opened (OPENS_JS must be installed).
PAGE_STATE_JS = f"""() => ({{
  signature: ({load.SIGNATURE_JS})(),
  url: location.href,
  figures: window.__loadProbe.figures.length,
  idle: ({load.IDLE_JS})(),
  opens: window.__opens || [],
}})"""
#: Records when each of the page's WebSockets opens (wall clock, s), to time a reconnect.
OPENS_JS = """(() => {
  const opens = window.__opens = [];
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('open', () => opens.push(Date.now() / 1000));
    }
  };
})()"""


def sticky_replica(context) -> str | None:
    """The replica (``r1``, ``r2`` …) the proxy pins this browser context to."""
    return next((c["value"] for c in context.cookies() if c["name"] == STICKY_COOKIE), None)


def recover_pages(
    pages: list[tuple], deadline: float, press_r_after_s: float | None = None
) -> list[tuple[float | None, float | None, bool]]:
    """Wait until each ``(page, context, survivor, before)`` is connected again through the
    proxy, pinned to ``survivor``, and a run there has drawn its figure. Returns, per page,
    the wall-clock time (``time.time()``) its WebSocket opened again, the monotonic time it had
    its figure (None if not by ``deadline``), and whether it needed the R key for that.
    The pages are watched together.

    The app reruns by itself when its WebSocket reconnects (ui/reconnect.py), so the page
    rebuilds its view on the survivor from what it sends: the URL's query string and the
    widgets' values. Only a page connected to the survivor for ``press_r_after_s`` without a
    new figure is given Streamlit's "R" shortcut (a rerun changing nothing, as a student's
    next move would); with None, never.
    """
    connected: list[float | None] = [None] * len(pages)
    back: list[float | None] = [None] * len(pages)
    pressed = [False] * len(pages)
    since: list[float | None] = [None] * len(pages)
    while time.monotonic() < deadline and None in back:
        for i, (page, context, survivor, before) in enumerate(pages):
            if back[i] is not None:
                continue
            state = page.evaluate(PAGE_STATE_JS)
            if len(state["opens"]) > len(before["opens"]):
                connected[i] = state["opens"][len(before["opens"])]
            if state["figures"] > before["figures"] and state["idle"]:
                back[i] = time.monotonic()
                continue
            if state["idle"] and sticky_replica(context) == survivor:
                since[i] = since[i] or time.monotonic()
                if press_r_after_s is not None and time.monotonic() - since[i] > press_r_after_s:
                    page.bring_to_front()
                    page.evaluate("() => document.activeElement && document.activeElement.blur()")
                    page.keyboard.press("r")
                    pressed[i], since[i] = True, time.monotonic()
        time.sleep(0.1)
    return list(zip(connected, back, pressed, strict=True))


def open_page(browser, base: str, lr_stops_left: int):
    """A Playground page through the proxy, its learning rate ``lr_stops_left`` stops below
    the default (so that each page has settings of its own). Returns (page, context, state)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(load.PROBE_JS)
    context.add_init_script(OPENS_JS)
    page = context.new_page()
    page.goto(base + "/", timeout=load.LOAD_TIMEOUT_S * 1000)
    page.wait_for_function(load.IDLE_JS, timeout=load.LOAD_TIMEOUT_S * 1000, polling=100)
    move_slider(page, "Learning rate", "ArrowLeft", lr_stops_left)
    time.sleep(0.5)  # the app writes the URL at the end of its run
    return page, context, page.evaluate(PAGE_STATE_JS)


def move_slider(page, label: str, key: str, presses: int, timeout_s: float = 60) -> None:
    """Press ``key`` on slider ``label`` and wait for a new chart and the end of the run."""
    before = page.evaluate(load.SIGNATURE_JS)
    page.get_by_role("slider", name=label).first.focus()
    for _ in range(presses):
        page.keyboard.press(key)
    page.wait_for_function(
        f"(before) => ({load.SIGNATURE_JS})() !== before && ({load.IDLE_JS})()",
        arg=before,
        timeout=timeout_s * 1000,
        polling=50,
    )


# ----- capacity -----------------------------------------------------------------------------------
#: Relaxed per-client limits for the runs that simulate a class: here every student comes
#: from 127.0.0.1, in a lecture hall each has an address (or the limits are raised for a NAT).
CLASS_LIMITS = {
    "DL_NEW_SESSIONS_PER_10S": "1000",
    "DL_OPEN_SESSIONS": "1000",
    "DL_REQUESTS_PER_10S": "100000",
}


def replica_cpu_s(cluster: Cluster, meter: load.CpuMeter) -> float:
    """CPU seconds used so far by every replica (and its children)."""
    return meter([pid for r in cluster.replicas for pid in load.process_tree(r.pid)])


class CpuSampler:
    """Samples the replicas' CPU seconds once a second in a thread: (monotonic time, seconds)."""

    def __init__(self, cluster: Cluster):
        self.cluster, self.meter, self.samples = cluster, load.CpuMeter(), []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            self.samples.append((time.monotonic(), replica_cpu_s(self.cluster, self.meter)))
            self.stop.wait(1.0)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=5)

    def used(self, start: float, end: float) -> float:
        """CPU seconds between the samples nearest ``start`` and ``end``."""
        inside = [s for s in self.samples if start <= s[0] <= end] or self.samples[-1:]
        return inside[-1][1] - inside[0][1] if len(inside) > 1 else float("nan")


def capacity_step(cluster: Cluster, rate: float, seconds: float, seed: int) -> dict:
    """Protocol sessions through the proxy moving sliders at about ``rate`` moves/s in all.

    Each session pauses 0.5-1.5 × the mean pause between moves; the mean is at least 1.5 s
    (load.py makes at most one move a second per session), so faster classes have more
    sessions. The class arrives first; times and CPU are of the sliding phase.
    """
    sessions = max(4, math.ceil(rate * 1.5))
    mean_pause = sessions / rate
    started = time.monotonic()
    with CpuSampler(cluster) as cpu:
        results, _, go_at = asyncio.run(
            load.drive(
                cluster.base,
                cluster.replicas[0].pid,
                sessions,
                0,
                seconds,
                seed,
                pause_s=(0.5 * mean_pause, 1.5 * mean_pause),
            )
        )
    times = load._times(results, "protocol")
    used = cpu.used(started + go_at, started + go_at + seconds)
    return {
        "target_rate": rate,
        "sessions": sessions,
        "moves": times["changes"],
        "moves_per_s": times["changes"] / seconds,
        "p50_s": times["p50_s"],
        "p95_s": times["p95_s"],
        "failed": times["failed"],
        "failures": [f for s in results for f in s.failures][:3],
        "cpu_per_move_ms": 1000 * used / max(times["changes"], 1),
        "replica_cpu_pct": 100 * used / seconds,
        "arrival_s": go_at,
    }


def capacity(replica_counts, rates, seconds: float, seed: int) -> dict[int, list[dict]]:
    """For each replica count, the steps of ``rates`` until p95 passes twice the target."""
    found: dict[int, list[dict]] = {}
    for count in replica_counts:
        cluster = start_cluster(count, f"capacity{count}", CLASS_LIMITS)
        steps = found[count] = []
        try:
            for rate in rates:
                step = capacity_step(cluster, rate, seconds, seed)
                steps.append(step)
                print(
                    f"{count} replica(s), {rate:g} moves/s asked: {step['moves_per_s']:.1f} "
                    f"done, p50 {step['p50_s']:.2f} s, p95 {step['p95_s']:.2f} s, "
                    f"{step['failed']} failed sessions, {step['cpu_per_move_ms']:.0f} ms CPU/move",
                    flush=True,
                )
                # Past twice the target the replicas are only queueing: no need to go on.
                if not step["p95_s"] < 2 * load.TARGET_P95_S or step["failed"]:
                    break
        finally:
            cluster.stop()
    return found


def sustained(steps: list[dict]) -> float:
    """Moves/s of the fastest step with p95 under the target and no failed session."""
    good = [s["moves_per_s"] for s in steps if s["p95_s"] < load.TARGET_P95_S and not s["failed"]]
    return max(good, default=0.0)


# ----- failover -----------------------------------------------------------------------------------
#: A page connected to the survivor this long without a new figure is given the R key (and
#: counted): the app should have rerun by itself on reconnecting.
PRESS_R_AFTER_S = 10.0


def failover(pages: int, seed: int) -> dict:
    """``pages`` Chromium pages on two replicas, each with its own learning rate; the replica
    with the most pages is killed; the pages on it must come back on the other with the same
    URL and figure, and the others must go on working."""
    from playwright.sync_api import sync_playwright

    cluster = start_cluster(2, "failover")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=load.CHROMIUM, args=load.CHROMIUM_ARGS
            )
            opened = [open_page(browser, cluster.base, 1 + i % 6) for i in range(pages)]
            on = [sticky_replica(context) for _, context, _ in opened]
            victim = max(("r1", "r2"), key=on.count)
            survivor = "r2" if victim == "r1" else "r1"
            affected = [o for o, replica in zip(opened, on, strict=True) if replica == victim]
            others = [o for o, replica in zip(opened, on, strict=True) if replica != victim]
            print(f"failover: {len(affected)} of {pages} pages on {victim}; killing it", flush=True)
            kill(cluster.replicas[int(victim[1:]) - 1])
            killed_at, killed_wall = time.monotonic(), time.time()
            back = recover_pages(
                [(page, context, survivor, before) for page, context, before in affected],
                killed_at + 60,
                press_r_after_s=PRESS_R_AFTER_S,
            )
            recovered, same, times, reconnects, failures = 0, 0, [], [], []
            needed_r = sum(pressed for _, _, pressed in back)
            for (page, _, before), (reconnected, at, _) in zip(affected, back, strict=True):
                state = page.evaluate(PAGE_STATE_JS)
                if reconnected is not None:
                    reconnects.append(reconnected - killed_wall)
                if at is None:
                    failures.append(f"not back after 60 s: {page.evaluate(load.STATE_JS)}")
                    continue
                recovered += 1
                times.append(at - killed_at)
                if state["url"] == before["url"] and state["signature"] == before["signature"]:
                    same += 1
                else:
                    failures.append(f"settings changed: {before['url']} → {state['url']}")
                failures += [f"error on the page: {e}" for e in page.evaluate(load.ERRORS_JS)]
            still_working = 0
            for page, _, _ in others:
                try:
                    move_slider(page, "Learning rate", "ArrowRight", 1, timeout_s=30)
                    still_working += 1
                except Exception as error:
                    failures.append(f"unaffected page stopped: {type(error).__name__}")
            browser.close()
    finally:
        cluster.stop()
    return {
        "pages": pages,
        "affected": len(affected),
        "recovered": recovered,
        "needed_r": needed_r,
        "same_settings": same,
        "settings_lost": len(affected) - same,
        "reconnect_p50_s": load.percentile(reconnects, 0.5),
        "reconnect_p95_s": load.percentile(reconnects, 0.95),
        "recover_p50_s": load.percentile(times, 0.5),
        "recover_p95_s": load.percentile(times, 0.95),
        "recover_max_s": max(times, default=float("nan")),
        "unaffected": len(others),
        "unaffected_working": still_working,
        "failures": failures,
    }


# ----- a greedy client ----------------------------------------------------------------------------
async def _greedy(base: str, stop: asyncio.Event, counts: dict, per_s: float | None) -> None:
    """One session sending learning-rate changes as fast as it can (a student's script):
    ``flood``, as fast as its WebSocket takes them, reading the replies without waiting for
    them; otherwise back to back, each as soon as the run of the last one has ended."""
    client = load.ProtocolClient(base, load.Session(-1, "protocol"))
    await client.open()
    slider = client.sliders[load.SLIDER_KEYS["Learning rate"]]
    options = list(slider.options)
    if per_s is None:
        try:
            index = options.index(slider.raw_value[0])
            while not stop.is_set() and counts["sent"] < 1_000_000:
                index = (index + 7) % len(options)
                counts["sent"] += 1
                slider = client.sliders[load.SLIDER_KEYS["Learning rate"]]
                await asyncio.wait_for(client.rerun(slider.id, options[index]), timeout=30)
                counts["replies"] += 1
        finally:
            await client.close()
        return

    async def drain():
        while True:
            await client.websocket.recv()
            counts["replies"] += 1

    reader = asyncio.create_task(drain())
    try:
        index = options.index(slider.raw_value[0])
        while not stop.is_set() and counts["sent"] < 1_000_000:
            index = (index + 7) % len(options)
            await client.websocket.send(client.rerun_request(slider.id, options[index]))
            counts["sent"] += 1
            # A flood (per_s infinite) only lets the replies' reader run; a paced script waits.
            await asyncio.sleep(1 / per_s if math.isfinite(per_s) else 0)
    finally:
        reader.cancel()
        await client.close()


def _greedy_process(base: str, seconds: float, per_s: float | None) -> None:
    """``python bench/replicas.py --greedy-client BASE SECONDS``: the greedy client in its own
    process (as it would be on its own laptop), so that it does not slow the load generator's
    sessions; prints its counts as JSON."""

    async def run():
        stop, counts = asyncio.Event(), {"sent": 0, "replies": 0}
        loop = asyncio.get_running_loop()
        loop.call_later(seconds, stop.set)
        loop.add_signal_handler(signal.SIGTERM, stop.set)  # the class is done: report
        started = time.monotonic()
        await _greedy(base, stop, counts, per_s)
        counts["per_s"] = counts["sent"] / max(time.monotonic() - started, 1e-9)
        return counts

    print(json.dumps(asyncio.run(run())))


def _class_with_greedy(
    cluster: Cluster, sessions: int, seconds: float, seed: int, per_s: float | None
):
    """The class's drive, with the greedy client running in another process meanwhile (from
    the start of the class's arrival to past the end of its sliding)."""
    log = LOGS / f"greedy-{dt.datetime.now():%H%M%S}.log"
    command = [sys.executable, __file__, "--greedy-client", cluster.base, f"{seconds + 60:g}"]
    command.append("back-to-back" if per_s is None else f"{per_s:g}")
    with log.open("w") as errors:
        greedy_client = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
        try:
            results, _, _ = asyncio.run(
                load.drive(cluster.base, cluster.replicas[0].pid, sessions, 0, seconds, seed)
            )
        finally:
            greedy_client.terminate()
            output, _ = greedy_client.communicate(timeout=30)
    lines = [line for line in output.splitlines() if line.startswith("{")]
    counts = json.loads(lines[-1]) if lines else {"sent": 0, "replies": 0, "per_s": 0.0}
    return results, counts


async def _burst(base: str, attempts: int) -> dict:
    """A script opening ``attempts`` sessions (WebSockets) at once from one address: how many
    the proxy refuses (429) under its default per-client limits."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    host = base.removeprefix("http://")
    opened, refused, other = [], 0, 0
    try:
        for _ in range(attempts):
            try:
                opened.append(
                    await connect(
                        f"ws://{host}/_stcore/stream",
                        subprotocols=["streamlit"],
                        origin=base,
                        open_timeout=10,
                    )
                )
            except InvalidStatus as error:
                refused += error.response.status_code == 429
                other += error.response.status_code != 429
            except (OSError, TimeoutError):
                other += 1
    finally:
        await asyncio.gather(*(c.close() for c in opened), return_exceptions=True)
    return {"attempts": attempts, "opened": len(opened), "refused_429": refused, "other": other}


#: The greedy clients: changes per second (None: each as soon as the last run ended; inf: as
#: fast as the WebSocket takes them), and whether the app's run limit is on.
GREEDY_MODES = {
    "alone": (None, True),
    "back-to-back": (None, True),
    "script at 50/s": (50.0, True),
    "script at 50/s, app's limit off": (50.0, False),
    "flood": (math.inf, True),
    "flood, app's limit off": (math.inf, False),
}


def greedy(sessions: int, seconds: float, seed: int, modes=tuple(GREEDY_MODES)) -> dict:
    """One replica behind the proxy (default limits): the class alone, the class with one
    greedy client (back to back, then flooding), and a burst of sessions from one address.
    A fresh cluster for each, so that one's harm does not carry into the next."""
    found: dict = {"sessions": sessions, "runs": {}}
    for mode in modes:
        per_s, limit_on = GREEDY_MODES[mode]
        # The app's per-session limit on runs (ui/ratelimit.py) is on unless turned off.
        if not limit_on:
            os.environ[ratelimit.RATE_ENV] = "0"
        else:
            os.environ.pop(ratelimit.RATE_ENV, None)
        cluster = start_cluster(1, f"greedy-{mode.split(',')[0]}")
        os.environ.pop(ratelimit.RATE_ENV, None)
        try:
            if mode == "alone":
                results, _, _ = asyncio.run(
                    load.drive(cluster.base, cluster.replicas[0].pid, sessions, 0, seconds, seed)
                )
                counts = None
            else:
                results, counts = _class_with_greedy(cluster, sessions, seconds, seed, per_s)
            found["runs"][mode] = {
                "times": load._times(results, "protocol"),
                "greedy": counts,
                "failures": [f for s in results for f in s.failures][:3],
                "replica_alive": cluster.replicas[0].poll() is None,
            }
            if mode == "alone":
                time.sleep(11)  # the proxy's 10-s rate window forgets the class's arrivals
                found["burst"] = asyncio.run(_burst(cluster.base, 100))
        finally:
            cluster.stop()
    return found


# ----- the report ---------------------------------------------------------------------------------
def _s(value: float) -> str:
    return "–" if value != value else f"{value:.2f} s"  # NaN: nothing measured


def report(found: dict, args, started_at: str, load_before: str) -> str:
    lines = [
        "# Replicas behind HAProxy: capacity, failover, a greedy client",
        "",
        f"`python bench/replicas.py{''.join(f' --only {o}' for o in args.only or ())} "
        f"--seconds {args.seconds:g} --rates "
        f"{','.join(f'{r:g}' for r in args.rates)} --pages {args.pages}` on {started_at}: "
        f"{os.cpu_count()} cores shared by the replicas, HAProxy and the load generator, "
        f"Python {platform.python_version()}, load average before the run {load_before}. "
        "The proxy runs deploy/haproxy.cfg with its servers replaced by loopback replicas. "
        "Other work was running on this machine at the same time: the numbers are noisy.",
        "",
    ]
    if "capacity" in found:
        lines += [
            "## Capacity: one replica against two, same load",
            "",
            "Protocol sessions (bench/load.py's: a browser tab's messages, without the drawing) "
            "through the proxy, each moving a slider after a random pause; steps of increasing "
            f"moves per second, {args.seconds:g} s each after the class has arrived, until p95 "
            "passes 4 s (twice the target). Each session waits for its figure before pausing "
            "again, so a slow server also slows the class: compare the moves done. Per-client "
            "limits raised (every simulated student is 127.0.0.1).",
            "",
            "| replicas | moves/s asked | sessions | moves/s done | slider → new figure "
            "p50 / p95 | failed sessions | replica CPU per move | replicas' CPU (% of a core) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for count, steps in found["capacity"].items():
            for step in steps:
                lines.append(
                    f"| {count} | {step['target_rate']:g} | {step['sessions']} | "
                    f"{step['moves_per_s']:.1f} | {_s(step['p50_s'])} / {_s(step['p95_s'])} | "
                    f"{step['failed']} | {step['cpu_per_move_ms']:.0f} ms | "
                    f"{step['replica_cpu_pct']:.0f} % |"
                )
        lines += [""]
        for count, steps in found["capacity"].items():
            lines.append(
                f"- {count} replica(s): {sustained(steps):.1f} moves/s sustained with p95 < 2 s "
                "and no failed session."
            )
            for step in steps:
                for failure in step["failures"]:
                    lines.append(f"  - failure at {step['target_rate']:g}/s: {failure}")
        lines += [""]
    if "failover" in found:
        f = found["failover"]
        lines += [
            "## Failover: a replica killed under open pages",
            "",
            f"{f['pages']} Chromium pages through the proxy on two replicas, each with its own "
            "learning rate (in its URL); the replica holding more pages killed with SIGKILL. "
            "Streamlit's frontend reconnects by itself (the proxy sends the dead replica's "
            "cookie to the survivor) and the app reruns on reconnecting (ui/reconnect.py): the "
            "survivor's new session rebuilds the view from the URL and the widgets' values, "
            "with no key pressed (a page still without its figure "
            f"{PRESS_R_AFTER_S:g} s after reconnecting would get the R shortcut, counted below). "
            "Recovered = pinned to the survivor with a new figure drawn from a run there; same "
            "settings = the same URL and the same figure data (every number of every trace) as "
            "before the kill. Time to recover: from the kill.",
            "",
            "| measure | result | goal |",
            "|---|---|---|",
            f"| sessions affected (on the killed replica) | {f['affected']} of {f['pages']} | |",
            f"| recovered on the survivor | {f['recovered']} of {f['affected']} | all |",
            f"| … of which needed the R key | {f['needed_r']} | 0 |",
            f"| with identical settings (URL and figure data) | {f['same_settings']} of "
            f"{f['affected']} | all; 0 settings lost |",
            f"| kill → page connected to the survivor, p50 / p95 | "
            f"{_s(f['reconnect_p50_s'])} / {_s(f['reconnect_p95_s'])} | |",
            f"| kill → the survivor's figure drawn (recovered), p50 / p95 / max | "
            f"{_s(f['recover_p50_s'])} / {_s(f['recover_p95_s'])} / {_s(f['recover_max_s'])} "
            "| p95 < 10 s |",
            f"| unaffected pages still working (a slider move after the kill) | "
            f"{f['unaffected_working']} of {f['unaffected']} | all |",
            f"| failures | {len(f['failures'])} | 0 |",
        ]
        lines += [f"- {failure}" for failure in f["failures"]]
        lines += [""]
    if "greedy" in found:
        g = found["greedy"]
        burst = g.get("burst")
        lines += [
            "## A greedy client",
            "",
            f"One replica behind the proxy with its default limits. {g['sessions']} protocol "
            f"sessions moving a slider every 2-5 s for {args.seconds:g} s: alone; with one more "
            "session (in its own process) changing the learning rate back to back, each change "
            "as soon as the last run ended; with a script sending 50 changes a second without "
            "waiting for the replies; and with one flooding changes as fast as its WebSocket "
            "takes them. With and without the app's limit on runs per session "
            "(ui/ratelimit.py, 5 a second after a burst of 10).",
            "",
            "| run | class: slider → new figure p50 / p95 | class: moves (failed sessions) "
            "| greedy client: changes sent (per s), messages back |",
            "|---|---|---|---|",
        ]
        for mode, run in g["runs"].items():
            times, counts = run["times"], run["greedy"]
            extra = (
                "–"
                if counts is None
                else f"{counts['sent']} ({counts['per_s']:.0f}/s), {counts['replies']}"
            )
            lines.append(
                f"| {mode} | {_s(times['p50_s'])} / {_s(times['p95_s'])} | {times['changes']} "
                f"({times['failed']}) | {extra} |"
            )
        lines += [""]
        for mode, run in g["runs"].items():
            lines += [f"- {mode}: failure: {failure}" for failure in run["failures"]]
        lines += [""]
        if burst:
            lines += [
                f"A burst of {burst['attempts']} sessions opened at once from one address: "
                f"{burst['opened']} opened, {burst['refused_429']} refused by the proxy with 429 "
                f"(its limit: DL_NEW_SESSIONS_PER_10S), {burst['other']} other errors.",
                "",
            ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] == ["--greedy-client"]:
        per_s = None if sys.argv[4] == "back-to-back" else float(sys.argv[4])
        _greedy_process(sys.argv[2], float(sys.argv[3]), per_s)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="per step (30 s)")
    parser.add_argument(
        "--rates",
        type=lambda text: [float(r) for r in text.split(",")],
        default=[5.0, 10.0, 20.0, 30.0, 40.0],
        help="capacity steps, moves per second in all (5,10,20,30,40)",
    )
    parser.add_argument("--pages", type=int, default=6, help="Chromium pages in failover (6)")
    parser.add_argument("--greedy-sessions", type=int, default=12, help="the class (12)")
    parser.add_argument(
        "--only", choices=("capacity", "failover", "greedy"), action="append", help="repeatable"
    )
    parser.add_argument(
        "--greedy-modes",
        type=lambda text: text.split(";"),
        help="';'-separated subset of: " + "; ".join(GREEDY_MODES),
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not 5 <= args.seconds <= 600 or not all(0 < r <= 100 for r in args.rates):
        parser.error("--seconds must be 5…600 and each rate 0…100")
    if not 2 <= args.pages <= 12 or not 1 <= args.greedy_sessions <= 50:
        parser.error("--pages must be 2…12 and --greedy-sessions 1…50")
    if haproxy_path() is None:
        parser.error("haproxy not found (apt-get install haproxy)")
    only = set(args.only or ("capacity", "failover", "greedy"))
    load_before = " ".join(f"{v:.2f}" for v in os.getloadavg())
    started_at = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    found: dict = {}
    if "capacity" in only:
        found["capacity"] = capacity((1, 2), args.rates, args.seconds, args.seed)
    if "failover" in only:
        found["failover"] = failover(args.pages, args.seed)
    if "greedy" in only:
        found["greedy"] = greedy(
            args.greedy_sessions, args.seconds, args.seed, args.greedy_modes or tuple(GREEDY_MODES)
        )
    text = report(found, args, started_at, load_before)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
