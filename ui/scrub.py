"""Scrub the learning rate: the Playground's chart of every stop's run, switched in the browser.

The runs are computed once per setting other than η (:func:`optimizers.paths.lr_paths`, one
NumPy batch) and drawn in one figure whose Plotly slider swaps them client-side
(:mod:`viz.scrub`). A components-v2 module (``ui/components/scrub_release.js``) hears the
slider's release and sets the app's learning rate, so the status line, the URL and the rest of
the page follow.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

import streamlit as st

import optimizers
from ui import compute
from ui.controls import LR_OPTIONS, snap_lr
from ui.state import default, set_value
from viz.dict_figure import DictFigure, encode_arrays

# viz.scrub and optimizers.paths are imported where a scrub is drawn: the Playground shows
# the toggle on every run, and a cold server's first chart need not load them.
TOGGLE_KEY = "dl_scrub"
#: The release listener's key in session state (not a ``dl_`` control: it is not in the URL).
RELEASE_KEY = "_dl_scrub_release"
_RELEASE = st.components.v2.component(
    "descent_lab_scrub_release",
    js=(Path(__file__).parent / "components" / "scrub_release.js").read_text(encoding="utf-8"),
    # It draws nothing: out of the page's flow, so it leaves no gap under the chart.
    css=f".st-key-{RELEASE_KEY} {{ display: none; }}",
    isolate_styles=False,
)


def toggle() -> bool:
    """The switch between the animated run and the scrub (kept in the URL as ``scrub``)."""
    default(TOGGLE_KEY, False, kind="bool")
    return st.toggle(
        "Scrub the learning rate",
        key=TOGGLE_KEY,
        help="Every learning rate's run at once: drag the slider under the chart and the path, "
        "the loss and the verdict follow the thumb; let go and the app takes that rate.",
    )


def chart(settings: optimizers.RunSpec) -> None:
    """The scrub figure for ``settings`` and the listener that takes the released rate."""
    if settings.batch_size is not None or settings.noise > 0:
        st.info(
            "Scrubbing runs every learning rate with the exact gradient: switch to the full "
            "batch and set the gradient noise to 0 to use it."
        )
        return
    st.plotly_chart(figure(settings), key="scrub_chart", width="stretch", theme=None)
    _RELEASE(
        key=RELEASE_KEY,
        height=0,
        # The learning-rate slider's key (ui.controls.hyperparameter_controls).
        on_released_change=partial(
            _take_released_rate, f"dl_lr.{settings.surface}.{settings.optimizer}"
        ),
    )


@st.cache_data(max_entries=32, show_spinner=False)
def figure(settings: optimizers.RunSpec) -> DictFigure:
    """The scrub figure: the stops around 2/λmax, their runs, the current rate shown first."""
    from viz import scrub as viz_scrub

    stops, marks = stops_and_marks(settings)
    # Without its own learning rate and label: one batch serves every position of the thumb.
    paths = scrub_paths(replace(settings, hyperparameters=_without_lr(settings), label=""), stops)
    spec = viz_scrub.scrub_figure(
        compute.layers(settings.surface, settings.surface_params),
        compute.surface_of(settings),
        paths,
        active=stops.index(snap_lr(settings.lr)),
        marks=marks,
    )
    return DictFigure(encode_arrays(spec))


def stops_and_marks(settings: optimizers.RunSpec) -> tuple[tuple[float, ...], dict[str, float]]:
    """The scrub's learning rates, and 2/λmax and the best fixed step where they exist."""
    from viz import scrub as viz_scrub

    marks: dict[str, float] = {}
    try:
        curvature, _ = compute.reference_curvature(
            settings.surface, settings.surface_params, settings.x0
        )
    except (ValueError, TypeError):
        curvature = None
    if curvature is not None and curvature.gd_stability_limit is not None:
        marks = {"2/λmax": curvature.gd_stability_limit, "best": curvature.best_fixed_step}
    stops = viz_scrub.scrub_rates(
        LR_OPTIONS, snap_lr(settings.lr), marks.get("2/λmax"), marks.get("best")
    )
    return stops, marks


@st.cache_data(max_entries=16, show_spinner=False)
def scrub_paths(settings: optimizers.RunSpec, stops: tuple[float, ...]):
    """Every stop's run of ``settings`` (whose own learning rate is left out)."""
    from optimizers.paths import lr_paths

    optimizer = optimizers.get(
        settings.optimizer, **dict(settings.hyperparameters), **dict(settings.options)
    )
    return lr_paths(
        compute.surface_of(settings), optimizer, stops, settings.x0, settings.steps, settings.tol
    )


def _without_lr(settings: optimizers.RunSpec) -> tuple:
    return tuple((key, value) for key, value in settings.hyperparameters if key != "lr")


def _take_released_rate(lr_key: str) -> None:
    """``on_released_change``: the released stop becomes the learning-rate slider's value."""
    # The component's state in session state is a mapping of its trigger values.
    result = st.session_state.get(RELEASE_KEY) or {}
    value = result.get("released") if hasattr(result, "get") else None
    if isinstance(value, (int, float)) and value > 0:
        set_value(lr_key, snap_lr(float(value)))
