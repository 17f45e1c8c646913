"""A surface from a formula the user types, such as ``(x^2 - 1)^2 + 2*y^2 + 0.3*x``.

The text is never run as code. It is parsed into a Python syntax tree, every node is checked
against an allow-list, and the checked tree is translated by hand into a SymPy expression.
The functions are this module's own (:class:`RealFunction`): real-valued, each knowing its
derivative, and free of SymPy's automatic simplification, which can take minutes on
awkward input. SymPy differentiates the expression exactly; a small compiler turns it and its
derivatives into straight-line programs of NumPy ufunc calls (no code is generated), so
``value``, ``gradient`` and ``hessian`` broadcast over arrays like every other surface.

The language
------------
* the variables ``x`` and ``y``; the constants ``pi`` and ``e``;
* numbers: ``3``, ``0.5``, ``.5``, ``1e-3`` (at most 1e100 in magnitude);
* ``+ - * /``, unary minus, and powers written ``**`` or ``^`` (both mean power, and both
  bind tighter than unary minus and group from the right: ``-x^2`` is ``-(x^2)``,
  ``2^3^2`` is ``2^9``);
* the functions ``sin cos tan exp log sqrt abs tanh``, each of one argument.

Limits that keep hostile input cheap: at most 200 characters, 200 terms, 30 levels of
nesting (a chain ``a + b - c + ...`` or ``a * b / c * ...`` counts as one level); constant
exponents between -64 and 64, also when nested powers multiply them (``(x^8)^8`` is the
largest such tower); every constant part of the formula finite and at most 1e300 in
magnitude; derivatives that stay a reasonable size when written out. Anything else raises
:class:`ValueError` saying what was found and at which character (counted from 1).

Where the formula has no real value (``log(x)`` for x ≤ 0) the surface is nan, as in NumPy.
The second derivative of ``abs`` is taken as 0 everywhere, including at its kink.
"""

from __future__ import annotations

import ast
import difflib
import math
import re
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

import mpmath
import numpy as np
import sympy

from surfaces.base import Surface
from surfaces.custom import DEFAULT_FORMULA, MAX_LENGTH

MAX_NODES = 200
MAX_DEPTH = 30
MAX_EXPONENT = 64
MAX_LITERAL = 1e100
#: A constant this large overflows float64 on the first product, so the formula is refused.
MAX_CONSTANT = 1e300
#: Derivatives written out as trees; beyond these SymPy takes longer than a rerun should.
MAX_GRADIENT_TERMS = 1_000
MAX_HESSIAN_TERMS = 12_000
#: Newton iterations of the search for minima (Rosenbrock's valley takes about 25).
MINIMA_SEARCH_ITERATIONS = 60


class RealFunction(sympy.Function):
    """One of the formula's functions: a real argument, a real value (NumPy gives nan where
    there is none), a derivative, and nothing more.

    SymPy's own sin, tanh, abs, ... simplify as they are built and work out whether they are
    real by splitting their argument into real and imaginary parts: for tanh(sin(u)^64) with
    u = sqrt(x - y), which SymPy cannot prove real, that runs for minutes, and abs then
    differentiates through re(u) and im(u). These say they are real and know their
    derivative, which is all a surface needs. Subclasses are made by :func:`_function`.
    """

    is_extended_real = True
    on_arrays: Callable
    on_floats: Callable
    #: The mpmath function SymPy's evalf uses (tests compare against it).
    on_mpmath = ""
    latex = ""

    def _eval_mpmath(self):
        return getattr(mpmath, self.on_mpmath), self.args

    def _latex(self, printer, exp=None):
        tex = self.latex.format(printer._print(self.args[0]))
        return rf"\left({tex}\right)^{{{exp}}}" if exp else tex


def _function(name, on_arrays, on_floats, derivative, latex) -> type[RealFunction]:
    """The RealFunction ``name``; ``derivative(u)`` is its derivative at u."""
    return type(
        name,
        (RealFunction,),
        {
            "on_arrays": staticmethod(on_arrays),
            "on_floats": staticmethod(on_floats),
            "on_mpmath": {"abs": "fabs"}.get(name, name),
            "fdiff": lambda self, argindex=1: derivative(self.args[0]),
            "latex": latex,
            "__module__": __name__,
        },
    )


