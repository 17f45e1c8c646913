"""Every surface family: analytic derivatives against finite differences, broadcasting, the listed
minimizers, parameter validation, and the mini-batch oracles of the data surfaces."""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import optimize

import surfaces
from surfaces.quadratic import Quadratic

#: Each family at its defaults and, where it has parameters, at a few others.
CASES = [
    ("quadratic", {}),
    ("quadratic", {"condition_number": 150.0, "angle": -60.0}),
    ("rosenbrock", {}),
    ("rosenbrock", {"a": 2.5, "b": 10.0}),
    ("rosenbrock", {"a": 0.3, "b": 1000.0}),
    ("saddle", {}),
    ("saddle", {"variant": "monkey"}),
    ("logistic", {}),
    ("logistic", {"n_samples": 17, "seed": 5, "separation": 0.0, "l2": 1.0}),
    ("logistic", {"n_samples": 300, "seed": 42, "separation": 4.0, "l2": 1e-4}),
    ("least_squares", {}),
    ("least_squares", {"standardize": True}),
    ("least_squares", {"n_samples": 7, "seed": 3}),
    ("himmelblau", {}),
    ("rastrigin", {}),
    ("beale", {}),
    ("six_hump_camel", {}),
    ("network", {}),
    ("network", {"dataset": "iris", "hidden": 4, "directions": "pca", "seed": 3}),
    ("network", {"dataset": "circles", "hidden": 1, "l2": 1.0}),
]
CASE_IDS = [
    name + "".join(f"-{key}={value}" for key, value in params.items()) for name, params in CASES
]

#: name -> (optimal value, how many of the first listed minima are global).
GLOBAL_MINIMA = {
    "quadratic": (0.0, 1),
    "rosenbrock": (0.0, 1),
    "himmelblau": (0.0, 4),
    "rastrigin": (0.0, 1),
    "beale": (0.0, 1),
    "six_hump_camel": (-1.0316284534898774, 2),
}

#: How many minimizers each family lists at its defaults.
MINIMA_COUNTS = {
    "quadratic": 1,
    "rosenbrock": 1,
    "saddle": 0,
    "logistic": 1,
    "least_squares": 1,
    "himmelblau": 4,
    "rastrigin": 121,
    "beale": 1,
    "six_hump_camel": 6,
    "network": 1,
}


@pytest.fixture(params=CASES, ids=CASE_IDS)
def surface(request):
    name, params = request.param
    return surfaces.get(name, **params)


def random_points(surface, count=200, seed=0):
    """``count`` points uniformly in the surface's bounds, shape (count, 2)."""
    (xmin, xmax), (ymin, ymax) = surface.bounds
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(xmin, xmax, count), rng.uniform(ymin, ymax, count)])


def assert_derivatives_match(surface, points, tolerance=1e-6):
    """Gradient and Hessian within ``tolerance·max(1, |f(p)|)`` of central differences.

    The five-point central stencil (f(p − 2h) − 8f(p − h) + 8f(p + h) − f(p + 2h)) / 12h has error
    O(h⁴), so steep surfaces such as Beale's pass with room to spare while an error of 1e-3 does
    not; the Hessian is checked against differences of the analytic gradient. Steps are
    relative to the size of p: h = 1e-4·max(1, |p|∞).
    """
    scale = np.maximum(1.0, np.abs(surface.value(points)))[:, None]
    steps = 1e-4 * np.maximum(1.0, np.abs(points).max(axis=1))[:, None]
    weights = {-2: 1.0, -1: -8.0, 1: 8.0, 2: -1.0}
    fd_gradient = np.zeros_like(points)
    fd_hessian = np.zeros((len(points), 2, 2))
    for axis in range(2):
        direction = np.zeros(2)
        direction[axis] = 1.0
        for multiple, weight in weights.items():
            shifted = points + multiple * steps * direction
            fd_gradient[:, axis] += weight * surface.value(shifted) / (12.0 * steps[:, 0])
            fd_hessian[:, :, axis] += weight * surface.gradient(shifted) / (12.0 * steps)
    gradient_error = np.abs(surface.gradient(points) - fd_gradient) / scale
    hessian_error = np.abs(surface.hessian(points) - fd_hessian) / scale[..., None]
    assert gradient_error.max() <= tolerance, f"gradient off by {gradient_error.max():.3g}"
    assert hessian_error.max() <= tolerance, f"Hessian off by {hessian_error.max():.3g}"


