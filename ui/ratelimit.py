"""A per-session limit on script runs, so one greedy client cannot starve a replica's class.

Every change a browser sends starts a run of the whole script. A student dragging a slider
makes one run per release (a few a second at most, even with the arrow keys held); a script
sending changes as fast as it can makes hundreds. HAProxy cannot count the messages inside a
WebSocket (Debian 12's 2.6), so the app counts its own runs with a *token bucket* per session:

- the bucket holds at most ``burst`` tokens and refills at ``rate`` tokens a second;
- every run takes one token; a run that finds less than one waits until one has refilled,
  ``(1 - tokens) / rate`` seconds, sleeping in its own thread (``time.sleep`` lets the other
  sessions' threads run, it holds no lock);
- a session whose runs have had to wait ``notice_after`` times in a row (about two seconds of
  more than ``rate`` runs a second, past its burst) is told so at the top of its page.

A human never waits: a burst of ``burst`` quick changes passes at once, and Streamlit folds the
changes that arrive during a run (or its wait) into one next run, so a delayed run still shows
the latest value. :func:`take` is the pure rule (the clock is an argument); :func:`pace` is the
one call app.py makes at the top of every run.
"""

from __future__ import annotations

import math
import os
import time
from typing import NamedTuple

import streamlit as st

from ui import state

#: The environment variable a deployment sets to change :data:`RATE` (0 turns the limit off,
#: as bench/replicas.py does to measure the app without it).
RATE_ENV = "DESCENT_LAB_RUNS_PER_S"
#: The bucket's place in ``st.session_state`` (no ``dl_`` prefix: not a control, not in the URL).
KEY = "_dl_run_bucket"
#: Runs per second a session sustains without waiting: several times a human's pace.
RATE = 5.0
#: Quick runs allowed at once before any wait (a student pressing an arrow key ten times).
BURST = 10.0
#: Waiting runs in a row before the page says it is slowing down (≈ 2 s at ``RATE``).
NOTICE_AFTER = 10
NOTICE = "Too many changes per second — slowing down."

#: Read by :func:`pace`; tests replace them (a clock they move, a sleep that only records).
clock = time.monotonic
sleep = time.sleep


class Bucket(NamedTuple):
    """One session's bucket.

    Attributes
    ----------
    tokens : float
        Runs that may start now without waiting, ``0 <= tokens <= burst``.
    last : float
        Clock time (seconds) the bucket was last counted at.
    waited : int
        Runs in a row that had to wait; 0 after a run that did not.
    """

    tokens: float
    last: float
    waited: int = 0


def full(now: float, burst: float = BURST) -> Bucket:
    """A new session's bucket: full, counted at ``now``."""
    return Bucket(burst, now, 0)


def take(
    bucket: Bucket,
    now: float,
    rate: float = RATE,
    burst: float = BURST,
    notice_after: int = NOTICE_AFTER,
) -> tuple[Bucket, float, bool]:
    """One run's token: the new bucket, the seconds the run must wait, and whether to say so.

    The bucket first refills for the time since it was last counted,
    ``tokens ← min(burst, tokens + rate · (now − last))``. With at least one token the run
    takes it and starts at once. Otherwise it waits ``(1 − tokens) / rate`` seconds, the time
    for the missing part of a token to refill, and the bucket is counted at the end of that
    wait with no token left (``tokens = 0``, ``last = now + wait``).

    Parameters
    ----------
    bucket : Bucket
        The session's bucket after its last run.
    now : float
        The clock, in seconds (any origin; it only has to grow).
    rate : float
        Tokens refilled per second: the runs per second sustained without waiting.
    burst : float
        The bucket's size: quick runs allowed at once.
    notice_after : int
        Waiting runs in a row from which the notice is shown.

    Returns
    -------
    bucket : Bucket
        To keep for the next run.
    wait : float
        Seconds to sleep before the run, ``0 <= wait <= 1 / rate``.
    notice : bool
        True when ``notice_after`` or more runs in a row have had to wait.

    Examples
    --------
    >>> b, wait, notice = take(Bucket(0.5, 10.0), 10.0, rate=5.0)
    >>> round(wait, 3), b.tokens, notice
    (0.1, 0.0, False)
    """
    # A clock that went back (it should not) refills nothing rather than draining the bucket.
    tokens = min(burst, bucket.tokens + rate * max(0.0, now - bucket.last))
    if tokens >= 1.0:
        return Bucket(tokens - 1.0, now, 0), 0.0, False
    wait = (1.0 - tokens) / rate
    waited = bucket.waited + 1
    return Bucket(0.0, now + wait, waited), wait, waited >= notice_after


def pace() -> float:
    """Take this run's token; wait if the session runs faster than :data:`RATE` a second.

    Called once at the top of every run in app.py, after :func:`ui.state.persist` (the notice
    uses the top-of-page box it makes). Returns the seconds waited.
    """
    rate = _rate()
    if rate <= 0:
        return 0.0
    now = clock()
    bucket = st.session_state.get(KEY)
    bucket, wait, notice = take(bucket if isinstance(bucket, Bucket) else full(now), now, rate)
    st.session_state[KEY] = bucket
    if notice:
        state.note(NOTICE)
    if wait > 0:
        # In this session's own script thread: the other sessions run meanwhile, and the
        # changes that arrive during the wait are folded into the next run by Streamlit.
        sleep(wait)
    return wait


def _rate() -> float:
    """:data:`RATE`, or the deployment's ``DESCENT_LAB_RUNS_PER_S`` if it is a number."""
    try:
        rate = float(os.environ.get(RATE_ENV, RATE))
    except ValueError:
        return RATE
    return rate if math.isfinite(rate) else RATE
