"""AppTest of the Curvature page: the figures show what `surfaces.curvature` says."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import optimizers
import surfaces
from optimizers.numbers import format_number
from tests.helpers import APP, decode, figures, open_page, trace, xy
from ui import curvature_panel
from ui.controls import LR_OPTIONS, snap_lr
from viz.curvature import axis_half_lengths

PAGE = "app_pages/curvature.py"


@pytest.fixture
def at() -> AppTest:
    return open_page(PAGE, timeout=30)


def shown_surface(app: AppTest) -> surfaces.Surface:
    """The surface the page is showing, rebuilt from the widget values."""
    name = app.selectbox(key="dl_surface").value
    params = {
        spec.name: app.session_state[f"dl_surface.{name}.{spec.name}"]
        for spec in surfaces.parameters(name)
    }
    return surfaces.get(name, **params)


def shown_point(app: AppTest) -> tuple[float, float]:
    name = app.selectbox(key="dl_surface").value
    return (
        app.number_input(key=f"dl_curv.{name}.x").value,
        app.number_input(key=f"dl_curv.{name}.y").value,
    )


def assert_axes_match_library(app: AppTest) -> None:
    surface, point = shown_surface(app), shown_point(app)
    curvature = surfaces.curvature(surface, point)
    axes_figure = figures(app)[0]
    half_lengths = axis_half_lengths(curvature, surface.bounds)
    for index, name in enumerate(("λ₁ axis", "λ₂ axis")):
        direction = curvature.eigenvectors[:, index]
        expected = np.array(
            [point - half_lengths[index] * direction, point + half_lengths[index] * direction]
        )
        np.testing.assert_allclose(xy(axes_figure, name), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(xy(axes_figure, "point"), [point])


def test_page_shows_both_charts_and_the_numbers(at):
    assert len(figures(at)) == 2
    assert not at.error
    surface, point = shown_surface(at), shown_point(at)
    curvature = surfaces.curvature(surface, point)
    metrics = {metric.label: metric.value for metric in at.metric}
    # Three significant figures (optimizers.numbers.format_number): within half a unit of the
    # third digit.
    assert float(metrics["Condition number κ"]) == pytest.approx(
        curvature.condition_number, rel=5e-3
    )
    assert float(metrics["GD limit 2/λmax"]) == pytest.approx(2 / curvature.lambda_max, rel=5e-3)
    assert float(metrics["Line search α*"]) == pytest.approx(curvature.line_search_step, rel=5e-3)
    hessian = at.latex[0].value
    assert r"\begin{pmatrix}" in hessian
    assert f"{curvature.hessian[0, 0]:.4g}" in hessian


def test_eigen_axes_are_the_library_eigenvectors(at):
    assert_axes_match_library(at)
    # Lengths ∝ 1/√|λ| on the default bowl (κ = 10, neither axis clamped).
    surface, point = shown_surface(at), shown_point(at)
    curvature = surfaces.curvature(surface, point)
    lengths = [np.ptp(xy(figures(at)[0], name), axis=0) for name in ("λ₁ axis", "λ₂ axis")]
    ratio = np.hypot(*lengths[0]) / np.hypot(*lengths[1])
    assert ratio == pytest.approx(math.sqrt(curvature.lambda_max / curvature.lambda_min))


def test_click_grid_reports_clicks(at):
    grid = trace(figures(at)[0], "click grid")
    assert len(decode(grid["x"])) == 50 * 50
    # 'skip' would stop plotly.js from firing the click that Streamlit turns into a selection.
    assert grid["hoverinfo"] == "none"
    assert grid["marker"]["opacity"] == 0
    # The browser draws one marker; clicks still find all 2,500 points (test_pages_browser).
    assert grid["marker"]["maxdisplayed"] == 1


def test_typing_a_point_moves_the_axes(at):
    before = xy(figures(at)[0], "λ₁ axis")
    at.number_input(key="dl_curv.quadratic.x").set_value(1.0)
    at.number_input(key="dl_curv.quadratic.y").set_value(-0.5)
    at.run()
    assert not at.exception
    assert shown_point(at) == (1.0, -0.5)
    assert not np.allclose(xy(figures(at)[0], "λ₁ axis"), before)
    assert_axes_match_library(at)


def test_another_surface_changes_both_figures(at):
    before = figures(at)
    at.selectbox(key="dl_surface").set_value("rosenbrock")
    at.run()
    assert not at.exception
    after = figures(at)
    assert not np.allclose(
        decode(after[1]["data"][0]["z"]), decode(before[1]["data"][0]["z"]), equal_nan=True
    )
    assert_axes_match_library(at)
    assert shown_point(at) == surfaces.get("rosenbrock").start


def test_condition_map_is_log_kappa_of_the_hessian(at):
    at.selectbox(key="dl_surface").set_value("rosenbrock")
    at.run()
    heatmap = figures(at)[1]["data"][0]
    assert heatmap["type"] == "heatmap"
    xs, ys, z = decode(heatmap["x"]), decode(heatmap["y"]), decode(heatmap["z"])
    surface = shown_surface(at)
    rng = np.random.default_rng(1)
    for i, j in rng.integers(0, len(xs), size=(25, 2)):
        curvature = surfaces.curvature(surface, (xs[j], ys[i]))
        if curvature.eigenvalues[0] > 0:
            # The map sends log₁₀ κ rounded to 3 decimals (as float32).
            assert z[i, j] == pytest.approx(math.log10(curvature.condition_number), abs=6e-4)
        else:
            assert math.isnan(z[i, j])
    assert np.isnan(z).any() and np.isfinite(z).any()  # Rosenbrock has both kinds of region


def test_sign_map_matches_the_kind_of_each_point(at):
    at.selectbox(key="dl_surface").set_value("himmelblau")
    at.radio(key="dl_curv.map").set_value("sign")
    at.run()
    assert not at.exception
    heatmap = figures(at)[1]["data"][0]
    xs, ys, z = decode(heatmap["x"]), decode(heatmap["y"]), decode(heatmap["z"])
    codes = {"maximum": 0.0, "saddle": 1.0, "minimum": 2.0}
    surface = shown_surface(at)
    rng = np.random.default_rng(2)
    for i, j in rng.integers(0, len(xs), size=(40, 2)):
        kind = surfaces.curvature(surface, (xs[j], ys[i])).kind
        assert z[i, j] == codes[kind]
    assert set(np.unique(z[np.isfinite(z)])) == {0.0, 1.0, 2.0}


def test_learning_rate_is_the_playgrounds_and_gives_the_step_factors():
    lr = snap_lr(0.05)
    app = AppTest.from_file(APP, default_timeout=30)
    app.run()  # the Playground
    app.select_slider(key="dl_lr.quadratic.gd").set_value(lr)
    app.run()
    app.switch_page(PAGE)
    app.run()
    assert not app.exception
    assert app.select_slider(key="dl_lr.quadratic.gd").value == lr
    curvature = surfaces.curvature(shown_surface(app), shown_point(app))
    text = app.latex[2].value
    for factor in np.abs(1 - lr * curvature.eigenvalues):
        assert f"&= {format_number(factor, latex=True)}" in text


def test_learning_rate_at_the_top_warns_instead_of_failing(at):
    at.select_slider(key="dl_lr.quadratic.gd").set_value(LR_OPTIONS[-1])
    at.run()
    assert not at.exception
    assert any("Lower the learning rate" in warning.value for warning in at.warning)


def test_point_far_outside_the_plot_warns(at):
    at.number_input(key="dl_curv.quadratic.x").set_value(1e6)
    at.run()
    assert not at.exception
    assert any("outside the plotted window" in warning.value for warning in at.warning)
    assert_axes_match_library(at)  # the numbers are still for that point


def test_point_where_the_hessian_overflows_shows_an_error(at):
    at.selectbox(key="dl_surface").set_value("rosenbrock")
    at.run()
    at.number_input(key="dl_curv.rosenbrock.x").set_value(1e200)
    at.run()
    assert not at.exception
    assert at.error and "not finite" in at.error[0].value


def test_choices_persist_across_pages(at):
    at.number_input(key="dl_curv.quadratic.x").set_value(0.5)
    at.radio(key="dl_curv.map").set_value("sign")
    at.run()
    at.switch_page("app_pages/gd_vs_sgd.py")
    at.run()
    assert not at.exception
    at.switch_page(PAGE)
    at.run()
    at.selectbox(key="dl_surface").set_value("quadratic")  # GD vs SGD allows data surfaces only
    at.run()
    assert at.number_input(key="dl_curv.quadratic.x").value == 0.5
    assert at.radio(key="dl_curv.map").value == "sign"
    assert_axes_match_library(at)


# ----- #15 items 6, 7, 14 and #11 item 9: the page's sentences say the true thing -------------
def test_speed_sentence_is_the_best_fixed_step_and_its_count_is_a_real_run():
    # κ = 10: at η = 2/11 both directions keep 9/11 per step; the run from any start shrinks
    # its error a million-fold at exactly the step the sentence names.
    surface = surfaces.get("quadratic", condition_number=10.0, angle=30.0)
    curvature = surfaces.curvature(surface, (0.0, 0.0))
    sentence = curvature_panel.gd_speed_sentence(curvature)
    steps = curvature_panel.steps_to_shrink(9 / 11)
    assert f"{format_number(9 / 11)} of their error" in sentence
    assert f"takes {format_number(steps)} steps" in sentence
    x0 = np.array([-2.4, 1.6])
    run = optimizers.run(
        surface, optimizers.get("gd", lr=2 / 11), x0=tuple(x0), steps=steps, tol=0.0
    )
    ratios = np.hypot(*run.points.T) / np.hypot(*x0)
    assert ratios[steps] <= 1e-6 < ratios[steps - 1]


@pytest.mark.parametrize("kappa", [1.0, 1.2, 1.9])
def test_speed_sentence_has_no_negative_fraction_for_small_kappa(kappa):
    surface = surfaces.get("quadratic", condition_number=kappa, angle=0.0)
    sentence = curvature_panel.gd_speed_sentence(surfaces.curvature(surface, (0.0, 0.0)))
    numbers = re.findall(r"= (\S+) of their error", sentence)  # the printed fraction
    assert all(float(number) >= 0 for number in numbers), sentence
    if kappa == 1.0:
        assert "One step of η = 1/λ" in sentence


def test_speed_sentence_for_kappa_1000_says_thousands():
    # #15 item 7: not "hundreds". (κ − 1)/(κ + 1) per step: ln 10⁶ / ln(1001/999) ≈ 6,900.
    surface = surfaces.get("quadratic", condition_number=1000.0, angle=0.0)
    sentence = curvature_panel.gd_speed_sentence(surfaces.curvature(surface, (0.0, 0.0)))
    steps = curvature_panel.steps_to_shrink(999 / 1001)
    assert 6000 < steps < 8000 and f"takes {format_number(steps)} steps" in sentence


def test_page_text_has_no_false_limit_sentence(at):
    text = " ".join(markdown.value for markdown in at.markdown)
    assert "At that limit the flattest" not in text and "needs hundreds" not in text
    assert "one step of $\\eta = 1/\\lambda$" in text
    (info,) = [i.value for i in at.info if "best fixed step" in i.value]
    assert "Here κ = 10" in info


def test_kappa_help_is_a_ratio_of_curvatures(at):
    (kappa,) = [m for m in at.metric if m.label == "Condition number κ"]
    assert "curvatures" in kappa.help and "steeper" not in kappa.help


def test_saddle_shows_the_signs_not_kappa(at):
    at.selectbox(key="dl_surface").set_value("saddle").run()
    name = "saddle"
    at.number_input(key=f"dl_curv.{name}.x").set_value(0.0)
    at.number_input(key=f"dl_curv.{name}.y").set_value(0.0).run()
    assert not at.exception
    labels = {m.label: m.value for m in at.metric}
    assert "Condition number κ" not in labels
    assert labels["Curvature signs"] == "one up, one down"
