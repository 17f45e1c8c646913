"""AppTest of the Phase diagram page: the map is the library's sweep, the lines are the theory."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import optimizers
import surfaces
from optimizers import RunSpec
from tests.helpers import decode
from ui import phase as phase_controls
from ui.controls import snap_lr
from viz import phase

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "app_pages/phase.py"


@pytest.fixture
def at() -> AppTest:
    # Straight to the page: after a run of another page, AppTest's switch_page brings the
    # widgets both pages share (the surface's sliders) back at their minimum.
    app = AppTest.from_file(APP, default_timeout=60)
    app.switch_page(PAGE)
    app.run()
    assert not app.exception
    return app


def figures(app: AppTest) -> dict[str, dict]:
    """The page's charts by their Streamlit key (map, run, slice)."""
    shown = {}
    for chart in app.get("plotly_chart"):
        figure = json.loads(chart.proto.spec)
        title = figure["layout"]["title"]["text"]
        role = "map" if title.startswith("Steps") else "run" if title.startswith("Run") else "slice"
        shown[role] = figure
    return shown


def role(figure: dict, name: str) -> dict:
    return figure["data"][figure["layout"]["meta"]["traces"][name]]


def shown_surface(app: AppTest) -> surfaces.Surface:
    name = app.selectbox(key="dl_surface").value
    params = {
        spec.name: app.session_state[f"dl_surface.{name}.{spec.name}"]
        for spec in surfaces.parameters(name)
    }
    return surfaces.get(name, **params)


def shown_settings(app: AppTest) -> dict:
    name = app.selectbox(key="dl_surface").value
    return {
        "x0": (
            app.number_input(key=f"dl_start.{name}.x").value,
            app.number_input(key=f"dl_start.{name}.y").value,
        ),
        "steps": app.slider(key="dl_steps").value,
        "tol": app.select_slider(key="dl_tol").value,
    }


def map_grid(figure: dict):
    steps = role(figure, "steps")
    return decode(steps["x"]), decode(steps["y"]), decode(steps["z"])


def test_default_map_is_the_sweep_of_the_library(at):
    shown = figures(at)
    assert set(shown) == {"map", "run", "slice"}
    lrs, betas, z = map_grid(shown["map"])
    assert z.shape == (betas.size, lrs.size) == (100, 120)
    surface = shown_surface(at)
    result = optimizers.sweep(
        surface, "momentum", **shown_settings(at), lr=lrs[None, :], momentum=betas[:, None]
    )
    converged = (result.steps_to_converge >= 0) & ~result.diverged
    assert converged.any() and result.diverged.any() and (~converged & ~result.diverged).any()
    np.testing.assert_array_equal(np.where(converged, result.steps_to_converge, np.nan), z)
    outcome = decode(role(shown["map"], "outcome")["z"])
    np.testing.assert_array_equal(outcome == 2, result.diverged)
    # Every sweep outcome gets its colour: still moving 1, bouncing 3, stopped/undefined 4.
    painted = {"converged": 0, "max_steps": 1, "diverged": 2, "bouncing": 3}
    expected = np.vectorize(lambda status: painted.get(status, 4))(result.statuses)
    np.testing.assert_array_equal(outcome, expected)
    assert role(shown["map"], "legend_diverged")["name"] == "diverged"
    assert role(shown["map"], "legend_diverged")["marker"]["color"] == phase.DIVERGED_COLOR


