"""A surface from a formula the user types, such as ``(x^2 - 1)^2 + 2*y^2 + 0.3*x``.

This module is the family's light face: its parameters and :func:`build`. The parser, the
allow-list and SymPy's exact derivatives live in :mod:`surfaces.formula`, imported the first
time a formula is built (or one of its names is read here): SymPy takes about half a second to
import, and a student who never types a formula should not wait for it before the first chart.
Every name of :mod:`surfaces.formula` reads as ``surfaces.custom.<name>`` too.
"""

from __future__ import annotations

import importlib

from surfaces.base import Param

#: The longest formula accepted, in characters.
MAX_LENGTH = 200
DEFAULT_FORMULA = "(x^2 - 1)^2 + 2*y^2 + 0.3*x"

#: The display name of the default formula (see :func:`surfaces.registry.title`); a
#: formula's surface is titled "Custom: <formula>" (:func:`surfaces.formula.build`).
TITLE = f"Custom: {DEFAULT_FORMULA}"

PARAMS = (
    Param(
        "formula",
        DEFAULT_FORMULA,
        "Formula f(x, y)",
        kind="text",
        high=MAX_LENGTH,
        help=(
            "In x and y with + - * /, powers ** or ^, the functions sin, cos, tan, exp, log, "
            "sqrt, abs, tanh and the constants pi, e. Example: sin(x)*cos(y) + 0.1*(x^2 + y^2)."
        ),
    ),
    # 2, not 3: from the start at 0.8·extent every rule at its suggested step reaches the
    # deeper (left) minimum of the default tilted double well; from (−2.4, 2.4) the quartic
    # wall (∇f ≈ 46) threw gradient descent into the shallower right-hand well.
    Param(
        "extent",
        2.0,
        "Half-width of the window",
        low=0.1,
        high=100.0,
        log=True,
        help="The plot shows -extent ≤ x, y ≤ extent.",
    ),
)


def build(formula: str, extent: float):
    """The surface of ``formula`` on the window [-extent, extent]² (see
    :func:`surfaces.formula.build`)."""
    return _formula().build(formula, extent)


def __getattr__(name: str):
    # PEP 562: a name this module does not define (compile_formula, FUNCTIONS, X, …) is the
    # implementation's, loaded on first use.
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(_formula(), name)


def _formula():
    return importlib.import_module("surfaces.formula")
