"""Every status and message a run returns is true: one regression test per class of issue #10
(and the runner messages of #15), each checked against an independent re-computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

import optimizers
import surfaces
from optimizers import stopping
from tests.helpers import assert_readable_numbers, assert_shows


def quadratic(condition_number=10.0):
    return surfaces.get("quadratic", condition_number=condition_number, angle=30.0)


def test_every_status_has_student_words_and_max_steps_reads_still_moving():
    assert set(optimizers.STATUS_WORDS) == set(optimizers.OUTCOMES)
    assert optimizers.status_label("max_steps") == "still moving"
    assert "max_steps" not in " ".join(optimizers.STATUS_WORDS.values())
    with pytest.raises(ValueError, match="Unknown status"):
        optimizers.status_label("done")


# ----- 1. a bounded run is not "diverged", whatever the budget ------------------------------
@pytest.mark.parametrize("steps", [60, 100, 137, 200, 300, 450])
def test_a_bounded_chaotic_run_is_never_called_diverged(steps):
    # Nesterov lr = 0.1 on Rastrigin: lr·λmax is 19× the limit at every minimum, so the run
    # never settles, but it stays in a bounded region (main called it "Diverging" at some
    # budgets, "just past the stability limit").
    surface = surfaces.get("rastrigin")
    trajectory = optimizers.run(
        surface, optimizers.get("nesterov", lr=0.1), x0=(-3.3, 2.7), steps=steps
    )
    assert trajectory.status in ("max_steps", "bouncing")
    assert trajectory.steps == steps
    assert "Diverg" not in trajectory.message and "stability limit" not in trajectory.message
    # Independently: every point stays within the escape disc, and 8× the budget agrees.
    longer = optimizers.run(
        surface, optimizers.get("nesterov", lr=0.1), x0=(-3.3, 2.7), steps=8 * steps
    )
    assert longer.status in ("max_steps", "bouncing")
    np.testing.assert_array_equal(longer.points[: steps + 1], trajectory.points)
    distance = np.hypot(*(longer.points - np.asarray(surface.center)).T)
    assert distance.max() < stopping.escape_radius(surface)


def test_stable_heavy_ball_with_slowly_shrinking_swings_is_still_moving_not_diverging():
    # #15 item 1: κ = 10, η = 0.387 < 2(1 + β)/λmax = 0.398, β = 0.99: ρ ≈ 0.995.
    surface = quadratic(10.0)
    opt = optimizers.get("momentum", lr=0.387, momentum=0.99)
    short = optimizers.run(surface, opt, x0=(-2.0, 1.5), steps=200)
    assert short.status == "max_steps"
    assert short.message.startswith("Still moving after 200 steps")
    assert "Diverg" not in short.message and "too large" not in short.message
    long = optimizers.run(surface, opt, x0=(-2.0, 1.5), steps=5000)
    assert long.status == "converged" and 2000 < long.steps < 5000


def test_a_two_cycle_is_bouncing_and_stays_so_at_every_larger_budget():
    # GD with lr = 2/λ on the round bowl f = ½‖x‖²: x → x − 2x = −x, a 2-cycle.
    surface = quadratic(1.0)
    assert np.allclose(surfaces.curvature(surface, (0.0, 0.0)).eigenvalues, 1.0)
    for steps in (40, 80, 400):
        trajectory = optimizers.run(
            surface, optimizers.get("gd", lr=2.0), x0=(-2.0, 1.5), steps=steps
        )
        assert trajectory.status == "bouncing"
        np.testing.assert_array_equal(trajectory.points[1::2], [[2.0, -1.5]] * (steps // 2))
        assert trajectory.message.startswith(f"Bouncing: after {steps} steps it stays within")
        assert "does not settle" in trajectory.message


# ----- 2. "overflowed" only for a real overflow ---------------------------------------------
def test_leaving_the_domain_of_log_is_undefined_and_names_the_function():
    surface = surfaces.get("custom", formula="x - log(x) + y^2", extent=3.0)
    trajectory = optimizers.run(
        surface, optimizers.get("newton", lr=0.1), x0=(12.7, -8.5), steps=100
    )
    assert trajectory.status == "undefined"
    assert "overflow" not in trajectory.message
    assert "outside the domain of f: log needs x > 0" in trajectory.message
    # Independently: Newton's step from the last point lands at x < 0, where log is undefined.
    x = trajectory.final_point[0]
    newton_x = x - 0.1 * (1 - 1 / x) / (1 / x**2)
    assert newton_x < 0
    assert_shows(trajectory.message, newton_x, "the next point (")
    assert_readable_numbers(trajectory.message)


def test_landing_on_the_tip_of_a_cone_says_the_gradient_is_undefined():
    surface = surfaces.get("custom", formula="sqrt(x^2 + y^2)", extent=3.0)
    # ∇f = p/‖p‖ has norm 1, so lr = 0.5 from (0.5, 0) lands exactly on the tip.
    trajectory = optimizers.run(surface, optimizers.get("gd", lr=0.5), x0=(0.5, 0.0), steps=50)
    assert trajectory.status == "undefined"
    assert "the next point (0, 0) is a point where the gradient is undefined" in (
        trajectory.message
    )
    assert "overflow" not in trajectory.message


def test_a_real_overflow_is_still_called_one():
    surface = quadratic(10.0)
    trajectory = optimizers.run(surface, optimizers.get("gd", lr=1e150), x0=(1.0, 1.0), steps=20)
    assert trajectory.status == "diverged"
    assert np.all(np.isfinite(trajectory.points))


# ----- 3. with weight decay the objective decides; a zero step is "stopped" -----------------
def test_weight_decay_converges_on_the_regularised_objective():
    surface = surfaces.get("logistic")
    opt = optimizers.get("adagrad", lr=0.5, weight_decay=1.0)
    trajectory = optimizers.run(surface, opt, steps=2000, tol=1e-8)
    assert trajectory.status == "converged"
    last = trajectory.final_point
    objective_gradient = surface.gradient(last) + 1.0 * last
    assert np.linalg.norm(objective_gradient) < 1e-8
    assert np.linalg.norm(surface.gradient(last)) > 0.1  # ‖∇f‖ alone never gets there
    assert "f + (λ/2)‖x‖²" in trajectory.message


def test_newton_with_a_zero_step_has_stopped_and_says_why():
    # f = x² + y: H = diag(2, 0) is singular and at x = 0 the gradient (0, 1) lies outside
    # its range, so the pseudo-inverse step is exactly zero.
    surface = surfaces.get("custom", formula="x^2 + y", extent=3.0)
    trajectory = optimizers.run(surface, optimizers.get("newton"), x0=(0.0, 1.0), steps=30)
    assert trajectory.status == "stopped"
    assert "Newton's step is zero" in trajectory.message
    assert "outside its range" in trajectory.message
    assert "Still moving" not in trajectory.message
    step = np.linalg.pinv(surface.hessian(trajectory.final_point)) @ surface.gradient(
        trajectory.final_point
    )
    np.testing.assert_array_equal(step, [0.0, 0.0])


def test_adagrad_whose_steps_fall_below_the_rounding_has_stopped():
    # At x = 1e17 a float's spacing is 16: AdaGrad's first step, lr·g/(|g| + ε) ≈ lr = 0.5,
    # rounds away, and every later one is smaller still.
    surface = surfaces.get("custom", formula="x^2 + y^2", extent=3.0)
    trajectory = optimizers.run(
        surface, optimizers.get("adagrad", lr=0.5), x0=(1e17, 0.0), steps=100
    )
    assert trajectory.status == "stopped" and trajectory.steps == 0
    assert "AdaGrad's rates have decayed to nothing" in trajectory.message
    assert 1e17 - 0.5 == 1e17  # independently: the step is below the rounding


# ----- 4. Newton with weight decay uses H + λI --------------------------------------------
@pytest.mark.parametrize("weight_decay", [0.5, 1.0, 3.0])
def test_newton_with_weight_decay_lands_on_the_regularised_minimum_in_one_step(weight_decay):
    surface = surfaces.get("least_squares")
    hessian = surface.extras["H"]
    minimizer = np.asarray(surface.minima[0])
    # F(p) = f(p) + (λ/2)‖p‖², ∇F = H(p − p*) + λp = 0  ⇒  p = (H + λI)⁻¹ H p*.
    expected = np.linalg.solve(hessian + weight_decay * np.eye(2), hessian @ minimizer)
    trajectory = optimizers.run(
        surface, optimizers.get("newton", weight_decay=weight_decay), steps=20, tol=1e-9
    )
    assert trajectory.status == "converged" and trajectory.steps == 1
    np.testing.assert_allclose(trajectory.final_point, expected, rtol=1e-12, atol=1e-12)


def test_the_minimizer_shown_with_weight_decay_is_that_of_the_regularised_objective():
    surface = surfaces.get("least_squares")
    hessian, minimizer = surface.extras["H"], np.asarray(surface.minima[0])
    expected = np.linalg.solve(hessian + 0.5 * np.eye(2), hessian @ minimizer)
    shown = optimizers.objective_minimizer(surface, 0.5, (0.0, 0.0))
    np.testing.assert_allclose(shown, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(optimizers.objective_minimizer(surface, 0.0, (0, 0)), minimizer)
    logistic = surfaces.get("logistic")
    run = optimizers.run(logistic, optimizers.get("newton", weight_decay=1.0), steps=50)
    assert run.status == "converged"
    found = optimizers.objective_minimizer(logistic, 1.0, run.final_point)
    np.testing.assert_allclose(found, run.final_point, atol=1e-8)


# ----- 5. a far start is not "diverged at step 0" -----------------------------------------
def test_a_start_far_beyond_the_plot_converges():
    surface = quadratic(10.0)
    far = (400.0, -300.0)
    assert math.dist(far, surface.center) > stopping.escape_radius(surface)
    trajectory = optimizers.run(surface, optimizers.get("gd", lr=0.1), x0=far, steps=2000)
    assert trajectory.status == "converged"
    assert np.linalg.norm(trajectory.final_point) < 1e-8
    result = optimizers.sweep(surface, "gd", x0=far, steps=2000, lr=np.array([0.1, 0.25]))
    assert result.statuses.tolist() == ["converged", "diverged"]


# ----- 6. a sweep cell is its single run, bit for bit, on the data surfaces ---------------
DATA_GRIDS = {
    "gd": {"lr": np.geomspace(0.01, 30.0, 4)},
    "momentum": {"lr": np.geomspace(0.01, 10.0, 3)[:, None], "momentum": np.array([0.0, 0.9])},
    "nesterov": {"lr": np.geomspace(0.01, 10.0, 3)[:, None], "momentum": np.array([0.3, 0.9])},
    "adagrad": {"lr": np.geomspace(0.01, 10.0, 4)},
    "rmsprop": {"lr": np.geomspace(0.01, 3.0, 4)},
    "adam": {"lr": np.geomspace(0.01, 10.0, 3)[:, None], "b1": np.array([0.0, 0.9])},
    "newton": {"lr": np.array([0.5, 1.0, 1.9]), "weight_decay": np.array([[0.0], [0.5]])},
}


@pytest.mark.parametrize("surface_name", ["logistic", "least_squares"])
@pytest.mark.parametrize("name", list(DATA_GRIDS))
def test_every_sweep_cell_equals_its_run_bit_for_bit_on_the_data_surfaces(surface_name, name):
    surface = surfaces.get(surface_name)
    grid = DATA_GRIDS[name]
    result = optimizers.sweep(surface, name, steps=300, **grid)
    for index in np.ndindex(result.shape):
        cell = {key: float(np.broadcast_to(v, result.shape)[index]) for key, v in grid.items()}
        trajectory = optimizers.run(surface, optimizers.get(name, **cell), steps=300)
        where = f"{cell}: {trajectory.message}"
        assert result.statuses[index] == trajectory.status, where
        if trajectory.status != "diverged":
            assert result.final_loss[index] == trajectory.final_loss, where  # bit for bit


@pytest.mark.parametrize(
    ("formula", "name", "x0", "lrs"),
    [
        ("x - log(x) + y^2", "newton", (12.7, -8.5), np.geomspace(0.05, 1.5, 7)),
        ("sqrt(x^2 + y^2)", "gd", (0.5, 0.0), np.array([0.1, 0.25, 0.5, 1.0, 2.0])),
        ("x^2 + y", "newton", (0.0, 1.0), np.array([0.5, 1.0])),
        ("x - log(x) + y^2", "adam", (3.0, 1.0), np.geomspace(0.01, 5.0, 6)),
    ],
)
def test_sweep_cells_equal_runs_where_f_has_domain_edges(formula, name, x0, lrs):
    surface = surfaces.get("custom", formula=formula, extent=3.0)
    result = optimizers.sweep(surface, name, x0=x0, steps=200, lr=lrs)
    seen = set()
    for index, lr in enumerate(lrs):
        trajectory = optimizers.run(surface, optimizers.get(name, lr=lr), x0=x0, steps=200)
        seen.add(trajectory.status)
        assert result.statuses[index] == trajectory.status, trajectory.message
        if trajectory.status != "diverged":
            assert result.final_loss[index] == trajectory.final_loss, trajectory.message
    assert seen & {"undefined", "stopped"}


def test_the_batched_logistic_gradient_equals_the_single_point_one_bit_for_bit():
    surface = surfaces.get("logistic", n_samples=500)
    points = np.random.default_rng(1).uniform(-3.0, 3.0, (64, 2))
    stacked = surface.gradient(points)
    for point, row in zip(points, stacked, strict=True):
        np.testing.assert_array_equal(surface.gradient(point), row)


def test_a_sweep_from_where_f_is_undefined_says_so_as_run_does():
    surface = surfaces.get("custom", formula="x - log(x) + y^2", extent=3.0)
    with pytest.raises(ValueError, match="log needs x > 0"):
        optimizers.run(surface, optimizers.get("gd", lr=0.1), x0=(-1.0, 0.0))
    with pytest.raises(ValueError, match="log needs x > 0"):
        optimizers.sweep(surface, "gd", x0=[(1.0, 0.0), (-1.0, 0.0)], lr=0.1)


# ----- 7. a degenerate stationary point is not called a minimum ----------------------------
def test_the_monkey_saddle_origin_is_named_as_not_a_minimum():
    surface = surfaces.get("saddle", variant="monkey")
    trajectory = optimizers.run(surface, optimizers.get("gd", lr=0.1), x0=(0.0, 0.0), steps=5)
    assert trajectory.status == "converged" and trajectory.steps == 0
    assert "not a minimum" in trajectory.message
    # Independently: f = x³ − 3xy² is negative just left of the origin.
    assert surface.value(-1e-3, 0.0) < surface.value(0.0, 0.0)


# ----- #15 items 2 and 3: noisy-run and divergence explanations ---------------------------
AROUND_THE_MINIMUM = "bouncing around the minimum; a decaying learning rate lets it settle"


def test_the_noisy_bouncing_sentence_is_only_said_around_a_minimum_without_decay():
    near = optimizers.run(quadratic(), optimizers.get("gd", lr=0.05), steps=300, noise=0.5)
    assert AROUND_THE_MINIMUM in near.message
    saddle = optimizers.run(
        surfaces.get("saddle"), optimizers.get("gd", lr=0.01), steps=100, noise=0.5
    )
    rosenbrock = optimizers.run(
        surfaces.get("rosenbrock"), optimizers.get("gd", lr=1e-4), steps=200, noise=0.5
    )
    decaying = optimizers.run(
        quadratic(), optimizers.get("gd", lr=0.05, decay=0.05), steps=300, noise=0.5
    )
    for trajectory in (saddle, rosenbrock, decaying):
        assert AROUND_THE_MINIMUM not in trajectory.message, trajectory.message
    assert np.linalg.norm(rosenbrock.final_point - (1.0, 1.0)) > 1.0


def test_divergence_off_a_quadratic_is_explained_with_the_hessian_at_the_start():
    # The clipping scene's unclipped run: at the start lr·λmax ≈ 6.3, where main quoted the
    # Hessian where it blew up (2.55e+06).
    surface = surfaces.get("rosenbrock")
    trajectory = optimizers.run(
        surface, optimizers.get("gd", lr=0.00299), x0=(-1.5, 2.0), steps=1000
    )
    assert trajectory.status == "diverged"
    lam_max = np.linalg.eigvalsh(surface.hessian((-1.5, 2.0)))[-1]
    assert_shows(trajectory.message, 0.00299 * lam_max, "at the start lr·λmax = ")
    assert "> 2, too large" in trajectory.message
    assert_readable_numbers(trajectory.message)


def test_an_exactly_zero_gradient_at_tol_zero_is_not_called_below_zero():
    surface = surfaces.get("quadratic")
    trajectory = optimizers.run(surface, optimizers.get("newton", lr=1.0), steps=50, tol=0.0)
    assert trajectory.status == "converged"
    assert float(np.hypot(*surface.gradient(trajectory.points[-1]))) == 0.0
    assert "is exactly 0" in trajectory.message
    assert "below 0" not in trajectory.message


def test_an_escape_below_the_rounding_of_the_other_axis_is_not_bouncing():
    # GD with lr = 1 on the saddle x² − y²: x swaps between ±2 for ever (1 − 2·1 = −1) while
    # y triples every step from 1.5×10⁻²⁰¹. The loss and the step length stay exactly 4 in
    # floats until y is about 10⁻⁸, so the two-window test alone called it "bouncing" at 54
    # steps, and at 500 steps it left the plot: the verdict changed with the budget.
    surface = surfaces.get("saddle")
    opt = optimizers.get("gd", lr=1.0)
    start = (2.0, 1.5204203185762493e-201)
    short = optimizers.run(surface, opt, x0=start, steps=54, tol=1e-8)
    assert short.status == "max_steps", short.message
    assert short.message.startswith("Still moving after 54 steps")
    ys = np.abs(short.points[:, 1])
    np.testing.assert_allclose(ys[1:] / ys[:-1], 3.0, rtol=1e-12)  # the hidden escape
    assert set(np.abs(short.points[:, 0]).tolist()) == {2.0}
    long = optimizers.run(surface, opt, x0=start, steps=500, tol=1e-8)
    assert long.status == "diverged" and long.steps < 500
    # The sweep follows the same rule, cell for cell.
    grid = optimizers.sweep(surface, "gd", lr=[1.0], x0=start, steps=54, tol=1e-8)
    assert grid.statuses.ravel()[0] == short.status