def _sign_of(u: float) -> float:
    return math.copysign(1.0, u) if u else 0.0


def _named(name: str) -> str:
    return "\\" + name + r"{{\left({} \right)}}"


FUNCTIONS: dict[str, type[RealFunction]] = {}
#: name: NumPy ufunc, math function, derivative at u, LaTeX with {} for the argument.
_DEFINITIONS = {
    "sin": (np.sin, math.sin, lambda u: FUNCTIONS["cos"](u), _named("sin")),
    "cos": (np.cos, math.cos, lambda u: -FUNCTIONS["sin"](u), _named("cos")),
    "tan": (np.tan, math.tan, lambda u: 1 + FUNCTIONS["tan"](u) ** 2, _named("tan")),
    "exp": (np.exp, math.exp, lambda u: FUNCTIONS["exp"](u), "e^{{{}}}"),
    "log": (np.log, math.log, lambda u: 1 / u, _named("log")),
    "sqrt": (np.sqrt, math.sqrt, lambda u: 1 / (2 * FUNCTIONS["sqrt"](u)), r"\sqrt{{{}}}"),
    "abs": (np.abs, math.fabs, lambda u: SIGN(u), r"\left|{}\right|"),
    "tanh": (np.tanh, math.tanh, lambda u: 1 - FUNCTIONS["tanh"](u) ** 2, _named("tanh")),
}
FUNCTIONS.update({name: _function(name, *spec) for name, spec in _DEFINITIONS.items()})
#: d|u|/du. Its own derivative is 0 wherever it has one, and is taken as 0 at u = 0 too.
SIGN = _function("sign", np.sign, _sign_of, lambda u: sympy.S.Zero, _named("operatorname{sign}"))


class Power(RealFunction):
    """b^v for an exponent v that varies, as NumPy's power: real, and nan where b < 0.

    SymPy's own Pow would differentiate it through its log(b), whose realness it then cannot
    decide (and on the way raises TypeError for some b).
    """

    nargs = 2
    on_arrays = staticmethod(lambda base, exponent: np.power(np.asarray(base, float), exponent))
    on_floats = staticmethod(math.pow)
    on_mpmath = "power"

    def fdiff(self, argindex=1):
        base, exponent = self.args
        if argindex == 1:
            return exponent * Power(base, exponent - 1)
        return self * FUNCTIONS["log"](base)

    def _latex(self, printer, exp=None):
        base, exponent = (printer._print(arg) for arg in self.args)
        if not self.args[0].is_Atom:
            base = rf"\left({base}\right)"
        tex = rf"{base}^{{{exponent}}}"
        return rf"\left({tex}\right)^{{{exp}}}" if exp else tex


X, Y = sympy.Symbol("x", real=True), sympy.Symbol("y", real=True)
VARIABLES = {"x": X, "y": Y}
CONSTANTS = {"pi": sympy.pi, "e": sympy.E}

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
    """A checked formula: SymPy expressions of f, ∇f and ∇²f and programs computing them."""

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

    def __init__(self, typed: str):
        self.typed = typed
        self.text = typed.strip()
        # The parser refuses leading spaces; positions still count them.
        lead = len(typed) - len(typed.lstrip())
        parts, origin = [], []
        for index, char in enumerate(self.text, start=lead):
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
        return self.typed[self.origin[node.col_offset] : self.origin[node.end_col_offset - 1] + 1]


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
    source = _Source(text)
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
        raise ValueError("Could not read the formula (is it nested too deeply?).") from None
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
    """SymPy expression of a checked node, and its tower: the product of the constant
    exponents it is raised through, which bounds how large SymPy's exact integers grow.

    SymPy computes with numbers as soon as it builds them, exactly for integers (9**64) and
    in arbitrary precision for decimals, and the work grows with the size of the numbers.
    Every constant the walk builds, including one that only appears after cancellation
    (x - x + 700.0), is therefore checked in float arithmetic, finite and at most 1e300,
    before anything is built on top of it.
    """
    expression, tower = _build(node, source)
    if not expression.free_symbols:
        _check_constant_value(expression, source, node)
    return expression, tower


