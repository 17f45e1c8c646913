"""The page icon: the ⛰️ Streamlit would draw, handed over as an ASCII data URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import streamlit as st
from streamlit.commands.page_config import _get_favicon_string

from ui import favicon


def test_page_icon_is_an_ascii_data_url_of_the_emoji_svg():
    assert favicon.PAGE_ICON.isascii()  # Streamlit opens its emoji catalog for any non-ASCII
    prefix = "data:image/svg+xml,"
    assert favicon.PAGE_ICON.startswith(prefix)
    assert unquote(favicon.PAGE_ICON[len(prefix) :]) == favicon.SVG
    assert favicon.EMOJI in favicon.SVG


def test_streamlit_passes_the_icon_through_unchanged():
    assert _get_favicon_string(favicon.PAGE_ICON) == favicon.PAGE_ICON
    # ... where the emoji itself goes to the frontend as "emoji:⛰️" to be drawn there.
    assert _get_favicon_string(favicon.EMOJI) == f"emoji:{favicon.EMOJI}"


def test_the_svg_is_the_one_streamlits_frontend_draws_for_an_emoji():
    # The frontend's template for an "emoji:" favicon, with the emoji where `${e}` is.
    template = favicon.SVG.replace(favicon.EMOJI, "${e}")
    bundles = (Path(st.__file__).parent / "static" / "static" / "js").glob("index.*.js")
    assert any(f"data:image/svg+xml,{template}" in path.read_text("utf-8") for path in bundles)
