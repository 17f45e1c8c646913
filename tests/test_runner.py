"""The runner: stability limits and their messages, arguments, mini-batches, seeds, options."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import optimizers
import surfaces
from optimizers import gd, momentum, nesterov
from optimizers.numbers import format_number
from optimizers.runner import MAX_STEPS
from tests.helpers import assert_readable_numbers, assert_shows


def quadratic(kappa=10.0, angle=30.0):
    return surfaces.get("quadratic", condition_number=kappa, angle=angle)


# ----- stability limits on the quadratic ------------------------------------------------------
def iteration_matrix(rule, lam, lr, **hyper):
    """The linear map (x, v) → (x', v') one step of ``rule`` makes on f(x) = λx²/2.

    Built by stepping the rule itself from the basis states, so it is the recurrence the code
    runs, not one copied from a paper.
    """
    columns = []
    for x, v in ((1.0, 0.0), (0.0, 1.0)):
        state = rule.State(v) if rule.State._fields else rule.State()
        new_x, new_state = rule.step(x, lam * x, state, lr=lr, **hyper)
        columns.append((new_x, new_state.velocity if new_state else 0.0))
    return np.array(columns).T


def spectral_radius(rule, lam, lr, **hyper):
    return float(np.max(np.abs(np.linalg.eigvals(iteration_matrix(rule, lam, lr, **hyper)))))


LIMITS = [
    (gd, {}, lambda beta: 2.0),
    (momentum, {"momentum": 0.0}, lambda beta: 2.0 * (1 + beta)),
    (momentum, {"momentum": 0.5}, lambda beta: 2.0 * (1 + beta)),
    (momentum, {"momentum": 0.99}, lambda beta: 2.0 * (1 + beta)),
    (nesterov, {"momentum": 0.1}, lambda beta: 2.0 * (1 + beta) / (1 + 2 * beta)),
    (nesterov, {"momentum": 0.5}, lambda beta: 2.0 * (1 + beta) / (1 + 2 * beta)),
    (nesterov, {"momentum": 0.9}, lambda beta: 2.0 * (1 + beta) / (1 + 2 * beta)),
    (nesterov, {"momentum": 0.99}, lambda beta: 2.0 * (1 + beta) / (1 + 2 * beta)),
]


@pytest.mark.parametrize(("rule", "hyper", "limit"), LIMITS)
def test_stability_limits_match_the_spectral_radius_of_the_recurrence(rule, hyper, limit):
    # lr·λ below the limit: every eigenvalue of the 2×2 iteration inside the unit circle;
    # above it: one outside. Checked on a grid on both sides and right at the boundary.
    lam = 7.0
    h_limit = limit(hyper.get("momentum", 0.0))
    for h in np.linspace(0.005, 0.999, 200) * h_limit:
        assert spectral_radius(rule, lam, h / lam, **hyper) < 1.0
    for h in np.linspace(1.001, 3.0, 200) * h_limit:
        assert spectral_radius(rule, lam, h / lam, **hyper) > 1.0
    # The bound the runner explains with is the exact crossing point.
    assert spectral_radius(rule, lam, h_limit * (1 - 1e-9) / lam, **hyper) < 1.0
    assert spectral_radius(rule, lam, h_limit * (1 + 1e-9) / lam, **hyper) > 1.0


def test_stability_explanation_names_the_bound():
    assert optimizers.stability_explanation(optimizers.get("gd", lr=0.19), 10.0) is None
    assert optimizers.stability_explanation(optimizers.get("gd", lr=0.21), 10.0) == (
        "lr·λmax = 2.1 > 2"
    )
    heavy = optimizers.get("momentum", lr=0.4, momentum=0.5)
    assert optimizers.stability_explanation(heavy, 10.0) == "lr·λmax = 4 > 2(1+β) = 3"
    assert optimizers.stability_explanation(heavy, 7.0) is None
    ahead = optimizers.get("nesterov", lr=0.16, momentum=0.5)
    assert optimizers.stability_explanation(ahead, 10.0) == "lr·λmax = 1.6 > 2(1+β)/(1+2β) = 1.5"
    assert optimizers.stability_explanation(ahead, 9.0) is None
    assert optimizers.stability_explanation(optimizers.get("adam", lr=100.0), 10.0) is None


BOUNDS = [
    ("gd", None, lambda beta: 2.0, "> 2."),
    ("momentum", 0.3, lambda beta: 2.0 * (1 + beta), "> 2(1+β) = 2.6"),
    ("momentum", 0.9, lambda beta: 2.0 * (1 + beta), "> 2(1+β) = 3.8"),
    ("nesterov", 0.3, lambda beta: 2.0 * (1 + beta) / (1 + 2 * beta), "> 2(1+β)/(1+2β) = 1.62"),
    ("nesterov", 0.9, lambda beta: 2.0 * (1 + beta) / (1 + 2 * beta), "> 2(1+β)/(1+2β) = 1.36"),
]


@pytest.mark.parametrize("kappa", [2.0, 10.0, 100.0])
@pytest.mark.parametrize("angle", [0.0, 30.0, -75.0])
@pytest.mark.parametrize(("name", "beta", "limit", "bound_text"), BOUNDS)
def test_fixed_step_rules_diverge_just_above_their_limit_and_converge_just_below(
    kappa, angle, name, beta, limit, bound_text
):
    surface = quadratic(kappa, angle)
    lam_max = float(np.linalg.eigvalsh(surface.extras["A"])[-1])
    assert lam_max == pytest.approx(kappa, rel=1e-12)
    hyper = {} if beta is None else {"momentum": beta}
    critical_lr = limit(beta) / lam_max

    above = optimizers.run(
        surface, optimizers.get(name, lr=1.01 * critical_lr, **hyper), steps=1000
    )
    assert above.status == "diverged"
    assert "lr·λmax" in above.message
    assert bound_text in above.message
    assert_shows(above.message, lam_max * above.optimizer.lr, "lr·λmax = ")
    assert_readable_numbers(above.message)

    below = optimizers.run(
        surface, optimizers.get(name, lr=0.99 * critical_lr, **hyper), steps=3000
    )
    assert below.status == "converged"
    assert below.message.startswith("Converged in ")
    assert np.linalg.norm(below.final_point) < 1e-8


def test_slow_divergence_is_still_moving_until_it_leaves_and_says_why():
    # Just past the limit: the swings grow by |1 − lr·λmax| = 1.01 a step. In 200 steps the
    # point has not left the escape disc, so the run is still moving, not "diverged"; the
    # quadratic model says it will leave, and a long enough budget sees it leave.
    surface = quadratic(10.0, 30.0)
    opt = optimizers.get("gd", lr=1.005 * 2 / 10.0)
    trajectory = optimizers.run(surface, opt, x0=(0.3, -0.2), steps=200)
    assert trajectory.status == "max_steps"
    assert trajectory.steps == 200
    assert "lr·λmax = 2.01 > 2: its swings grow every step, so it will diverge" in (
        trajectory.message
    )
    longer = optimizers.run(surface, opt, x0=(0.3, -0.2), steps=3000)
    assert longer.status == "diverged" and longer.steps < 3000
    np.testing.assert_array_equal(longer.points[:201], trajectory.points)


# ----- arguments ---------------------------------------------------------------------------
BAD_RUN_ARGUMENTS = [
    ({"steps": -1}, ValueError, "steps"),
    ({"steps": MAX_STEPS + 1}, ValueError, "steps"),
    ({"steps": 1.5}, TypeError, "steps"),
    ({"steps": "10"}, TypeError, "steps"),
    ({"steps": True}, TypeError, "steps"),
    ({"tol": math.nan}, ValueError, "tol"),
    ({"tol": -1.0}, ValueError, "tol"),
    ({"tol": "small"}, TypeError, "tol"),
    ({"noise": -1.0}, ValueError, "noise"),
    ({"noise": math.inf}, ValueError, "noise"),
    ({"seed": -1}, ValueError, "seed"),
    ({"seed": 0.5}, TypeError, "seed"),
    ({"x0": (math.nan, 0.0)}, ValueError, "x0"),
    ({"x0": (0.0, math.inf)}, ValueError, "x0"),
    ({"x0": (1.0, 2.0, 3.0)}, ValueError, "x0"),
    ({"x0": [[1.0, 2.0], [3.0, 4.0]]}, ValueError, "x0"),
    ({"x0": "1, 2"}, TypeError, "x0"),
    ({"x0": ("a", "b")}, TypeError, "x0"),
    ({"batch_size": 4}, ValueError, "batch_size"),
]


@pytest.mark.parametrize(("arguments", "error", "name"), BAD_RUN_ARGUMENTS)
def test_run_rejects_bad_arguments_by_name(arguments, error, name):
    with pytest.raises(error, match=name):
        optimizers.run(quadratic(), optimizers.get("gd", lr=0.1), **arguments)


def test_run_rejects_bad_batch_sizes_on_a_data_surface():
    surface = surfaces.get("logistic")
    n = surface.n_samples
    opt = optimizers.get("gd", lr=0.1)
    for size in (0, -3, n + 1):
        with pytest.raises(ValueError, match="batch_size"):
            optimizers.run(surface, opt, batch_size=size)
    for size in (2.5, "4", True):
        with pytest.raises(TypeError, match="batch_size"):
            optimizers.run(surface, opt, batch_size=size)
    assert optimizers.run(surface, opt, batch_size=n, steps=3).steps == 3


def test_run_rejects_things_that_are_not_surfaces_or_optimizers():
    with pytest.raises(TypeError, match="surface"):
        optimizers.run("quadratic", optimizers.get("gd"))
    with pytest.raises(TypeError, match="optimizer"):
        optimizers.run(quadratic(), "gd")


def test_x0_defaults_to_the_surface_start_and_is_the_first_point():
    surface = quadratic()
    opt = optimizers.get("gd", lr=0.1)
    default = optimizers.run(surface, opt, steps=5)
    np.testing.assert_array_equal(default.points[0], surface.start)
    given_start = optimizers.run(surface, opt, x0=np.array([0.25, -1.0]), steps=5)
    np.testing.assert_array_equal(given_start.points[0], [0.25, -1.0])
    assert optimizers.run(surface, opt, steps=0).points.shape == (1, 2)


# ----- mini-batches and seeds ----------------------------------------------------------------
def test_mini_batch_gradients_over_an_epoch_average_to_the_full_gradient():
    surface = surfaces.get("logistic")
    n = surface.n_samples
    batch_size = next(size for size in (5, 4, 3, 2) if n % size == 0)
    rng = np.random.default_rng(11)
    for point in ([-2.0, 2.0], [0.3, 0.1], [1.5, -0.7]):
        order = rng.permutation(n)
        batches = np.split(order, n // batch_size)
        gradients = np.array([surface.batch_gradient(point, batch) for batch in batches])
        np.testing.assert_allclose(
            gradients.mean(axis=0), surface.gradient(point), rtol=1e-12, atol=1e-15
        )
        # Not trivially so: single batches scatter around the full gradient.
        assert np.ptp(gradients, axis=0).min() > 1e-3


def test_the_runner_draws_shuffled_epochs_without_replacement():
    surface = surfaces.get("logistic")
    n, batch_size, lr, seed = surface.n_samples, 7, 0.3, 5
    updates_per_epoch = -(-n // batch_size)
    steps = 2 * updates_per_epoch + 3
    trajectory = optimizers.run(
        surface, optimizers.get("gd", lr=lr), steps=steps, tol=0.0, batch_size=batch_size, seed=seed
    )
    assert trajectory.updates_per_epoch == updates_per_epoch
    # The same walk by hand: a fresh permutation every epoch, the last batch of each short.
    rng = np.random.default_rng(seed)
    point, order, expected = np.array(surface.start, dtype=float), np.empty(0, dtype=int), []
    for _ in range(steps):
        if order.size == 0:
            order = rng.permutation(n)
        batch, order = order[:batch_size], order[batch_size:]
        point = point - lr * surface.batch_gradient(point, batch)
        expected.append(point)
    np.testing.assert_allclose(trajectory.points[1:], expected, rtol=1e-15, atol=1e-15)
    # The trajectory records the exact gradient at each point, not the mini-batch estimate.
    np.testing.assert_allclose(
        trajectory.gradients, surface.gradient(trajectory.points), rtol=1e-12, atol=1e-15
    )


def test_full_batch_equals_exact_gradient_descent():
    surface = surfaces.get("logistic")
    opt = optimizers.get("gd", lr=0.5)
    full_batch = optimizers.run(
        surface, opt, steps=150, tol=0.0, batch_size=surface.n_samples, seed=3
    )
    exact = optimizers.run(surface, opt, steps=150, tol=0.0)
    assert full_batch.steps == exact.steps == 150
    assert full_batch.updates_per_epoch == 1
    np.testing.assert_allclose(full_batch.points, exact.points, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("surface_name", "arguments"),
    [("logistic", {"batch_size": 5}), ("quadratic", {"noise": 0.5})],
)
@pytest.mark.parametrize("name", ["gd", "adam"])
def test_the_seed_reproduces_a_stochastic_run(surface_name, arguments, name):
    surface = surfaces.get(surface_name)
    opt = optimizers.get(name, lr=0.05)
    first = optimizers.run(surface, opt, steps=100, seed=42, **arguments)
    again = optimizers.run(surface, opt, steps=100, seed=42, **arguments)
    other = optimizers.run(surface, opt, steps=100, seed=43, **arguments)
    np.testing.assert_array_equal(first.points, again.points)
    np.testing.assert_array_equal(first.losses, again.losses)
    assert first.message == again.message
    assert first.points.shape == other.points.shape
    assert not np.array_equal(first.points, other.points)
    np.testing.assert_array_equal(first.points[0], other.points[0])


def test_a_noisy_run_that_keeps_bouncing_says_so():
    trajectory = optimizers.run(quadratic(), optimizers.get("gd", lr=0.05), steps=300, noise=0.5)
    assert trajectory.status == "max_steps"
    assert "noisy gradient" in trajectory.message


# ----- options -----------------------------------------------------------------------------
def test_decay_schedule_sets_each_step_learning_rate():
    surface = quadratic(10.0, 30.0)
    lr, decay = 0.15, 0.1
    trajectory = optimizers.run(
        surface, optimizers.get("gd", lr=lr, decay=decay), steps=60, tol=0.0
    )
    ks = np.arange(60)
    np.testing.assert_array_equal(trajectory.lrs, lr / (1.0 + decay * ks))
    # And the path is the product of the decayed iterations (I − η_t A).
    A, point = surface.extras["A"], np.array(surface.start)
    for k in ks:
        point = (np.eye(2) - trajectory.lrs[k] * A) @ point
        np.testing.assert_allclose(trajectory.points[k + 1], point, rtol=0, atol=1e-12)
    constant = optimizers.run(surface, optimizers.get("gd", lr=lr), steps=10, tol=0.0)
    np.testing.assert_array_equal(constant.lrs, np.full(10, lr))


def test_clip_caps_the_first_step_at_lr_times_clip():
    surface = quadratic(100.0, 30.0)
    lr, clip, x0 = 0.005, 1.0, np.array([-2.4, 1.6])
    gradient = surface.gradient(x0)
    assert np.linalg.norm(gradient) > 10 * clip
    clipped = optimizers.run(surface, optimizers.get("gd", lr=lr, clip=clip), x0=x0, steps=1)
    step = clipped.points[1] - x0
    # Up to the rounding of x₀ − lr·g (a few ulps of |x₀| ≈ 2).
    rounding = 4 * np.spacing(np.abs(x0).max())
    assert np.linalg.norm(step) <= lr * clip + rounding
    assert np.linalg.norm(step) == pytest.approx(lr * clip, abs=rounding)
    np.testing.assert_allclose(
        step, -lr * clip * gradient / np.linalg.norm(gradient), rtol=0, atol=rounding
    )
    # A clip above the gradient norm changes nothing.
    loose = optimizers.run(surface, optimizers.get("gd", lr=lr, clip=1e6), x0=x0, steps=20)
    plain = optimizers.run(surface, optimizers.get("gd", lr=lr), x0=x0, steps=20)
    np.testing.assert_array_equal(loose.points, plain.points)


@pytest.mark.parametrize("weight_decay", [0.1, 2.0])
def test_weight_decay_is_gradient_descent_on_a_shifted_quadratic(weight_decay):
    # ∇(½xᵀAx) + λx = (A + λI)x: GD on A + λI, so x_k = (I − lr(A + λI))^k x₀.
    surface = quadratic(10.0, -40.0)
    lr, x0 = 0.08, np.array([1.0, 2.0])
    trajectory = optimizers.run(
        surface, optimizers.get("gd", lr=lr, weight_decay=weight_decay), x0=x0, steps=40, tol=0.0
    )
    iteration = np.eye(2) - lr * (surface.extras["A"] + weight_decay * np.eye(2))
    for k, point in enumerate(trajectory.points):
        np.testing.assert_allclose(
            point, np.linalg.matrix_power(iteration, k) @ x0, rtol=0, atol=1e-12
        )


# ----- what the message says ---------------------------------------------------------------
def test_converged_and_still_moving_messages():
    surface = quadratic(10.0, 30.0)
    done = optimizers.run(surface, optimizers.get("gd", lr=0.1), steps=1000)
    assert done.status == "converged"
    assert done.message.startswith(f"Converged in {done.steps} steps")
    assert done.grad_norms[-1] < 1e-8 <= done.grad_norms[-2]
    slow = optimizers.run(surface, optimizers.get("gd", lr=0.001), steps=50)
    assert slow.status == "max_steps"
    assert slow.message.startswith("Still moving after 50 steps")
    # Every number as a student reads it (3 significant figures), parsed back and compared.
    assert_shows(done.message, done.final_loss, "; loss ")
    assert_shows(slow.message, slow.final_loss, ": loss ")
    assert_shows(slow.message, slow.grad_norms[-1], "gradient norm ")
    assert_shows(slow.message, slow.final_point[0], " at (")
    assert_shows(slow.message, slow.final_point[1], f" at ({format_number(slow.final_point[0])}, ")
    for trajectory in (done, slow):
        assert_readable_numbers(trajectory.message)


def test_gd_on_the_stable_manifold_converges_to_the_saddle_and_says_so():
    surface = surfaces.get("saddle")
    trajectory = optimizers.run(surface, optimizers.get("gd", lr=0.1), x0=(-1.5, 0.0), steps=300)
    assert trajectory.status == "converged"
    np.testing.assert_allclose(trajectory.final_point, [0.0, 0.0], atol=1e-8)
    assert "Converged" in trajectory.message
    assert "saddle" in trajectory.message


def test_gd_just_off_the_stable_manifold_leaves_the_plot_with_the_loss_falling():
    surface = surfaces.get("saddle")
    trajectory = optimizers.run(surface, optimizers.get("gd", lr=0.1), x0=(-1.5, 0.05), steps=300)
    assert trajectory.status == "diverged"
    assert np.all(np.diff(trajectory.losses) < 0)
    assert "loss still falling" in trajectory.message
    assert "no minimum" in trajectory.message


def test_newton_on_the_saddle_notes_the_indefinite_hessian():
    surface = surfaces.get("saddle")
    trajectory = optimizers.run(surface, optimizers.get("newton"), x0=(-1.5, 0.05), steps=20)
    assert trajectory.status == "converged"
    assert trajectory.steps == 1
    np.testing.assert_allclose(trajectory.final_point, [0.0, 0.0], atol=1e-15)
    assert "not positive definite" in trajectory.message
    assert "saddle" in trajectory.message


def test_newton_notes_a_singular_hessian():
    # Rosenbrock's Hessian is singular on y = x² + 1/(2b); at (0, 1/256) with b = 128 it is
    # diag(0, 256), and the pseudo-inverse step moves y only, by g_y/256 = 1/256.
    surface = surfaces.get("rosenbrock", a=1.0, b=128.0)
    trajectory = optimizers.run(surface, optimizers.get("newton"), x0=(0.0, 1.0 / 256.0), steps=30)
    np.testing.assert_allclose(trajectory.points[1], [0.0, 0.0], atol=1e-15)
    assert "At step 0 the Hessian was singular" in trajectory.message
    assert "pseudo-inverse" in trajectory.message


def test_divergence_off_a_quadratic_still_explains_itself():
    surface = surfaces.get("rosenbrock")
    trajectory = optimizers.run(surface, optimizers.get("gd", lr=0.01), steps=300)
    assert trajectory.status == "diverged"
    assert trajectory.message.startswith("Diverg")
    assert trajectory.message.endswith(".")


# ----- nothing non-finite, whatever the learning rate ---------------------------------------
SURFACES = surfaces.names()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(optimizers.names()),
    surface_name=st.sampled_from(SURFACES),
    log_lr=st.floats(-6.0, 6.0),
    offset=st.tuples(st.floats(-4.0, 4.0), st.floats(-4.0, 4.0)),
    steps=st.integers(0, 300),
    noise=st.sampled_from([0.0, 0.0, 1.0]),
    clip=st.sampled_from([None, None, 0.5]),
    weight_decay=st.sampled_from([0.0, 0.0, 0.3]),
)
def test_no_learning_rate_produces_non_finite_numbers(
    name, surface_name, log_lr, offset, steps, noise, clip, weight_decay
):
    surface = surfaces.get(surface_name)
    (xmin, xmax), (ymin, ymax) = surface.bounds
    # Offsets in [−1, 1] stay on the plot; up to 4 half-widths go beyond it.
    x0 = (
        0.5 * (xmin + xmax) + 0.5 * offset[0] * (xmax - xmin),
        0.5 * (ymin + ymax) + 0.5 * offset[1] * (ymax - ymin),
    )
    opt = optimizers.get(name, lr=10.0**log_lr, clip=clip, weight_decay=weight_decay)
    trajectory = optimizers.run(surface, opt, x0=x0, steps=steps, noise=noise)
    assert trajectory.status in optimizers.STATUS_WORDS
    assert trajectory.message
    assert len(trajectory.points) == len(trajectory.losses) == len(trajectory.gradients)
    assert len(trajectory.grad_norms) == len(trajectory.points)
    assert len(trajectory.lrs) == trajectory.steps <= steps
    np.testing.assert_array_equal(trajectory.points[0], x0)
    for array in (
        trajectory.points,
        trajectory.losses,
        trajectory.gradients,
        trajectory.grad_norms,
        trajectory.lrs,
    ):
        assert np.all(np.isfinite(array))
    if trajectory.status == "max_steps":
        assert trajectory.steps == steps
