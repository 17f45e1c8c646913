"""The rate theory of optimizers.theory, checked against real runs of the library."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

import optimizers
import surfaces
from optimizers.theory import (
    GD_LABEL,
    MOMENTUM_LABEL,
    OPTIMUM_LABEL,
    condition_sweep,
    eigen_split,
    iteration_matrices,
    linear_rate,
    rate_curve,
    spectral_radii,
)

KAPPAS = tuple(10.0 ** (3.0 * i / 24) for i in range(25))


def bowl(kappa: float = 10.0, angle: float = 30.0) -> surfaces.Surface:
    return surfaces.get("quadratic", condition_number=kappa, angle=angle)


def fitted_rate(losses: np.ndarray) -> float:
    """exp(slope/2) of log(loss) over the last half: the error's factor per step."""
    half = len(losses) // 2
    t = np.arange(len(losses))
    slope = np.polyfit(t[half:], np.log(losses[half:]), 1)[0]
    return math.exp(slope / 2.0)


@pytest.fixture(scope="module")
def sweep_data():
    return condition_sweep(KAPPAS)


# ----- the rate -------------------------------------------------------------------------------
@pytest.mark.parametrize("lr", [0.01, 0.1, 2 / 11, 0.19, 0.25])
def test_gd_rate_is_the_largest_factor_one_minus_lr_lambda(lr):
    assert linear_rate([1.0, 10.0], "gd", {"lr": lr}) == pytest.approx(
        max(abs(1 - lr), abs(1 - 10 * lr)), rel=1e-15
    )


@pytest.mark.parametrize("name", ["adagrad", "rmsprop", "adam", "newton"])
def test_adaptive_rules_and_newton_have_no_linear_rate(name):
    assert linear_rate([1.0, 10.0], name, optimizers.get(name).hyperparameters) is None


def test_rates_at_the_tunings_of_design_md():
    for kappa in (1.0, 4.0, 25.0, 1000.0):
        curvature = surfaces.curvature(bowl(kappa), (0.0, 0.0))
        eigenvalues = curvature.eigenvalues
        gd = linear_rate(eigenvalues, "gd", {"lr": curvature.best_fixed_step})
        assert gd == pytest.approx(curvature.best_fixed_rate, abs=1e-12)
        heavy = linear_rate(
            eigenvalues,
            "momentum",
            {"lr": curvature.momentum_lr, "momentum": curvature.momentum_beta},
        )
        assert heavy == pytest.approx(curvature.momentum_rate, abs=1e-7)
        root = math.sqrt(kappa)
        if kappa > 1:
            nesterov = linear_rate(
                eigenvalues, "nesterov", {"lr": 1 / kappa, "momentum": (root - 1) / (root + 1)}
            )
            # A double root at λmin (as for heavy ball): rounding of η, β moves ρ by ~√ulp.
            assert nesterov == pytest.approx(1 - 1 / root, abs=1e-7)


def test_gd_is_heavy_ball_with_zero_momentum():
    lrs = np.geomspace(1e-3, 1.0, 30)
    for lr in lrs:
        assert linear_rate([0.5, 7.0], "gd", {"lr": lr}) == linear_rate(
            [0.5, 7.0], "momentum", {"lr": lr, "momentum": 0.0}
        )


@pytest.mark.parametrize("name", ["gd", "momentum", "nesterov"])
def test_the_matrices_are_the_update_rules_on_one_eigen_direction(name):
    """(e, u)_{t+1} = M (e, u)_t is exactly what the rule's step does to e with g = λe."""
    rule = optimizers.get(name).rule
    lam, lr, beta = 3.0, 0.2, 0.7
    hyper = {} if name == "gd" else {"momentum": beta}
    matrix = iteration_matrices(name, [lam], lr, beta)[0]
    e, state = 1.3, rule.init(1.3)
    vector = np.array([1.3, 0.0])
    for _ in range(40):
        e, state = rule.step(e, lam * e, state, lr=lr, **hyper)
        vector = matrix @ vector
        assert e == pytest.approx(vector[0], rel=1e-12, abs=1e-300)


