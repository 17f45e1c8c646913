"""Session state that outlives pages and reruns, and lives in the URL.

Streamlit forgets a widget's value when a run does not draw that widget (for instance on
another page). Every control of the app therefore uses a key starting with :data:`PREFIX`,
its default is put into ``st.session_state`` before the widget is drawn (so the widget needs
no ``value=`` argument and Streamlit warns about nothing), and :func:`finish_run` re-assigns
the keys this run did *not* draw, which tells Streamlit to keep them. A key this run drew is
left alone: re-assigning it makes Streamlit send its value back to the browser, which then
overwrote a value the user had set meanwhile (quick arrow-key presses on the κ slider were
lost, one in every few).

The URL holds the same values (a teacher shares a link, 200 students open the same figure).
The query parameter of a control is its key without the prefix: ``dl_lr.quadratic.gd`` is
``lr.quadratic.gd``. On the first run of a session the query parameters are set aside as
*pending*; :func:`default` gives a control its pending value, checked against what the widget
accepts (:mod:`ui.url_values`), and a value it cannot use becomes the nearest valid one with a
notice at the top of the page. :func:`finish_run` reports what the link held that no control
took, and writes the controls drawn in this run back into the URL.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from ui import url_values

PREFIX = "dl_"
#: The bookkeeping of the URL state (not a control: no prefix, so :func:`persist` skips it).
SHARE_KEY = "_dl_share"
#: Notices shown at most, so a hostile link cannot fill the page.
MAX_NOTICES = 12


@dataclass
class _Share:
    """One session's URL bookkeeping."""

    pending: dict[str, str]  # session key -> URL text, until the first run has finished
    restoring: bool = True
    notices: list[str] = field(default_factory=list)
    drawn: dict[str, None] = field(default_factory=dict)  # keys of this run, in order
    finished: bool = False
    notice_box: Any = None  # a placeholder at the top of the page, on a link's first run
    link_slot: Any = None  # a placeholder at the top of the sidebar, for "Link to this view"
    notes: list[str] = field(default_factory=list)  # this run's changes made for the user
    note_box: Any = None  # a placeholder at the top of the page for them
    seen: dict[str, Any] = field(default_factory=dict)  # dl_ values at the end of the last run
    page: str | None = None  # the page of the last run that finished


def persist() -> None:
    """Keep every ``dl_`` value alive through runs that do not draw its widget, and start the
    run's URL bookkeeping.

    app.py calls it at the top of every run, before the page. A value that differs from the
    end of the last run (:attr:`_Share.seen`):

    - on the same page, the browser has just changed it: it is left alone, its widget is on
      this page. Re-assigning it would send it back to the browser with this run, over a
      newer value the user may have set meanwhile (quick arrow-key presses on the κ slider
      were lost, one in every few). On the same page no value is re-assigned at all;
    - on a new page, Streamlit has dropped the value its widget last sent (a page change
      keeps only the widgets the browser lists) and an older one shows through: the last
      run's value is put back. The app's own changes go through :func:`set_value`, which
      records them as seen.
    """
    share = _share()
    if share.page is None or share.page != _page():
        for key in list(st.session_state):
            if isinstance(key, str) and key.startswith(PREFIX):
                value = st.session_state[key]
                if key in share.seen and not _same(share.seen[key], value):
                    value = share.seen[key]
                st.session_state[key] = value
        for key in share.seen.keys() - set(st.session_state):
            # Dropped with its widget on the way to this page.
            st.session_state[key] = share.seen[key]
    # On the same page nothing is re-assigned: the last finished run's keep_undrawn kept the
    # values of widgets it did not draw (a run stopped for a rerun drops none), and the drawn
    # ones keep theirs. Re-assigning even an unchanged value sends it back to the browser: a
    # learning rate pressed back to the value of the last run (→ then ←) came back over the
    # next press the user had made meanwhile, and the slider ended one stop off.
    start_run()


def _page() -> str | None:
    """The page this run draws (Streamlit's hash of its script), None outside a run."""
    ctx = get_script_run_ctx()
    return None if ctx is None else ctx.page_script_hash


def keep_undrawn() -> None:
    """Keep every ``dl_`` value whose widget this run did not draw (Streamlit drops those at
    the end of the run): re-assigning a value marks it as the app's own.

    Only keys not drawn: a drawn widget keeps its value anyway, and re-assigning it before it
    is drawn sent the value to the browser with the run, over a newer one the user may have
    set meanwhile. After it is drawn Streamlit refuses the assignment, which is how a drawn
    key is told apart here (whether or not it went through :func:`default`).
    """
    share = _share()
    share.seen = {}
    share.page = _page()
    for key in list(st.session_state):
        if isinstance(key, str) and key.startswith(PREFIX):
            share.seen[key] = st.session_state[key]
            try:
                st.session_state[key] = st.session_state[key]
            except StreamlitAPIException:
                pass  # drawn in this run: Streamlit keeps it


def start_run() -> None:
    """Forget the keys drawn by the last run; make room for the link at the top of the sidebar
    and, on the first run of a link, for its notices at the top of the page."""
    share = _share()
    share.drawn = {}
    share.finished = False
    share.link_slot = st.sidebar.empty()
    share.notice_box = None
    share.notes = []
    share.note_box = st.empty()  # empty unless a control changes a value the user did not set
    if share.restoring and share.pending:
        # The first run of a link: its notices go here, at the top of the page.
        share.notice_box = st.empty()
        _show_notices(share)


