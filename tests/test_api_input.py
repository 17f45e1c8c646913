"""Bad input to the public API: every entry point refuses it with a message naming the argument.

``surfaces.get``, each surface's ``value``/``gradient``/``hessian``, ``surfaces.curvature``,
``optimizers.get``, ``optimizers.run`` and ``optimizers.sweep`` get NaN, infinities, negative
and out-of-range numbers, the wrong types (text, None, a list of text, complex, booleans where
a number belongs) and the wrong shapes ((3,), (2, 2) where one point belongs, ragged lists).
Each must raise ``ValueError`` or ``TypeError`` (never return garbage, never another error)
and say which argument was wrong. The last tests check that no user text can reach
``eval``/``exec`` or a SymPy string parser.
"""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import numpy as np
import pytest

import optimizers
import surfaces
from optimizers.runner import MAX_STEPS
from tests.helpers import assert_readable_numbers, assert_shows

ROOT = Path(__file__).resolve().parents[1]
BAD = (ValueError, TypeError)

#: Values that are not a usable real number, with the error each must raise.
NOT_A_NUMBER = {
    "nan": (math.nan, ValueError),
    "numpy-nan": (np.float64("nan"), ValueError),
    "inf": (math.inf, ValueError),
    "-inf": (-math.inf, ValueError),
    "text": ("0.5", TypeError),
    "None": (None, TypeError),
    "list-of-text": (["0.5"], TypeError),
    "complex": (0.5 + 1j, TypeError),
    "bool": (True, TypeError),
}

#: Points that are not one finite point (x, y), with the error each must raise.
NOT_A_POINT = {
    "nan": ((math.nan, 0.0), ValueError),
    "inf": ((0.0, math.inf), ValueError),
    "-inf": ((-math.inf, -math.inf), ValueError),
    "text": ("12", TypeError),
    "text-entry": ((1.0, "a"), TypeError),
    "list-of-text": (["1", "2"], TypeError),
    "complex": ((1 + 2j, 0.0), TypeError),
    "complex-array": (np.array([1 + 2j, 0.0]), TypeError),
    "bools": ((True, False), TypeError),
    "bool-entry": ((True, 0.5), TypeError),
    "bool-array": (np.array([True, False]), TypeError),
    "dict": ({"x": 1.0, "y": 2.0}, TypeError),
    "shape-3": ((1.0, 2.0, 3.0), ValueError),
    "shape-1": ((1.0,), ValueError),
    "scalar": (1.0, ValueError),
    "empty": ((), ValueError),
    "ragged": ([[1.0], [2.0, 3.0]], TypeError),
    "shape-2x3": (np.zeros((2, 3)), ValueError),
}

#: Shapes that are only wrong where *one* point belongs ((2, 2) is a stack of two points).
NOT_ONE_POINT = {**NOT_A_POINT, "shape-2x2": (np.zeros((2, 2)), ValueError)}

SURFACES = surfaces.names()
RULES = optimizers.names()


def check(error_type, argument: str, call, *args, **kwargs) -> str:
    """Call and require ``error_type`` (ValueError or TypeError) whose message names
    ``argument``; return the message."""
    with pytest.raises(BAD) as caught:
        call(*args, **kwargs)
    message = str(caught.value)
    assert isinstance(caught.value, error_type), (
        f"{type(caught.value).__name__} instead of {error_type.__name__}: {message}"
    )
    assert re.search(rf"(?<![\w]){re.escape(argument)}(?![\w])", message), (
        f"the message does not name {argument!r}: {message}"
    )
    return message


@pytest.fixture(scope="module", params=SURFACES)
def surface(request):
    return surfaces.get(request.param)


@pytest.fixture(scope="module")
def quadratic():
    return surfaces.get("quadratic")


@pytest.fixture(scope="module")
def data_surface():
    return surfaces.get("logistic")