def test_the_textbook_matrices_have_the_same_spectral_radius():
    """[[1+β−ηλ, −β], [1, 0]] (heavy ball) and [[(1+β)(1−ηλ), −β(1−ηλ)], [1, 0]] (Nesterov)."""
    rng = np.random.default_rng(1)
    for lam, lr, beta in rng.uniform([0.1, 0.01, 0.0], [10.0, 0.5, 0.99], size=(200, 3)):
        heavy = np.array([[1 + beta - lr * lam, -beta], [1.0, 0.0]])
        assert spectral_radii(iteration_matrices("momentum", [lam], lr, beta))[0] == (
            pytest.approx(np.abs(np.linalg.eigvals(heavy)).max(), rel=1e-7)
        )
        a = 1 - lr * lam
        nesterov = np.array([[(1 + beta) * a, -beta * a], [1.0, 0.0]])
        assert spectral_radii(iteration_matrices("nesterov", [lam], lr, beta))[0] == (
            pytest.approx(np.abs(np.linalg.eigvals(nesterov)).max(), rel=1e-7, abs=1e-12)
        )


# ----- stability: ρ < 1 exactly inside the regions of DESIGN.md ---------------------------------
def _away_from(values: np.ndarray, limit, margin: float = 1e-6) -> np.ndarray:
    return np.abs(values / limit - 1.0) > margin


@pytest.mark.parametrize("kappa", [1.0, 10.0, 300.0])
def test_gd_rate_below_one_exactly_when_lr_below_two_over_lambda_max(kappa):
    eigenvalues = [1.0, kappa]
    limit = 2.0 / kappa
    lrs = np.concatenate([np.geomspace(1e-4 * limit, 3 * limit, 400), [limit]])
    for lr in lrs[_away_from(lrs, limit)]:
        assert (linear_rate(eigenvalues, "gd", {"lr": lr}) < 1.0) == (lr < limit)
    assert linear_rate(eigenvalues, "gd", {"lr": limit}) == pytest.approx(1.0)


@pytest.mark.parametrize("kappa", [1.0, 10.0, 300.0])
def test_heavy_ball_rate_below_one_exactly_inside_two_one_plus_beta_over_lambda_max(kappa):
    eigenvalues = [1.0, kappa]
    for beta in np.linspace(0.0, 0.99, 34):
        limit = 2.0 * (1.0 + beta) / kappa
        lrs = np.geomspace(1e-3 * limit, 3 * limit, 150)
        for lr in lrs[_away_from(lrs, limit)]:
            rate = linear_rate(eigenvalues, "momentum", {"lr": lr, "momentum": beta})
            assert (rate < 1.0) == (lr < limit), (beta, lr, rate)
    for beta in (1.0, 1.2):  # outside 0 ≤ β < 1 no learning rate is stable
        for lr in np.geomspace(1e-4, 1.0, 40):
            assert linear_rate(eigenvalues, "momentum", {"lr": lr, "momentum": beta}) >= 1.0


@pytest.mark.parametrize("kappa", [1.0, 10.0, 300.0])
def test_nesterov_rate_below_one_exactly_inside_its_limit(kappa):
    eigenvalues = [1.0, kappa]
    for beta in np.linspace(0.01, 0.99, 34):
        limit = 2.0 * (1.0 + beta) / ((1.0 + 2.0 * beta) * kappa)
        lrs = np.geomspace(1e-3 * limit, 3 * limit, 150)
        for lr in lrs[_away_from(lrs, limit)]:
            rate = linear_rate(eigenvalues, "nesterov", {"lr": lr, "momentum": beta})
            assert (rate < 1.0) == (lr < limit), (beta, lr, rate)