def _build(node: ast.AST, source: _Source) -> tuple[sympy.Expr, float]:
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
        if node.func.id == "abs" and argument.is_Number:
            return abs(argument), tower
        if node.func.id == "abs" and isinstance(argument, (sympy.NumberSymbol, FUNCTIONS["abs"])):
            return argument, tower
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
    if right.free_symbols:
        if not left.free_symbols and _constant_value(left) < 0:
            raise ValueError(
                f"{source.span(node)!r} {source.where(node.col_offset)} raises a negative "
                "number to a power that varies, which is not real: write exp(... * log(b)) "
                "with b > 0, or use a constant exponent."
            )
        power = FUNCTIONS["exp"](right) if left == sympy.E else Power(left, right)
        return power, max(left_tower, right_tower)
    exponent = _constant_value(right)
    if not abs(exponent) <= MAX_EXPONENT:
        raise ValueError(
            f"The exponent {source.span(node.right)!r} {source.where(node.right.col_offset)} "
            f"is {exponent:.6g}; constant exponents must lie between -{MAX_EXPONENT} and "
            f"{MAX_EXPONENT}."
        )
    tower = left_tower * max(1.0, abs(exponent))
    if tower > MAX_EXPONENT:
        raise ValueError(
            f"The power {source.span(node)!r} {source.where(node.col_offset)} raises to "
            f"{tower:.6g} in all: nested powers multiply their exponents, which must stay "
            f"between -{MAX_EXPONENT} and {MAX_EXPONENT}."
        )
    return left**right, tower


def _check_constant_value(expression: sympy.Expr, source: _Source, node: ast.AST) -> None:
    value = _constant_value(expression)
    if abs(value) <= MAX_CONSTANT:
        return
    what = f"{source.span(node)!r} {source.where(node.col_offset)}"
    if expression.has(sympy.I):
        raise ValueError(
            f"{what} is a complex number (a root or logarithm of a negative number?); "
            "the surface must be real."
        )
    if math.isnan(value):
        raise ValueError(
            f"{what} is undefined in real numbers (a division by zero, a logarithm of 0, or "
            "a root or logarithm of a negative number?)."
        )
    raise ValueError(f"{what} is larger than 1e300, beyond floating point.")


#: SymPy's own functions, which it still makes by itself: e^2 is exp(2), and (u^2)^0.5 is
#: Abs(u) with the derivative sign(u).
_SYMPY_FUNCTIONS = {
    sympy.exp: (np.exp, math.exp),
    sympy.log: (np.log, math.log),
    sympy.Abs: (np.abs, math.fabs),
    sympy.sign: (np.sign, _sign_of),
}


def _constant_value(expression: sympy.Expr) -> float:
    """A SymPy constant in float arithmetic: inf where it overflows, nan where it is not a
    real number. Never asks SymPy, whose evaluation is what this guards."""
    try:
        if expression.is_Number:
            return _to_float(expression)
        if isinstance(expression, sympy.NumberSymbol):
            return float(expression)
        args = [_constant_value(arg) for arg in expression.args]
        if isinstance(expression, sympy.Add):
            return math.fsum(args) if all(map(math.isfinite, args)) else sum(args)
        if isinstance(expression, sympy.Mul):
            return math.prod(args)
        if isinstance(expression, sympy.Pow):
            return math.pow(*args)
        if isinstance(expression, RealFunction):
            return expression.on_floats(*args)
        if expression.func in _SYMPY_FUNCTIONS and len(args) == 1:
            return _SYMPY_FUNCTIONS[expression.func][1](args[0])
    except OverflowError:
        return math.inf
    except (ArithmeticError, ValueError):
        return math.nan
    return math.nan


def _check_expression(expression: sympy.Expr, text: str) -> None:
    if expression.has(sympy.I):
        raise ValueError(f"The formula {text!r} takes complex values; the surface must be real.")
    if expression.has(sympy.zoo, sympy.oo, sympy.nan):
        raise ValueError(f"The formula {text!r} is infinite or undefined (a division by zero?).")
    for number in expression.atoms(sympy.Number):
        if not abs(_to_float(number)) <= MAX_CONSTANT:
            raise ValueError(
                f"The formula {text!r} holds a constant larger than 1e300, beyond floating point."
            )