# ----- surfaces.get -------------------------------------------------------------------------
def _parameter_cases():
    for name in SURFACES:
        for spec in surfaces.parameters(name):
            if spec.kind in ("float", "int"):
                for label, (value, error) in NOT_A_NUMBER.items():
                    yield name, spec.name, label, value, error
                yield name, spec.name, "below-range", spec.low - abs(spec.low) - 1.0, ValueError
                yield name, spec.name, "above-range", spec.high + abs(spec.high) + 1.0, ValueError
                yield name, spec.name, "negative", -1e6, ValueError
                yield name, spec.name, "array", np.array([spec.default] * 2), TypeError
                if spec.kind == "int":
                    yield name, spec.name, "fraction", spec.low + 0.5, ValueError
            elif spec.kind == "bool":
                for label, value in (("int", 1), ("text", "yes"), ("None", None)):
                    yield name, spec.name, label, value, TypeError
            elif spec.kind == "choice":
                for label, value in (("unknown", "horse"), ("number", 1.0), ("None", None)):
                    yield name, spec.name, label, value, ValueError
            elif spec.kind == "text":
                for label, value in (("number", 1.0), ("None", None), ("list", ["x"])):
                    yield name, spec.name, label, value, TypeError
                yield name, spec.name, "too-long", "x+" * int(spec.high), ValueError


