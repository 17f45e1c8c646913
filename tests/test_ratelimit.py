"""ui/ratelimit.py: the per-session token bucket on script runs.

The rule (:func:`ui.ratelimit.take`) is checked with a clock the test moves, against counts
worked out by hand from ``tokens ← min(burst, tokens + rate · Δt)``; the app is checked in
AppTest with the module's clock and sleep replaced, so no test waits for real time.
"""

from __future__ import annotations

import math

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import APP
from ui import ratelimit
from ui.ratelimit import Bucket, full, take


def drive(times, rate=5.0, burst=10.0, notice_after=10):
    """Runs that *ask* to start at ``times``; each starts after its wait, as in a session
    (one run at a time: a run asked for during another's wait starts after it). Returns the
    start times, waits and notices."""
    bucket, starts, waits, notices = full(times[0], burst), [], [], []
    ready = -math.inf
    for asked in times:
        now = max(asked, ready)
        bucket, wait, notice = take(bucket, now, rate, burst, notice_after)
        starts.append(now + wait)
        waits.append(wait)
        notices.append(notice)
        ready = now + wait
    return starts, waits, notices


def test_a_burst_passes_at_once_then_runs_are_spaced_at_the_rate():
    """Ten runs at the same instant use the full bucket; from the eleventh each waits for one
    token: 1 / rate = 0.2 s apart."""
    starts, waits, notices = drive([0.0] * 14)
    assert waits[:10] == [0.0] * 10
    assert waits[10:] == pytest.approx([0.2] * 4)
    assert starts[10:] == pytest.approx([0.2, 0.4, 0.6, 0.8])
    assert not any(notices)


def test_a_flood_is_held_to_the_rate_and_told_after_ten_waits():
    """A script asking for a run every millisecond for 10 s: the runs that start are the burst
    plus 5 a second (10 + 5 · 10 = 60, give or take the last one), and the notice comes on the
    tenth waiting run in a row and stays on."""
    times = [i * 0.001 for i in range(10_000)]
    starts, _, notices = drive(times)
    started_in_10s = sum(1 for s in starts if s <= 10.0)
    # Every asked run is served here (a real session folds them), so count the starts.
    assert 59 <= started_in_10s <= 61
    first_notice = notices.index(True)
    assert first_notice == 10 + 9  # the burst, then the tenth run that waited
    assert all(notices[first_notice:])


def test_a_human_pace_never_waits():
    """A student moving a slider 3 times a second for a minute (far more than anyone does),
    with a quick burst of 8 arrow presses every 5 s (0.05 s apart): never a wait, never a
    notice."""
    times = []
    for second in range(60):
        times += [second + k / 3 for k in range(3)]
        if second % 5 == 0:
            times += [second + 0.9 + k * 0.05 for k in range(8)]
    times.sort()
    _, waits, notices = drive(times, rate=5.0)
    # 15 + 8 runs in 5 s is 4.6/s on average, under the rate; the bucket absorbs the bursts.
    assert max(waits) == 0.0
    assert not any(notices)


def test_refill_is_capped_at_the_burst_and_a_wait_resets_after_a_free_run():
    bucket = Bucket(0.0, 0.0, waited=7)
    bucket, wait, notice = take(bucket, 100.0)  # a long pause: full again, minus this run
    assert (bucket.tokens, wait, notice, bucket.waited) == (9.0, 0.0, False, 0)
    # Half a token refilled: wait for the other half, 0.5 / 5 = 0.1 s.
    bucket, wait, _ = take(Bucket(0.4, 1.0, 3), 1.02, rate=5.0)
    assert wait == pytest.approx(0.1)
    assert bucket == Bucket(0.0, pytest.approx(1.12), 4)


def test_a_clock_going_back_refills_nothing():
    bucket, wait, _ = take(Bucket(0.0, 5.0), 4.0, rate=5.0)
    assert wait == pytest.approx(0.2)
    assert bucket.tokens == 0.0


@pytest.fixture
def fake_time(monkeypatch):
    """A clock that only the fake sleep moves, as if every run took no time at all."""
    now = [1000.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    monkeypatch.setattr(ratelimit, "clock", lambda: now[0])
    monkeypatch.setattr(ratelimit, "sleep", sleep)
    # The app's own default rate, whatever a deployment (or another test) set.
    monkeypatch.delenv(ratelimit.RATE_ENV, raising=False)
    return now, slept


def _notices(app: AppTest) -> list[str]:
    return [element.value for element in app.info if ratelimit.NOTICE in element.value]


def test_a_burst_of_reruns_gets_the_notice_in_the_app(fake_time):
    """The Rates page (light) rerun back to back with no time passing: the first ten runs
    are free, the next ones wait 0.2 s each, and from the tenth waiting run the page says
    "Too many changes per second" at the top, as an info box, never an exception."""
    now, slept = fake_time
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    app.switch_page("app_pages/rates.py")
    runs = 2
    app.run()
    while runs < 10:  # the rest of the burst
        app.run()
        runs += 1
    assert slept == [] and not _notices(app)
    for _ in range(9):
        app.run()
    assert slept == pytest.approx([0.2] * 9)
    assert not _notices(app)
    app.run()  # the tenth waiting run in a row
    assert not app.exception
    assert _notices(app) == [ratelimit.NOTICE]
    # A pause of a second (a person again): the next run is free and the notice gone.
    now[0] += 1.0
    app.run()
    assert len(slept) == 10 and not _notices(app) and not app.exception


def test_importing_the_benchmark_leaves_the_limit_on(monkeypatch):
    """bench/run.py turns the limit off only while it measures (its reruns are not a
    student's pace); importing it, as tests do, must not switch the app's limit off."""
    monkeypatch.delenv(ratelimit.RATE_ENV, raising=False)
    import importlib

    from bench import run as bench

    importlib.reload(bench)
    assert ratelimit._rate() == ratelimit.RATE
    with bench.rate_limit_off():
        assert ratelimit._rate() == 0.0
    assert ratelimit._rate() == ratelimit.RATE
    monkeypatch.setenv(ratelimit.RATE_ENV, "2.5")
    with bench.rate_limit_off():
        assert ratelimit._rate() == 0.0
    assert ratelimit._rate() == 2.5
