"""A surface from a formula the user types, such as ``(x^2 - 1)^2 + 2*y^2 + 0.3*x``.

The text is never run as code. It is parsed into a Python syntax tree, every node is checked
against an allow-list, and the checked tree is translated by hand into a SymPy expression.
SymPy differentiates it exactly; a small compiler then turns the expression and its
derivatives into nested closures over NumPy ufuncs, so ``value``, ``gradient`` and
``hessian`` broadcast over arrays like every other surface.

The language
------------
* the variables ``x`` and ``y``; the constants ``pi`` and ``e``;
* numbers: ``3``, ``0.5``, ``.5``, ``1e-3`` (at most 1e100 in magnitude);
* ``+ - * /``, unary minus, and powers written ``**`` or ``^`` (both mean power, and both
  bind tighter than unary minus: ``-x^2`` is ``-(x^2)``);
* the functions ``sin cos tan exp log sqrt abs tanh``, each of one argument.

Limits that keep hostile input cheap: at most 200 characters, 200 terms, 30 levels of
nesting (a chain ``a + b - c + ...`` or ``a * b / c * ...`` counts as one level), constant
exponents between -64 and 64, also when nested powers multiply them (``(x^8)^8`` is the
largest such tower). Anything else raises :class:`ValueError` saying what was found and at
which character (counted from 1).
"""

from __future__ import annotations

import ast
import difflib
import math
import re
import warnings
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import sympy
from scipy.optimize import minimize

from surfaces.base import Param, Surface

MAX_LENGTH = 200
MAX_NODES = 200
MAX_DEPTH = 30
MAX_EXPONENT = 64
MAX_LITERAL = 1e100
#: A constant this large overflows float64 on the first product, so the formula is refused.
MAX_CONSTANT = 1e300
#: Derivatives written out as trees; beyond these SymPy takes longer than a rerun should.
MAX_GRADIENT_TERMS = 1_000
MAX_HESSIAN_TERMS = 12_000
#: Program steps the search for minima may spend (about 1 µs each).
MINIMA_SEARCH_STEPS = 60_000

DEFAULT_FORMULA = "(x^2 - 1)^2 + 2*y^2 + 0.3*x"

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
    Param(
        "extent",
        3.0,
        "Half-width of the window",
        low=0.1,
        high=100.0,
        log=True,
        help="The plot shows -extent ≤ x, y ≤ extent.",
    ),
)

X, Y = sympy.Symbol("x", real=True), sympy.Symbol("y", real=True)
VARIABLES = {"x": X, "y": Y}
CONSTANTS = {"pi": sympy.pi, "e": sympy.E}
FUNCTIONS = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "exp": sympy.exp,
    "log": sympy.log,
    "sqrt": sympy.sqrt,
    "abs": sympy.Abs,
    "tanh": sympy.tanh,
}
# The same functions on plain floats, to check the size of constant exponents before SymPy
# is asked to raise anything to them.
FLOAT_FUNCTIONS = {
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "abs": math.fabs,
    "tanh": math.tanh,
}
FLOAT_CONSTANTS = {"pi": math.pi, "e": math.e}

HINT = (
    "a formula may use x, y, pi, e, numbers, + - * /, powers ** or ^, and the functions "
    + ", ".join(FUNCTIONS)
    + "."
)

_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
_REFUSED_OPERATORS = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
}
_CHAINS = ({ast.Add, ast.Sub}, {ast.Mult, ast.Div})
_WHAT = {
    ast.Attribute: "an attribute access (a.b)",
    ast.Subscript: "indexing (a[i])",
    ast.Slice: "a slice (a:b)",
    ast.Lambda: "a lambda",
    ast.IfExp: "'if ... else'",
    ast.Compare: "a comparison",
    ast.BoolOp: "'and' / 'or'",
    ast.NamedExpr: "an assignment (:=)",
    ast.Starred: "'*' unpacking",
    ast.Tuple: "a tuple (a comma)",
    ast.List: "a list",
    ast.Set: "a set",
    ast.Dict: "a dict",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string",
    ast.Await: "'await'",
    ast.Yield: "'yield'",
    ast.YieldFrom: "'yield'",
}
_CONSTANT_KINDS = {
    str: "text",
    bytes: "bytes",
    bool: "a truth value",
    complex: "an imaginary number",
    type(None): "None",
    type(Ellipsis): "an ellipsis",
}
_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_PRINTABLE = frozenset(chr(code) for code in range(0x20, 0x7F)) | {"\t"}