def default(
    key: str,
    value: Any,
    *,
    kind: str | None = None,
    options=None,
    low: float | None = None,
    high: float | None = None,
    step: int | None = None,
    max_count: int | None = None,
    max_length: int | None = None,
    check: Callable[[str], Any] | None = None,
    format_func: Callable[[Any], str] | None = None,
) -> Any:
    """Seed the control ``key`` before its widget is drawn, and return its current value.

    The value is, in order: the link's value for the control (first run of a session only,
    made valid by the keyword arguments, see :class:`ui.url_values.Validity`), the value the
    user already chose, or ``value``. ``value`` may be a function of no arguments, called only
    when its result is needed (a default that costs a computation).

    Parameters
    ----------
    key : str
        The widget's key (``dl_...``); its query parameter is the key without the prefix.
    value : Any or callable
        The default.
    kind : str, optional
        ``'float'``, ``'int'``, ``'bool'``, ``'str'`` or ``'list'``; by default the type of
        ``value``.
    options : sequence, optional
        The values a selectbox, select_slider or multiselect offers.
    low, high : float, optional
        A slider's or number input's range.
    step : int, optional
        An integer slider's step (a value off the grid snaps to it).
    max_count, max_length : int, optional
        A multiselect's ``max_selections``; a text input's ``max_chars``.
    check : callable, optional
        ``check(text)`` raises for a text the app cannot use.
    format_func : callable, optional
        How a notice names a value.
    """
    share = _share()
    share.drawn[key] = None
    raw = share.pending.pop(key, None) if share.restoring else None
    if raw is not None:
        fallback = st.session_state[key] if key in st.session_state else _value(value)
        validity = url_values.Validity(
            kind or url_values.kind_of(fallback),
            None if options is None else tuple(options),
            low,
            high,
            step,
            max_count,
            max_length,
            check,
            format_func,
        )
        chosen, notice = url_values.parse(key[len(PREFIX) :], raw, fallback, validity)
        st.session_state[key] = chosen
        if notice:
            _notice(share, notice)
    elif key not in st.session_state:
        st.session_state[key] = _value(value)
    return st.session_state[key]


def peek(key: str, fallback: float) -> float:
    """A number control's value before its widget is drawn: the user's, the link's, or
    ``fallback`` (the link's text is only read here; :func:`default` checks it)."""
    if key in st.session_state:
        return st.session_state[key]
    share = _share()
    raw = share.pending.get(key) if share.restoring else None
    if raw is not None:
        try:
            number = float(raw)
        except ValueError:
            return fallback
        if math.isfinite(number):
            return number
    return fallback


def set_value(key: str, value: Any) -> None:
    """Set a control's value from a callback (before its widget is drawn in the next run)."""
    st.session_state[key] = value
    # The app's own change, not one the browser sent: :func:`persist` keeps it.
    _share().seen[key] = value


def note(text: str) -> None:
    """Tell the user, at the top of the page, about a value the app changed for them this run
    (for instance a learning rate that followed the surface); one line each."""
    share = _share()
    share.notes.append(text)
    if share.note_box is not None:
        share.note_box.info("  \n".join(share.notes[:MAX_NOTICES]), icon=":material/sync:")


def notes() -> list[str]:
    """This run's notes so far (what :func:`note` showed)."""
    return list(_share().notes)


def url_params() -> dict[str, str]:
    """The query parameters of the controls drawn in this run so far, as compact text."""
    share = _share()
    return {
        key[len(PREFIX) :]: url_values.encode(st.session_state[key])
        for key in share.drawn
        if st.session_state.get(key) is not None
    }


def finish_run() -> bool:
    """After the page has drawn: report the link's unused values, then put the controls drawn in
    this run into the URL (only when that changes it: each change is a browser history entry).

    Runs once per run however often it is called (a page and app.py both call it); returns
    whether this call did it.
    """
    share = _share()
    if share.finished:
        return False
    share.finished = True
    keep_undrawn()
    if share.restoring:
        for key in share.pending:
            name = url_values.quote(key[len(PREFIX) :], as_repr=False)
            _notice(share, f"ignored {name}: nothing on this page uses it")
        share.pending = {}
        share.restoring = False
        if share.notices and share.notice_box is None:  # no room made at the top: show here
            share.notice_box = st.empty()
            _show_notices(share)
        share.notices = []
        share.notice_box = None
    wanted = url_params()
    shown = {key: st.query_params.get_all(key) for key in st.query_params}
    if shown != {key: [text] for key, text in wanted.items()}:
        st.query_params.from_dict(wanted)
    return True


def link_slot():
    """Where this run shows its link: a placeholder at the top of the sidebar (None before
    :func:`start_run`)."""
    return _share().link_slot


def _share() -> _Share:
    share = st.session_state.get(SHARE_KEY)
    if share is None:
        pending = {PREFIX + name: st.query_params[name] for name in st.query_params}
        share = _Share(pending=pending)
        st.session_state[SHARE_KEY] = share
    return share


def _same(a: Any, b: Any) -> bool:
    """Whether two control values are equal (NaN equals NaN; arrays compare whole)."""
    try:
        return bool(a == b) or (a != a and b != b)  # only NaN differs from itself
    except (TypeError, ValueError):
        return a is b


def _value(value: Any) -> Any:
    return value() if callable(value) else value


def _notice(share: _Share, text: str) -> None:
    share.notices.append(text)
    _show_notices(share)


def _show_notices(share: _Share) -> None:
    if share.notice_box is None or not share.notices:
        return
    lines = share.notices[:MAX_NOTICES]
    if len(share.notices) > MAX_NOTICES:
        lines.append(f"… and {len(share.notices) - MAX_NOTICES} more")
    share.notice_box.warning(
        "**This link held settings that could not be used as they were:**\n"
        + "\n".join(f"- {line}" for line in lines),
        icon=":material/link_off:",
    )
