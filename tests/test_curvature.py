"""Curvature at a point: closed forms on the quadratic bowl, the kinds of stationary point, the
quadratic-model numbers, and the reference point a page quotes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import surfaces
from surfaces import Curvature, curvature, reference_curvature
from surfaces.base import Surface


class Dome(Surface):
    """f(x, y) = −x² − y²: a maximum at the origin."""

    def _value(self, x, y):
        return -x * x - y * y

    def _gradient(self, x, y):
        return -2.0 * x, -2.0 * y

    def _hessian(self, x, y):
        return -2.0, 0.0, -2.0


def dome() -> Dome:
    return Dome(
        name="dome",
        params={},
        title="Dome",
        formula=r"-x^2 - y^2",
        description="A hill.",
        bounds=((-1.0, 1.0), (-1.0, 1.0)),
        minima=[],
        start=(0.5, 0.5),
    )


MODEL_FIELDS = (
    "gd_stability_limit",
    "best_fixed_step",
    "best_fixed_rate",
    "momentum_lr",
    "momentum_beta",
    "momentum_rate",
)


@pytest.mark.parametrize("kappa", [1.0, 10.0, 250.0])
@pytest.mark.parametrize("angle", [0.0, 30.0, -75.0])
def test_quadratic_closed_forms(kappa, angle):
    surface = surfaces.get("quadratic", condition_number=kappa, angle=angle)
    c = curvature(surface, (0.7, -1.1))
    assert isinstance(c, Curvature)
    np.testing.assert_allclose(c.eigenvalues, [1.0, kappa], rtol=1e-12)
    assert c.lambda_min == pytest.approx(1.0) and c.lambda_max == pytest.approx(kappa)
    assert c.condition_number == pytest.approx(kappa, rel=1e-12)
    assert c.kind == "minimum"
    assert c.gd_stability_limit == pytest.approx(2.0 / kappa, rel=1e-12)
    assert c.best_fixed_step == pytest.approx(2.0 / (1.0 + kappa), rel=1e-12)
    assert c.best_fixed_rate == pytest.approx((kappa - 1.0) / (kappa + 1.0), abs=1e-12)
    root = math.sqrt(kappa)
    assert c.momentum_lr == pytest.approx((2.0 / (root + 1.0)) ** 2, rel=1e-12)
    assert c.momentum_beta == pytest.approx(((root - 1.0) / (root + 1.0)) ** 2, abs=1e-12)
    assert c.momentum_rate == pytest.approx((root - 1.0) / (root + 1.0), abs=1e-12)
    assert c.momentum_stability_limit(0.9) == pytest.approx(2.0 * 1.9 / kappa, rel=1e-12)
    np.testing.assert_allclose(c.gd_factors(0.1), np.abs(1.0 - 0.1 * np.array([1.0, kappa])))
    # Shapes, and H = V diag(λ) Vᵀ with orthonormal V.
    assert c.point.shape == c.gradient.shape == c.eigenvalues.shape == (2,)
    assert c.hessian.shape == c.eigenvectors.shape == (2, 2)
    V = c.eigenvectors
    np.testing.assert_allclose(V.T @ V, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(V @ np.diag(c.eigenvalues) @ V.T, c.hessian, atol=1e-12 * kappa)
    np.testing.assert_allclose(c.gradient, surface.gradient((0.7, -1.1)))
    if kappa > 1.0:
        # The shallow direction (λ = 1) points at ``angle`` degrees.
        theta = math.radians(angle)
        assert abs(V[:, 0] @ [math.cos(theta), math.sin(theta)]) == pytest.approx(1.0)


def test_best_fixed_step_equalizes_the_two_factors():
    c = curvature(surfaces.get("quadratic", condition_number=40.0), (1.0, 1.0))
    factors = c.gd_factors(c.best_fixed_step)
    np.testing.assert_allclose(factors, [c.best_fixed_rate] * 2, rtol=1e-12)
    assert np.all(c.gd_factors(0.999 * c.gd_stability_limit) < 1.0)
    assert np.any(c.gd_factors(1.001 * c.gd_stability_limit) > 1.0)


@pytest.mark.parametrize("point", [(-2.4, 1.6), (0.3, 2.0), (1e-3, -2.5)])
def test_line_search_step_minimises_along_the_gradient(point):
    surface = surfaces.get("quadratic", condition_number=30.0, angle=20.0)
    c = curvature(surface, point)
    g = c.gradient
    assert c.line_search_step == pytest.approx((g @ g) / (g @ c.hessian @ g), rel=1e-12)
    steps = np.linspace(0.0, 2.0, 200_001)  # 2 ≥ 2/λmin: past any minimizer along −g
    losses = surface.value(np.asarray(point) - steps[:, None] * g)
    best = steps[np.argmin(losses)]
    assert abs(best - c.line_search_step) <= steps[1]


def test_saddle_at_the_origin():
    c = curvature(surfaces.get("saddle"), (0.0, 0.0))
    assert c.kind == "saddle"
    np.testing.assert_allclose(c.eigenvalues, [-2.0, 2.0])
    assert c.condition_number == pytest.approx(1.0)
    for name in MODEL_FIELDS:
        assert getattr(c, name) is None
    assert c.line_search_step is None  # g = 0
    assert c.momentum_stability_limit(0.5) == pytest.approx(2.0 * 1.5 / 2.0)
    # Away from the origin along x the saddle still curves up along the gradient.
    assert curvature(surfaces.get("saddle"), (1.0, 0.0)).line_search_step == pytest.approx(0.5)
    assert curvature(surfaces.get("saddle"), (0.0, 1.0)).line_search_step is None


def test_monkey_saddle_is_degenerate_at_the_origin():
    surface = surfaces.get("saddle", variant="monkey")
    c = curvature(surface, (0.0, 0.0))
    assert c.kind == "degenerate"
    assert c.condition_number == math.inf
    assert all(getattr(c, name) is None for name in MODEL_FIELDS)
    assert c.momentum_stability_limit(0.9) is None
    assert curvature(surface, (1.0, 0.5)).kind == "saddle"


def test_maximum():
    c = curvature(dome(), (0.25, -0.5))
    assert c.kind == "maximum"
    assert c.condition_number == pytest.approx(1.0)
    for name in MODEL_FIELDS:
        assert getattr(c, name) is None
    assert c.line_search_step is None  # gᵀHg < 0
    assert c.momentum_stability_limit(0.5) is None
    np.testing.assert_allclose(c.gd_factors(0.1), [1.2, 1.2])


def test_rosenbrock_minimum_has_the_textbook_condition_number():
    c = curvature(surfaces.get("rosenbrock"), (1.0, 1.0))
    np.testing.assert_array_equal(c.hessian, [[802.0, -400.0], [-400.0, 200.0]])
    assert c.kind == "minimum"
    assert c.condition_number == pytest.approx(2508.0, rel=1e-3)
    assert c.gd_stability_limit == pytest.approx(2.0 / c.eigenvalues[1])


def test_singular_and_nearly_singular_hessians():
    # Rosenbrock with b = 1 at (0, y): H = diag(2 − 4y, 2).
    rosenbrock = surfaces.get("rosenbrock", a=1.0, b=1.0)
    flat = curvature(rosenbrock, (0.0, 0.5))
    assert flat.eigenvalues[0] == 0.0
    assert flat.kind == "degenerate" and flat.condition_number == math.inf
    assert all(getattr(flat, name) is None for name in MODEL_FIELDS)
    # λmin = 4e-10: 'degenerate' by the 1e-9 tolerance, yet positive definite with a finite κ,
    # so the quadratic-model numbers exist (and say that descent barely moves).
    nearly = curvature(rosenbrock, (0.0, 0.5 - 1e-10))
    assert nearly.kind == "degenerate"
    assert nearly.condition_number == pytest.approx(5e9, rel=1e-5)
    assert nearly.best_fixed_rate == pytest.approx(1.0, abs=1e-9)
    assert nearly.gd_stability_limit == pytest.approx(1.0)


def test_reference_curvature_at_the_nearest_minimizer():
    surface = surfaces.get("himmelblau")
    c, where = reference_curvature(surface, start=(-3.0, 2.5))
    assert c.kind == "minimum"
    np.testing.assert_allclose(c.point, (-2.805118086952745, 3.131312518250573), rtol=1e-12)
    assert where == "at the minimizer (-2.81, 3.13)"
    _, where = reference_curvature(surface, start=(2.0, 1.0))
    assert where == "at the minimizer (3, 2)"
    # Without a start: the minimizer nearest (in distance) to the surface's start (-0.3, -0.9).
    _, where = reference_curvature(surface)
    assert where == "at the minimizer (3.58, -1.85)"


def test_reference_curvature_at_the_start_without_minima():
    c, where = reference_curvature(surfaces.get("saddle"))
    assert where == "at the start point (-1.5, 0.05)"
    np.testing.assert_array_equal(c.point, (-1.5, 0.05))
    assert c.kind == "saddle"
    _, where = reference_curvature(surfaces.get("saddle", variant="monkey"), start=(0.25, 1e-4))
    assert where == "at the start point (0.25, 0.0001)"


def test_reference_curvature_of_least_squares_is_the_hessian():
    surface = surfaces.get("least_squares")
    c, where = reference_curvature(surface)
    assert where.startswith("at the minimizer (1.5")
    np.testing.assert_allclose(c.hessian, surface.extras["H"])


@pytest.mark.parametrize(
    "p, error",
    [
        ((math.nan, 0.0), ValueError),
        ((0.0, math.inf), ValueError),
        ((1.0, 2.0, 3.0), ValueError),
        (np.zeros((2, 2)), ValueError),
        ("12", TypeError),
        ((1.0, "a"), TypeError),
        (None, ValueError),
    ],
)
def test_points_are_validated(p, error):
    with pytest.raises(error, match=r"\bp\b"):
        curvature(surfaces.get("quadratic"), p)


def test_other_arguments_are_validated():
    surface = surfaces.get("quadratic")
    with pytest.raises(TypeError, match="surface"):
        curvature("quadratic", (0.0, 0.0))
    with pytest.raises(ValueError, match="start"):
        reference_curvature(surface, start=(math.nan, 0.0))
    c = curvature(surface, (0.0, 0.0))
    with pytest.raises(ValueError, match="lr"):
        c.gd_factors(math.inf)
    with pytest.raises(TypeError, match="lr"):
        c.gd_factors("0.1")
    with pytest.raises(ValueError, match="beta"):
        c.momentum_stability_limit(1.0)
    with pytest.raises(ValueError, match="beta"):
        c.momentum_stability_limit(math.nan)


def test_curvature_is_exported():
    assert surfaces.curvature is curvature
    assert surfaces.reference_curvature is reference_curvature
    assert surfaces.Curvature is Curvature


@given(
    kappa=st.floats(1.0, 1000.0),
    angle=st.floats(-90.0, 90.0),
    x=st.floats(-3.0, 3.0),
    y=st.floats(-3.0, 3.0),
)
@settings(max_examples=60, deadline=None)
def test_quadratic_model_identities(kappa, angle, x, y):
    c = curvature(surfaces.get("quadratic", condition_number=kappa, angle=angle), (x, y))
    assert c.kind == "minimum"
    assert c.eigenvalues[0] <= c.eigenvalues[1]
    assert c.condition_number == pytest.approx(kappa, rel=1e-9)
    assert c.momentum_beta == pytest.approx(c.momentum_rate**2, abs=1e-15)
    assert c.momentum_rate <= c.best_fixed_rate + 1e-15
    assert c.best_fixed_step <= c.gd_stability_limit
    np.testing.assert_allclose(c.gd_factors(c.best_fixed_step), c.best_fixed_rate, atol=1e-12)
    if c.line_search_step is not None:
        # Exact line search lies between the steps that suit the flattest and steepest direction.
        assert 1.0 / c.eigenvalues[1] * (1 - 1e-12) <= c.line_search_step
        assert c.line_search_step <= 1.0 / c.eigenvalues[0] * (1 + 1e-12)
