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

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
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
        cluster.wait_until_proxy_sees(count)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def kill(process: subprocess.Popen) -> None:
    """A replica dying as a crashed process or a lost machine does: no goodbye to its clients."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=15)


# ----- a page in the browser (Playwright's sync API) ----------------------------------------------
#: The figure's data (load.py's signature), the URL, how many figures the page has received
#: (load.py's websocket probe must be installed) and whether the page is idle with a chart.
PAGE_STATE_JS = f"""() => ({{
  signature: ({load.SIGNATURE_JS})(),
  url: location.href,
  figures: window.__loadProbe.figures.length,
  idle: ({load.IDLE_JS})(),
}})"""
RERUN_EVERY_S = 2.0


def sticky_replica(context) -> str | None:
    """The replica (``r1``, ``r2`` …) the proxy pins this browser context to."""
    return next((c["value"] for c in context.cookies() if c["name"] == STICKY_COOKIE), None)


def recover_page(page, context, survivor: str, before: dict, deadline: float) -> float | None:
    """Wait until ``page`` is connected again through the proxy, pinned to ``survivor``, and a
    run there has drawn its figure; returns the monotonic time it had, or None at ``deadline``.

    Streamlit's frontend does not rerun the script when its WebSocket reconnects (it takes the
    server for the one it had, which keeps sessions for a while), so the page keeps showing
    its last view, and the survivor's new session builds it again on the next rerun from what
    the page sends: the URL's query string and the widgets' values. The student's next move
    does that; here the page asks for a rerun with Streamlit's "R" shortcut, changing nothing,
    so the new figure can be compared with the old one.
    """
    asked = None
    while time.monotonic() < deadline:
        state = page.evaluate(PAGE_STATE_JS)
        if state["figures"] > before["figures"] and state["idle"]:
            return time.monotonic()
        connected = state["idle"] and sticky_replica(context) == survivor
        if connected and (asked is None or time.monotonic() - asked > RERUN_EVERY_S):
            page.evaluate("() => document.activeElement && document.activeElement.blur()")
            page.keyboard.press("r")
            asked = time.monotonic()
        time.sleep(0.1)
    return None
