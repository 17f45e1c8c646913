"""bench/load.py: the protocol sessions against a real server, and the report's verdicts.

The load test itself is not run here (it takes minutes and its timings depend on the machine);
these tests check that its protocol session really drives the app as a browser tab does, and
that its report judges the targets from the numbers it is given.
"""

from __future__ import annotations

import asyncio
import math
import random
from argparse import Namespace
from urllib.parse import parse_qs

import pytest

from bench import load
from tests.helpers import ROOT, free_port, start_server, stop_server, wait_until_healthy


@pytest.fixture(scope="module")
def server_base():
    port = free_port()
    log = ROOT / "test-artifacts" / "logs" / f"load-client-{port}.log"
    server = start_server(port, log)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_healthy(base, server, log, timeout=60)
        yield base
    finally:
        stop_server(server)


def test_a_protocol_session_moves_sliders_as_a_tab_does(server_base):
    async def scenario():
        session = load.Session(0, "protocol")
        client = load.ProtocolClient(server_base, session)
        await client.open()
        try:
            lr_key = load.SLIDER_KEYS["Learning rate"]
            kappa_key = load.SLIDER_KEYS["Condition number κ"]
            first_lr = client.shown[lr_key]
            first_digest = client.chart_digest
            rng = random.Random(3)
            figure_s, finished_s = await client.change("Learning rate", rng)
            moved_lr = client.shown[lr_key]
            figure_after_lr = client.chart_digest
            await client.change("Condition number κ", rng)
            return {
                "first_lr": first_lr,
                "moved_lr": moved_lr,
                "lr_after_kappa": client.shown[lr_key],
                "kappa": client.shown[kappa_key],
                "times": (figure_s, finished_s),
                "digests": (first_digest, figure_after_lr, client.chart_digest),
                "query": parse_qs(client.query_string),
                "failures": session.failures,
                "options": list(client.sliders[lr_key].options),
            }
        finally:
            await client.close()

    seen = asyncio.run(scenario())
    assert seen["moved_lr"] != seen["first_lr"]
    options = seen["options"]
    assert 1 <= abs(options.index(seen["moved_lr"]) - options.index(seen["first_lr"])) <= 3
    assert seen["kappa"] != "10"
    # The κ change kept the learning rate's meaning, as in a tab: a rate the user set keeps its
    # fraction of 2/λmax = 2/κ, so it scales by κ_old/κ_new, to the nearest stops of the slider.
    expected = math.log(float(seen["moved_lr"]) * 10.0 / float(seen["kappa"]))
    stops = [abs(math.log(float(option)) - expected) for option in options]
    nearest = sorted(range(len(options)), key=stops.__getitem__)[:2]
    assert options.index(seen["lr_after_kappa"]) in nearest
    figure_s, finished_s = seen["times"]
    assert 0 < figure_s <= finished_s < load.CHANGE_TIMEOUT_S
    assert len(set(seen["digests"])) == 3
    # The app wrote the new values into the URL, as it does for a browser.
    assert float(seen["query"]["lr.quadratic.gd"][0]) == float(seen["lr_after_kappa"])
    assert seen["failures"] == []


def test_the_client_reads_the_value_the_server_shows_not_the_one_it_sent(server_base):
    async def scenario():
        client = load.ProtocolClient(server_base, load.Session(0, "protocol"))
        await client.open()
        try:
            slider = client.sliders[load.SLIDER_KEYS["Learning rate"]]
            # Not one of the slider's stops: the app shows another value, and the check sees it.
            await client.rerun(slider.id, "0.123456")
            return client.shown[load.SLIDER_KEYS["Learning rate"]]
        finally:
            await client.close()

    assert asyncio.run(scenario()) != "0.123456"


@pytest.mark.parametrize("count", [2, 5, 401])
def test_next_stop_moves_one_to_three_stops_and_never_past_an_end(count):
    rng = random.Random(0)
    for position in range(count):
        for _ in range(20):
            moved = load.next_stop(position, count, rng)
            assert 0 <= moved < count
            assert 1 <= abs(moved - position) <= 3
            if position == 0:
                assert moved > 0
            if position == count - 1:
                assert moved < position


def _session(number, kind, changes, failures=()):
    session = load.Session(number, kind, load_s=1.0)
    session.changes = [("Learning rate", seconds) for seconds in changes]
    session.replies = list(changes)
    session.failures = list(failures)
    return session


def _summary(results, rss=(100, 200, 200, 200, 200, 200, 200)):
    memory = [(5.0 * i, mb, 0.1 * i, 0.2 * i, 0.01 * i) for i, mb in enumerate(rss)]
    args = Namespace(sessions=len(results), seconds=30, go_at=0.0)
    return load.summarize(results, memory, args)


def test_the_report_passes_a_run_that_meets_every_target():
    results = [_session(0, "browser", [0.5] * 19 + [1.9])] + [
        _session(i, "protocol", [0.05] * 19 + [1.5]) for i in range(1, 4)
    ]
    summary = _summary(results)
    verdicts = load.verdicts(summary)
    assert all(verdicts.values()), verdicts
    assert len(verdicts) == 4
    assert summary["protocol"]["changes"] == 60
    assert summary["browser"]["p95_s"] == pytest.approx(0.5 + 0.05 * 1.4)
    args = Namespace(sessions=4, browsers=1, seconds=30, load_before="0.1 0.1 0.1")
    text = load.report(summary, args, "2026-01-01 00:00")
    assert "MISS" not in text and text.count("PASS") == 4
    # Server CPU per change: 0.1 s per 5 s sample over 30 s → 0.6 s for 80 changes.
    assert summary["server_cpu_per_rerun_s"] == pytest.approx(0.6 / 80)


def test_the_report_misses_failures_slow_changes_and_growing_memory():
    results = [
        _session(0, "browser", [3.0] * 20),
        _session(1, "protocol", [0.1] * 20, failures=["Learning rate: TimeoutError"]),
    ]
    summary = _summary(results, rss=(100, 100, 100, 150, 200, 250, 300))
    verdicts = load.verdicts(summary)
    assert [name for name, ok in verdicts.items() if not ok] == [
        "0 failed sessions",
        "p95 slider→chart < 2 s (browser sessions)",
        "memory levels off (last third ≤ 1.1 × middle third)",
    ]
    args = Namespace(sessions=2, browsers=1, seconds=30, load_before="0 0 0")
    text = load.report(summary, args, "2026-01-01 00:00")
    assert "session 1 (protocol): Learning rate: TimeoutError" in text