def test_boundaries_are_the_theory_on_the_quadratic(at):
    figure = figures(at)["map"]
    surface = shown_surface(at)
    lam_min, lam_max = surfaces.curvature(surface, (0.0, 0.0)).eigenvalues
    limit = role(figure, "limit")
    betas = decode(limit["y"])
    np.testing.assert_allclose(decode(limit["x"]), 2 * (1 + betas) / lam_max, rtol=1e-12)
    np.testing.assert_allclose(decode(role(figure, "gd_limit")["x"]), 2 / lam_max, rtol=1e-12)
    optimum = role(figure, "optimum")
    kappa = lam_max / lam_min
    assert optimum["x"][0] == pytest.approx((2 / (np.sqrt(lam_max) + np.sqrt(lam_min))) ** 2)
    assert optimum["y"][0] == pytest.approx(((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2)
    # Row by row, no cell past the heavy-ball limit converges and no cell below it diverges;
    # well past it (1.5×) the swings grow fast enough to leave the plot within the budget.
    # Just past it a run may still be moving when the budget ends: growing slowly is not yet
    # "diverged" (only leaving every bounded region is).
    lrs, grid_betas, _ = map_grid(figure)
    outcome = decode(role(figure, "outcome")["z"])
    for row, beta in enumerate(grid_betas):
        edge = 2 * (1 + beta) / lam_max
        assert not np.any(outcome[row, lrs > edge * 1.01] == 0), beta
        assert np.all(outcome[row, lrs > edge * 1.5] == 2), beta
        assert not np.any(outcome[row, lrs < edge * 0.99] == 2), beta


def test_current_setting_is_marked_on_map_and_slice(at):
    shown = figures(at)
    lr = at.select_slider(key="dl_lr.quadratic.momentum").value
    beta = at.slider(key="dl_hp.momentum.momentum").value
    current = role(shown["map"], "current")
    assert (current["x"][0], current["y"][0]) == (lr, beta)
    assert shown["slice"]["layout"]["meta"]["lines"]["current"] == lr
    limit = shown["slice"]["layout"]["meta"]["lines"]["limit"]
    assert limit == pytest.approx(2 * (1 + beta) / 10.0)


def test_slice_is_the_sweep_at_the_current_momentum(at):
    at.slider(key="dl_hp.momentum.momentum").set_value(0.5).run()
    assert not at.exception
    figure = figures(at)["slice"]
    assert "β = 0.50" in figure["layout"]["title"]["text"]
    converged = role(figure, "converged")
    lrs = decode(converged["x"]).astype(float)
    steps = decode(converged["y"])
    assert lrs.size > 10
    result = optimizers.sweep(
        shown_surface(at),
        "momentum",
        **shown_settings(at),
        lr=np.array([snap_lr(v) for v in lrs]),
        momentum=0.5,
    )
    np.testing.assert_array_equal(result.steps_to_converge, steps)


@pytest.mark.parametrize(
    ("change", "check"),
    [
        ("optimizer", "nesterov"),
        ("momentum", 0.3),
        ("surface", "rosenbrock"),
    ],
)
def test_changing_a_control_changes_the_figures(at, change, check):
    before = figures(at)
    if change == "optimizer":
        at.selectbox(key="dl_phase.optimizer").set_value(check).run()
    elif change == "momentum":
        at.slider(key="dl_hp.momentum.momentum").set_value(check).run()
    else:
        at.selectbox(key="dl_surface").set_value(check).run()
    assert not at.exception
    after = figures(at)
    assert after["slice"] != before["slice"]
    assert after["map"] != before["map"]
    if change == "optimizer":
        limit = role(after["map"], "limit")
        betas = decode(limit["y"])
        np.testing.assert_allclose(decode(limit["x"]), 2 * (1 + betas) / ((1 + 2 * betas) * 10.0))
        assert betas[0] == pytest.approx(0.01)  # Nesterov needs β > 0
        assert "optimum" not in after["map"]["layout"]["meta"]["traces"]
    elif change == "momentum":
        assert role(after["map"], "current")["y"][0] == check
        # The map itself does not depend on the current β: only its marker moved.
        np.testing.assert_array_equal(map_grid(after["map"])[2], map_grid(before["map"])[2])
    else:
        roles = after["map"]["layout"]["meta"]["traces"]
        assert "limit" not in roles and "optimum" not in roles  # not a quadratic


@pytest.mark.parametrize(("name", "y_name"), [("adam", "b1"), ("rmsprop", "rho")])
def test_adaptive_rules_map_their_own_hyperparameter(at, name, y_name):
    at.selectbox(key="dl_phase.optimizer").set_value(name).run()
    assert not at.exception
    figure = figures(at)["map"]
    lrs, ys, z = map_grid(figure)
    assert figure["layout"]["yaxis"]["title"]["text"] == phase.Y_LABELS[y_name]
    lr = at.select_slider(key=f"dl_lr.quadratic.{name}").value
    hyper = {
        spec.name: at.slider(key=f"dl_hp.{name}.{spec.name}").value
        for spec in optimizers.hyperparameters(name)
        if spec.name not in ("lr", "eps")
    }
    del hyper[y_name]
    result = optimizers.sweep(
        shown_surface(at),
        name,
        **shown_settings(at),
        lr=lrs[None, :],
        **{y_name: ys[:, None]},
        **hyper,
    )
    converged = (result.steps_to_converge >= 0) & ~result.diverged
    np.testing.assert_array_equal(np.where(converged, result.steps_to_converge, np.nan), z)
    assert role(figure, "current")["x"][0] == lr


def test_gradient_descent_gets_the_slice_only(at):
    at.selectbox(key="dl_phase.optimizer").set_value("gd").run()
    assert not at.exception
    shown = figures(at)
    assert set(shown) == {"run", "slice"}
    lines = shown["slice"]["layout"]["meta"]["lines"]
    assert lines["limit"] == pytest.approx(2 / 10.0)
    assert lines["best"] == pytest.approx(2 / 11.0)
    slice_figure = shown["slice"]
    diverged = decode(role(slice_figure, "diverged")["x"])
    assert diverged.size and np.all(diverged > 2 / 10.0 * 0.99)


def test_a_click_sets_the_shared_keys_and_the_run(at):
    before = figures(at)
    lrs, betas, z = map_grid(before["map"])
    row, column = np.argwhere(np.isfinite(z))[len(np.argwhere(np.isfinite(z))) // 2]
    lr, beta = float(lrs[column]), float(betas[row])
    settings = RunSpec("quadratic", (), "momentum", ())
    event = {
        "selection": {
            "points": [
                {"x": float(np.float32(lr)), "y": float(np.float32(beta)), "curve_number": 5}
            ]
        }
    }
    at.session_state["dl_optimizer"] = "gd"
    assert phase_controls.apply_click(at.session_state, event, settings)
    at.run()
    assert not at.exception
    assert at.select_slider(key="dl_lr.quadratic.momentum").value == lr
    assert at.slider(key="dl_hp.momentum.momentum").value == beta
    assert at.session_state["dl_optimizer"] == "momentum"  # the Playground follows
    after = figures(at)
    assert role(after["map"], "current")["x"][0] == lr
    assert after["run"] != before["run"]
    assert after["run"]["layout"]["title"]["text"] == f"Run at η = {lr:.3g}, β = {beta:.3g}"
    # The run shown is the cell's run: it converged in the cell's number of steps.
    status = at.success[0].value
    assert f"Converged in {int(z[row, column])} steps" in status


def test_apply_click_snaps_and_clamps():
    settings = RunSpec("quadratic", (), "nesterov", ())
    state: dict = {}
    event = {"selection": {"points": [{"x": 0.01234, "y": 0.0012}]}}
    assert phase_controls.apply_click(state, event, settings)
    assert state["dl_lr.quadratic.nesterov"] == snap_lr(0.01234)
    assert state["dl_hp.nesterov.momentum"] == 0.01  # Nesterov's β stays > 0
    assert state["dl_optimizer"] == "nesterov"
    state = {}
    assert phase_controls.apply_click(state, event, settings, use_y=False)
    assert "dl_hp.nesterov.momentum" not in state
    for empty in (
        None,
        {},
        {"selection": {"points": []}},
        {"selection": {"points": [{"x": None, "y": 0.5}]}},
    ):
        assert not phase_controls.apply_click(state := {}, empty, settings)
        assert state == {}


def test_a_surface_that_cannot_be_built_shows_a_message(at):
    at.selectbox(key="dl_surface").set_value("custom").run()
    at.text_input(key="dl_surface.custom.formula").set_value("x +* y").run()
    assert not at.exception
    assert at.error, "expected an error message instead of a traceback"