# ----- the rate against real runs -------------------------------------------------------------
GD_RUNS = [
    ("quadratic", {"condition_number": 10.0, "angle": 30.0}, 0.05),
    ("quadratic", {"condition_number": 10.0, "angle": 30.0}, 2 / 11),
    ("quadratic", {"condition_number": 10.0, "angle": 30.0}, 0.199),
    ("quadratic", {"condition_number": 10.0, "angle": 30.0}, 0.21),  # diverges
    ("quadratic", {"condition_number": 100.0, "angle": -60.0}, 0.015),
    ("quadratic", {"condition_number": 1.0, "angle": 0.0}, 0.3),
    ("least_squares", {}, 0.02),
    ("least_squares", {"standardize": True}, 0.5),
]


@pytest.mark.parametrize(("name", "params", "lr"), GD_RUNS)
def test_gd_bound_holds_at_every_step_of_real_runs(name, params, lr):
    surface = surfaces.get(name, **params)
    optimizer = optimizers.get("gd", lr=lr)
    run = optimizers.run(surface, optimizer, steps=400, tol=1e-10)
    curve = rate_curve(surface, optimizer, run.points[0], run.steps)
    assert curve is not None and curve.bound and curve.label == GD_LABEL
    assert len(curve.losses) == run.steps + 1
    minimum = float(surface.value(np.asarray(surface.minima[0])))
    gap, bound = run.losses - minimum, curve.losses - minimum
    # f* of the least-squares fit is ~0.1: its gaps carry a rounding error of a few ulp of f*.
    slack = 8 * np.finfo(float).eps * abs(minimum)
    assert np.all(gap <= bound * (1 + 1e-9) + slack)
    assert curve.losses[0] == pytest.approx(run.losses[0], rel=1e-12)
    if lr == 0.21:
        assert run.status == "diverged" and curve.rate > 1.0


@pytest.mark.parametrize(
    ("name", "lr", "beta"),
    [
        ("momentum", 0.05, 0.5),  # complex pair: oscillates
        ("momentum", 0.02, 0.3),  # real roots
        ("momentum", 0.1, 0.9),
        ("momentum", 0.03, 0.95),
        ("nesterov", 0.05, 0.5),
        ("nesterov", 0.1, 0.9),
        ("nesterov", 0.01, 0.2),
    ],
)
def test_momentum_spectral_radius_is_the_measured_asymptotic_decay(name, lr, beta):
    surface = bowl(10.0, angle=20.0)
    optimizer = optimizers.get(name, lr=lr, momentum=beta)
    rate = linear_rate([1.0, 10.0], name, optimizer.hyperparameters)
    # A linear recurrence with x* = 0 keeps full relative precision: run down to ~1e-200 (no
    # round-off floor), then fit the slope of log(loss) over the last half.
    steps = min(3000, int(math.log(1e-200) / (2 * math.log(rate))))
    run = optimizers.run(surface, optimizer, steps=steps, tol=0.0)
    assert run.status == "max_steps" and run.losses[-1] > 1e-250
    assert fitted_rate(run.losses) == pytest.approx(rate, rel=0.01)
    curve = rate_curve(surface, optimizer, run.points[0], run.steps)
    assert curve.label == MOMENTUM_LABEL and not curve.bound
    assert curve.rate == pytest.approx(rate, rel=1e-12)


def test_at_the_optimal_pair_the_rate_is_root_kappa_and_says_so():
    surface = bowl(25.0)
    curvature = surfaces.curvature(surface, (0.0, 0.0))
    optimizer = optimizers.get(
        "momentum", lr=curvature.momentum_lr, momentum=curvature.momentum_beta
    )
    run = optimizers.run(surface, optimizer, steps=600, tol=0.0)
    curve = rate_curve(surface, optimizer, run.points[0], run.steps)
    assert curve.optimum and curve.label == OPTIMUM_LABEL
    assert curve.rate == pytest.approx((5 - 1) / (5 + 1), abs=1e-7)
    # A double root: the error decays like t·ρᵗ, so the fitted factor is a little above ρ.
    assert fitted_rate(run.losses) == pytest.approx(curve.rate, rel=0.02)


