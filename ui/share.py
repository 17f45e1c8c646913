"""The end of every run: the URL takes this view's settings, and the sidebar offers the link."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from ui import state


def view_url(params: dict[str, str]) -> str:
    """The address of this page with ``params``: ``st.context.url`` (scheme, host and page path,
    without a query) when the browser told it, else just the query (AppTest, bare mode)."""
    query = urlencode(params)
    base = st.context.url or ""
    return f"{base}?{query}" if query else base or "?"


def reserve() -> None:
    """Show "Link to this view" at once, with the address the browser has now.

    app.py calls it right after :func:`ui.state.persist`, which makes the sidebar's first slot
    empty for this run: left empty until :func:`finish` fills it at the end of the run
    (0.3–1.4 s later), the sidebar under it jumped up by the link's 56 px and back on every
    rerun, moving the control under the user's mouse. The same popover drawn here keeps its
    place; :func:`finish` then replaces it with this run's address.
    """
    slot = state.link_slot()
    if slot is None:
        return
    with slot.container():
        _link_popover(view_url(st.query_params.to_dict()))


def finish() -> None:
    """Write this run's controls into the URL and show "Link to this view" in the sidebar.

    app.py calls it after the page (a page about to call ``st.stop()`` may call it first);
    only the first call of a run does anything. A page stopped by ``st.stop()`` keeps the
    previous URL.
    """
    if not state.finish_run():
        return
    slot = state.link_slot()
    with slot.container() if slot is not None else st.sidebar:
        _link_popover(view_url(state.url_params()))


def _link_popover(url: str) -> None:
    with st.popover("Link to this view", icon=":material/link:", width="stretch"):
        st.code(url, language=None, wrap_lines=True)
        st.caption(
            "Copy it with the button at its top right: it opens this page with every "
            "setting, seeds included, for anyone who has the app's address."
        )
