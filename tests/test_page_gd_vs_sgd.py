"""AppTest of the GD-vs-SGD page: every path and gradient drawn is the library's."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import optimizers
import surfaces
from tests.helpers import decode, figures, open_page, xy
from ui.controls import LR_OPTIONS

PAGE = "app_pages/gd_vs_sgd.py"
TOL = 1e-6  # the page's convergence tolerance
DATA, PATHS, LOSS, CLOUD = range(4)


@pytest.fixture
def at() -> AppTest:
    return open_page(PAGE, timeout=30)


class Shown:
    """The page's settings read back from its widgets, and the library runs they imply."""

    def __init__(self, app: AppTest):
        self.name = app.selectbox(key="dl_surface").value
        params = {
            spec.name: app.session_state[f"dl_surface.{self.name}.{spec.name}"]
            for spec in surfaces.parameters(self.name)
        }
        self.surface = surfaces.get(self.name, **params)
        self.lr = app.select_slider(key=f"dl_sgd_lr.{self.name}.gd").value
        self.steps = app.slider(key="dl_steps").value
        self.x0 = (
            app.number_input(key=f"dl_start.{self.name}.x").value,
            app.number_input(key=f"dl_start.{self.name}.y").value,
        )
        self.batch_size = app.slider(key=f"dl_sgd.{self.name}.batch_size").value
        self.seeds = app.slider(key="dl_sgd.seeds").value
        self.decay = (
            app.select_slider(key="dl_sgd.decay").value
            if app.toggle(key="dl_sgd.decay_on").value
            else 0.0
        )
        self.step = app.slider(key="dl_sgd.step").value

    def gd(self) -> optimizers.Trajectory:
        return optimizers.run(
            self.surface, optimizers.get("gd", lr=self.lr), x0=self.x0, steps=self.steps, tol=TOL
        )

    def sgd(self, seed: int) -> optimizers.Trajectory:
        optimizer = optimizers.get("gd", lr=self.lr, decay=self.decay)
        return optimizers.run(
            self.surface,
            optimizer,
            x0=self.x0,
            steps=self.steps,
            tol=TOL,
            batch_size=self.batch_size,
            seed=seed,
        )


def assert_paths_match_library(app: AppTest) -> Shown:
    shown = Shown(app)
    paths = figures(app)[PATHS]
    np.testing.assert_allclose(
        xy(paths, "GD (full batch)"), shown.gd().points[: shown.step + 1], rtol=1e-12
    )
    for seed in range(shown.seeds):
        np.testing.assert_allclose(
            xy(paths, f"SGD seed {seed}"), shown.sgd(seed).points[: shown.step + 1], rtol=1e-12
        )
    assert not [t for t in paths["data"] if t.get("name") == f"SGD seed {shown.seeds}"]
    return shown


def test_page_shows_four_charts_on_a_data_surface(at):
    assert len(figures(at)) == 4
    assert not at.error
    assert at.selectbox(key="dl_surface").value in ("logistic", "least_squares")
    assert at.selectbox(key="dl_surface").options == [
        "Logistic regression",
        "Least-squares line fit",
    ]


def test_paths_are_the_library_runs(at):
    shown = assert_paths_match_library(at)
    assert shown.step == shown.steps  # the whole run is shown at first


def test_batch_size_and_seeds_change_the_fan(at):
    before = xy(figures(at)[PATHS], "SGD seed 0")
    at.slider(key="dl_sgd.logistic.batch_size").set_value(30)
    at.slider(key="dl_sgd.seeds").set_value(8)
    at.run()
    assert not at.exception
    shown = assert_paths_match_library(at)
    assert shown.batch_size == 30 and shown.seeds == 8
    assert not np.allclose(xy(figures(at)[PATHS], "SGD seed 0"), before)


def test_step_slider_moves_the_models(at):
    at.slider(key="dl_sgd.step").set_value(3)
    at.run()
    assert not at.exception
    shown = assert_paths_match_library(at)
    w = shown.gd().points[3]
    boundary = xy(figures(at)[DATA], "GD")
    direction = boundary[1] - boundary[0]
    assert direction @ w == pytest.approx(0.0, abs=1e-9 * np.hypot(*direction))  # wᵀx = 0