def test_rate_curve_is_none_where_the_theory_does_not_apply():
    quadratic = bowl()
    x0 = quadratic.start
    for name in ("adagrad", "rmsprop", "adam", "newton"):
        assert rate_curve(quadratic, optimizers.get(name), x0, 50) is None
    for options in ({"decay": 0.1}, {"clip": 1.0}, {"weight_decay": 0.1}):
        assert rate_curve(quadratic, optimizers.get("gd", lr=0.1, **options), x0, 50) is None
    gd = optimizers.get("gd", lr=0.01)
    for name in ("rosenbrock", "himmelblau", "logistic", "saddle"):
        surface = surfaces.get(name)
        assert rate_curve(surface, gd, surface.start, 50) is None


# ----- the error along each eigenvector ---------------------------------------------------------
def test_eigen_split_projects_the_error_on_the_eigenvectors():
    surface = bowl(10.0, angle=30.0)
    run = optimizers.run(surface, optimizers.get("momentum", lr=0.05, momentum=0.8), steps=120)
    split = eigen_split(surface, run)
    curvature = surfaces.curvature(surface, (0.0, 0.0))
    assert np.array_equal(split.eigenvalues, curvature.eigenvalues)
    for i in range(2):
        expected = np.abs(run.points @ curvature.eigenvectors[:, i])
        assert np.allclose(split.errors[:, i], expected, rtol=1e-15, atol=0)
    # The small eigenvalue's direction (the slow one) points along the valley, at 30°.
    slow = curvature.eigenvectors[:, 0]
    assert abs(slow @ [math.cos(math.radians(30)), math.sin(math.radians(30))]) == (
        pytest.approx(1.0)
    )
    assert not split.local and not split.exact
    radii = [linear_rate([lam], "momentum", {"lr": 0.05, "momentum": 0.8}) for lam in (1, 10)]
    assert np.allclose(split.rates, radii)
    t = np.arange(run.steps + 1)[:, None]
    assert np.allclose(split.theory, split.errors[0] * np.power(radii, t), rtol=1e-12)


@pytest.mark.parametrize(
    ("kappa", "lr", "decay"), [(10.0, 0.05, 0.0), (10.0, 0.17, 0.0), (50.0, 0.03, 0.01)]
)
def test_gd_error_along_each_eigenvector_is_exactly_the_theory(kappa, lr, decay):
    surface = bowl(kappa, angle=-25.0)
    run = optimizers.run(surface, optimizers.get("gd", lr=lr, decay=decay), steps=300, tol=0)
    split = eigen_split(surface, run)
    assert split.exact
    # Exact up to rounding: compare where a direction is not yet below the round-off of the
    # whole error (~1e-16·‖x_t − x*‖, which leaks into the other direction).
    norms = np.hypot(*run.points.T)
    significant = split.theory > 1e-6 * norms[:, None]
    assert significant[:, 0].sum() > 200
    assert np.allclose(split.errors[significant], split.theory[significant], rtol=1e-9, atol=0)


def test_non_quadratic_surfaces_use_the_nearest_minimizer_locally():
    surface = surfaces.get("himmelblau")
    run = optimizers.run(surface, optimizers.get("gd", lr=0.01), x0=(-2.0, 2.0), steps=300)
    split = eigen_split(surface, run)
    assert split.local
    minima = np.asarray(surface.minima)
    nearest = minima[np.argmin(np.hypot(*(minima - run.points[-1]).T))]
    assert np.array_equal(split.minimizer, nearest)
    assert np.allclose(
        split.eigenvalues, surfaces.curvature(surface, nearest).eigenvalues, rtol=1e-15
    )
    with pytest.raises(ValueError, match="no minimizer"):
        saddle = surfaces.get("saddle")
        eigen_split(saddle, optimizers.run(saddle, optimizers.get("gd", lr=0.01), steps=5))


