"""Each page at its defaults shows what its title promises (#11 item 6), checked against the
library: a fresh AppTest per page, the page's own numbers re-made independently."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import optimizers
import surfaces
from optimizers.numbers import format_number
from tests.helpers import assert_readable_numbers, assert_shows, decode

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_page(page: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=90)
    app.switch_page(page)
    app.run()
    assert not app.exception
    return app


def bowl(app: AppTest) -> surfaces.Surface:
    assert app.session_state["dl_surface"] == "quadratic"
    return surfaces.get(
        "quadratic",
        condition_number=app.session_state["dl_surface.quadratic.condition_number"],
        angle=app.session_state["dl_surface.quadratic.angle"],
    )


def start(app: AppTest) -> tuple[float, float]:
    return (app.session_state["dl_start.quadratic.x"], app.session_state["dl_start.quadratic.y"])


def test_playground_story_gradient_descent_reaches_the_minimum():
    """'One optimizer on one surface': at the defaults the run converges (no red first view)."""
    app = open_page("app_pages/playground.py")
    surface = bowl(app)
    lr = app.session_state["dl_lr.quadratic.gd"]
    limit = 2 / surfaces.curvature(surface, (0, 0)).lambda_max
    assert 0 < lr < limit
    run = optimizers.run(
        surface,
        optimizers.get("gd", lr=lr),
        x0=start(app),
        steps=app.session_state["dl_steps"],
        tol=app.session_state["dl_tol"],
    )
    assert run.status == "converged"
    (line,) = app.success
    assert line.value.startswith(f"Converged in {run.steps} steps")
    assert f"Final loss **{format_number(run.final_loss)}**" in line.value


def test_race_story_momentum_rules_beat_plain_gradient_descent():
    """Each racer at a learning rate that suits it: heavy ball and Nesterov (at the theory's
    pair for this κ) reach the tolerance in fewer steps than GD at its best fixed step, and
    Adam is not handicapped (it ends within 10⁻³ of the minimizer)."""
    app = open_page("app_pages/race.py")
    surface = bowl(app)
    steps = app.session_state["dl_steps"]
    runs = {}
    for name in ("gd", "momentum", "nesterov", "adam"):
        hyper = {"lr": app.session_state[f"dl_race_lr.quadratic.{name}"]}
        for spec in optimizers.hyperparameters(name):
            key = f"dl_race_hp.{name}.{spec.name}"
            if spec.name not in ("lr", "eps") and key in app.session_state:
                hyper[spec.name] = app.session_state[key]
        runs[name] = optimizers.run(
            surface,
            optimizers.get(name, **hyper),
            x0=start(app),
            steps=steps,
            tol=app.session_state["dl_tol"],
        )
    assert all(run.status == "converged" for name, run in runs.items() if name != "adam")
    assert runs["momentum"].steps < runs["gd"].steps
    assert runs["nesterov"].steps < runs["gd"].steps
    assert np.hypot(*runs["adam"].final_point) < 1e-3
    # The table says the same, in words (never "None").
    table = app.dataframe[0].value
    assert "None" not in table.to_string()
    rows = dict(zip(table["Optimizer"], table["Steps to tolerance"], strict=True))
    assert sorted(rows.values()).count("not reached") <= 1


def test_phase_story_the_marked_point_converges_and_just_right_is_converged():
    app = open_page("app_pages/phase.py")
    surface = bowl(app)
    name = app.session_state["dl_phase.optimizer"]
    assert name == "momentum"
    lr = app.session_state["dl_lr.quadratic.momentum"]
    beta = app.session_state["dl_hp.momentum.momentum"]
    run = optimizers.run(
        surface,
        optimizers.get("momentum", lr=lr, momentum=beta),
        x0=start(app),
        steps=app.session_state["dl_steps"],
        tol=app.session_state["dl_tol"],
    )
    assert run.status == "converged"
    # "just right" sits over an η whose run converged (the slice at the current β).
    for chart in app.get("plotly_chart"):
        figure = json.loads(chart.proto.spec)
        for note in figure["layout"].get("annotations", []):
            if note.get("text") == "just right":
                right = 10 ** note["x"]
                check = optimizers.run(
                    surface,
                    optimizers.get("momentum", lr=right, momentum=beta),
                    x0=start(app),
                    steps=app.session_state["dl_steps"],
                    tol=app.session_state["dl_tol"],
                )
                assert check.status == "converged", right
                break
        else:
            continue
        break
    else:
        pytest.fail("no 'just right' label on the phase page at its defaults")


def test_just_right_is_not_printed_when_nothing_converges():
    from viz.phase import _region_labels

    lrs = np.geomspace(1e-3, 1, 5)
    none = np.zeros(5, dtype=bool)
    labels = _region_labels(lrs, np.full(5, -1), np.ones(5), none, none, None, -3.0, 0.0)
    assert "just right" not in [label["text"] for label in labels]
    converged = np.array([False, True, True, False, False])
    steps = np.array([-1, 40, 12, -1, -1])
    labels = _region_labels(lrs, steps, np.ones(5), converged, none, None, -3.0, 0.0)
    (right,) = [label for label in labels if label["text"] == "just right"]
    assert math.isclose(10 ** right["x"], lrs[2])


def test_rates_story_the_split_matches_the_factors():
    """'Convergence rates': the eigen-split's dashed lines are (1 − ηλᵢ)ᵗ at the current η."""
    app = open_page("app_pages/rates.py")
    lr = app.session_state["dl_lr.quadratic.gd"]
    for chart in app.get("plotly_chart"):
        figure = json.loads(chart.proto.spec)
        meta = figure["layout"].get("meta") or {}
        if "eigenvalues" in meta:
            theory = [figure["data"][i] for i in meta["traces"]["theory"]]
            for trace, lam in zip(theory, meta["eigenvalues"], strict=True):
                y = decode(trace["y"])
                np.testing.assert_allclose(y[1:] / y[:-1], abs(1 - lr * lam), rtol=1e-9)
            return
    pytest.fail("no eigen-split chart")


