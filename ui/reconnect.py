"""Rebuild the page by itself when its WebSocket reconnects (for instance to another replica).

Streamlit's frontend (1.67, ``App.handleConnectionStateChanged``) asks for a script run on
reconnecting only in a few cases: no session yet, a run that was going on, or a fragment with
``run_every`` on the page. Otherwise it keeps showing its last view and waits for the next
change, which after a replica died means a dead page until the student touches something.
A fragment with ``run_every`` that draws nothing is the cheap way in: its timer fires once an
hour (and reruns only itself, an empty function), and its presence makes every reconnect
send a full rerun with the page's widget values, which the new session turns back into the
same view (every control is also in the URL).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

#: How often the empty fragment reruns by itself: rarely, it only has to exist.
TIMER = dt.timedelta(hours=1)


@st.fragment(run_every=TIMER)
def _watch() -> None:
    """Nothing to draw: the fragment's timer is what makes a reconnect rerun the page."""


def rerun_on_reconnect() -> None:
    """Register the timer fragment in this run (once per run, from app.py)."""
    _watch()