def test_no_theory_lines_for_adaptive_rules_or_when_asked_not_to():
    surface = bowl()
    adam = optimizers.run(surface, optimizers.get("adam", lr=0.1), steps=50)
    assert eigen_split(surface, adam).theory is None
    gd = optimizers.run(surface, optimizers.get("gd", lr=0.1), steps=50)
    assert eigen_split(surface, gd, theory=False).theory is None


# ----- the κ sweep ----------------------------------------------------------------------------
def test_gd_steps_grow_like_kappa_and_momentum_like_root_kappa(sweep_data):
    assert sweep_data.names == ("gd", "momentum", "nesterov")
    assert np.all(np.isfinite(sweep_data.steps))
    assert 0.9 <= sweep_data.slope("gd") <= 1.1
    assert 0.4 <= sweep_data.slope("momentum") <= 0.6
    assert 0.4 <= sweep_data.slope("nesterov") <= 0.6
    # A round bowl: every rule's tuning is Newton's step, done in one step.
    assert np.all(sweep_data.steps[:, 0] == 1)
    # Momentum wins, and by more the larger κ.
    ratio = sweep_data.row("gd") / sweep_data.row("momentum")
    assert ratio[-1] > 20 > ratio[8] > 1


def test_sweep_rates_and_settings_are_the_tunings(sweep_data):
    for j, kappa in enumerate(KAPPAS):
        root = math.sqrt(kappa)
        gd, heavy, nesterov = (sweep_data.settings[i][j] for i in range(3))
        assert gd == {"rule": "gd", "lr": 2 / (1 + kappa)}
        assert heavy["momentum"] == pytest.approx(((root - 1) / (root + 1)) ** 2)
        assert nesterov["lr"] == pytest.approx(1 / kappa)
        assert sweep_data.rates[0, j] == pytest.approx((kappa - 1) / (kappa + 1), abs=1e-12)
        assert sweep_data.rates[1, j] == pytest.approx((root - 1) / (root + 1), abs=1e-7)
        assert sweep_data.rates[2, j] == pytest.approx(1 - 1 / root, abs=1e-7)


def test_each_sweep_point_is_the_library_run_and_the_sweep_cell():
    data = condition_sweep([1.0, 7.0, 60.0], x0=(1.0, -2.0), tol=1e-6, max_steps=5000)
    for i in range(len(data.names)):
        for j, kappa in enumerate(data.kappas):
            settings = dict(data.settings[i][j])
            rule = settings.pop("rule")
            surface = surfaces.get("quadratic", condition_number=kappa, angle=30.0)
            run = optimizers.run(
                surface, optimizers.get(rule, **settings), x0=(1.0, -2.0), steps=5000, tol=1e-6
            )
            assert data.steps[i, j] == run.steps
            cell = optimizers.sweep(surface, rule, x0=(1.0, -2.0), steps=5000, tol=1e-6, **settings)
            assert int(cell.steps_to_converge) == run.steps


def test_laws_pass_through_the_anchor_point(sweep_data):
    anchor = int(np.flatnonzero(sweep_data.kappas >= 10.0)[0])
    for power, name in ((1.0, "gd"), (0.5, "momentum")):
        law = sweep_data.law(power, name)
        assert law[anchor] == sweep_data.row(name)[anchor]
        assert np.allclose(law / law[0], (sweep_data.kappas / sweep_data.kappas[0]) ** power)


def test_budget_too_small_leaves_gaps_not_errors():
    data = condition_sweep([1.0, 1000.0], max_steps=50)
    assert data.steps[0, 0] == 1 and np.isnan(data.steps[0, 1])
    with pytest.raises(ValueError, match="condition numbers"):
        condition_sweep([0.5, 2.0])


def test_the_sweep_is_quick():
    start = time.perf_counter()
    condition_sweep(KAPPAS)
    # About 0.35 s on an idle core; generous for a shared machine.
    assert time.perf_counter() - start < 3.0
