"""The theory figures (viz.theory) and the theory curve on the Playground's path figure."""

from __future__ import annotations

import numpy as np
import pytest

import optimizers
import surfaces
from optimizers.theory import GD_LABEL, condition_sweep, eigen_split, rate_curve
from viz import path_figure, resolve_frame, surface_layers
from viz.theory import condition_sweep_figure, eigen_error_figure, measured_factors


def bowl(kappa: float = 10.0, angle: float = 30.0) -> surfaces.Surface:
    return surfaces.get("quadratic", condition_number=kappa, angle=angle)


def roles(fig) -> dict:
    return fig.layout.meta["traces"]


# ----- the error along each eigenvector ---------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "hyper"),
    [("gd", {"lr": 0.05}), ("momentum", {"lr": 0.1, "momentum": 0.9}), ("adam", {"lr": 0.1})],
)
def test_eigen_figure_plots_the_projections_of_the_trajectory(name, hyper):
    surface = bowl()
    run = optimizers.run(surface, optimizers.get(name, **hyper), steps=150)
    fig = eigen_error_figure(surface, run)
    vectors = surfaces.curvature(surface, (0.0, 0.0)).eigenvectors
    for i, index in enumerate(roles(fig)["measured"]):
        trace = fig.data[index]
        # Equal up to rounding: a component far below the whole error ‖x_t − x*‖ is the
        # difference of larger numbers, and a dot rounds it differently from a matrix product.
        expected = np.abs(run.points @ vectors[:, i])
        slack = 1e-15 * np.hypot(*run.points.T)
        assert np.all(np.abs(np.asarray(trace.y) - expected) <= 1e-14 * expected + slack)
        assert trace.x0 == 0 and trace.dx == 1
    assert fig.layout.yaxis.type == "log"
    assert "λ₁ = 1" in fig.data[roles(fig)["measured"][0]].name
    # "slow" names the direction whose error shrinks least per step (#15 item 5): for GD the
    # larger |1 − ηλᵢ|, for momentum the larger spectral radius (equal here, both √β: no word),
    # for Adam the measured mean factor.
    split = eigen_split(surface, run)
    factors = split.rates if split.rates is not None else measured_factors(split.errors)
    names = [fig.data[index].name for index in roles(fig)["measured"]]
    if np.isclose(factors[0], factors[1], rtol=1e-6):
        assert not any(n.startswith(("slow", "fast")) for n in names)
    else:
        slow = int(np.argmax(factors))
        assert names[slow].startswith("slow") and names[1 - slow].startswith("fast")
    if name == "adam":
        assert roles(fig)["theory"] is None and len(fig.data) == 2
    else:
        split = eigen_split(surface, run)
        for i, index in enumerate(roles(fig)["theory"]):
            assert np.array_equal(np.asarray(fig.data[index].y), split.theory[:, i])
            assert fig.data[index].line.dash == "dash"


def test_gd_curves_equal_the_theory_lines_on_the_quadratic():
    surface = bowl(20.0, angle=-40.0)
    run = optimizers.run(surface, optimizers.get("gd", lr=0.06), steps=250, tol=0.0)
    fig = eigen_error_figure(surface, run)
    measured = np.column_stack([fig.data[i].y for i in roles(fig)["measured"]])
    lines = np.column_stack([fig.data[i].y for i in roles(fig)["theory"]])
    # |1 − ηλᵢ|ᵗ |vᵢᵀ(x₀ − x*)| from the factors themselves, not from the library.
    eigenvalues = np.array([1.0, 20.0])
    expected = measured[0] * np.abs(1 - 0.06 * eigenvalues) ** np.arange(251)[:, None]
    assert np.allclose(lines, expected, rtol=1e-12)
    significant = lines > 1e-6 * np.hypot(*run.points.T)[:, None]
    assert np.allclose(measured[significant], lines[significant], rtol=1e-9, atol=0)
    assert "0.94ᵗ" in fig.data[roles(fig)["theory"][0]].name


def test_eigen_figure_is_local_off_the_quadratics_and_refuses_no_minimum():
    surface = surfaces.get("rosenbrock")
    run = optimizers.run(surface, optimizers.get("gd", lr=0.001), steps=300)
    fig = eigen_error_figure(surface, run)
    assert fig.layout.meta["local"] is True
    assert "local" in fig.layout.title.text
    assert fig.layout.meta["minimizer"] == [1.0, 1.0]
    quadratic = eigen_error_figure(bowl(), optimizers.run(bowl(), optimizers.get("gd"), steps=5))
    assert quadratic.layout.meta["local"] is False
    assert "local" not in quadratic.layout.title.text
    saddle = surfaces.get("saddle")
    with pytest.raises(ValueError, match="no minimizer"):
        eigen_error_figure(saddle, optimizers.run(saddle, optimizers.get("gd"), steps=5))


def test_eigen_figure_range_ignores_isolated_dips():
    surface = bowl()
    # lr·λmax = 1: the fast error is ~1e-16 after one step, then momentum brings it back.
    run = optimizers.run(surface, optimizers.get("momentum", lr=0.1, momentum=0.9), steps=200)
    fig = eigen_error_figure(surface, run)
    low, high = fig.layout.yaxis.range
    errors = eigen_split(surface, run).errors
    assert errors[1, 1] < 1e-14
    assert low > -7 and high > np.log10(errors.max())


