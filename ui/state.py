"""Session state that outlives pages and reruns.

Streamlit forgets a widget's value when a run does not draw that widget (for instance on
another page). Every control of the app therefore uses a key starting with :data:`PREFIX`,
its default is put into ``st.session_state`` before the widget is drawn (so the widget needs
no ``value=`` argument and Streamlit warns about nothing), and :func:`persist` re-assigns those
keys at the top of every run, which tells Streamlit to keep them.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

PREFIX = "dl_"


def persist() -> None:
    """Keep every ``dl_`` value alive through runs that do not draw its widget."""
    for key in list(st.session_state):
        if isinstance(key, str) and key.startswith(PREFIX):
            st.session_state[key] = st.session_state[key]


def default(key: str, value: Any) -> Any:
    """Set ``key`` to ``value`` unless the user already chose something; return the current value."""
    if key not in st.session_state:
        st.session_state[key] = value
    return st.session_state[key]


def set_value(key: str, value: Any) -> None:
    """Set a control's value from a callback (before its widget is drawn in the next run)."""
    st.session_state[key] = value
