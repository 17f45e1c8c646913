"""The sweep: every cell of a grid agrees with the single run of its settings."""

from __future__ import annotations

import math

import numpy as np
import pytest

import optimizers
import surfaces

OPTIONS = ("decay", "weight_decay")


def assert_cells_match_runs(surface, name, steps, x0=None, **grid):
    """Run the sweep, then every cell on its own through ``optimizers.run``, and compare."""
    result = optimizers.sweep(surface, name, x0=x0, steps=steps, **grid)
    arrays = {key: np.asarray(value, dtype=float) for key, value in grid.items()}
    starts = None if x0 is None else np.asarray(x0, dtype=float)
    shape = np.broadcast_shapes(
        *(a.shape for a in arrays.values()), () if starts is None else starts.shape[:-1]
    )
    assert result.shape == shape
    assert result.steps_to_converge.shape == result.final_loss.shape == shape
    assert result.steps_to_converge.dtype.kind == "i"
    assert result.diverged.dtype == bool
    statuses = set()
    for index in np.ndindex(shape):
        cell = {key: float(np.broadcast_to(a, shape)[index]) for key, a in arrays.items()}
        options = {key: cell.pop(key) for key in OPTIONS if key in cell}
        start = None if starts is None else np.broadcast_to(starts, (*shape, 2))[index]
        trajectory = optimizers.run(
            surface, optimizers.get(name, **cell, **options), x0=start, steps=steps
        )
        statuses.add(trajectory.status)
        where = f"cell {index}: {cell} {options} from {start}: {trajectory.message}"
        converged = trajectory.status == "converged"
        assert result.steps_to_converge[index] == (trajectory.steps if converged else -1), where
        assert result.diverged[index] == (trajectory.status == "diverged"), where
        assert result.statuses[index] == trajectory.status, where
        if trajectory.status == "diverged":
            assert math.isnan(result.final_loss[index]), where
        else:
            assert abs(result.final_loss[index] - trajectory.final_loss) <= 1e-12 * abs(
                trajectory.final_loss
            ), where
    return result, statuses


def quadratic():
    return surfaces.get("quadratic", condition_number=10.0, angle=30.0)


LR_COLUMN = np.array([0.01, 0.05, 0.1, 0.2, 0.3])[:, None]

# (rule, steps, grid): 5×4 grids where the limits of the fixed-step rules fall inside.
QUADRATIC_GRIDS = [
    ("gd", 400, {"lr": np.array([0.01, 0.05, 0.1, 0.19, 0.21, 0.3])}),
    ("momentum", 400, {"lr": LR_COLUMN, "momentum": np.array([0.0, 0.3, 0.6, 0.9])}),
    ("nesterov", 400, {"lr": LR_COLUMN, "momentum": np.array([0.1, 0.3, 0.6, 0.9])}),
    ("adam", 400, {"lr": LR_COLUMN, "b1": np.array([0.0, 0.5, 0.9, 0.99])}),
    (
        "adagrad",
        400,
        {"lr": np.geomspace(0.01, 10, 5)[:, None], "eps": np.array([1e-10, 1e-6, 1e-3, 1.0])},
    ),
    (
        "rmsprop",
        400,
        {"lr": np.geomspace(1e-3, 1, 5)[:, None], "rho": np.array([0.0, 0.5, 0.9, 0.99])},
    ),
    ("newton", 10, {"lr": np.array([0.1, 0.5, 1.0, 1.5, 2.5])}),
]


@pytest.mark.parametrize(
    ("name", "steps", "grid"), QUADRATIC_GRIDS, ids=[case[0] for case in QUADRATIC_GRIDS]
)
def test_every_cell_agrees_with_run_on_the_quadratic(name, steps, grid):
    _, statuses = assert_cells_match_runs(quadratic(), name, steps, **grid)
    assert "converged" in statuses
    if name in ("gd", "momentum", "nesterov", "newton"):
        assert "diverged" in statuses