# ----- SymPy → NumPy ----------------------------------------------------------------------
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
            # Depth-first without recursion: a node is pushed back, with its operation, under
            # its operands and gets its slot once they have theirs.
            stack: list = [(root, None)]
            while stack:
                node, compiled = stack.pop()
                if node in slots:
                    continue
                if compiled is None:
                    operation, operands = _operation(node)
                    stack.append((node, (operation, operands)))
                    stack.extend((operand, None) for operand in operands)
                else:
                    operation, operands = compiled
                    slots[node] = len(self.steps)
                    self.steps.append((operation, tuple(slots[operand] for operand in operands)))
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
        return _constant_power(_constant_value(exponent)), (base,)
    if isinstance(expression, sympy.DiracDelta):
        # d/dx sign(x), when SymPy itself writes sqrt(x^2) as Abs(x): zero wherever it is
        # defined, and 0 at the kink too, as for the formula's own abs.
        return (lambda x, y: 0.0), ()
    if isinstance(expression, RealFunction):
        ufunc = expression.on_arrays
        return (lambda x, y, *u: ufunc(*u)), args
    if expression.func in _SYMPY_FUNCTIONS and len(args) == 1:
        ufunc = _SYMPY_FUNCTIONS[expression.func][0]
        return (lambda x, y, u: ufunc(u)), args
    if expression.has(sympy.I):
        raise ValueError("The derivatives of the formula take complex values.")
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


