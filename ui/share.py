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
        with st.popover("Link to this view", icon=":material/link:", width="stretch"):
            st.code(view_url(state.url_params()), language=None, wrap_lines=True)
            st.caption(
                "Copy it with the button at its top right: it opens this page with every "
                "setting, seeds included, for anyone who has the app's address."
            )