ROSENBROCK_GRIDS = [
    (
        "gd",
        300,
        {"lr": np.geomspace(1e-4, 1e-2, 5)[:, None], "decay": np.array([0.0, 0.01, 0.1, 1.0])},
    ),
    (
        "momentum",
        300,
        {"lr": np.geomspace(1e-4, 1e-2, 5)[:, None], "momentum": np.array([0.0, 0.3, 0.6, 0.9])},
    ),
    (
        "nesterov",
        300,
        {"lr": np.geomspace(1e-4, 1e-2, 5)[:, None], "momentum": np.array([0.1, 0.3, 0.6, 0.9])},
    ),
    # lr = 1 is chaotic on Rosenbrock: only bit-for-bit equal steps keep run and sweep together.
    (
        "adam",
        3000,
        {"lr": np.geomspace(1e-3, 1, 5)[:, None], "b1": np.array([0.0, 0.5, 0.9, 0.99])},
    ),
    (
        "adagrad",
        3000,
        {"lr": np.geomspace(1e-2, 10, 5)[:, None], "eps": np.array([1e-10, 1e-6, 1e-3, 1.0])},
    ),
    (
        "rmsprop",
        3000,
        {"lr": np.geomspace(1e-3, 1, 5)[:, None], "rho": np.array([0.0, 0.5, 0.9, 0.99])},
    ),
    ("newton", 50, {"lr": np.array([0.1, 0.5, 1.0, 1.5, 2.5])}),
]


@pytest.mark.parametrize(
    ("name", "steps", "grid"), ROSENBROCK_GRIDS, ids=[case[0] for case in ROSENBROCK_GRIDS]
)
def test_every_cell_agrees_with_run_on_rosenbrock(name, steps, grid):
    result, statuses = assert_cells_match_runs(surfaces.get("rosenbrock"), name, steps, **grid)
    # The grids span very different outcomes, and the fixed-step rules cross their limit.
    assert np.nanmax(result.final_loss) > 10 * np.nanmin(result.final_loss)
    if name in ("gd", "momentum", "nesterov", "newton"):
        assert "diverged" in statuses and "max_steps" in statuses
    if name in ("adam", "newton"):
        assert "converged" in statuses


@pytest.mark.parametrize("surface_name", surfaces.names())
def test_small_grids_agree_with_run_on_every_surface(surface_name):
    surface = surfaces.get(surface_name)
    assert_cells_match_runs(surface, "gd", 400, lr=np.geomspace(1e-4, 1.0, 7))
    assert_cells_match_runs(
        surface, "adam", 400, lr=np.geomspace(1e-3, 1.0, 4)[:, None], b1=np.array([0.0, 0.9])
    )
    assert_cells_match_runs(surface, "newton", 100, lr=np.array([0.3, 1.0]))


def test_start_points_broadcast_against_hyperparameters():
    starts = np.array([[-2.4, 1.6], [1.0, 2.0], [0.5, -2.5]])  # grid shape (3,)
    lr = np.array([0.05, 0.2, 0.39])[:, None]  # (3, 1)
    result, _ = assert_cells_match_runs(quadratic(), "gd", 400, x0=starts, lr=lr)
    assert result.shape == (3, 3)  # [i, j]: lr[i] from starts[j]
    beta = np.array([0.0, 0.5, 0.9])[:, None, None]  # (3, 1, 1)
    result, statuses = assert_cells_match_runs(
        quadratic(), "momentum", 400, x0=starts, lr=lr, momentum=beta
    )
    assert result.shape == (3, 3, 3)
    assert {"converged", "diverged"} <= statuses


def test_decay_and_weight_decay_in_the_grid_agree_with_run():
    lr = np.array([0.05, 0.1, 0.15, 0.25])[:, None]
    decay = np.array([0.0, 0.01, 0.5, 2.0])
    result, _ = assert_cells_match_runs(quadratic(), "gd", 400, lr=lr, decay=decay)
    # 0.25 > 2/λmax diverges without decay but is tamed by enough of it.
    assert result.diverged[3, 0] and not result.diverged[3, 3]
    assert_cells_match_runs(
        quadratic(), "momentum", 400, lr=lr, weight_decay=np.array([0.0, 1.0]), momentum=0.5
    )