class Compiled(NamedTuple):
    """A checked formula: SymPy expressions and NumPy closures for f, ∇f and ∇²f."""

    expression: sympy.Expr
    gradient_expressions: tuple[sympy.Expr, sympy.Expr]
    hessian_expressions: tuple[sympy.Expr, sympy.Expr, sympy.Expr]
    #: ``value(x, y) -> (f,)``, ``gradient(x, y) -> (dfdx, dfdy)``,
    #: ``hessian(x, y) -> (dfdxx, dfdxy, dfdyy)``: arrays broadcast to x and y.
    value: Program
    gradient: Program
    hessian: Program
    is_quadratic: bool


# ----- text → checked syntax tree ---------------------------------------------------------
class _Source:
    """The formula as typed and as handed to the parser (``^`` written ``**``).

    ``where(i)`` turns an index into the parser's text back into "character N" of what the
    user typed, counted from 1.
    """

    def __init__(self, text: str):
        self.text = text
        parts, origin = [], []
        for index, char in enumerate(text):
            piece = "**" if char == "^" else char
            parts.append(piece)
            origin.extend([index] * len(piece))
        self.parsed = "".join(parts)
        self.origin = origin

    def where(self, index: int | None) -> str:
        if index is None or index >= len(self.origin):
            return "at the end"
        return f"at character {self.origin[max(index, 0)] + 1}"

    def span(self, node: ast.AST) -> str:
        """What the user typed for ``node``."""
        return self.text[self.origin[node.col_offset] : self.origin[node.end_col_offset - 1] + 1]


