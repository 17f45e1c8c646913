"""AppTest of the Convergence rates page and of the theory curve on the Playground."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import optimizers
import surfaces
from optimizers import theory
from optimizers.numbers import format_number
from tests.helpers import decode
from tests.helpers import figures as charts_in_order
from ui import rates
from ui.controls import snap_lr

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "app_pages/rates.py"


def open_app(page: str | None = PAGE) -> AppTest:
    # Straight to the page, as in the Phase diagram's tests: each test starts fresh.
    app = AppTest.from_file(APP, default_timeout=60)
    if page is not None:
        app.switch_page(page)
    app.run()
    assert not app.exception
    return app


@pytest.fixture
def at() -> AppTest:
    return open_app()


def figures(app: AppTest) -> dict[str, dict]:
    """The page's charts: 'eigen' (the run split by direction) and 'sweep' (steps against κ)."""
    shown = {}
    for chart in app.get("plotly_chart"):
        figure = json.loads(chart.proto.spec)
        title = figure["layout"]["title"]["text"]
        shown["sweep" if title.startswith("Steps") else "eigen"] = figure
    return shown


def traces(figure: dict, role: str) -> list[dict]:
    index = figure["layout"]["meta"]["traces"][role]
    if index is None:
        return []
    indices = index if isinstance(index, list) else [index]
    return [figure["data"][i] for i in indices if i is not None]


def shown_run(app: AppTest) -> tuple[surfaces.Surface, optimizers.Trajectory]:
    """The library's run of the settings the sidebar shows."""
    name = app.selectbox(key="dl_surface").value
    params = {
        spec.name: app.session_state[f"dl_surface.{name}.{spec.name}"]
        for spec in surfaces.parameters(name)
    }
    surface = surfaces.get(name, **params)
    rule = app.selectbox(key="dl_optimizer").value
    hyper = {"lr": app.session_state[f"dl_lr.{name}.{rule}"]}
    for spec in optimizers.hyperparameters(rule):
        key = f"dl_hp.{rule}.{spec.name}"
        if spec.name not in ("lr", "eps") and key in app.session_state:
            hyper[spec.name] = app.session_state[key]
    x0 = (
        app.number_input(key=f"dl_start.{name}.x").value,
        app.number_input(key=f"dl_start.{name}.y").value,
    )
    run = optimizers.run(
        surface,
        optimizers.get(rule, **hyper),
        x0=x0,
        steps=app.slider(key="dl_steps").value,
        tol=app.select_slider(key="dl_tol").value,
    )
    return surface, run


# ----- the Convergence rates page ---------------------------------------------------------------
def test_default_page_shows_both_charts_with_the_librarys_data(at):
    shown = figures(at)
    assert set(shown) == {"eigen", "sweep"}
    surface, run = shown_run(at)
    split = theory.eigen_split(surface, run)
    measured = traces(shown["eigen"], "measured")
    lines = traces(shown["eigen"], "theory")
    assert len(measured) == len(lines) == 2
    for i in range(2):
        assert np.array_equal(decode(measured[i]["y"]), split.errors[:, i])
        assert np.array_equal(decode(lines[i]["y"]), split.theory[:, i])
    # GD on the quadratic: the run is its theory (where a direction is above round-off).
    significant = split.theory > 1e-6 * np.hypot(*run.points.T)[:, None]
    assert np.allclose(split.errors[significant], split.theory[significant], rtol=1e-9)


def test_sweep_chart_is_the_computed_sweep(at):
    sweep = figures(at)["sweep"]
    data = theory.condition_sweep(
        rates.SWEEP_KAPPAS,
        rates.SWEEP_RULES,
        rates.SWEEP_START,
        rates.SWEEP_TOL,
        rates.SWEEP_MAX_STEPS,
    )
    for name, trace in zip(data.names, traces(sweep, "steps"), strict=True):
        assert np.array_equal(decode(trace["x"]), data.kappas)
        assert np.array_equal(decode(trace["y"]), data.row(name), equal_nan=True)
    assert np.array_equal(decode(traces(sweep, "kappa_law")[0]["y"]), data.law(1.0, "gd"))
    assert np.array_equal(decode(traces(sweep, "sqrt_law")[0]["y"]), data.law(0.5, "momentum"))
    kappa = at.session_state["dl_surface.quadratic.condition_number"]
    assert decode(traces(sweep, "current")[0]["x"]).tolist() == [kappa, kappa]
    captions = " ".join(caption.value for caption in at.caption)
    assert f"GD {data.slope('gd'):.2f}" in captions
    assert "ln" in " ".join(markdown.value for markdown in at.markdown)


def test_changing_the_learning_rate_changes_the_split(at):
    before = figures(at)["eigen"]
    lr = snap_lr(0.05)
    at.select_slider(key="dl_lr.quadratic.gd").set_value(lr).run()
    assert not at.exception
    after = figures(at)["eigen"]
    old = decode(traces(before, "measured")[0]["y"])
    new = decode(traces(after, "measured")[0]["y"])
    assert old.shape != new.shape or not np.array_equal(old, new)
    surface, run = shown_run(at)
    assert run.optimizer.lr == lr
    split = theory.eigen_split(surface, run)
    assert np.array_equal(decode(traces(after, "measured")[1]["y"]), split.errors[:, 1])
    assert f"{format_number(abs(1 - lr))}ᵗ" in traces(after, "theory")[0]["name"]


