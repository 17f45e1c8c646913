"""Why f or ∇f is not a number at a finite point: the domain edges of a typed formula.

A run or a sweep cell that reaches a finite point where the loss or the gradient is not
finite either left the domain of f (``log`` of a number ≤ 0, ``sqrt`` of a negative number,
a division by zero, a fractional power of a negative number), reached a point where f is
defined but its gradient is not (the tip of the cone √(x² + y²)), or met a real overflow
(e^{x²} at x = 27 is beyond the largest float). Only typed formulas (``surfaces.get("custom",
formula=...)``) have domain edges; the built-in surfaces are smooth everywhere, so there a
non-finite value is always an overflow.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np

from optimizers.numbers import format_number, format_point

# The module, not its names: they load SymPy (surfaces.formula) on first use, which only a
# typed formula needs.
from surfaces import custom


class Edge(NamedTuple):
    """One place a formula may be undefined: ``bad(u)`` says where, ``words`` why."""

    words: str
    argument: str
    program: custom.Program
    bad: object


def _edges_of(expression) -> list[Edge]:
    """Every log, sqrt, negative or fractional power inside ``expression``, innermost first."""
    edges: list[Edge] = []
    seen = set()

    def visit(node):
        if node in seen:
            return
        seen.add(node)
        for arg in node.args:
            visit(arg)
        kind = type(node).__name__
        if kind == "log":
            (u,) = node.args
            edges.append(_edge(f"log needs {u} > 0", u, lambda v: v <= 0))
        elif kind == "sqrt":
            (u,) = node.args
            edges.append(_edge(f"sqrt needs {u} ≥ 0", u, lambda v: v < 0))
            edges.append(
                _edge(f"the gradient of sqrt({u}) is undefined where {u} = 0", u, lambda v: v == 0)
            )
        elif kind == "Power":
            base = node.args[0]
            edges.append(_edge(f"a power of {base} needs {base} > 0", base, lambda v: v <= 0))
        elif getattr(node, "is_Pow", False) and node.exp.is_Number:
            base, exponent = node.args
            power = float(exponent)
            if power < 0:
                edges.append(_edge(f"division by zero where {base} = 0", base, lambda v: v == 0))
            if power != int(power):
                edges.append(
                    _edge(f"{base} to the power {power:g} needs {base} ≥ 0", base, lambda v: v < 0)
                )
                if power < 1:
                    edges.append(
                        _edge(
                            f"the gradient of ({base})^{power:g} is undefined where {base} = 0",
                            base,
                            lambda v: v == 0,
                        )
                    )

    visit(expression)
    return edges


def _edge(words: str, argument, bad) -> Edge:
    return Edge(
        words.replace("**", "^"), str(argument).replace("**", "^"), custom.Program([argument]), bad
    )


@functools.lru_cache(maxsize=64)
def _formula_edges(formula: str) -> tuple[Edge, ...]:
    return tuple(_edges_of(custom.compile_formula(formula).expression))


def edges(surface) -> tuple[Edge, ...]:
    """The domain edges of ``surface``'s formula; none for the built-in surfaces."""
    if surface.name != "custom":
        return ()
    return _formula_edges(surface.params["formula"])


def undefined_at(surface, x, y) -> np.ndarray:
    """True where (x, y) (finite, arrays or floats) lies on or beyond a domain edge."""
    bad = np.zeros(np.broadcast_shapes(np.shape(x), np.shape(y)), dtype=bool)
    for edge in edges(surface):
        (value,) = edge.program(x, y)
        with np.errstate(all="ignore"):
            bad |= np.asarray(edge.bad(value)) | np.isnan(value)
    return bad


def reason(surface, x: float, y: float) -> str:
    """Words for the first (innermost) edge violated at (x, y), e.g. 'log needs x > 0 (there
    x = -0.3)'; '' where no edge explains a non-finite value (a real overflow)."""
    for edge in edges(surface):
        (value,) = edge.program(x, y)
        with np.errstate(all="ignore"):
            violated = bool(np.asarray(edge.bad(value))) or bool(np.isnan(value))
        if violated:
            if edge.words.endswith(f"where {edge.argument} = 0"):
                return edge.words
            return f"{edge.words} (there {edge.argument} = {format_number(float(value))})"
    return ""


def start_error(surface, x: float, y: float, loss, gradient) -> str:
    """Why a run cannot start at (x, y), where the loss ``loss`` or the ``gradient`` there is
    not a finite number: a domain edge named by :func:`reason`, an overflow to infinity (a far
    start on a steep surface), or otherwise undefined."""
    what = "loss" if not np.isfinite(loss) else "gradient"
    point = format_point((x, y))
    why = reason(surface, x, y)
    if why:
        return f"The {what} is not defined at x0 = {point}: {why}: choose another start."
    # ∞ − ∞ in a far start's arithmetic gives NaN, not ∞: a huge start overflowed too.
    overflowed = np.isinf(loss) or np.any(np.isinf(np.asarray(gradient, dtype=float)))
    if overflowed or math.hypot(x, y) > 1e100:
        return (
            f"The {what} overflows to infinity at x0 = {point}: the start is too far out for "
            "floating-point numbers; choose another start."
        )
    return f"The {what} is not defined at x0 = {point}: choose another start."
