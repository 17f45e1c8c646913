"""The number formatter and the checked learning-rate suggestions."""

from __future__ import annotations

import math

import numpy as np
import pytest

import optimizers
import surfaces
from optimizers.numbers import format_number
from optimizers.suggest import suggested_hyperparameters, suggested_lr
from ui.controls import snap_lr_down


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.18257, "0.183"),
        (4.2e-14, "4.2×10⁻¹⁴"),
        (13140, "13,140"),
        (1234.5, "1,230"),
        (-2.5, "-2.5"),
        (2.55e6, "2.55×10⁶"),
        (0.0, "0"),
        (float("nan"), "undefined"),
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text


def test_format_number_keeps_three_significant_figures():
    for value in (1.23456e-9, 0.000123456, 0.123456, 123.456, 9.87654e8):
        text = format_number(value).replace("×10", "e").replace(",", "")
        digits = text.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))
        assert math.isclose(float(digits), float(f"{value:.3g}"), rel_tol=1e-12)


@pytest.mark.parametrize("name", surfaces.names())
@pytest.mark.parametrize("rule", optimizers.names())
def test_suggestions_do_not_diverge_from_the_default_start(name, rule):
    surface = surfaces.get(name)
    hyper = suggested_hyperparameters(surface, rule, surface.start)
    hyper["lr"] = snap_lr_down(hyper["lr"])  # as the slider shows it
    run = optimizers.run(surface, optimizers.get(rule, **hyper), x0=surface.start, steps=200)
    assert run.status != "diverged", (name, rule, hyper, run.message)


def test_suggestion_is_halved_where_the_minimum_s_step_blows_up():
    # (x² − 1)² curves 12x² − 4 = 65 at x = −2.4 but 8 at the minimum: 2/(λmin+λmax) there
    # diverges from the start, so the checked value is smaller (the window of extent 3 puts the
    # start at (−2.4, 2.4)).
    surface = surfaces.get("custom", extent=3.0)
    curvature, _ = surfaces.reference_curvature(surface, surface.start)
    unchecked = curvature.best_fixed_step
    assert (
        optimizers.run(
            surface, optimizers.get("gd", lr=unchecked), x0=surface.start, steps=200
        ).status
        == "diverged"
    )
    assert suggested_lr(surface, "gd") < unchecked


def test_momentum_suggestion_is_the_optimal_pair_on_a_quadratic():
    surface = surfaces.get("quadratic", condition_number=10.0)
    hyper = suggested_hyperparameters(surface, "momentum")
    root = math.sqrt(10.0)
    assert hyper["momentum"] == round(((root - 1) / (root + 1)) ** 2, 2)
    assert hyper["lr"] == pytest.approx((2 / (math.sqrt(10.0) + 1)) ** 2)


@pytest.mark.parametrize("kappa", [1.0, 4.0, 10.0, 30.0, 100.0, 1000.0])
def test_gd_suggestion_keeps_the_zigzag_visible(kappa):
    """Up to κ = 10 GD's suggestion is the best fixed step 2/(λmin + λmax); above, at most
    10/11 of the limit 2/λmax, so the steep direction's factor |1 − ηλmax| stays ≤ 9/11 and
    the swings across the valley visibly shrink (at 2/(λmin + λmax) it is (κ−1)/(κ+1): 0.98 at
    κ = 100, a solid fan of barely shrinking swings)."""
    surface = surfaces.get("quadratic", condition_number=kappa)
    curvature, _ = surfaces.reference_curvature(surface, surface.start)
    lam_min, lam_max = curvature.lambda_min, curvature.lambda_max
    assert lam_max / lam_min == pytest.approx(kappa)
    lr = suggested_lr(surface, "gd")
    assert lr == pytest.approx(min(2 / (lam_min + lam_max), (10 / 11) * 2 / lam_max))
    assert abs(1 - lr * lam_max) <= 9 / 11 + 1e-12
    # The run itself: the error along the steep eigenvector shrinks by |1 − ηλmax| per step.
    steps = 20
    run = optimizers.run(surface, optimizers.get("gd", lr=lr), x0=surface.start, steps=steps)
    steep = curvature.eigenvectors[:, -1]
    minimum = np.asarray(surface.minima[0])
    last = min(steps, len(run.points) - 1)  # κ = 1: one step of η = 1/λ lands on the minimum
    errors = [(run.points[t] - minimum) @ steep for t in (0, last)]
    assert abs(errors[1]) == pytest.approx(
        abs(1 - lr * lam_max) ** last * abs(errors[0]), abs=1e-12
    )