# ----- coverage of the registry ---------------------------------------------------------------
def test_registry_lists_the_families_in_order():
    expected = list(MINIMA_COUNTS)
    assert [name for name in surfaces.names() if name != "custom"] == expected


def test_every_family_has_cases():
    tested = {name for name, _ in CASES}
    assert {name for name in surfaces.names() if name != "custom"} <= tested


@pytest.mark.parametrize("name", list(MINIMA_COUNTS))
def test_parameter_defaults_are_valid(name):
    for spec in surfaces.parameters(name):
        assert spec.validate(spec.default) == spec.default
        assert spec.label
    explicit = {spec.name: spec.default for spec in surfaces.parameters(name)}
    assert surfaces.get(name, **explicit).minima == surfaces.get(name).minima


@pytest.mark.parametrize("name", surfaces.names())
def test_title_read_without_building_is_the_built_surfaces_title(name):
    # The sidebar lists every family by surfaces.title (read, not built): it must say what
    # the built surface says, network (a 2-8-1 net trained on two moons) and custom included.
    assert surfaces.title(name) == surfaces.get(name).title


def test_title_of_an_unknown_family_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown surface 'bowl'"):
        surfaces.title("bowl")


# ----- derivatives ----------------------------------------------------------------------------
def test_derivatives_match_finite_differences(surface):
    assert_derivatives_match(surface, random_points(surface, 200))


def test_finite_difference_check_catches_a_wrong_gradient():
    class OffGradient(Quadratic):
        def _gradient(self, x, y):
            dfdx, dfdy = super()._gradient(x, y)
            return dfdx + 1e-3, dfdy

    class OffHessian(Quadratic):
        def _hessian(self, x, y):
            dxx, dxy, dyy = super()._hessian(x, y)
            return dxx, dxy + 1e-3, dyy

    right = surfaces.get("quadratic")
    points = random_points(right, 200)
    assert_derivatives_match(right, points)
    fields = {field.name: getattr(right, field.name) for field in dataclasses.fields(right)}
    with pytest.raises(AssertionError, match="gradient off"):
        assert_derivatives_match(OffGradient(**fields), points)
    with pytest.raises(AssertionError, match="Hessian off"):
        assert_derivatives_match(OffHessian(**fields), points)


#: The fixed-form families as SymPy expressions, for an exact check of the hand-written derivatives.
SYMBOLIC = {
    ("rosenbrock", "a=2.5, b=10"): "(5/2 - x)**2 + 10*(y - x**2)**2",
    ("saddle", "saddle"): "x**2 - y**2",
    ("saddle", "monkey"): "x**3 - 3*x*y**2",
    ("himmelblau", ""): "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
    ("rastrigin", ""): "20 + x**2 - 10*cos(2*pi*x) + y**2 - 10*cos(2*pi*y)",
    ("beale", ""): "(3/2 - x + x*y)**2 + (9/4 - x + x*y**2)**2 + (21/8 - x + x*y**3)**2",
    ("six_hump_camel", ""): "(4 - 21/10*x**2 + x**4/3)*x**2 + x*y + (-4 + 4*y**2)*y**2",
}
SYMBOLIC_PARAMS = {
    "a=2.5, b=10": {"a": 2.5, "b": 10.0},
    "saddle": {},
    "monkey": {"variant": "monkey"},
}


@pytest.mark.parametrize("name, variant", list(SYMBOLIC), ids=[" ".join(key) for key in SYMBOLIC])
def test_derivatives_match_sympy(name, variant):
    x, y = sympy.symbols("x y")
    expression = sympy.sympify(SYMBOLIC[(name, variant)], rational=True)
    exact_value = sympy.lambdify((x, y), expression, "numpy")
    exact_gradient = sympy.lambdify((x, y), [expression.diff(x), expression.diff(y)], "numpy")
    exact_hessian = sympy.lambdify((x, y), sympy.hessian(expression, (x, y)).tolist(), "numpy")
    surface = surfaces.get(name, **SYMBOLIC_PARAMS.get(variant, {}))
    for point in random_points(surface, 100, seed=7):
        scale = max(1.0, abs(exact_value(*point)))
        assert abs(float(surface.value(point)) - exact_value(*point)) <= 1e-13 * scale
        np.testing.assert_allclose(
            surface.gradient(point), exact_gradient(*point), atol=1e-12 * scale
        )
        np.testing.assert_allclose(
            surface.hessian(point), np.array(exact_hessian(*point), dtype=float), atol=1e-12 * scale
        )


