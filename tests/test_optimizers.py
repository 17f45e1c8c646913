"""The update rules: steps worked by hand, agreements theory promises, convergence, validation.

Hand-worked numbers follow the ``torch.optim`` formulas written in each rule's docstring.
Every elementwise rule is checked three ways, because the runner calls it with Python floats
(one coordinate at a time), and the sweep with (..., 2) arrays and (..., 1) hyperparameters.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import optimizers
import surfaces
from optimizers import (
    adagrad,
    adam,
    elementwise,
    gd,
    momentum,
    nesterov,
    newton,
    registry,
    rmsprop,
)

ELEMENTWISE = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]

X0 = (1.0, -2.0)
G1 = (0.5, -4.0)
G2 = (0.25, 2.0)


def steps_on_array(rule, hyper, gradients, x0=X0):
    """Apply ``rule`` to a (2,) array for each gradient; return every point after x0."""
    params = np.array(x0)
    state = rule.init(params)
    points = []
    for grad in gradients:
        params, state = rule.step(params, np.array(grad), state, **hyper)
        points.append(params)
    return np.array(points), state


def steps_on_floats(rule, hyper, gradients, x0=X0):
    """The same steps as the runner takes them: each coordinate a float with its own state."""
    points = []
    coords = list(x0)
    states = [rule.init(c) for c in coords]
    for grad in gradients:
        for i in range(2):
            coords[i], states[i] = rule.step(coords[i], grad[i], states[i], **hyper)
        assert all(isinstance(c, float) for c in coords)
        points.append(tuple(coords))
    return np.array(points), states


def steps_on_stack(rule, hyper, gradients, x0=X0, cells=3):
    """The same steps as the sweep takes them: (cells, 2) params, (cells, 1) hyperparameters."""
    params = np.tile(np.array(x0), (cells, 1))
    hyper = {key: np.full((cells, 1), value) for key, value in hyper.items()}
    state = rule.init(params)
    points = []
    for grad in gradients:
        params, state = rule.step(params, np.tile(np.array(grad), (cells, 1)), state, **hyper)
        assert params.shape == (cells, 2)
        assert np.all(params == params[0])
        points.append(params[0])
    return np.array(points), state


# ----- one and two steps worked by hand -----------------------------------------------------
HAND_STEPS = {
    # x₁ = x₀ − η g₁
    "gd": (gd, {"lr": 0.1}, [(1.0 - 0.05, -2.0 + 0.4), (0.95 - 0.025, -1.6 - 0.2)]),
    # v₁ = g₁ (v₀ = 0); x₁ = x₀ − η v₁
    # v₂ = 0.9·(0.5, −4) + (0.25, 2) = (0.7, −1.6); x₂ = x₁ − 0.1·v₂
    "momentum": (
        momentum,
        {"lr": 0.1, "momentum": 0.9},
        [(0.95, -1.6), (0.95 - 0.07, -1.6 + 0.16)],
    ),
    # v₁ = g₁; x₁ = x₀ − η (g₁ + β v₁) = x₀ − 0.19 g₁
    # v₂ = (0.7, −1.6); g₂ + β v₂ = (0.25 + 0.63, 2 − 1.44) = (0.88, 0.56); x₂ = x₁ − 0.1·that
    "nesterov": (
        nesterov,
        {"lr": 0.1, "momentum": 0.9},
        [(1.0 - 0.095, -2.0 + 0.76), (0.905 - 0.088, -1.24 - 0.056)],
    ),
    # s₁ = g₁² = (0.25, 16); x₁ = x₀ − η g₁/(√s₁ + ε) with ε = 0.5 outside the root
    # s₂ = (0.3125, 20); x₂ = x₁ − 0.1 g₂/(√s₂ + 0.5)
    "adagrad": (
        adagrad,
        {"lr": 0.1, "eps": 0.5},
        [
            (1.0 - 0.05 / 1.0, -2.0 + 0.4 / 4.5),
            (
                1.0 - 0.05 - 0.025 / (math.sqrt(0.3125) + 0.5),
                -2.0 + 0.4 / 4.5 - 0.2 / (math.sqrt(20.0) + 0.5),
            ),
        ],
    ),
    # s₁ = 0.25 g₁² = (0.0625, 4), √s₁ = (0.25, 2); x₁ = x₀ − η g₁/(√s₁ + 0.25)
    # s₂ = 0.75 s₁ + 0.25 g₂² = (0.0625, 4) again
    "rmsprop": (
        rmsprop,
        {"lr": 0.1, "rho": 0.75, "eps": 0.25},
        [
            (1.0 - 0.05 / 0.5, -2.0 + 0.4 / 2.25),
            (0.9 - 0.025 / 0.5, -2.0 + 0.4 / 2.25 - 0.2 / 2.25),
        ],
    ),
    # m₁ = 0.5 g₁ = (0.25, −2), v₁ = 0.25 g₁² = (0.0625, 4); m̂₁ = m₁/0.5 = g₁,
    # v̂₁ = v₁/0.25 = g₁²; x₁ = x₀ − 0.1·g₁/(|g₁| + 0.25) = x₀ − 0.1·(0.5/0.75, −4/4.25)
    # m₂ = 0.5 m₁ + 0.5 g₂ = (0.25, 0); v₂ = 0.75 v₁ + 0.25 g₂² = (0.0625, 4)
    # m̂₂ = m₂/(1 − 0.25) = (1/3, 0); v̂₂ = v₂/(1 − 0.5625) = (1/7, 64/7)
    # x₂ = x₁ − 0.1·m̂₂/(√v̂₂ + 0.25): the y coordinate does not move (m₂ = 0)
    "adam": (
        adam,
        {"lr": 0.1, "b1": 0.5, "b2": 0.75, "eps": 0.25},
        [
            (1.0 - 0.05 / 0.75, -2.0 + 0.4 / 4.25),
            (1.0 - 0.05 / 0.75 - (0.1 / 3.0) / (math.sqrt(1.0 / 7.0) + 0.25), -2.0 + 0.4 / 4.25),
        ],
    ),
}


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_two_steps_by_hand_on_arrays_floats_and_stacks(name):
    rule, hyper, expected = HAND_STEPS[name]
    assert registry.RULES[name] is rule
    on_array, _ = steps_on_array(rule, hyper, [G1, G2])
    on_floats, _ = steps_on_floats(rule, hyper, [G1, G2])
    on_stack, _ = steps_on_stack(rule, hyper, [G1, G2])
    np.testing.assert_allclose(on_array, np.array(expected), rtol=1e-14, atol=1e-15)
    # The runner (floats) and the sweep (arrays) must take bit-for-bit the same path.
    np.testing.assert_array_equal(on_floats, on_array)
    np.testing.assert_array_equal(on_stack, on_array)


def test_state_is_carried_between_steps():
    _, state = steps_on_array(momentum, {"lr": 0.1, "momentum": 0.9}, [G1, G2])
    np.testing.assert_allclose(state.velocity, [0.7, -1.6], rtol=1e-15)
    _, state = steps_on_array(nesterov, {"lr": 0.1, "momentum": 0.9}, [G1, G2])
    np.testing.assert_allclose(state.velocity, [0.7, -1.6], rtol=1e-15)
    _, state = steps_on_array(adagrad, {"lr": 0.1, "eps": 0.5}, [G1, G2])
    np.testing.assert_allclose(state.sum_of_squares, [0.3125, 20.0], rtol=1e-15)
    _, state = steps_on_array(adam, {"lr": 0.1, "b1": 0.5, "b2": 0.75, "eps": 0.25}, [G1, G2])
    assert state.count == 2
    np.testing.assert_allclose(state.mu, [0.25, 0.0], atol=1e-15)
    np.testing.assert_allclose(state.nu, [0.0625, 4.0], rtol=1e-15)


def test_adam_first_step_with_defaults_moves_each_coordinate_by_lr():
    # Bias correction makes m̂₁ = g and v̂₁ = g², so the first step is lr·g/(|g| + ε).
    hyper = {"lr": 0.01, "b1": 0.9, "b2": 0.999, "eps": 1e-8}
    (point,), _ = steps_on_array(adam, hyper, [(3.0, -1e-3)])
    np.testing.assert_allclose(point - np.array(X0), [-0.01, 0.01], rtol=1e-5)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_floats_arrays_and_stacks_agree_over_many_steps(name):
    # Many steps with rough gradients: ulp-level differences (e.g. in β^t) would show here.
    rule = registry.RULES[name]
    hyper = {spec.name: spec.default for spec in rule.HYPERPARAMETERS}
    hyper["lr"] = 0.05
    rng = np.random.default_rng(7)
    scales = 10.0 ** rng.uniform(-3.0, 3.0, (2000, 1))
    gradients = [tuple(g) for g in (rng.standard_normal((2000, 2)) * scales).tolist()]
    on_array, _ = steps_on_array(rule, hyper, gradients)
    on_floats, _ = steps_on_floats(rule, hyper, gradients)
    on_stack, _ = steps_on_stack(rule, hyper, gradients)
    np.testing.assert_array_equal(on_floats, on_array)
    np.testing.assert_array_equal(on_stack, on_array)


def random_cells(name, cells, rng):
    """Random hyperparameters (cells, 1) and states (cells, 2) for one step of rule ``name``."""

    def uniform(low, high):
        return rng.uniform(low, high, (cells, 1))

    def log_uniform(low, high):
        return 10.0 ** uniform(low, high)

    hyper = {"lr": log_uniform(-4, 1)}
    squares = 10.0 ** rng.uniform(-6, 6, (cells, 2))
    if name in ("momentum", "nesterov"):
        hyper["momentum"] = uniform(0.01, 0.99)
        state = registry.RULES[name].State(rng.standard_normal((cells, 2)))
    elif name == "adagrad":
        hyper["eps"] = log_uniform(-10, -1)
        state = adagrad.State(squares)
    elif name == "rmsprop":
        hyper |= {"rho": uniform(0.0, 0.999), "eps": log_uniform(-10, -1)}
        state = rmsprop.State(squares)
    elif name == "adam":
        hyper |= {"b1": uniform(0.0, 0.99), "b2": uniform(0.9, 0.9999), "eps": log_uniform(-10, -1)}
        count = 17
        state = adam.State(
            count,
            rng.standard_normal((cells, 2)),
            squares,
            hyper["b1"] ** (count - 1),
            hyper["b2"] ** (count - 1),
        )
    else:
        state = gd.State()
    return hyper, state


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_one_step_from_random_states_rounds_alike_on_floats_and_arrays(name):
    # The sweep steps every cell of a grid as rows of arrays; the runner steps one coordinate
    # at a time as Python floats. From the same state they must land on the same bits.
    rng = np.random.default_rng(2024)
    cells = 4000
    rule = registry.RULES[name]
    hyper, state = random_cells(name, cells, rng)
    params = rng.standard_normal((cells, 2)) * 10.0 ** rng.uniform(-3, 3, (cells, 2))
    grads = rng.standard_normal((cells, 2)) * 10.0 ** rng.uniform(-4, 4, (cells, 2))
    stacked, stacked_state = rule.step(params, grads, state, **hyper)
    for i in range(cells):
        cell_hyper = {key: float(value[i, 0]) for key, value in hyper.items()}
        for j in range(2):
            cell_state = type(state)(
                *(float(np.broadcast_to(v, (cells, 2))[i, j]) if np.ndim(v) else v for v in state)
            )
            coordinate, new_state = rule.step(
                float(params[i, j]), float(grads[i, j]), cell_state, **cell_hyper
            )
            assert coordinate == stacked[i, j], (i, j, cell_hyper, cell_state)
            for value, stacked_value in zip(new_state, stacked_state, strict=True):
                assert value == (
                    np.broadcast_to(stacked_value, (cells, 2))[i, j]
                    if np.ndim(stacked_value)
                    else stacked_value
                )


def test_elementwise_sqrt_rounds_floats_like_arrays():
    values = 10.0 ** np.random.default_rng(1).uniform(-12.0, 12.0, 20_000)
    on_floats = np.array([elementwise.sqrt(value) for value in values.tolist()])
    np.testing.assert_array_equal(on_floats, elementwise.sqrt(values))
    np.testing.assert_array_equal(on_floats, np.sqrt(values))
    assert isinstance(elementwise.sqrt(2.0), float)


def test_newton_step_by_hand():
    # H = [[2, 1], [1, 3]], det 5, H⁻¹ = [[3, −1], [−1, 2]]/5; d = H⁻¹(1, 2) = (0.2, 0.6)
    hessian = np.array([[2.0, 1.0], [1.0, 3.0]])
    params, state = newton.step(
        np.array(X0), np.array([1.0, 2.0]), newton.init(X0), lr=0.5, hessian=hessian
    )
    np.testing.assert_allclose(params, [1.0 - 0.1, -2.0 - 0.3], rtol=1e-15)
    assert state == newton.State()
    # The runner may pass the gradient as a tuple of floats.
    np.testing.assert_array_equal(newton.direction(hessian, (1.0, 2.0)), [0.2, 0.6])
    # The sweep passes stacks of Hessians and gradients: the same numbers, cell by cell.
    stack, _ = newton.step(
        np.tile(X0, (4, 1)),
        np.tile([1.0, 2.0], (4, 1)),
        newton.State(),
        lr=np.full((4, 1), 0.5),
        hessian=np.tile(hessian, (4, 1, 1)),
    )
    np.testing.assert_array_equal(stack, np.tile(params, (4, 1)))


def test_newton_direction_uses_the_pseudo_inverse_where_singular():
    singular = np.array([[1.0, 0.0], [0.0, 0.0]])
    np.testing.assert_allclose(
        newton.direction(singular, np.array([2.0, 3.0])), [2.0, 0.0], atol=1e-15
    )
    # In a stack, singular and regular Hessians each get their own treatment.
    stack = np.array([singular, [[2.0, 0.0], [0.0, 4.0]], np.zeros((2, 2))])
    grads = np.array([[2.0, 3.0], [2.0, 3.0], [5.0, -1.0]])
    np.testing.assert_allclose(
        newton.direction(stack, grads), [[2.0, 0.0], [1.0, 0.75], [0.0, 0.0]], atol=1e-15
    )


def test_adam_with_b1_zero_is_rmsprop_with_bias_corrected_lr_and_eps():
    # With β₁ = 0, m_t = g_t, and Adam's v_t is RMSprop's s_t for ρ = β₂. Writing c = 1 − ρᵗ:
    #   η g / (√(v/c) + ε) = η g √c / (√v + ε √c)
    # so Adam at count t equals RMSprop with η' = η √c and ε' = ε √c, from the same state.
    rho, lr, eps = 0.9, 0.01, 1e-3
    rng = np.random.default_rng(3)
    for t in (1, 2, 5, 40):
        params = rng.uniform(0.5, 2.0, 2)
        grad = rng.standard_normal(2)
        nu = rng.uniform(0.0, 2.0, 2)
        state = adam.State(
            count=t - 1,
            mu=rng.standard_normal(2),
            nu=nu,
            b1_power=0.0 ** (t - 1),
            b2_power=rho ** (t - 1),
        )
        adam_params, adam_state = adam.step(params, grad, state, lr=lr, b1=0.0, b2=rho, eps=eps)
        c = 1.0 - rho**t
        rms_params, rms_state = rmsprop.step(
            params, grad, rmsprop.State(nu), lr=lr * math.sqrt(c), rho=rho, eps=eps * math.sqrt(c)
        )
        np.testing.assert_allclose(adam_params, rms_params, rtol=1e-15, atol=0)
        np.testing.assert_array_equal(adam_state.nu, rms_state.mean_square)
        np.testing.assert_array_equal(adam_state.mu, grad)


def test_momentum_zero_follows_gradient_descent_exactly():
    surface = surfaces.get("quadratic", condition_number=10.0, angle=30.0)
    heavy = optimizers.run(surface, optimizers.get("momentum", lr=0.05, momentum=0.0), steps=200)
    plain = optimizers.run(surface, optimizers.get("gd", lr=0.05), steps=200)
    assert heavy.steps == plain.steps > 100
    np.testing.assert_array_equal(heavy.points, plain.points)
    np.testing.assert_array_equal(heavy.losses, plain.losses)
    assert heavy.status == plain.status


# ----- closed forms on the quadratic --------------------------------------------------------
@pytest.mark.parametrize(("kappa", "angle"), [(10.0, 30.0), (100.0, -60.0), (3.0, 0.0)])
def test_gradient_descent_on_the_quadratic_is_a_matrix_power(kappa, angle):
    surface = surfaces.get("quadratic", condition_number=kappa, angle=angle)
    A, c = surface.extras["A"], np.zeros(2)
    lr = 1.5 / kappa
    x0 = np.array([-2.0, 1.5])
    trajectory = optimizers.run(surface, optimizers.get("gd", lr=lr), x0=x0, steps=50, tol=0.0)
    assert trajectory.steps == 50
    iteration = np.eye(2) - lr * A
    for k, point in enumerate(trajectory.points):
        expected = np.linalg.matrix_power(iteration, k) @ (x0 - c) + c
        np.testing.assert_allclose(point, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("kappa", [1.0, 10.0, 100.0, 1000.0])
def test_newton_reaches_the_quadratic_minimizer_in_one_step(kappa):
    surface = surfaces.get("quadratic", condition_number=kappa, angle=25.0)
    trajectory = optimizers.run(
        surface, optimizers.get("newton", lr=1.0), x0=(-2.4, 1.6), steps=10, tol=1e-8 * kappa
    )
    assert trajectory.status == "converged"
    assert trajectory.steps == 1
    np.testing.assert_allclose(trajectory.points[1], surface.minima[0], atol=1e-12)


# ----- convergence ---------------------------------------------------------------------------
# (rule, hyperparameters, step budget, tolerance on the final distance to the minimizer).
# RMSprop with a constant lr ends in a limit cycle of amplitude about lr (its step is ≈ lr·sign g
# near the minimum), so its tolerance is lr; the others reach the minimizer.
QUADRATIC_RUNS = [
    ("gd", lambda kappa: {"lr": 1.0 / kappa}, 3000, 1e-6),
    ("momentum", lambda kappa: {"lr": 1.0 / kappa, "momentum": 0.9}, 1000, 1e-6),
    ("nesterov", lambda kappa: {"lr": 1.0 / kappa, "momentum": 0.9}, 1000, 1e-6),
    ("adagrad", lambda kappa: {"lr": 1.0}, 5000, 1e-6),
    ("rmsprop", lambda kappa: {"lr": 1e-3}, 5000, 1e-3),
    ("adam", lambda kappa: {"lr": 0.02}, 5000, 1e-4),
    ("newton", lambda kappa: {"lr": 1.0}, 1, 1e-12),
]


@pytest.mark.parametrize("kappa", [10.0, 100.0])
@pytest.mark.parametrize(
    ("name", "hyper", "budget", "tolerance"), QUADRATIC_RUNS, ids=[run[0] for run in QUADRATIC_RUNS]
)
def test_every_rule_converges_on_the_quadratic(kappa, name, hyper, budget, tolerance):
    surface = surfaces.get("quadratic", condition_number=kappa, angle=30.0)
    trajectory = optimizers.run(surface, optimizers.get(name, **hyper(kappa)), steps=budget)
    assert trajectory.status != "diverged"
    distance = np.linalg.norm(trajectory.final_point - np.array(surface.minima[0]))
    assert distance < tolerance
    assert np.linalg.norm(trajectory.points[0] - surface.minima[0]) > 2.0


ROSENBROCK_RUNS = [
    # lr·λmax < 2 near (1, 1), where λmax ≈ 1002: GD needs lr ≈ 1e-3 and creeps along the valley.
    ("gd", {"lr": 1e-3}, 30_000, 1e-4),
    ("momentum", {"lr": 1e-3, "momentum": 0.9}, 10_000, 1e-6),
    ("nesterov", {"lr": 1e-3, "momentum": 0.9}, 10_000, 1e-6),
    ("adagrad", {"lr": 1.0}, 20_000, 1e-4),
    ("rmsprop", {"lr": 3e-4}, 20_000, 1e-3),
    ("adam", {"lr": 0.02}, 5_000, 1e-6),
    ("newton", {"lr": 1.0}, 50, 1e-10),
]


@pytest.mark.parametrize(
    ("name", "hyper", "budget", "tolerance"),
    ROSENBROCK_RUNS,
    ids=[run[0] for run in ROSENBROCK_RUNS],
)
def test_every_rule_converges_on_rosenbrock(name, hyper, budget, tolerance):
    surface = surfaces.get("rosenbrock")
    (minimizer,) = surface.minima
    trajectory = optimizers.run(surface, optimizers.get(name, **hyper), steps=budget)
    assert trajectory.status != "diverged"
    assert np.linalg.norm(trajectory.final_point - np.array(minimizer)) < tolerance
    assert np.linalg.norm(trajectory.points[0] - np.array(minimizer)) > 2.0


# ----- registry and validation --------------------------------------------------------------
def test_names_and_torch_defaults():
    assert optimizers.names() == [
        "gd",
        "momentum",
        "nesterov",
        "adagrad",
        "rmsprop",
        "adam",
        "newton",
    ]
    assert optimizers.get("adam").hyperparameters == {
        "lr": 1e-3,
        "b1": 0.9,
        "b2": 0.999,
        "eps": 1e-8,
    }
    assert optimizers.get("rmsprop").hyperparameters == {"lr": 1e-2, "rho": 0.99, "eps": 1e-8}
    assert optimizers.get("adagrad").hyperparameters == {"lr": 1e-2, "eps": 1e-10}
    assert optimizers.get("momentum", lr=0.5).hyperparameters == {"lr": 0.5, "momentum": 0.9}
    opt = optimizers.get("gd", lr=0.1, decay=0.5, clip=2.0, weight_decay=0.01)
    assert (opt.decay, opt.clip, opt.weight_decay) == (0.5, 2.0, 0.01)
    assert opt.lr_at(4) == 0.1 / 3.0
    for name in optimizers.names():
        assert {spec.name for spec in optimizers.hyperparameters(name)} >= {"lr"}


BAD_VALUES = [
    ("gd", "lr", 0.0),
    ("gd", "lr", -1.0),
    ("gd", "lr", math.nan),
    ("gd", "lr", math.inf),
    ("adam", "lr", -math.inf),
    ("momentum", "momentum", 1.0),
    ("momentum", "momentum", -0.1),
    ("nesterov", "momentum", 0.0),
    ("nesterov", "momentum", 1.0),
    ("adam", "b1", 1.0),
    ("adam", "b1", -0.1),
    ("adam", "b2", 1.0),
    ("adam", "b2", -0.1),
    ("rmsprop", "rho", 1.0),
    ("rmsprop", "rho", -0.1),
    ("adagrad", "eps", 0.0),
    ("rmsprop", "eps", 0.0),
    ("adam", "eps", -1e-8),
    ("gd", "decay", -1.0),
    ("gd", "clip", 0.0),
    ("gd", "weight_decay", -0.5),
    ("gd", "weight_decay", math.nan),
]


@pytest.mark.parametrize(("name", "argument", "value"), BAD_VALUES)
def test_out_of_range_hyperparameters_raise_value_error_naming_them(name, argument, value):
    with pytest.raises(ValueError, match=f"'{argument}'"):
        optimizers.get(name, **{argument: value})


@pytest.mark.parametrize("value", ["abc", None, True, 1 + 2j, np.bool_(False), [0.1, "x"]])
@pytest.mark.parametrize("argument", ["lr", "momentum"])
def test_non_numbers_raise_type_error_naming_the_argument(argument, value):
    with pytest.raises(TypeError, match=f"'{argument}'"):
        optimizers.get("momentum", **{argument: value})


def test_option_types_and_arrays_are_rejected():
    with pytest.raises(TypeError, match="'clip'"):
        optimizers.get("gd", clip="big")
    with pytest.raises(ValueError, match="single numbers"):
        optimizers.get("gd", lr=np.array([0.1, 0.2]))


def test_unknown_names_raise_value_error():
    with pytest.raises(ValueError, match="Unknown optimizer 'sgd'"):
        optimizers.get("sgd")
    with pytest.raises(ValueError, match="Unknown optimizer"):
        optimizers.hyperparameters(None)
    with pytest.raises(ValueError, match="'momentum'"):
        optimizers.get("gd", momentum=0.9)
    with pytest.raises(ValueError, match="'beta1'"):
        optimizers.get("adam", beta1=0.9)