def _derivatives(expression: sympy.Expr) -> tuple[tuple, tuple]:
    """(∂f/∂x, ∂f/∂y) and (∂²f/∂x², ∂²f/∂x∂y, ∂²f/∂y²) by SymPy.

    Written out, derivatives of products and nested functions grow like a power of the
    formula's size, and SymPy's time with them: refuse before the step that would be slow.
    """
    gradient = (sympy.diff(expression, X), sympy.diff(expression, Y))
    _check_size(gradient, MAX_GRADIENT_TERMS, "gradient")
    dfdxx = sympy.diff(gradient[0], X)
    _check_size([dfdxx], MAX_HESSIAN_TERMS // 3, "second derivative in x")
    hessian = (dfdxx, sympy.diff(gradient[0], Y), sympy.diff(gradient[1], Y))
    _check_size(hessian, MAX_HESSIAN_TERMS, "Hessian")
    return gradient, hessian


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
    try:
        expression, _ = _to_sympy(tree.body, source)
        _check_expression(expression, source.text)
        gradient, hessian = _derivatives(expression)
    except (ArithmeticError, RecursionError, MemoryError, TypeError) as error:
        # Not expected after the checks above; kept so that a SymPy surprise still reaches
        # the user as a refused formula.
        raise ValueError(f"SymPy could not handle the formula {source.text!r}: {error}") from None
    # A constant Hessian alone is not enough: |x| has one, 0, away from its kink.
    is_quadratic = expression.is_polynomial(X, Y) and all(
        not entry.free_symbols and math.isfinite(_constant_value(entry)) for entry in hessian
    )
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

    def __reduce__(self):
        # The compiled programs hold closures, which do not pickle; the text rebuilds them.
        return build, (self.params["formula"], self.params["extent"])


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


@lru_cache(maxsize=128)
def _local_minima(formula: str, extent: float) -> tuple[tuple[float, float], ...]:
    """Strict local minima inside the window, lowest first.

    Damped saddle-free Newton from a 5×5 grid of starts, all 25 moved together by the compiled
    programs; a point counts once its Newton step is below 1e-9·extent with a positive definite
    Hessian, and points closer than 1e-6·extent are one minimum. Best effort: a minimum with a
    singular Hessian (x⁴, |x|) is not listed, nor one the search does not reach in
    MINIMA_SEARCH_ITERATIONS steps.
    """
    with np.errstate(all="ignore"):
        return _search_minima(compile_formula(formula), extent)


def _search_minima(compiled: Compiled, extent: float) -> tuple[tuple[float, float], ...]:
    grid = np.linspace(-0.8 * extent, 0.8 * extent, 5)
    points = np.column_stack([axis.ravel() for axis in np.meshgrid(grid, grid)])
    (values,) = compiled.value(points[:, 0], points[:, 1])
    moving = np.isfinite(values)
    for _ in range(MINIMA_SEARCH_ITERATIONS):
        index = np.flatnonzero(moving)
        if index.size == 0:
            break
        step, gradient, _ = _search_step(compiled, points[index], extent)
        # Kept inside the window, which is convex, so every fraction of the step stays in it.
        step = np.clip(points[index] + step, -extent, extent) - points[index]
        slope = np.einsum("ni,ni->n", gradient, step)
        # Arrived, pinned to the edge, or undefined (nan): stop.
        going = (np.linalg.norm(step, axis=1) > 1e-11 * extent) & (slope < 0.0)
        moving[index[~going]] = False
        index, step, slope = index[going], step[going], slope[going]
        # Backtracking: halve each point's step until the value drops (Armijo's rule), up to
        # rounding, which is all a step next to the minimum can change. A point that needs a
        # millionth of its step sits at a kink (the tip of a cone): it stops there.
        scale = np.ones(index.size)
        accepted = np.zeros(index.size, dtype=bool)
        rounding = 1e-12 * np.maximum(1.0, np.abs(values[index]))
        for _ in range(20):
            trial = points[index] + scale[:, None] * step
            (trial_values,) = compiled.value(trial[:, 0], trial[:, 1])
            drop = values[index] + 1e-4 * scale * slope + rounding
            better = ~accepted & (trial_values <= drop)
            points[index[better]] = trial[better]
            values[index[better]] = trial_values[better]
            accepted |= better
            if accepted.all():
                break
            scale = np.where(accepted, scale, 0.5 * scale)
        moving[index[~accepted]] = False

    step, _, eigenvalues = _search_step(compiled, points, extent)
    minimum = (
        np.isfinite(values)
        & (np.linalg.norm(step, axis=1) <= 1e-9 * extent)
        & (eigenvalues[:, 0] > 1e-9 * np.maximum(1.0, np.abs(eigenvalues[:, 1])))
    )
    found: list[tuple[float, float]] = []
    for point in points[minimum][np.argsort(values[minimum], kind="stable")]:
        if all(np.hypot(point[0] - px, point[1] - py) > 1e-6 * extent for px, py in found):
            found.append((float(point[0]), float(point[1])))
    # Newton lands within rounding of a symmetric minimizer: show 0, not 3e-17.
    tiny = 1e-12 * extent
    return tuple((0.0 if abs(px) < tiny else px, 0.0 if abs(py) < tiny else py) for px, py in found)


def _search_step(compiled: Compiled, points: np.ndarray, extent: float):
    """The saddle-free Newton step −V |Λ|⁻¹ Vᵀ ∇f (Dauphin et al., 2014) at each point.

    Where the Hessian V Λ Vᵀ is positive definite this is Newton's step; elsewhere it still
    goes downhill, away from saddles and maxima. Steps are capped at extent/4; where ∇f or the
    Hessian is not finite the step is nan. Returns the steps, the gradients, and the Hessian's
    eigenvalues (ascending).
    """
    x, y = points[:, 0], points[:, 1]
    gradient = np.column_stack(compiled.gradient(x, y))
    dxx, dxy, dyy = compiled.hessian(x, y)
    hessian = np.stack([np.column_stack([dxx, dxy]), np.column_stack([dxy, dyy])], axis=1)
    # Beyond 1e150 the eigenvalues' squares overflow: no minimum is found there anyway.
    finite = (np.abs(gradient) < 1e150).all(axis=1) & (np.abs(hessian) < 1e150).all(axis=(1, 2))
    hessian[~finite] = np.eye(2)
    eigenvalues, eigenvectors = np.linalg.eigh(hessian)
    size = np.abs(eigenvalues).max(axis=1, keepdims=True)
    inverse = 1.0 / np.maximum(np.abs(eigenvalues), np.maximum(1e-9 * size, 1e-300))
    along = np.einsum("nji,nj->ni", eigenvectors, gradient) * inverse
    step = -np.einsum("nij,nj->ni", eigenvectors, along)
    length = np.linalg.norm(step, axis=1)
    step *= np.minimum(1.0, 0.25 * extent / np.maximum(length, 1e-300))[:, None]
    step[~finite] = np.nan
    eigenvalues[~finite] = np.nan
    return step, gradient, eigenvalues