def test_loss_panels_per_update_and_per_epoch(at):
    shown = Shown(at)
    loss = figures(at)[LOSS]
    gd_traces = [t for t in loss["data"] if t.get("name") == "GD (full batch)"]
    sgd_traces = [t for t in loss["data"] if t.get("name") == "SGD (one line per seed)"]
    assert len(gd_traces) == 2 and len(sgd_traces) == 2 * shown.seeds
    f_star = float(shown.surface.value(*shown.surface.minima[0]))
    run = shown.sgd(0)
    np.testing.assert_allclose(
        decode(sgd_traces[0]["y"]), np.maximum(run.losses - f_star, 1e-16), rtol=1e-12
    )
    np.testing.assert_allclose(decode(sgd_traces[0]["x"]), np.arange(len(run.losses)))
    np.testing.assert_allclose(
        decode(sgd_traces[shown.seeds]["x"]), np.arange(len(run.losses)) / run.updates_per_epoch
    )
    assert run.updates_per_epoch == -(-shown.surface.n_samples // shown.batch_size)


def test_gradient_cloud_is_mini_batch_gradients_at_the_gd_point(at):
    at.slider(key="dl_sgd.step").set_value(2)
    at.run()
    shown = Shown(at)
    point = shown.gd().points[2]
    cloud = figures(at)[CLOUD]
    np.testing.assert_allclose(xy(cloud, "∇f")[1], shown.surface.gradient(point), rtol=1e-12)
    samples = xy(cloud, "g_B (200 batches)")
    rng = np.random.default_rng(0)
    n, b = shown.surface.n_samples, shown.batch_size
    expected = [
        shown.surface.batch_gradient(point, rng.choice(n, size=b, replace=False))
        for _ in range(200)
    ]
    np.testing.assert_allclose(samples, expected, rtol=1e-10, atol=1e-14)
    # The spread shown is the finite-population law for these n and b.
    examples = shown.surface.example_gradients(point)
    law = (n - b) / (b * (n - 1)) * examples.var(axis=0).sum()
    metrics = {metric.label: float(metric.value) for metric in at.metric}
    assert metrics["law"] == pytest.approx(law, rel=2e-3)
    assert metrics["measured"] == pytest.approx(np.var(samples, axis=0, ddof=1).sum(), rel=2e-3)


def test_a_larger_batch_shrinks_the_cloud(at):
    def spread() -> float:
        samples = xy(figures(at)[CLOUD], "g_B (200 batches)")
        return float(np.var(samples, axis=0, ddof=1).sum())

    at.slider(key="dl_sgd.logistic.batch_size").set_value(1)
    at.run()
    small_batches = spread()
    at.slider(key="dl_sgd.logistic.batch_size").set_value(30)
    at.run()
    assert spread() < 0.1 * small_batches
    at.slider(key="dl_sgd.logistic.batch_size").set_value(60)
    at.run()
    assert spread() == pytest.approx(0.0, abs=1e-20)


def test_decay_lets_sgd_settle(at):
    at.slider(key="dl_sgd.logistic.batch_size").set_value(1)
    at.run()
    bouncing = [Shown(at).sgd(seed).final_loss for seed in range(Shown(at).seeds)]
    at.toggle(key="dl_sgd.decay_on").set_value(True)
    at.run()
    assert not at.exception
    shown = assert_paths_match_library(at)
    assert shown.decay == 0.05
    settled = [shown.sgd(seed).final_loss for seed in range(shown.seeds)]
    assert np.mean(settled) < np.mean(bouncing)


def test_least_squares_shows_points_and_the_fitted_line(at):
    at.selectbox(key="dl_surface").set_value("least_squares")
    at.run()
    assert not at.exception
    shown = assert_paths_match_library(at)
    data = figures(at)[DATA]
    np.testing.assert_allclose(
        xy(data, "data (xᵢ, tᵢ)"), np.column_stack([shown.surface.X[:, 0], shown.surface.y])
    )
    slope, intercept = shown.gd().points[shown.step]
    line = xy(data, "GD")
    np.testing.assert_allclose(line[:, 1], slope * line[:, 0] + intercept, rtol=1e-12)


def test_learning_rate_at_the_top_shows_a_message_not_a_traceback(at):
    at.selectbox(key="dl_surface").set_value("least_squares")
    at.run()
    at.select_slider(key="dl_sgd_lr.least_squares.gd").set_value(LR_OPTIONS[-1])
    at.run()
    assert not at.exception
    assert any("Diverged" in error.value or "Diverging" in error.value for error in at.error)
    assert any("SGD diverged" in warning.value for warning in at.warning)
    assert len(figures(at)) == 4


def test_start_far_outside_is_clamped_not_a_crash(at):
    at.number_input(key="dl_start.logistic.x").set_value(1e9)
    at.run()
    assert not at.exception
    assert_paths_match_library(at)


def test_choices_persist_across_pages(at):
    at.slider(key="dl_sgd.logistic.batch_size").set_value(12)
    at.slider(key="dl_sgd.seeds").set_value(7)
    at.toggle(key="dl_sgd.decay_on").set_value(True)
    at.run()
    at.switch_page("app_pages/curvature.py")
    at.run()
    assert not at.exception
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    assert at.slider(key="dl_sgd.logistic.batch_size").value == 12
    assert at.slider(key="dl_sgd.seeds").value == 7
    assert at.toggle(key="dl_sgd.decay_on").value is True
    assert_paths_match_library(at)