def test_a_scalar_grid_is_one_cell():
    result, _ = assert_cells_match_runs(quadratic(), "adam", 300, lr=0.05)
    assert result.shape == ()
    result, _ = assert_cells_match_runs(quadratic(), "gd", 5)
    assert result.shape == ()
    assert result.grid == {}


def test_zero_steps_and_a_start_at_the_minimum():
    result, _ = assert_cells_match_runs(quadratic(), "gd", 0, lr=np.array([0.1, 0.3]))
    np.testing.assert_array_equal(result.steps_to_converge, [-1, -1])
    result, _ = assert_cells_match_runs(
        quadratic(), "gd", 10, x0=(0.0, 0.0), lr=np.array([0.1, 0.3])
    )
    np.testing.assert_array_equal(result.steps_to_converge, [0, 0])


BAD_GRIDS = [
    ({"beta": 0.9}, "beta"),
    ({"clip": 1.0}, "clip"),
    ({"lr": np.array([0.1, 0.0, 0.2])}, "'lr'"),
    ({"lr": np.array([[0.1], [-1.0]])}, "'lr'"),
    ({"lr": np.array([0.1, np.nan])}, "'lr'"),
    ({"lr": np.array([0.1, np.inf])}, "'lr'"),
    ({"momentum": np.array([0.5, 1.0])}, "'momentum'"),
    ({"decay": np.array([0.0, -0.1])}, "'decay'"),
    ({"weight_decay": np.nan}, "'weight_decay'"),
    ({"x0": np.array([[0.0, 0.0], [np.nan, 1.0]])}, "x0"),
    ({"x0": np.zeros((4, 3))}, "x0"),
    ({"steps": -1}, "steps"),
    ({"tol": -1.0}, "tol"),
]


@pytest.mark.parametrize(("arguments", "match"), BAD_GRIDS)
def test_bad_grid_arguments_raise_value_error(arguments, match):
    with pytest.raises(ValueError, match=match):
        optimizers.sweep(quadratic(), "momentum", **arguments)


def test_bad_rule_names_and_non_numbers_are_rejected():
    with pytest.raises(ValueError, match="Unknown optimizer"):
        optimizers.sweep(quadratic(), "sgd", lr=0.1)
    with pytest.raises(TypeError, match="'lr'"):
        optimizers.sweep(quadratic(), "gd", lr="0.1")
    with pytest.raises(ValueError, match="broadcast"):
        optimizers.sweep(quadratic(), "momentum", lr=np.full(3, 0.1), momentum=np.array([0.1, 0.2]))


def test_momentum_sweep_finds_the_theoretical_divergence_region():
    surface = quadratic()
    lam_max = float(np.linalg.eigvalsh(surface.extras["A"])[-1])
    lr = np.geomspace(1e-3, 1.0, 200)[:, None]
    beta = np.linspace(0.0, 0.99, 200)[None, :]
    result = optimizers.sweep(surface, "momentum", steps=300, lr=lr, momentum=beta)
    assert result.shape == (200, 200)
    ratio = lr * lam_max / (2.0 * (1.0 + beta))  # > 1: unstable in theory
    unstable, stable = ratio > 1.02, ratio < 0.98
    assert unstable.sum() > 5000 and stable.sum() > 5000
    assert np.all(result.diverged[unstable])
    assert not np.any(result.diverged[stable])
    assert np.all(np.isnan(result.final_loss[result.diverged]))
    assert np.all(np.isfinite(result.final_loss[~result.diverged]))
    # Inside the stable region the fastest cells converge within the budget.
    assert np.any(result.steps_to_converge[stable] > 0)
