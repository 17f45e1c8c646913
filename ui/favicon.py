"""The page's icon, ⛰️, as the image Streamlit would draw for the emoji.

Given the emoji itself, ``st.set_page_config`` checks it against Streamlit's emoji catalog,
whose first import compiles a large pattern: about 90 ms of a cold server's first run on a
quiet machine (1.0 s on a loaded one, cProfile), before anything reaches the page. For an
emoji the browser then draws an SVG holding the character (Streamlit's frontend, 1.67); this
module writes that same SVG as a data URL in plain ASCII, which Streamlit passes through
unchanged (no catalog, no image processing), so the tab shows the same icon, offline too.
"""

from __future__ import annotations

from urllib.parse import quote

EMOJI = "⛰️"
#: The SVG Streamlit's frontend builds for an emoji favicon, with :data:`EMOJI` in it.
SVG = (
    "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100'>"
    f"<text y='.9em' font-size='90'>{EMOJI}</text></svg>"
)
#: ``page_icon`` for ``st.set_page_config``: the SVG as a percent-encoded (ASCII) data URL.
PAGE_ICON = "data:image/svg+xml," + quote(SVG, safe="")