def test_custom_formula_story_the_run_reaches_the_deepest_starred_minimum():
    """Custom formula at its defaults: the run ends at the lowest of the starred minima, and the
    status line says so; with the old window (extent 3) it ends in the shallower well and the
    status line says that too. Checked against runs of the library from the page's settings."""
    from viz.minima import shown_minima

    app = open_page("app_pages/playground.py")
    app.selectbox(key="dl_surface").set_value("custom").run()
    assert not app.exception

    def check(app):
        state = app.session_state
        surface = surfaces.get(
            "custom",
            formula=state["dl_surface.custom.formula"],
            extent=state["dl_surface.custom.extent"],
        )
        run = optimizers.run(
            surface,
            optimizers.get("gd", lr=state["dl_lr.custom.gd"]),
            x0=(state["dl_start.custom.x"], state["dl_start.custom.y"]),
            steps=state["dl_steps"],
            tol=state["dl_tol"],
        )
        assert run.status == "converged"
        starred = shown_minima(surface)
        values = surface.value(starred[:, 0], starred[:, 1])
        nearest = int(np.argmin(np.hypot(*(starred - run.final_point).T)))
        assert np.hypot(*(starred[nearest] - run.final_point)) < 1e-5
        (line,) = app.success
        assert_readable_numbers(line.value)
        return line.value, nearest == int(np.argmin(values)), values

    text, deepest, values = check(app)
    assert len(values) == 2 and deepest
    assert "it ended at the lowest of the 2 starred minima" in text
    # About the old defaults (extent 3, start (−2.4, 2.4), η = 0.0772): gradient descent jumps
    # the quartic wall into the shallower well.
    app.select_slider(key="dl_surface.custom.extent").set_value(3.16).run()
    app.number_input(key="dl_start.custom.x").set_value(-2.4)
    app.number_input(key="dl_start.custom.y").set_value(2.4)
    app.select_slider(key="dl_lr.custom.gd").set_value(0.0772).run()
    assert not app.exception
    text, deepest, values = check(app)
    assert not deepest
    assert_shows(text, max(values), "it ended in a local minimum (f = ")
    assert_shows(text, min(values), "with f = ")


def test_the_status_line_names_a_tie_between_equally_low_minima():
    """Himmelblau's four minima all have f = 0: a run that reaches one is at 'one of the 4
    lowest', not 'the lowest'."""
    app = open_page("app_pages/playground.py")
    app.selectbox(key="dl_surface").set_value("himmelblau").run()
    assert not app.exception
    surface = surfaces.get("himmelblau")
    values = [surface.value(*m) for m in surface.minima]
    assert len(values) == 4 and max(values) < 1e-12
    (line,) = [*app.success, *app.info]  # converged or still moving at the minimum
    assert "it ended at one of the 4 lowest starred minima (all at f = 0)" in line.value
