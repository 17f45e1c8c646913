"""The Playground's downloads: the run as CSV and the animated figure as an offline HTML file.

Both are built only when their button is pressed (``st.download_button`` with a function as
``data``), so a rerun costs nothing; pressing one does not rerun the page. The chart's own
camera button (Plotly's modebar) still saves a PNG.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

import optimizers
from ui import compute
from viz.export import trajectory_csv


def file_stem(settings: optimizers.RunSpec) -> str:
    """``descent-lab-<surface>-<optimizer>-lr<η>``: a file name that says what is inside."""
    return f"descent-lab-{settings.surface}-{settings.optimizer}-lr{settings.lr:g}"


def downloads(settings: optimizers.RunSpec, trajectory, theory: bool = False) -> None:
    """Two download buttons side by side; ``theory`` as passed to :func:`compute.path_figure`."""
    stem = file_stem(settings)
    left, right = st.columns(2)
    left.download_button(
        "Trajectory (CSV)",
        data=partial(trajectory_csv, trajectory),
        file_name=f"{stem}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/table_view:",
        help="step, x, y, loss, gradient_norm, learning_rate (of the step from that point).",
        width="stretch",
    )
    right.download_button(
        "Animation (HTML, plays offline)",
        data=partial(compute.animation_html, (settings,), stem, theory),
        file_name=f"{stem}.html",
        mime="text/html",
        on_click="ignore",
        icon=":material/movie:",
        help="The figure above with plotly.js inside (about 5 MB): opens in any browser, "
        "no internet needed.",
        width="stretch",
    )