def test_slow_direction_follows_the_factors_at_the_current_learning_rate(at):
    # #15 item 5: κ = 10, η = 0.195 > 2/(λmin + λmax) = 0.182: the steep direction v₂ keeps
    # |1 − 10η| = 0.95 of its error per step, the flat one 0.805: v₂ is the slow one.
    lr = snap_lr(0.195)
    at.select_slider(key="dl_lr.quadratic.gd").set_value(lr).run()
    assert not at.exception
    names = [trace["name"] for trace in traces(figures(at)["eigen"], "measured")]
    assert names[1].startswith("slow: v₂") and names[0].startswith("fast: v₁")
    sentence = " ".join(info.value for info in at.info)
    assert "the slow one is v₂, the steep direction" in sentence
    assert f"by {format_number(1 - 10 * lr)}" in sentence
    assert "small** eigenvalue shrinks slowest" not in " ".join(m.value for m in at.markdown)


def test_changing_kappa_changes_the_split_and_moves_the_line(at):
    at.select_slider(key="dl_surface.quadratic.condition_number").set_value(100.0).run()
    assert not at.exception
    shown = figures(at)
    assert shown["eigen"]["layout"]["meta"]["eigenvalues"] == pytest.approx([1.0, 100.0])
    assert "λ₂ = 100" in traces(shown["eigen"], "measured")[1]["name"]
    assert decode(traces(shown["sweep"], "current")[0]["x"]).tolist() == [100.0, 100.0]
    surface, run = shown_run(at)
    split = theory.eigen_split(surface, run)
    assert np.array_equal(decode(traces(shown["eigen"], "measured")[0]["y"]), split.errors[:, 0])


def test_momentum_draws_its_asymptotic_rates(at):
    at.selectbox(key="dl_optimizer").set_value("momentum").run()
    assert not at.exception
    eigen = figures(at)["eigen"]
    surface, run = shown_run(at)
    split = theory.eigen_split(surface, run)
    for i, line in enumerate(traces(eigen, "theory")):
        assert np.array_equal(decode(line["y"]), split.theory[:, i])
        assert line["name"].startswith("rate r")
    assert any("spectral radius" in caption.value for caption in at.caption)


def test_adaptive_rules_get_no_theory_lines(at):
    at.selectbox(key="dl_optimizer").set_value("adam").run()
    assert not at.exception
    eigen = figures(at)["eigen"]
    assert traces(eigen, "theory") == [] and len(traces(eigen, "measured")) == 2


@pytest.mark.parametrize("name", ["rosenbrock", "himmelblau", "least_squares"])
def test_other_surfaces_with_a_minimum(at, name):
    at.selectbox(key="dl_surface").set_value(name).run()
    assert not at.exception
    shown = figures(at)
    assert set(shown) == {"eigen", "sweep"}
    infos = " ".join(info.value for info in at.info)
    if name == "least_squares":  # a quadratic: exact, with its κ on the sweep
        assert "not a quadratic" not in infos
        assert traces(shown["sweep"], "current")
        assert shown["eigen"]["layout"]["meta"]["local"] is False
    else:
        assert "not a quadratic" in infos and "local" in infos
        assert "local" in shown["eigen"]["layout"]["title"]["text"]
        assert traces(shown["sweep"], "current") == []
    surface, run = shown_run(at)
    split = theory.eigen_split(surface, run)
    assert np.array_equal(decode(traces(shown["eigen"], "measured")[0]["y"]), split.errors[:, 0])


def test_a_surface_without_a_minimum_gets_a_note_not_an_exception(at):
    at.selectbox(key="dl_surface").set_value("saddle").run()
    assert not at.exception
    assert any("no minimizer" in info.value for info in at.info)
    shown = figures(at)
    assert set(shown) == {"sweep"}
    assert traces(shown["sweep"], "current") == []


# ----- the Playground's loss panel ---------------------------------------------------------------
def playground_figure(app: AppTest) -> dict:
    return charts_in_order(app)[0]


def test_playground_draws_the_gd_bound_with_a_caption():
    app = open_app(None)
    figure = playground_figure(app)
    [line] = traces(figure, "theory")
    surface, run = shown_run(app)
    curve = theory.rate_curve(surface, run.optimizer, run.points[0], run.steps)
    assert line["name"] == curve.label == theory.GD_LABEL
    assert line["line"]["dash"] == "dash" and line["yaxis"] == "y2"
    assert np.allclose(decode(line["y"]), curve.losses, rtol=1e-6)
    assert np.all(run.losses <= decode(line["y"]) * (1 + 1e-6))
    # Appended after every moving trace: the frames' indices are those of a figure without it.
    index = figure["layout"]["meta"]["traces"]["theory"][0]
    assert index in figure["layout"]["meta"]["static_traces"]
    assert all(index not in frame["traces"] for frame in figure["frames"])
    assert any(caption.value.startswith("Dashed") for caption in app.caption)


def test_playground_momentum_says_asymptotic():
    app = open_app(None)
    app.selectbox(key="dl_optimizer").set_value("momentum").run()
    assert not app.exception
    [line] = traces(playground_figure(app), "theory")
    assert "asymptotic" in line["name"]
    assert any("not a bound" in caption.value for caption in app.caption)


@pytest.mark.parametrize(
    ("widget", "key", "value"),
    [
        ("selectbox", "dl_surface", "rosenbrock"),
        ("selectbox", "dl_optimizer", "adam"),
        ("slider", "dl_noise", 0.5),
    ],
)
def test_playground_has_no_theory_where_it_does_not_apply(widget, key, value):
    app = open_app(None)
    getattr(app, widget)(key=key).set_value(value).run()
    assert not app.exception
    assert traces(playground_figure(app), "theory") == []
    assert not any(caption.value.startswith("Dashed") for caption in app.caption)
