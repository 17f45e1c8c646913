"""The number formatter and the checked learning-rate suggestions."""

from __future__ import annotations

import math

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