def _parse(text: str) -> tuple[ast.Expression, _Source]:
    if not isinstance(text, str):
        raise TypeError(f"The formula must be text, got {type(text).__name__}.")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"The formula is too long: {len(text)} characters, at most {MAX_LENGTH}.")
    for index, char in enumerate(text):
        if char not in _PRINTABLE:
            raise ValueError(
                f"Unexpected character {char!r} (U+{ord(char):04X}) at character {index + 1}: "
                "type plain ASCII, e.g. * for a product, ^ for a power, - for minus."
            )
    source = _Source(text.strip())
    if not source.text:
        raise ValueError(
            f"The formula is empty: type an expression in x and y, e.g. {DEFAULT_FORMULA}."
        )
    try:
        tree = ast.parse(source.parsed, mode="eval")
    except SyntaxError as error:
        offset = None if not error.offset else error.offset - 1
        raise ValueError(
            f"Could not read the formula {source.where(offset)}: {error.msg}. Check for a "
            "missing operator (write 2*x, not 2x) or an unbalanced parenthesis."
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise ValueError("The formula is too deeply nested to read.") from None
    return tree, source


def _check(tree: ast.Expression, source: _Source) -> None:
    """Walk the tree without recursion and refuse every node outside the allow-list."""
    stack = [(tree.body, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        where = source.where(getattr(node, "col_offset", None))
        count += 1
        if count > MAX_NODES:
            raise ValueError(f"The formula has more than {MAX_NODES} terms.")
        if depth > MAX_DEPTH:
            raise ValueError(f"The formula is nested more than {MAX_DEPTH} levels deep {where}.")
        if isinstance(node, ast.BinOp):
            op = type(node.op)
            if op not in _OPERATORS:
                symbol = _REFUSED_OPERATORS.get(op, op.__name__)
                gap = source.parsed[node.left.end_col_offset : node.right.col_offset]
                position = node.left.end_col_offset + max(gap.find(symbol), 0)
                raise ValueError(
                    f"The operator {symbol!r} {source.where(position)} is not allowed: {HINT}"
                )
            left_depth = depth + 1
            if isinstance(node.left, ast.BinOp) and any(
                op in chain and type(node.left.op) in chain for chain in _CHAINS
            ):
                left_depth = depth
            stack.append((node.left, left_depth))
            stack.append((node.right, depth + 1))
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                symbol = {ast.Not: "not", ast.Invert: "~"}.get(type(node.op), "?")
                raise ValueError(f"The operator {symbol!r} {where} is not allowed: {HINT}")
            stack.append((node.operand, depth + 1))
        elif isinstance(node, ast.Call):
            _check_call(node, source, where)
            stack.append((node.args[0], depth + 1))
        elif isinstance(node, ast.Name):
            _check_name(node, where)
        elif isinstance(node, ast.Constant):
            _check_constant(node, source, where)
        else:
            what = _WHAT.get(type(node), type(node).__name__)
            raise ValueError(f"Found {what} {where}: {HINT}")


def _check_call(node: ast.Call, source: _Source, where: str) -> None:
    if not isinstance(node.func, ast.Name):
        raise ValueError(
            f"Only the functions {', '.join(FUNCTIONS)} can be called; "
            f"found a call of {source.span(node.func)!r} {where}."
        )
    name = node.func.id
    if name not in FUNCTIONS:
        raise ValueError(f"Unknown function {name!r} {where}: {_did_you_mean(name)}{HINT}")
    if node.keywords:
        raise ValueError(f"{name}() takes no keyword arguments {where}: write {name}(x).")
    if len(node.args) != 1:
        raise ValueError(f"{name}() takes exactly one argument, found {len(node.args)} {where}.")


def _check_name(node: ast.Name, where: str) -> None:
    name = node.id
    if name in FUNCTIONS:
        raise ValueError(f"{name!r} {where} is a function: write {name}(...).")
    if name not in VARIABLES and name not in CONSTANTS:
        raise ValueError(f"Unknown name {name!r} {where}: {_did_you_mean(name)}{HINT}")


def _check_constant(node: ast.Constant, source: _Source, where: str) -> None:
    value = node.value
    if type(value) not in (int, float):
        what = _CONSTANT_KINDS.get(type(value), type(value).__name__)
        raise ValueError(f"Found {what} {source.span(node)!r} {where}: {HINT}")
    if not _NUMBER.fullmatch(source.span(node)):
        raise ValueError(
            f"Unsupported number {source.span(node)!r} {where}: write decimals such as "
            "12, 0.5 or 1e-3."
        )
    if not abs(value) <= MAX_LITERAL:
        raise ValueError(f"The number {source.span(node)!r} {where} is larger than 1e100.")


def _did_you_mean(name: str) -> str:
    known = [*VARIABLES, *CONSTANTS, *FUNCTIONS]
    close = difflib.get_close_matches(name.lower(), known, n=1)
    return f"did you mean {close[0]!r}? " if close else ""


# ----- checked tree → SymPy ---------------------------------------------------------------
def _to_sympy(node: ast.AST, source: _Source) -> tuple[sympy.Expr, float]:
    """SymPy expression of a checked node and its tower: the product of the constant
    exponents it is raised through, which bounds how large SymPy's exact integers grow."""
    if isinstance(node, ast.Constant):
        value = node.value
        return (sympy.Integer(value) if isinstance(value, int) else sympy.Float(value)), 1.0
    if isinstance(node, ast.Name):
        return {**VARIABLES, **CONSTANTS}[node.id], 1.0
    if isinstance(node, ast.UnaryOp):
        operand, tower = _to_sympy(node.operand, source)
        return (-operand if isinstance(node.op, ast.USub) else operand), tower
    if isinstance(node, ast.Call):
        argument, tower = _to_sympy(node.args[0], source)
        return FUNCTIONS[node.func.id](argument), tower
    left, left_tower = _to_sympy(node.left, source)
    right, right_tower = _to_sympy(node.right, source)
    if isinstance(node.op, ast.Add):
        return left + right, max(left_tower, right_tower)
    if isinstance(node.op, ast.Sub):
        return left - right, max(left_tower, right_tower)
    if isinstance(node.op, ast.Mult):
        return left * right, max(left_tower, right_tower)
    if isinstance(node.op, ast.Div):
        return left / right, max(left_tower, right_tower)
    where = source.where(node.right.col_offset)
    if right.free_symbols:
        return left**right, max(left_tower, right_tower)
    exponent = _float_value(node.right)
    if not abs(exponent) <= MAX_EXPONENT:
        shown = f"{exponent:.6g}" if math.isfinite(exponent) else "not a finite real number"
        raise ValueError(
            f"The exponent {source.span(node.right)!r} {where} is {shown}; constant exponents "
            f"must lie between -{MAX_EXPONENT} and {MAX_EXPONENT}."
        )
    tower = left_tower * max(1.0, abs(exponent))
    if tower > MAX_EXPONENT:
        raise ValueError(
            f"The power {source.span(node)!r} {source.where(node.col_offset)} raises to "
            f"{tower:.6g} in all: nested powers multiply their exponents, which must stay "
            f"between -{MAX_EXPONENT} and {MAX_EXPONENT}."
        )
    return left**right, tower


def _float_value(node: ast.AST) -> float:
    """Value of a checked constant subtree in float arithmetic; nan where it has none."""
    try:
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return FLOAT_CONSTANTS[node.id]
        if isinstance(node, ast.UnaryOp):
            operand = _float_value(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Call):
            return FLOAT_FUNCTIONS[node.func.id](_float_value(node.args[0]))
        left, right = _float_value(node.left), _float_value(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            return left / right
        return math.pow(left, right)
    except (ArithmeticError, ValueError):
        return math.nan


def _check_expression(expression: sympy.Expr, text: str) -> None:
    if expression.has(sympy.I):
        raise ValueError(
            f"The formula {text!r} takes complex values (a square root or logarithm of a "
            "negative constant?)."
        )
    if expression.has(sympy.zoo, sympy.oo, sympy.nan):
        raise ValueError(f"The formula {text!r} is infinite or undefined (a division by zero?).")
    for number in expression.atoms(sympy.Number):
        if not abs(_to_float(number)) <= MAX_CONSTANT:
            raise ValueError(
                f"The formula {text!r} holds a constant larger than 1e300, beyond floating point."
            )


# ----- SymPy → NumPy ----------------------------------------------------------------------
_UFUNCS = {
    sympy.sin: np.sin,
    sympy.cos: np.cos,
    sympy.tan: np.tan,
    sympy.exp: np.exp,
    sympy.log: np.log,
    sympy.tanh: np.tanh,
    sympy.sinh: np.sinh,
    sympy.cosh: np.cosh,
    sympy.Abs: np.abs,
    sympy.sign: np.sign,
}
_SPECIAL_NUMBERS = {
    sympy.zoo: math.nan,
    sympy.nan: math.nan,
    sympy.oo: math.inf,
    -sympy.oo: -math.inf,
}


def _to_float(number: sympy.Expr) -> float:
    if number in _SPECIAL_NUMBERS:
        return _SPECIAL_NUMBERS[number]
    try:
        if isinstance(number, sympy.Rational):
            # int / int rounds correctly however large the integers are.
            return int(number.p) / int(number.q)
        return float(number)
    except OverflowError:
        return math.inf if number > 0 else -math.inf


class Program:
    """Expressions compiled to a straight-line program of NumPy calls (no code is generated).

    Step ``i`` computes slot ``i`` from the coordinates and earlier slots, so a subexpression
    that several expressions share (a gradient and its Hessian share most of theirs) is
    computed once per call. ``program(x, y)`` returns one float array per expression,
    broadcast to the shape of ``x`` and ``y``.
    """

    def __init__(self, expressions):
        self.steps: list[tuple[Callable, tuple[int, ...]]] = []
        slots: dict = {}
        for root in expressions:
            stack = [(root, False)]
            while stack:
                node, operands_ready = stack.pop()
                if node in slots:
                    continue
                operation, operands = _operation(node)
                if operands_ready:
                    slots[node] = len(self.steps)
                    self.steps.append((operation, tuple(slots[operand] for operand in operands)))
                else:
                    stack.append((node, True))
                    stack.extend((operand, False) for operand in operands)
        self.outputs = tuple(slots[root] for root in expressions)

    def __call__(self, x, y) -> tuple[np.ndarray, ...]:
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        shape = np.broadcast_shapes(x.shape, y.shape)
        values: list = []
        with np.errstate(all="ignore"):
            for operation, operands in self.steps:
                values.append(operation(x, y, *(values[slot] for slot in operands)))
        results = []
        for slot in self.outputs:
            out = np.empty(shape)
            out[...] = values[slot]
            results.append(out)
        return tuple(results)


def _operation(expression: sympy.Expr) -> tuple[Callable, tuple]:
    """How to compute ``expression`` from its operands, and the operands."""
    args = expression.args
    if expression == X:
        return (lambda x, y: x), ()
    if expression == Y:
        return (lambda x, y: y), ()
    if expression.is_Number or isinstance(expression, sympy.NumberSymbol):
        constant = _to_float(expression)
        return (lambda x, y: constant), ()
    if isinstance(expression, sympy.Add):
        return _add, args
    if isinstance(expression, sympy.Mul):
        return _multiply, args
    if isinstance(expression, sympy.Pow):
        base, exponent = args
        if exponent.free_symbols:
            return (lambda x, y, b, p: np.power(np.asarray(b, dtype=float), p)), args
        return _constant_power(_to_float(exponent)), (base,)
    if isinstance(expression, sympy.DiracDelta):
        # d/dx sign(x), from abs: zero wherever it is defined; 0 at the kink too, as sign(0) = 0
        # takes the zero subgradient there.
        return (lambda x, y: 0.0), ()
    if expression.func in _UFUNCS and len(args) == 1:
        ufunc = _UFUNCS[expression.func]
        return (lambda x, y, u: ufunc(u)), args
    if expression.has(sympy.I):
        raise ValueError("The formula takes complex values.")
    raise ValueError(
        f"The formula leads to a term SymPy writes as {type(expression).__name__}, "
        "which this app cannot evaluate."
    )


def _add(x, y, *terms):
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def _multiply(x, y, *factors):
    product = factors[0]
    for factor in factors[1:]:
        product = product * factor
    return product


def _constant_power(power: float) -> Callable:
    if power == 0.5:
        return lambda x, y, b: np.sqrt(b)
    if power == -0.5:
        return lambda x, y, b: 1.0 / np.sqrt(b)
    if power == 2.0:
        return lambda x, y, b: np.square(b)
    if power == -1.0:
        return lambda x, y, b: 1.0 / b
    # A float base keeps NumPy in real arithmetic: (-8.0)**(1/3) is nan, never complex.
    return lambda x, y, b: np.power(np.asarray(b, dtype=float), power)


def _tree_size(expression: sympy.Expr, sizes: dict) -> int:
    """Nodes of ``expression`` written out as a tree (what SymPy's own algorithms walk)."""
    if expression not in sizes:
        sizes[expression] = 1 + sum(_tree_size(arg, sizes) for arg in expression.args)
    return sizes[expression]


def _check_size(expressions, limit: int, what: str) -> None:
    sizes: dict = {}
    size = sum(_tree_size(expression, sizes) for expression in expressions)
    if size > limit:
        raise ValueError(
            f"The formula is too complex to differentiate here: its {what} written out has "
            f"{size} terms, at most {limit}. Try a shorter formula."
        )


@lru_cache(maxsize=128)
def compile_formula(text: str) -> Compiled:
    """Check ``text``, differentiate it exactly and compile f, ∇f and ∇²f for NumPy.

    Parameters
    ----------
    text : str
        The formula, e.g. ``"x^2 + 3*y^2"`` (the language is in the module docstring).

    Returns
    -------
    Compiled
        SymPy expressions of f, (∂f/∂x, ∂f/∂y) and (∂²f/∂x², ∂²f/∂x∂y, ∂²f/∂y²), and
        programs computing each group on floats or arrays of any shape.

    Raises
    ------
    ValueError
        If the formula is outside the language or its limits; the message says what was found
        and at which character, e.g. ``Unknown name 'os' at character 1: ...``.
    TypeError
        If ``text`` is not a string.
    """
    tree, source = _parse(text)
    _check(tree, source)
    expression, _ = _to_sympy(tree.body, source)
    _check_expression(expression, source.text)
    # Written out, derivatives of products and nested functions grow like a power of the
    # formula's size, and SymPy's time with them: refuse before the step that would be slow.
    gradient = (sympy.diff(expression, X), sympy.diff(expression, Y))
    _check_size(gradient, MAX_GRADIENT_TERMS, "gradient")
    dfdxx = sympy.diff(gradient[0], X)
    _check_size([dfdxx], MAX_HESSIAN_TERMS // 3, "second derivative in x")
    hessian = (dfdxx, sympy.diff(gradient[0], Y), sympy.diff(gradient[1], Y))
    _check_size(hessian, MAX_HESSIAN_TERMS, "Hessian")
    is_quadratic = all(not entry.free_symbols and entry.is_finite for entry in hessian)
    return Compiled(
        expression,
        gradient,
        hessian,
        Program([expression]),
        Program(gradient),
        Program(hessian),
        bool(is_quadratic),
    )


# ----- the surface ------------------------------------------------------------------------
class Custom(Surface):
    r"""f(x, y) as typed; ∇f and ∇²f are SymPy's exact derivatives of it.

    ``extras['compiled']`` holds the :class:`Compiled` formula; ``extras['expression']``,
    ``extras['gradient']`` and ``extras['hessian']`` its SymPy expressions.
    """

    def _value(self, x, y):
        (value,) = self.extras["compiled"].value(x, y)
        return value

    def _gradient(self, x, y):
        return self.extras["compiled"].gradient(x, y)

    def _hessian(self, x, y):
        return self.extras["compiled"].hessian(x, y)


def build(formula: str, extent: float) -> Custom:
    compiled = compile_formula(formula)
    return Custom(
        name="custom",
        params={"formula": formula, "extent": extent},
        title=f"Custom: {formula.strip()}",
        formula=f"f(x, y) = {sympy.latex(compiled.expression)}",
        description=(
            "A surface you typed, differentiated exactly by SymPy; the minima listed are the "
            "strict local minima a search from 25 starts found inside the window."
        ),
        bounds=((-extent, extent), (-extent, extent)),
        minima=list(_local_minima(formula, extent)),
        start=_start(compiled, extent),
        is_quadratic=compiled.is_quadratic,
        extras={
            "compiled": compiled,
            "expression": compiled.expression,
            "gradient": compiled.gradient_expressions,
            "hessian": compiled.hessian_expressions,
        },
    )


def _start(compiled: Compiled, extent: float) -> tuple[float, float]:
    """The first corner at 0.8·extent, from the top left clockwise, where f and ∇f are finite."""
    corner = 4.0 * extent / 5.0
    for sx, sy in [(-1.0, 1.0), (1.0, 1.0), (1.0, -1.0), (-1.0, -1.0)]:
        x, y = sx * corner, sy * corner
        if np.all(np.isfinite([*compiled.value(x, y), *compiled.gradient(x, y)])):
            return (x, y)
    return (-corner, corner)


class _OutOfBudget(Exception):
    pass


@lru_cache(maxsize=128)
def _local_minima(formula: str, extent: float) -> tuple[tuple[float, float], ...]:
    """Strict local minima inside the window, lowest first.

    L-BFGS-B from a 5×5 grid of starts, then Newton steps that must converge with a positive
    definite Hessian; points closer than 1e-6·extent are one minimum. Best effort: a minimum
    with a singular Hessian (x⁴, |x|) is not listed, and the search stops after a fixed
    number of program steps so that a long formula costs no more than a short one.
    """
    compiled = compile_formula(formula)
    budget = [MINIMA_SEARCH_STEPS]

    def spend(program: Program) -> None:
        budget[0] -= len(program.steps) + 20
        if budget[0] < 0:
            raise _OutOfBudget

    def fun(p):
        spend(compiled.value)
        return float(compiled.value(p[0], p[1])[0])

    def jac(p):
        spend(compiled.gradient)
        return np.array(compiled.gradient(p[0], p[1]), dtype=float)

    def hess(p):
        spend(compiled.hessian)
        dxx, dxy, dyy = (float(entry) for entry in compiled.hessian(p[0], p[1]))
        return np.array([[dxx, dxy], [dxy, dyy]])

    found: list[tuple[float, np.ndarray]] = []
    grid = np.linspace(-0.8 * extent, 0.8 * extent, 5)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            for x0 in grid:
                for y0 in grid:
                    if not np.isfinite(fun((x0, y0))):
                        continue
                    result = minimize(
                        fun,
                        np.array([x0, y0]),
                        jac=jac,
                        method="L-BFGS-B",
                        bounds=[(-extent, extent)] * 2,
                        options={"maxiter": 60},
                    )
                    point = _polish(result.x, jac, hess, extent)
                    if point is None or np.max(np.abs(point)) > extent:
                        continue
                    if any(np.linalg.norm(point - other) < 1e-6 * extent for _, other in found):
                        continue
                    found.append((fun(point), point))
        except _OutOfBudget:
            pass
    found.sort(key=lambda pair: pair[0])
    # Newton lands within rounding of a symmetric minimizer: show 0, not 3e-17.
    tiny = 1e-12 * extent
    return tuple(
        (0.0 if abs(px) < tiny else float(px), 0.0 if abs(py) < tiny else float(py))
        for _, (px, py) in found
    )


def _polish(point: np.ndarray, jac: Callable, hess: Callable, extent: float) -> np.ndarray | None:
    """Newton steps from ``point``: the minimizer if they converge to one with a positive
    definite Hessian, else None."""
    for _ in range(8):
        gradient, hessian = jac(point), hess(point)
        if not (np.all(np.isfinite(gradient)) and np.all(np.isfinite(hessian))):
            return None
        eigenvalues = np.linalg.eigvalsh(hessian)
        if eigenvalues[0] <= 1e-9 * max(1.0, abs(eigenvalues[-1])):
            return None
        step = np.linalg.solve(hessian, gradient)
        point = point - step
        if np.linalg.norm(step) <= 1e-10 * extent:
            return point
    return None