def test_hessian_is_symmetric(surface):
    hessians = surface.hessian(random_points(surface, 50))
    assert hessians.shape == (50, 2, 2)
    np.testing.assert_array_equal(hessians, hessians.swapaxes(-1, -2))


def test_is_quadratic_means_a_constant_hessian(surface):
    hessians = surface.hessian(random_points(surface, 50))
    constant = np.allclose(hessians, hessians[0], rtol=1e-12, atol=1e-12)
    assert surface.is_quadratic == constant


# ----- shapes and broadcasting ----------------------------------------------------------------
def test_value_broadcasts_over_a_meshgrid(surface):
    (xmin, xmax), (ymin, ymax) = surface.bounds
    X, Y = np.meshgrid(np.linspace(xmin, xmax, 9), np.linspace(ymin, ymax, 7))
    Z = surface.value(X, Y)
    assert Z.shape == X.shape == (7, 9)
    pointwise = [
        [float(surface.value(float(x), float(y))) for x, y in zip(xr, yr, strict=True)]
        for xr, yr in zip(X, Y, strict=True)
    ]
    np.testing.assert_allclose(Z, pointwise, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(surface.value(np.stack([X, Y], axis=-1)), Z, rtol=1e-12, atol=1e-12)
    xs, ys, grid = surface.grid(resolution=11)
    assert xs.shape == ys.shape == (11,) and grid.shape == (11, 11)


def test_gradient_and_hessian_on_a_stack_equal_pointwise(surface):
    stack = random_points(surface, 12, seed=1).reshape(3, 4, 2)
    gradients, hessians = surface.gradient(stack), surface.hessian(stack)
    assert gradients.shape == (3, 4, 2) and hessians.shape == (3, 4, 2, 2)
    for index in np.ndindex(3, 4):
        point = stack[index]
        single_gradient, single_hessian = surface.gradient(point), surface.hessian(point)
        assert single_gradient.shape == (2,) and single_hessian.shape == (2, 2)
        np.testing.assert_allclose(gradients[index], single_gradient, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(hessians[index], single_hessian, rtol=1e-12, atol=1e-12)


def test_single_point_accepts_tuples_and_lists(surface):
    x, y = surface.start
    expected = surface.gradient(np.array([x, y]))
    np.testing.assert_array_equal(surface.gradient((x, y)), expected)
    np.testing.assert_array_equal(surface.gradient([x, y]), expected)
    assert math.isfinite(float(surface.value(x, y)))


# ----- metadata and minimizers ----------------------------------------------------------------
def inside(bounds, point):
    (xmin, xmax), (ymin, ymax) = bounds
    return xmin <= point[0] <= xmax and ymin <= point[1] <= ymax


def test_metadata(surface):
    assert surface.title and surface.formula and surface.description
    assert surface.name in surfaces.names()
    (xmin, xmax), (ymin, ymax) = surface.bounds
    assert xmin < xmax and ymin < ymax
    assert inside(surface.bounds, surface.start)
    assert all(isinstance(c, float) for c in surface.start)
    assert "f(" in type(surface).__doc__
    assert eval(repr(surface), {"surfaces": surfaces}).params == surface.params


def test_minimizers_are_stationary_minima_inside_the_bounds(surface):
    for point in surface.minima:
        assert isinstance(point, tuple) and len(point) == 2
        assert all(type(c) is float for c in point)
        assert inside(surface.bounds, point)
        scale = max(1.0, abs(float(surface.value(point))))
        assert np.abs(surface.gradient(point)).max() <= 1e-8 * scale
        eigenvalues = np.linalg.eigvalsh(surface.hessian(point))
        assert eigenvalues[0] >= -1e-10 * max(1.0, abs(eigenvalues[1]))
        assert surfaces.curvature(surface, point).kind == "minimum"
        # No lower value in a small ring around it.
        angles = np.linspace(0.0, 2.0 * np.pi, 16, endpoint=False)
        ring = np.asarray(point) + 1e-4 * np.column_stack([np.cos(angles), np.sin(angles)])
        assert np.all(surface.value(ring) > surface.value(point))
    assert len(set(surface.minima)) == len(surface.minima)


def test_number_of_minima_at_defaults():
    for name, count in MINIMA_COUNTS.items():
        assert len(surfaces.get(name).minima) == count, name


@pytest.mark.parametrize("name", list(GLOBAL_MINIMA))
def test_known_optimal_values(name):
    value, count = GLOBAL_MINIMA[name]
    surface = surfaces.get(name)
    for point in surface.minima[:count]:
        assert float(surface.value(point)) == pytest.approx(value, abs=1e-12)
    for point in surface.minima[count:]:
        assert float(surface.value(point)) > value + 1e-3


@pytest.mark.parametrize(
    "name",
    [
        "quadratic",
        "rosenbrock",
        "saddle",
        "logistic",
        "least_squares",
        "himmelblau",
        "beale",
        "six_hump_camel",
    ],
)
def test_no_minimizer_is_missing(name):
    """Local searches from a grid of starts end only at listed minimizers (or at the box's edge),
    and reach each of them."""
    surface = surfaces.get(name)
    (xmin, xmax), (ymin, ymax) = surface.bounds
    minima = np.asarray(surface.minima).reshape(-1, 2)
    reached = set()
    for x0 in np.linspace(xmin, xmax, 9)[1:-1] + 0.0123:
        for y0 in np.linspace(ymin, ymax, 9)[1:-1] + 0.0071:
            result = optimize.minimize(
                lambda p: float(surface.value(p)),
                (x0, y0),
                jac=surface.gradient,
                method="L-BFGS-B",
                bounds=surface.bounds,
                options={"gtol": 1e-9, "maxiter": 300},
            )
            point = result.x
            interior = inside(surface.bounds, point) and not np.any(
                np.isclose(point[:, None], surface.bounds, atol=1e-6)
            )
            stationary = np.abs(surface.gradient(point)).max() <= 1e-5 * max(
                1.0, abs(float(surface.value(point)))
            )
            if interior and stationary and surfaces.curvature(surface, point).kind == "minimum":
                distances = np.hypot(*(minima - point).T)
                assert distances.min() <= 1e-4, f"unlisted minimizer near {point}"
                reached.add(int(distances.argmin()))
    assert reached == set(range(len(minima)))


def test_rastrigin_lists_every_local_minimum():
    surface = surfaces.get("rastrigin")
    xs = np.linspace(-5.12, 5.12, 200_001)
    profile = xs * xs - 10.0 * np.cos(2.0 * np.pi * xs)
    interior = (profile[1:-1] < profile[:-2]) & (profile[1:-1] < profile[2:])
    coordinates = xs[1:-1][interior]
    assert len(coordinates) == 11
    listed = sorted({x for x, _ in surface.minima})
    np.testing.assert_allclose(listed, coordinates, atol=1e-4)
    assert {(round(x), round(y)) for x, y in surface.minima} == {
        (i, j) for i in range(-5, 6) for j in range(-5, 6)
    }
    assert surface.minima[0] == (0.0, 0.0)


def test_six_hump_camel_minima_are_symmetric_pairs():
    minima = surfaces.get("six_hump_camel").minima
    for x, y in minima:
        assert (-x, -y) in minima


@pytest.mark.parametrize("name", ["himmelblau", "six_hump_camel"])
def test_nearest_minimizer_picks_the_closest_listed_one(name):
    surface = surfaces.get(name)
    for index, minimum in enumerate(surface.minima):
        # A small step off each minimizer: still far nearer it than any other listed one.
        nearest = surface.nearest_minimizer(np.asarray(minimum) + 0.01)
        assert nearest.dtype == float and nearest.shape == (2,)
        assert tuple(nearest) == surface.minima[index]


def test_nearest_minimizer_is_no_farther_than_any_listed_one():
    surface = surfaces.get("six_hump_camel")
    minima = np.asarray(surface.minima)
    for point in np.random.default_rng(0).uniform(-3.0, 3.0, size=(50, 2)):
        nearest = surface.nearest_minimizer(point)
        assert np.hypot(*(point - nearest)) == np.hypot(*(minima - point).T).min()


def test_nearest_minimizer_is_none_without_a_listed_minimum():
    surface = surfaces.get("saddle")
    assert surface.minima == []
    assert surface.nearest_minimizer((0.5, -0.5)) is None


@given(
    a=st.floats(0.1, 3.0),
    b=st.floats(1.0, 1000.0),
)
@settings(max_examples=30, deadline=None)
def test_rosenbrock_bounds_follow_a(a, b):
    surface = surfaces.get("rosenbrock", a=a, b=b)
    assert surface.minima == [(a, a * a)]
    assert inside(surface.bounds, surface.minima[0]) and inside(surface.bounds, surface.start)
    assert np.all(surface.gradient(surface.minima[0]) == 0.0)


# ----- parameter validation -------------------------------------------------------------------
def test_unknown_surface():
    with pytest.raises(ValueError, match="nope"):
        surfaces.get("nope")


@pytest.mark.parametrize(
    "name, parameter",
    [("rosenbrock", "c"), ("himmelblau", "a"), ("logistic", "bias"), ("saddle", "kind")],
)
def test_unknown_parameter(name, parameter):
    with pytest.raises(ValueError, match=f"'{parameter}'"):
        surfaces.get(name, **{parameter: 1.0})


@pytest.mark.parametrize(
    "name, parameter, value, error",
    [
        ("rosenbrock", "a", 5.0, ValueError),
        ("rosenbrock", "b", 0.5, ValueError),
        ("rosenbrock", "b", math.nan, ValueError),
        ("rosenbrock", "a", math.inf, ValueError),
        ("rosenbrock", "a", "1", TypeError),
        ("rosenbrock", "b", True, TypeError),
        ("rosenbrock", "a", None, TypeError),
        ("saddle", "variant", "horse", ValueError),
        ("saddle", "variant", 1, ValueError),
        ("logistic", "n_samples", 5, ValueError),
        ("logistic", "n_samples", 10.5, ValueError),
        ("logistic", "n_samples", "60", TypeError),
        ("logistic", "seed", -1, ValueError),
        ("logistic", "separation", math.nan, ValueError),
        ("logistic", "separation", -math.inf, ValueError),
        ("logistic", "l2", 0.0, ValueError),
        ("logistic", "l2", False, TypeError),
        ("least_squares", "n_samples", 1000, ValueError),
        ("least_squares", "seed", 10_001, ValueError),
        ("least_squares", "standardize", "yes", TypeError),
        ("least_squares", "standardize", 1, TypeError),
    ],
)
def test_invalid_parameter_values(name, parameter, value, error):
    with pytest.raises(error, match=f"'{parameter}'"):
        surfaces.get(name, **{parameter: value})


def test_integer_parameters_accept_whole_floats():
    assert surfaces.get("logistic", n_samples=40.0).n_samples == 40
    assert surfaces.get("least_squares", n_samples=np.int64(9)).n_samples == 9


def test_points_are_validated(surface):
    with pytest.raises(TypeError, match="p"):
        surface.gradient("12")
    with pytest.raises(ValueError, match="shape"):
        surface.hessian((1.0, 2.0, 3.0))


@pytest.mark.parametrize(
    "X, what",
    [
        (np.array([[0.5, "1"]], dtype=object), "text"),
        (np.array([[0.5, True]], dtype=object), "a boolean"),
        (np.array([[0.5, 1j]], dtype=object), "a complex number"),
        (np.array([["0.5", "1"]]), "text"),
        (np.array([[True, False]]), "a boolean"),
        (np.array([[0.5 + 0j, 1.0]]), "a complex number"),
    ],
)
def test_value_on_an_array_refuses_entries_that_are_not_real_numbers(X, what):
    # Object arrays are walked entry by entry, typed arrays judged by their dtype.
    surface = surfaces.get("quadratic")
    with pytest.raises(TypeError, match=f"got {what} in"):
        surface.value(X, np.zeros(X.shape))
    plain = np.array([[0.5, 1.0]], dtype=object)
    assert surface.value(plain, np.zeros(plain.shape)).shape == (1, 2)


# ----- data surfaces --------------------------------------------------------------------------
DATA_CASES = [
    ("logistic", {}),
    ("logistic", {"n_samples": 17, "seed": 5, "separation": 0.0, "l2": 1.0}),
    ("least_squares", {}),
    ("least_squares", {"standardize": True, "n_samples": 48}),
]


@pytest.fixture(params=DATA_CASES, ids=[f"{name}-{params}" for name, params in DATA_CASES])
def data_surface(request):
    name, params = request.param
    return surfaces.get(name, **params)


def test_data_shapes(data_surface):
    n = data_surface.n_samples
    assert data_surface.X.shape == (n, 2) and data_surface.y.shape == (n,)
    assert n == data_surface.params["n_samples"]
    with pytest.raises(ValueError):
        data_surface.X[0, 0] = 1.0  # shared with a cache, so read-only


def test_epoch_of_batches_averages_to_the_full_gradient(data_surface):
    n = data_surface.n_samples
    batch_size = next(size for size in (12, 8, 6, 4, 3, 2, 1) if n % size == 0)
    rng = np.random.default_rng(3)
    for point in [data_surface.start, *random_points(data_surface, 5)]:
        order = rng.permutation(n)
        batches = [order[i : i + batch_size] for i in range(0, n, batch_size)]
        average = np.mean([data_surface.batch_gradient(point, batch) for batch in batches], axis=0)
        full = data_surface.gradient(point)
        scale = max(1.0, np.abs(full).max())
        np.testing.assert_allclose(average, full, rtol=0, atol=1e-12 * scale)
        np.testing.assert_allclose(
            data_surface.batch_gradient(point, np.arange(n)), full, rtol=0, atol=1e-12 * scale
        )


def test_batch_gradient_shapes(data_surface):
    single = data_surface.batch_gradient(np.array([0.5, -0.25]), [0, 3, 4])
    assert single.shape == (2,)
    stack = random_points(data_surface, 6).reshape(2, 3, 2)
    batched = data_surface.batch_gradient(stack, np.array([1, 2]))
    assert batched.shape == (2, 3, 2)
    for index in np.ndindex(2, 3):
        np.testing.assert_allclose(
            batched[index], data_surface.batch_gradient(stack[index], [1, 2]), rtol=1e-13
        )


def test_example_gradients_average_to_the_loss_gradient(data_surface):
    point = np.asarray(data_surface.start)
    per_example = data_surface.example_gradients(point)
    assert per_example.shape == (data_surface.n_samples, 2)
    l2 = data_surface.params.get("l2", 0.0)
    np.testing.assert_allclose(
        per_example.mean(axis=0) + l2 * point, data_surface.gradient(point), rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose(
        per_example[[2, 5]].mean(axis=0) + l2 * point,
        data_surface.batch_gradient(point, [2, 5]),
        rtol=1e-12,
        atol=1e-12,
    )


@pytest.mark.parametrize(
    "indices, error",
    [
        ([], ValueError),
        ([[0, 1]], ValueError),
        ([0.0, 1.0], TypeError),
        ([0, 10_000], ValueError),
        ([-1], ValueError),
    ],
)
def test_batch_indices_are_validated(data_surface, indices, error):
    with pytest.raises(error, match="indices"):
        data_surface.batch_gradient((0.0, 0.0), indices)


def test_surfaces_without_data_have_no_batches():
    surface = surfaces.get("rosenbrock")
    assert surface.n_samples is None
    with pytest.raises(TypeError):
        surface.batch_gradient((0.0, 0.0), [0])


def test_editing_a_surface_does_not_change_the_next_one(data_surface):
    original = dict(data_surface.params)
    minimizer = data_surface.minima[0]
    data_surface.minima.append((0.0, 0.0))
    data_surface.params["seed"] = 99
    again = surfaces.get(data_surface.name, **original)
    assert again.minima == [minimizer] and again.params == original


# ----- logistic -------------------------------------------------------------------------------
def test_logistic_huge_weights_stay_finite_without_warnings():
    surface = surfaces.get("logistic", n_samples=500, separation=5.0)
    corners = np.array([[1e6, 1e6], [-1e6, 1e6], [1e6, -1e6], [-1e6, -1e6], [1e6, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            # The private formulas, outside the errstate that the public methods add.
            for x, y in corners:
                for formula in (surface._value, surface._gradient, surface._hessian):
                    assert np.all(np.isfinite(formula(np.float64(x), np.float64(y))))
            results = [
                surface.value(corners),
                surface.gradient(corners),
                surface.hessian(corners),
                surface.batch_gradient(corners, np.arange(0, 500, 7)),
                surface.example_gradients(corners[0]),
                surface.value(*np.meshgrid([-1e6, 0.0, 1e6], [-1e6, 1e6])),
            ]
    for result in results:
        assert np.all(np.isfinite(result))
    # Far out the loss grows linearly, like the largest margin violation.
    assert float(surface.value(corners[0])) > 1e3


def test_logistic_minimizer_gradient_is_tiny():
    for params in [{}, {"separation": 5.0, "l2": 1e-4}, {"separation": 0.0, "n_samples": 10}]:
        surface = surfaces.get("logistic", **params)
        (minimizer,) = surface.minima
        assert np.abs(surface.gradient(minimizer)).max() <= 1e-10
        assert (
            np.abs(surface.batch_gradient(minimizer, np.arange(surface.n_samples))).max() <= 1e-10
        )


def test_logistic_data_depend_on_the_seed_only_through_the_rng():
    first, again = surfaces.get("logistic", seed=1), surfaces.get("logistic", seed=1)
    np.testing.assert_array_equal(first.X, again.X)
    np.testing.assert_array_equal(first.y, again.y)
    other = surfaces.get("logistic", seed=2)
    assert not np.array_equal(first.X, other.X)


def test_logistic_labels_and_blobs():
    surface = surfaces.get("logistic", n_samples=501 - 1, separation=3.0)
    assert set(np.unique(surface.y)) == {-1.0, 1.0}
    assert np.sum(surface.y == 1.0) == 250
    normal = np.array([0.8, 0.6])
    positive = surface.X[surface.y == 1.0].mean(axis=0)
    negative = surface.X[surface.y == -1.0].mean(axis=0)
    assert positive @ normal == pytest.approx(3.0, abs=0.2)
    assert negative @ normal == pytest.approx(-3.0, abs=0.2)
    assert np.mean(np.sign(surface.X @ normal) == surface.y) > 0.99


@given(
    n_samples=st.integers(10, 500),
    seed=st.integers(0, 10_000),
    separation=st.floats(0.0, 5.0),
    l2=st.floats(1e-4, 1.0),
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_logistic_any_valid_parameters(n_samples, seed, separation, l2):
    surface = surfaces.get("logistic", n_samples=n_samples, seed=seed, separation=separation, l2=l2)
    (minimizer,) = surface.minima
    assert np.abs(surface.gradient(minimizer)).max() <= 1e-10
    assert inside(surface.bounds, minimizer) and inside(surface.bounds, surface.start)
    assert np.hypot(*np.subtract(surface.start, minimizer)) > 1.0


# ----- least squares --------------------------------------------------------------------------
def test_least_squares_conditioning_depends_on_standardizing():
    raw = surfaces.get("least_squares")
    standardized = surfaces.get("least_squares", standardize=True)
    assert surfaces.curvature(raw, raw.minima[0]).condition_number > 100
    assert surfaces.curvature(standardized, standardized.minima[0]).condition_number < 1.5
    features = raw.X[:, 0]
    assert 2.0 <= features.min() and features.max() <= 8.0
    np.testing.assert_allclose(
        raw.hessian(raw.start), [[np.mean(features**2), features.mean()], [features.mean(), 1.0]]
    )


def test_least_squares_matches_a_direct_fit():
    surface = surfaces.get("least_squares", n_samples=30, seed=4)
    features, targets = surface.X[:, 0], surface.y
    slope, intercept = np.polyfit(features, targets, 1)
    np.testing.assert_allclose(surface.minima[0], (slope, intercept), rtol=1e-10)
    assert slope == pytest.approx(1.5, abs=0.3) and intercept == pytest.approx(-2.0, abs=1.5)
    for point in random_points(surface, 20):
        residuals = surface.X @ point - targets
        direct = 0.5 * np.mean(residuals**2)
        assert float(surface.value(point)) == pytest.approx(direct, rel=1e-12)


@given(n_samples=st.integers(5, 500), seed=st.integers(0, 10_000), standardize=st.booleans())
@settings(max_examples=25, deadline=None)
def test_least_squares_any_valid_parameters(n_samples, seed, standardize):
    surface = surfaces.get("least_squares", n_samples=n_samples, seed=seed, standardize=standardize)
    (minimizer,) = surface.minima
    full = surface.batch_gradient(minimizer, np.arange(n_samples))
    assert np.abs(full).max() <= 1e-10 * max(1.0, np.abs(surface.y).max())
    assert inside(surface.bounds, surface.start)
