"""The run follows the surface: a learning rate nobody set takes the new surface's suggestion,
one the user set keeps its fraction of 2/λmax (past the limit stays past it), with a notice."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import optimizers
import surfaces
from ui.controls import FOLLOW_KEY, snap_lr

APP = str(Path(__file__).resolve().parents[1] / "app.py")
KAPPA = "dl_surface.quadratic.condition_number"
LR = "dl_lr.quadratic.gd"


@pytest.fixture
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception
    return app


def shown_run(app: AppTest, name: str, optimizer: str = "gd") -> optimizers.Trajectory:
    """The Playground's run re-made with the library from the session's values."""
    params = {
        spec.name: app.session_state[f"dl_surface.{name}.{spec.name}"]
        for spec in surfaces.parameters(name)
    }
    surface = surfaces.get(name, **params)
    x0 = (app.session_state[f"dl_start.{name}.x"], app.session_state[f"dl_start.{name}.y"])
    lr = app.session_state[f"dl_lr.{name}.{optimizer}"]
    steps = app.session_state["dl_steps"]
    return optimizers.run(surface, optimizers.get(optimizer, lr=lr), x0=x0, steps=steps)


def notes(app: AppTest) -> str:
    return " ".join(info.value for info in app.info)


def test_untouched_learning_rate_takes_the_new_surface_suggestion(at):
    assert shown_run(at, "quadratic").status == "converged"
    at.select_slider(key=KAPPA).set_value(100.0).run()
    assert not at.exception
    lr = at.session_state[LR]
    # κ = 100 with λmin = 1: the limit is 2/100, the best fixed step 2/101 (snapped down).
    assert lr <= 2 / 101 < 0.02
    text = notes(at)
    assert "Learning rate" in text and "because the surface changed" in text
    run = shown_run(at, "quadratic")
    assert run.status != "diverged"
    # 200 steps are too few at rate 99/101: the notice says so, with the number of steps.
    assert run.status == "max_steps"
    assert "raise Steps" in text
    at.slider(key="dl_steps").set_value(2000).run()
    assert shown_run(at, "quadratic").status == "converged"


def test_a_learning_rate_set_past_the_limit_stays_past_it(at):
    at.select_slider(key=LR).set_value(snap_lr(0.25)).run()  # 1.25 × 2/λmax at κ = 10
    assert shown_run(at, "quadratic").status == "diverged"
    at.select_slider(key=KAPPA).set_value(100.0).run()
    lr = at.session_state[LR]
    assert lr == snap_lr(0.25 / 0.2 * 0.02)  # still 1.25 × 2/λmax, now of 0.02
    assert lr > 0.02
    assert "× the stability limit" in notes(at)
    assert shown_run(at, "quadratic").status == "diverged"


def test_a_learning_rate_set_inside_the_limit_keeps_its_fraction(at):
    at.select_slider(key=LR).set_value(snap_lr(0.1)).run()  # half of 2/λmax = 0.2
    at.select_slider(key=KAPPA).set_value(100.0).run()
    assert at.session_state[LR] == snap_lr(0.01)
    at.select_slider(key=KAPPA).set_value(100.0).run()  # no change: no note, no move
    assert at.session_state[LR] == snap_lr(0.01)
    assert "because the surface changed" not in notes(at)


@pytest.mark.parametrize("formula", [None, "x**2 + 10*y**2"])
def test_custom_formula_does_not_diverge_at_its_default_learning_rate(at, formula):
    at.selectbox(key="dl_surface").set_value("custom").run()
    if formula is not None:
        at.text_input(key="dl_surface.custom.formula").set_value(formula).run()
        assert "because the surface changed" in notes(at)
    assert not at.exception
    assert shown_run(at, "custom").status != "diverged"


def test_a_stale_value_echoed_by_the_browser_does_not_undo_the_follow(at):
    # Quick key presses interrupt runs: the browser may send the learning rate it last saw
    # (the old one) with the next rerun. That echo must not count as the user's choice.
    at.select_slider(key=KAPPA).set_value(100.0).run()
    followed = at.session_state[LR]
    assert followed <= 2 / 101
    old = snap_lr(0.178)
    at.session_state[LR] = old  # the echo, with the same κ
    at.run()
    assert at.session_state[LR] == followed
    at.session_state[LR] = old  # the echo, together with a further κ change
    at.select_slider(key=KAPPA).set_value(112.0).run()
    assert at.session_state[LR] <= 2 / 113
    assert shown_run(at, "quadratic").status != "diverged"


def test_a_kept_fraction_does_not_drift_over_many_surface_changes(at):
    # The fraction is the one the user set, not re-derived from each snapped value: after many
    # κ steps the rate is exactly that fraction of the last limit, snapped once.
    at.select_slider(key=LR).set_value(snap_lr(0.1)).run()  # 0.1/0.2 = half of 2/λmax
    fraction = snap_lr(0.1) / 0.2
    for kappa in (11.2, 12.6, 14.1, 15.8, 17.8, 20.0, 22.4, 25.1, 28.2, 31.6, 100.0):
        at.select_slider(key=KAPPA).set_value(kappa).run()
        assert at.session_state[LR] == snap_lr(fraction * 2 / kappa)


def test_an_overlapping_run_that_stored_an_older_state_leaves_no_stale_rate(at):
    # Runs cut short by quick presses may overlap: an older run can store what it saw after a
    # newer one did, and the browser may send any rate it was shown since. The next run still
    # ends on the suggestion for the surface it draws.
    shown, stale = [], None
    for kappa in (12.6, 15.8, 100.0):
        at.select_slider(key=KAPPA).set_value(kappa).run()
        shown.append(at.session_state[LR])
        stale = stale or at.session_state[FOLLOW_KEY][LR]  # what the κ = 12.6 run stored
    at.session_state[FOLLOW_KEY][LR] = stale  # the older run's state, stored last
    at.session_state[LR] = shown[1]  # and the browser's echo of a later follow (κ = 15.8)
    at.select_slider(key=KAPPA).set_value(112.0)
    at.run()
    assert not at.exception
    assert at.session_state[LR] <= 2 / 113
    assert shown_run(at, "quadratic").status != "diverged"
