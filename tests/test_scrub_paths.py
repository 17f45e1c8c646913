"""optimizers.paths.lr_paths: every row is the single run of its learning rate."""

import numpy as np
import pytest

import optimizers
import surfaces
from optimizers.paths import lr_paths

CASES = [
    ("quadratic", {"condition_number": 25.0}, "gd", {}),
    ("rosenbrock", {}, "momentum", {"momentum": 0.9}),
    ("himmelblau", {}, "nesterov", {"momentum": 0.5}),
    ("quadratic", {"condition_number": 10.0}, "newton", {}),
    ("rosenbrock", {}, "gd", {"clip": 1.0, "weight_decay": 0.01, "decay": 0.1}),
    ("saddle", {}, "adam", {}),
]


@pytest.mark.parametrize(("surface_name", "params", "rule", "hyper"), CASES)
def test_each_row_is_the_single_run(surface_name, params, rule, hyper):
    surface = surfaces.get(surface_name, **params)
    lrs = np.geomspace(1e-3, 3.0, 12)
    batch = lr_paths(surface, optimizers.get(rule, **hyper), lrs, steps=120, tol=1e-6)
    for i, lr in enumerate(lrs):
        single = optimizers.run(
            surface, optimizers.get(rule, lr=float(lr), **hyper), steps=120, tol=1e-6
        )
        assert batch.statuses[i] == single.status, lr
        assert batch.last_steps[i] == single.steps, lr
        np.testing.assert_array_equal(batch.path(i), single.points)
        # f on an array may round differently from f on a float (x**2 on NumPy vs Python).
        np.testing.assert_allclose(batch.loss_curve(i), single.losses, rtol=1e-12, atol=0)
        assert np.all(np.isnan(batch.points[i, single.steps + 1 :]))


def test_the_quadratic_stability_limit_splits_the_verdicts():
    # GD on a quadratic with λmax = 10 converges for η < 2/λmax = 0.2 and diverges above it.
    surface = surfaces.get("quadratic", condition_number=10.0)
    limit = surfaces.curvature(surface, (0.0, 0.0)).gd_stability_limit
    assert limit == pytest.approx(0.2)
    batch = lr_paths(surface, optimizers.get("gd"), [0.5 * limit, 0.9 * limit, 1.1 * limit])
    assert batch.statuses[:2] == ("converged", "converged")
    assert batch.statuses[2] == "diverged"


@pytest.mark.parametrize("lrs", [[], [-0.1], [0.1, np.nan], np.ones((2, 2))])
def test_bad_learning_rates_are_named(lrs):
    with pytest.raises((ValueError, TypeError), match="lr"):
        lr_paths(surfaces.get("quadratic"), optimizers.get("gd"), lrs)


@pytest.mark.parametrize(
    ("surface_name", "params", "x0", "lrs"),
    [
        # GD at exactly 2/λmax on a quadratic (λmax = 10) neither settles nor grows.
        ("quadratic", {"condition_number": 10.0}, None, [0.05, 0.2]),
        # log(x) is undefined for x ≤ 0: each step size leaves the domain at its own step.
        ("custom", {"formula": "log(x) + y^2", "extent": 2.0}, (1.0, 1.0), [0.1, 0.5, 1.0]),
    ],
)
def test_bouncing_and_undefined_rows_end_where_the_runner_ends(surface_name, params, x0, lrs):
    surface = surfaces.get(surface_name, **params)
    batch = lr_paths(surface, optimizers.get("gd"), lrs, x0=x0, steps=300, tol=1e-6)
    for i, lr in enumerate(lrs):
        single = optimizers.run(surface, optimizers.get("gd", lr=lr), x0=x0, steps=300, tol=1e-6)
        assert (batch.statuses[i], batch.last_steps[i]) == (single.status, single.steps)
        np.testing.assert_array_equal(batch.path(i), single.points)
    assert {"bouncing", "undefined"} & set(batch.statuses)