# ----- the κ sweep ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_sweep():
    return condition_sweep(np.geomspace(1.0, 200.0, 9), tol=1e-6)


def test_sweep_figure_shows_the_computed_data(small_sweep):
    fig = condition_sweep_figure(small_sweep, current_kappa=25.0)
    for name, index in zip(small_sweep.names, roles(fig)["steps"], strict=True):
        trace = fig.data[index]
        assert np.array_equal(np.asarray(trace.x), small_sweep.kappas)
        assert np.array_equal(np.asarray(trace.y), small_sweep.row(name), equal_nan=True)
    kappa_law = fig.data[roles(fig)["kappa_law"]]
    sqrt_law = fig.data[roles(fig)["sqrt_law"]]
    assert np.array_equal(np.asarray(kappa_law.y), small_sweep.law(1.0, "gd"))
    assert np.array_equal(np.asarray(sqrt_law.y), small_sweep.law(0.5, "momentum"))
    assert "κ" in kappa_law.name and "√κ" in sqrt_law.name
    current = fig.data[roles(fig)["current"]]
    assert list(current.x) == [25.0, 25.0] and "25" in current.name
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"


def test_sweep_figure_without_a_current_kappa(small_sweep):
    fig = condition_sweep_figure(small_sweep)
    assert roles(fig)["current"] is None
    assert len(fig.data) == len(small_sweep.names) + 2


# ----- the theory on the Playground's loss panel ------------------------------------------------
@pytest.fixture(scope="module")
def playground_pair():
    surface = bowl()
    optimizer = optimizers.get("gd", lr=0.05)
    run = optimizers.run(surface, optimizer, steps=200)
    layers = surface_layers(surface)
    curve = rate_curve(surface, optimizer, run.points[0], run.steps)
    return (
        run,
        curve,
        path_figure(layers, surface, [run]),
        path_figure(layers, surface, [run], theory=curve),
    )


def test_theory_trace_is_appended_and_moving_traces_keep_their_indices(playground_pair):
    _, _, plain, with_theory = playground_pair
    plain_roles, theory_roles = roles(plain), roles(with_theory)
    index = theory_roles["theory"][0]
    assert index == len(plain.data) == len(with_theory.data) - 1
    for key, value in plain_roles.items():
        if key != "theory":
            assert theory_roles[key] == value
    assert plain_roles["theory"] == [None]
    assert index in with_theory.layout.meta["static_traces"]
    assert [frame.traces for frame in plain.frames] == [
        frame.traces for frame in with_theory.frames
    ]
    for frame in with_theory.frames:
        assert index not in frame.traces
        assert resolve_frame(with_theory, frame.name).keys() == (
            resolve_frame(plain, frame.name).keys()
        )


def test_theory_trace_is_the_curve_on_the_loss_panel(playground_pair):
    run, curve, _, fig = playground_pair
    trace = fig.data[roles(fig)["theory"][0]]
    assert trace.name == GD_LABEL
    assert trace.line.dash == "dash"
    assert trace.xaxis == "x2" and trace.yaxis == "y2"
    assert np.allclose(np.asarray(trace.y, dtype=float), curve.losses, rtol=1e-6)
    assert len(trace.y) == run.steps + 1
    # The bound sits on or above the measured loss at every step (float32 on the chart).
    assert np.all(run.losses <= np.asarray(trace.y, dtype=float) * (1 + 1e-6))


def test_theory_curves_align_with_trajectories():
    surface = bowl()
    runs = [
        optimizers.run(surface, optimizers.get(name, lr=0.05), steps=100) for name in ("gd", "adam")
    ]
    curve = rate_curve(surface, runs[0].optimizer, runs[0].points[0], runs[0].steps)
    fig = path_figure(surface_layers(surface), surface, runs, theory=[curve, None])
    assert roles(fig)["theory"][1] is None and roles(fig)["theory"][0] == len(fig.data) - 1
    with pytest.raises(ValueError, match="theory curves"):
        path_figure(surface_layers(surface), surface, runs[:1], theory=[curve, curve])


@pytest.mark.parametrize(("lr", "slow"), [(0.05, 0), (0.195, 1)])
def test_slow_and_fast_follow_the_factors_at_this_learning_rate(lr, slow):
    # #15 item 5: at κ = 10 and η = 0.195 > 2/(λmin + λmax) the steep direction is slow
    # (|1 − 10η| = 0.95 against |1 − η| = 0.805); at η = 0.05 the flat one is (0.95 vs 0.5).
    surface = surfaces.get("quadratic", condition_number=10.0, angle=0.0)
    run = optimizers.run(surface, optimizers.get("gd", lr=lr), x0=(-2.4, 1.6), steps=60)
    fig = eigen_error_figure(surface, run)
    names = [fig.data[index].name for index in roles(fig)["measured"]]
    factors = np.abs(1 - lr * np.array([1.0, 10.0]))
    assert int(np.argmax(factors)) == slow
    assert names[slow].startswith("slow: ") and names[1 - slow].startswith("fast: ")