@pytest.mark.parametrize(
    "name, parameter, label, value, error",
    list(_parameter_cases()),
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_get_refuses_bad_parameter_values(name, parameter, label, value, error):
    check(error, parameter, surfaces.get, name, **{parameter: value})


@pytest.mark.parametrize("name", ["nope", "", None, 1, ["quadratic"], "Quadratic"])
def test_get_refuses_unknown_surfaces(name):
    check(ValueError, "surface", surfaces.get, name)


@pytest.mark.parametrize("name", SURFACES)
def test_get_refuses_unknown_parameters(name):
    check(ValueError, "bogus", surfaces.get, name, bogus=1.0)


@pytest.mark.parametrize("name", SURFACES)
def test_get_accepts_every_parameter_at_both_ends_of_its_range(name):
    for spec in surfaces.parameters(name):
        if spec.kind in ("float", "int"):
            for value in (spec.low, spec.high):
                built = surfaces.get(name, **{spec.name: value})
                assert built.params[spec.name] == value


# ----- value, gradient, hessian -------------------------------------------------------------
@pytest.mark.parametrize("label", list(NOT_A_POINT))
def test_gradient_and_hessian_refuse_bad_points(surface, label):
    point, error = NOT_A_POINT[label]
    check(error, "p", surface.gradient, point)
    check(error, "p", surface.hessian, point)


@pytest.mark.parametrize("label", list(NOT_A_POINT))
def test_value_refuses_bad_points(surface, label):
    point, error = NOT_A_POINT[label]
    check(error, "X", surface.value, point)


@pytest.mark.parametrize("label", [key for key in NOT_A_NUMBER if key != "None"])
def test_value_refuses_bad_coordinates(surface, label):
    bad, error = NOT_A_NUMBER[label]
    check(error, "X", surface.value, bad, 0.5)
    check(error, "Y", surface.value, 0.5, bad)
    # A bad entry anywhere in a meshgrid is found too.
    grid = np.zeros((4, 4))
    if error is ValueError:
        grid[2, 3] = bad
        check(ValueError, "Y", surface.value, np.zeros((4, 4)), grid)


def test_value_refuses_coordinates_that_do_not_broadcast(quadratic):
    message = check(ValueError, "X", quadratic.value, np.zeros(3), np.zeros(4))
    assert "Y" in message


def test_a_stack_of_points_is_not_a_wrong_shape(surface):
    """(…, 2) is documented as a stack of points for value, gradient and hessian."""
    stack = np.array([surface.start, surface.center], dtype=float)
    assert surface.gradient(stack).shape == (2, 2)
    assert surface.hessian(stack).shape == (2, 2, 2)
    assert surface.value(stack).shape == (2,)
    np.testing.assert_allclose(surface.gradient(stack)[0], surface.gradient(surface.start))


def test_good_points_still_work_in_every_form(quadratic):
    for point in ((1, 2), [1.0, 2.0], np.array([1.0, 2.0]), (np.float32(1), np.int64(2))):
        assert quadratic.gradient(point).shape == (2,)
        assert np.isfinite(quadratic.value(point))
    assert np.isfinite(quadratic.value(1, 2))


# ----- surfaces.curvature -------------------------------------------------------------------
@pytest.mark.parametrize("label", list(NOT_ONE_POINT))
def test_curvature_refuses_bad_points(surface, label):
    point, error = NOT_ONE_POINT[label]
    check(error, "p", surfaces.curvature, surface, point)


@pytest.mark.parametrize("bad", [None, "quadratic", 1.0, surfaces.get], ids=repr)
def test_curvature_refuses_what_is_not_a_surface(bad):
    check(TypeError, "surface", surfaces.curvature, bad, (0.0, 0.0))


def test_curvature_helpers_refuse_bad_numbers(quadratic):
    here = surfaces.curvature(quadratic, (0.5, 0.5))
    for label, (value, error) in NOT_A_NUMBER.items():
        if label == "list-of-text":
            error = TypeError
        check(error, "lr", here.gd_factors, value)


# ----- optimizers.get -----------------------------------------------------------------------
def _hyperparameter_cases():
    for rule in RULES:
        for spec in optimizers.hyperparameters(rule):
            for label, (value, error) in NOT_A_NUMBER.items():
                yield rule, spec.name, label, value, error
            yield rule, spec.name, "negative", -0.5, ValueError
            if spec.low_open:
                yield rule, spec.name, "at-open-low-end", spec.low, ValueError
            if math.isfinite(spec.high):
                yield (
                    rule,
                    spec.name,
                    "at-open-high-end" if spec.high_open else "above",
                    (spec.high if spec.high_open else spec.high + 1.0),
                    ValueError,
                )
                yield rule, spec.name, "far-above", spec.high + 10.0, ValueError
            yield rule, spec.name, "array", np.array([spec.default, spec.default]), ValueError


@pytest.mark.parametrize(
    "rule, name, label, value, error",
    list(_hyperparameter_cases()),
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_optimizer_get_refuses_bad_hyperparameters(rule, name, label, value, error):
    check(error, name, optimizers.get, rule, **{name: value})


@pytest.mark.parametrize("option", ["decay", "clip", "weight_decay"])
@pytest.mark.parametrize("label", [*NOT_A_NUMBER, "negative", "array"], ids=lambda v: v)
def test_optimizer_get_refuses_bad_options(option, label):
    if label == "negative":
        value, error = -1.0, ValueError
    elif label == "array":
        value, error = np.array([0.1, 0.2]), ValueError
    else:
        value, error = NOT_A_NUMBER[label]
    if option == "clip" and value is None:  # documented: None means no clipping
        assert optimizers.get("gd", lr=0.1, clip=None).clip is None
        return
    if option == "clip" and label == "inf":
        error = ValueError  # clip is in (0, ∞): ∞ would mean 'off', which is spelled None
    check(error, option, optimizers.get, "gd", lr=0.1, **{option: value})


@pytest.mark.parametrize("name", ["sgd", "", None, 3, ["gd"], "GD"])
def test_optimizer_get_refuses_unknown_rules(name):
    check(ValueError, "optimizer", optimizers.get, name)


@pytest.mark.parametrize("rule", RULES)
def test_optimizer_get_refuses_unknown_hyperparameters(rule):
    check(ValueError, "beta", optimizers.get, rule, beta=0.5)


# ----- optimizers.run -----------------------------------------------------------------------
@pytest.mark.parametrize("label", list(NOT_ONE_POINT))
def test_run_refuses_bad_starts(quadratic, label):
    point, error = NOT_ONE_POINT[label]
    check(error, "x0", optimizers.run, quadratic, optimizers.get("gd", lr=0.1), x0=point, steps=5)


RUN_NUMBERS = {
    # argument: extra bad values on top of NOT_A_NUMBER, with their errors
    "steps": {
        "negative": (-1, ValueError),
        "fraction": (2.5, TypeError),
        "whole-float": (5.0, TypeError),
        "too-many": (MAX_STEPS + 1, ValueError),
        "array": (np.array([5, 6]), TypeError),
    },
    "seed": {
        "negative": (-1, ValueError),
        "fraction": (0.5, TypeError),
        "array": (np.array([1]), TypeError),
    },
    "tol": {"negative": (-1e-6, ValueError), "array": (np.array([1e-6]), TypeError)},
    "noise": {"negative": (-0.1, ValueError), "array": (np.array([0.1]), TypeError)},
}


def _run_cases():
    for argument, extra in RUN_NUMBERS.items():
        cases = dict(NOT_A_NUMBER)
        if argument in ("steps", "seed"):
            # A whole number is required: every non-integer is a TypeError, NaN and ∞ too.
            cases = {label: (value, TypeError) for label, (value, _) in cases.items()}
        cases.update(extra)
        for label, (value, error) in cases.items():
            yield argument, label, value, error


@pytest.mark.parametrize(
    "argument, label, value, error",
    list(_run_cases()),
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_run_refuses_bad_numbers(quadratic, argument, label, value, error):
    check(
        error,
        argument,
        optimizers.run,
        quadratic,
        optimizers.get("gd", lr=0.1),
        **{argument: value},
    )


@pytest.mark.parametrize(
    "value, error",
    [
        (0, ValueError),
        (-1, ValueError),
        (61, ValueError),
        (10**9, ValueError),
        (2.5, TypeError),
        (4.0, TypeError),
        ("4", TypeError),
        (True, TypeError),
        (math.nan, TypeError),
        (math.inf, TypeError),
        (1 + 1j, TypeError),
        (["4"], TypeError),
    ],
    ids=repr,
)
def test_run_refuses_bad_batch_sizes(data_surface, value, error):
    assert data_surface.n_samples == 60
    check(
        error,
        "batch_size",
        optimizers.run,
        data_surface,
        optimizers.get("gd", lr=0.1),
        batch_size=value,
        steps=5,
    )


def test_run_refuses_a_batch_size_without_data(quadratic):
    check(
        ValueError,
        "batch_size",
        optimizers.run,
        quadratic,
        optimizers.get("gd", lr=0.1),
        batch_size=4,
    )


@pytest.mark.parametrize("bad", [None, "quadratic", surfaces.get], ids=repr)
def test_run_refuses_what_is_not_a_surface(bad):
    check(TypeError, "surface", optimizers.run, bad, optimizers.get("gd", lr=0.1))


@pytest.mark.parametrize("bad", [None, "gd", {"name": "gd"}, optimizers.get], ids=repr)
def test_run_refuses_what_is_not_an_optimizer(quadratic, bad):
    check(TypeError, "optimizer", optimizers.run, quadratic, bad)


def test_run_accepts_the_edges_of_its_ranges(quadratic, data_surface):
    gd = optimizers.get("gd", lr=0.1)
    assert optimizers.run(quadratic, gd, steps=0).steps == 0
    assert optimizers.run(quadratic, gd, steps=np.int64(3), tol=0, noise=0.0, seed=0).steps == 3
    for batch_size in (1, data_surface.n_samples, np.int64(7)):
        optimizers.run(data_surface, gd, batch_size=batch_size, steps=3)


def test_edge_inputs_get_true_sentences_with_the_run_s_numbers(quadratic):
    """tol = 0, steps = 0, a start at the minimum, a tolerance above the start's gradient, a
    learning rate too small to move: each message is a sentence that matches the numbers the
    run returned (parsed back from the text, 3 significant figures)."""
    gd = optimizers.get("gd", lr=0.1)
    # tol = 0: only an exactly zero gradient converges; GD on the bowl keeps shrinking it.
    zero_tol = optimizers.run(quadratic, gd, steps=300, tol=0)
    assert zero_tol.status == "max_steps" and zero_tol.grad_norms[-1] > 0
    assert "With tol = 0 only an exactly zero gradient counts as converged." in zero_tol.message
    assert_shows(zero_tol.message, zero_tol.grad_norms[-1], "gradient norm ")
    # Newton lands exactly on the bowl's minimum: at tol = 0 that is "exactly 0", not "below 0".
    newton = optimizers.run(quadratic, optimizers.get("newton", lr=1.0), steps=20, tol=0)
    assert newton.status == "converged" and newton.grad_norms[-1] == 0
    assert "the gradient norm is exactly 0" in newton.message and "below 0" not in newton.message
    # steps = 0: nothing happened; the numbers are the start's.
    none = optimizers.run(quadratic, gd, steps=0)
    assert none.message.startswith("No steps taken (steps = 0): at the start (-2.4, 1.6)")
    assert "Still moving" not in none.message
    assert_shows(none.message, none.losses[0], "the loss is ")
    assert_shows(none.message, none.grad_norms[0], "gradient norm ")
    # A start at the minimum: converged at the start, with an exactly zero gradient.
    at_minimum = optimizers.run(quadratic, gd, x0=(0.0, 0.0), steps=10)
    assert at_minimum.steps == 0
    assert at_minimum.message.startswith("Converged at its start (0, 0): the gradient norm is")
    assert "exactly 0" in at_minimum.message and "fell below" not in at_minimum.message
    # A tolerance above the start's gradient: it did not "fall", it was already below.
    loose = optimizers.run(quadratic, gd, steps=10, tol=1e3)
    assert loose.status == "converged" and loose.steps == 0 and 0 < loose.grad_norms[0] < 1e3
    assert "is already below tol = 1,000" in loose.message and "fell" not in loose.message
    assert_shows(loose.message, loose.grad_norms[0], "the gradient norm (")
    # A learning rate too small to move: "still moving", and how little it moved.
    timid = optimizers.run(quadratic, optimizers.get("gd", lr=1e-12), steps=100)
    farthest = float(np.max(np.hypot(*(timid.points - timid.points[0]).T)))
    assert timid.status == "max_steps" and 0 < farthest < 1e-8
    assert_shows(timid.message, farthest, "it never got farther than ")
    # A start so far out that f overflows: said as an overflow, naming x0 and the point.
    with pytest.raises(ValueError, match=r"overflows to infinity at x0 = \(1×10²⁰⁰, 1×10²⁰⁰\)"):
        optimizers.run(quadratic, gd, x0=(1e200, 1e200), steps=10)
    with pytest.raises(ValueError, match=r"overflows to infinity at x0 = \(1×10²⁰⁰, 1×10²⁰⁰\)"):
        optimizers.sweep(quadratic, "gd", lr=[0.1], x0=(1e200, 1e200), steps=10)
    for trajectory in (zero_tol, newton, none, at_minimum, loose, timid):
        assert_readable_numbers(trajectory.message)


# ----- optimizers.sweep ---------------------------------------------------------------------
@pytest.mark.parametrize("label", list(NOT_A_POINT))
def test_sweep_refuses_bad_starts(quadratic, label):
    point, error = NOT_A_POINT[label]
    check(error, "x0", optimizers.sweep, quadratic, "gd", x0=point, steps=5, lr=0.1)


@pytest.mark.parametrize("argument", ["steps", "tol"])
@pytest.mark.parametrize("label", list(NOT_A_NUMBER))
def test_sweep_refuses_bad_steps_and_tolerances(quadratic, argument, label):
    value, error = NOT_A_NUMBER[label]
    if argument == "steps":
        error = TypeError
    check(error, argument, optimizers.sweep, quadratic, "gd", lr=0.1, **{argument: value})


@pytest.mark.parametrize(
    "rule, name", [(rule, spec.name) for rule in RULES for spec in optimizers.hyperparameters(rule)]
)
@pytest.mark.parametrize("label", [*NOT_A_NUMBER, "negative", "ragged", "nan-in-grid"])
def test_sweep_refuses_bad_grids(quadratic, rule, name, label):
    if label == "negative":
        value, error = np.array([0.1, -0.5]), ValueError
    elif label == "ragged":
        value, error = [[0.1], [0.1, 0.2]], TypeError
    elif label == "nan-in-grid":
        value, error = np.array([[0.1], [math.nan]]), ValueError
    else:
        value, error = NOT_A_NUMBER[label]
    check(error, name, optimizers.sweep, quadratic, rule, steps=5, **{name: value})


@pytest.mark.parametrize("option", ["decay", "weight_decay"])
@pytest.mark.parametrize("label", [*NOT_A_NUMBER, "negative"])
def test_sweep_refuses_bad_options(quadratic, option, label):
    value, error = (
        (np.array([0.0, -1.0]), ValueError) if label == "negative" else (NOT_A_NUMBER[label])
    )
    check(error, option, optimizers.sweep, quadratic, "gd", steps=5, lr=0.1, **{option: value})


def test_sweep_refuses_unknown_rules_and_arguments(quadratic):
    check(ValueError, "optimizer", optimizers.sweep, quadratic, "sgd", lr=0.1)
    check(ValueError, "optimizer", optimizers.sweep, quadratic, None, lr=0.1)
    check(ValueError, "clip", optimizers.sweep, quadratic, "gd", lr=0.1, clip=1.0)
    check(TypeError, "surface", optimizers.sweep, "quadratic", "gd", lr=0.1)


def test_sweep_names_the_grid_arguments_that_do_not_broadcast(quadratic):
    message = check(
        ValueError,
        "lr",
        optimizers.sweep,
        quadratic,
        "momentum",
        steps=5,
        lr=np.full(3, 0.1),
        momentum=np.full(4, 0.5),
    )
    assert "momentum" in message
    check(
        ValueError,
        "x0",
        optimizers.sweep,
        quadratic,
        "gd",
        steps=5,
        lr=np.full(3, 0.1),
        x0=np.zeros((4, 2)),
    )


def test_sweep_accepts_a_stack_of_starts(quadratic):
    result = optimizers.sweep(quadratic, "gd", steps=5, lr=0.1, x0=np.zeros((2, 2)))
    assert result.shape == (2,)


# ----- no user text reaches eval/exec ------------------------------------------------------
SOURCE_DIRS = ("surfaces", "optimizers", "viz", "ui", "app_pages")
FORBIDDEN_TEXT = (
    "sympify",
    "parse_expr",
    "lambdify",
    "unsafe_allow_html",
    "np.seterr(",
    "numpy.seterr(",
    "parse_latex",
    "__import__(",
)
#: ``eval(`` / ``exec(`` as a call. ``def eval(cls, arg)`` is SymPy's Function protocol (a
#: classmethod that simplifies a call such as Abs(3)), not Python's eval, so it is allowed.
EVAL_CALL = re.compile(r"(?<![\w.])(?<!def )(eval|exec|compile)\s*\(")


def _source_files() -> list[Path]:
    files = [ROOT / "app.py"]
    for folder in SOURCE_DIRS:
        files.extend(sorted((ROOT / folder).rglob("*.py")))
    return [path for path in files if path.is_file()]


def test_the_source_files_are_found():
    names = {path.relative_to(ROOT).as_posix() for path in _source_files()}
    assert {"app.py", "surfaces/custom.py", "ui/controls.py", "app_pages/playground.py"} <= names


@pytest.mark.parametrize("path", _source_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_user_text_can_reach_eval(path):
    source = path.read_text(encoding="utf-8")
    for forbidden in FORBIDDEN_TEXT:
        assert forbidden not in source, f"{path.name} contains {forbidden!r}"
    assert not EVAL_CALL.search(source), f"{path.name} calls {EVAL_CALL.search(source)[0]!r}"
    # The same on the syntax tree, which no spelling or spacing gets past: no call of the
    # built-ins that run text, and no SymPy entry point that parses it (sympy.S is sympify).
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in {"eval", "exec", "compile", "__import__"}, (
                f"{path.name}:{node.lineno} calls {node.func.id}"
            )
        if isinstance(node, ast.Attribute):
            assert node.attr not in {"sympify", "parse_expr", "lambdify", "seterr"}, (
                f"{path.name}:{node.lineno} uses .{node.attr}"
            )
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "S"
            and isinstance(node.func.value, ast.Name)
        ):
            assert node.func.value.id not in {"sympy", "sp"}, f"{path.name}:{node.lineno} S(…)"


def test_the_eval_pattern_catches_calls_but_not_sympy_methods():
    assert EVAL_CALL.search("value = eval(text)")
    assert EVAL_CALL.search("exec (code)")
    assert not EVAL_CALL.search("    def eval(cls, arg):")
    assert not EVAL_CALL.search("expr.evalf()")


# ----- every cache is bounded --------------------------------------------------------------
CACHE_DECORATORS = {"cache_data", "cache_resource"}


@pytest.mark.parametrize(
    "path",
    [p for p in _source_files() if p.parts[-2] in ("ui", "app_pages") or p.name == "app.py"],
    ids=lambda p: p.relative_to(ROOT).as_posix(),
)
def test_every_streamlit_cache_has_max_entries(path):
    """200 students each trying new settings must not grow the server without bound."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if getattr(target, "attr", None) in CACHE_DECORATORS:
                keywords = decorator.keywords if isinstance(decorator, ast.Call) else []
                assert any(k.arg == "max_entries" for k in keywords), (
                    f"{path.name}:{node.lineno} {node.name}: st.{target.attr} without max_entries"
                )
