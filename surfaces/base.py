"""The shape every surface shares: value, gradient and Hessian of f(x, y), plus metadata.

A surface family subclasses :class:`Surface` and writes three elementwise functions of the
coordinates, ``_value(x, y)``, ``_gradient(x, y) -> (dfdx, dfdy)`` and
``_hessian(x, y) -> (dfdxx, dfdxy, dfdyy)``, which work on floats and on arrays alike. The base
class turns them into the public API: ``value`` broadcasts over meshgrids, ``gradient`` and
``hessian`` take a point ``(2,)`` or a stack of points ``(..., 2)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Bounds = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Param:
    """One keyword parameter of a surface family: its default, its valid range, how to show it.

    ``kind`` is ``'float'``, ``'int'``, ``'bool'``, ``'choice'`` or ``'text'``; ``low``/``high``
    bound a number (inclusive) or, for text, its length; ``choices`` lists the values of a
    ``'choice'``; ``log`` asks a slider for a logarithmic scale.
    """

    name: str
    default: Any
    label: str
    kind: str = "float"
    low: float | None = None
    high: float | None = None
    choices: tuple = ()
    log: bool = False
    help: str = ""

    def validate(self, value: Any) -> Any:
        """Return ``value`` converted to this parameter's type, or raise a clear error."""
        where = f"parameter {self.name!r}"
        if self.kind == "bool":
            if isinstance(value, (bool, np.bool_)):
                return bool(value)
            raise TypeError(f"{where} must be True or False, got {value!r}.")
        if self.kind == "text":
            if not isinstance(value, str):
                raise TypeError(f"{where} must be text, got {type(value).__name__}.")
            if self.high is not None and len(value) > self.high:
                raise ValueError(f"{where} is too long: at most {self.high:g} characters.")
            return value
        if self.kind == "choice":
            if value in self.choices:
                return value
            raise ValueError(f"{where} must be one of {list(self.choices)}, got {value!r}.")
        if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)
        ):
            raise TypeError(f"{where} must be a number, got {type(value).__name__} {value!r}.")
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"{where} must be finite, got {value!r}.")
        if self.kind == "int":
            if number != int(number):
                raise ValueError(f"{where} must be a whole number, got {value!r}.")
            number = int(number)
        if (self.low is not None and number < self.low) or (
            self.high is not None and number > self.high
        ):
            raise ValueError(
                f"{where} must be between {self.low:g} and {self.high:g}, got {value!r}."
            )
        return number


def as_point(p: Any, name: str = "p", *, finite: bool = False) -> np.ndarray:
    """Return ``p`` as a float array of shape ``(..., 2)``; reject wrong shapes and non-numbers.

    Booleans and complex numbers are refused (NumPy would silently turn them into 0/1 or drop
    the imaginary part); ``finite=True`` also refuses NaN and infinities.
    """
    if p is None:  # a missing point: ValueError, as for any point of the wrong shape
        raise ValueError(f"{name} must be a point (x, y), got None.")
    _refuse_non_real(p, name, "a point (x, y) of numbers")
    try:
        array = np.asarray(p, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a point (x, y) of numbers, got {p!r}.") from error
    if array.ndim == 0 or array.shape[-1] != 2:
        raise ValueError(f"{name} must have shape (2,) or (..., 2), got shape {array.shape}.")
    if finite:
        _refuse_non_finite(array, p, name)
    return array


def as_coordinates(values: Any, name: str) -> np.ndarray:
    """Return ``values`` (a number or an array of x or y coordinates) as a finite float array."""
    _refuse_non_real(values, name, "a number or an array of numbers")
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{name} must be a number or an array of numbers, got {values!r}."
        ) from error
    _refuse_non_finite(array, values, name)
    return array


def _refuse_non_real(value: Any, name: str, what: str) -> None:
    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise TypeError(f"{name} must be {what}, got {value!r}.")
    kind = non_real_entry(value)
    if kind:
        raise TypeError(f"{name} must be {what}, got {kind} in {value!r}.")


def non_real_entry(value: Any) -> str:
    """'text', 'a boolean' or 'a complex number' if ``value`` holds one at any depth, else ''.

    NumPy turns ``["1", "2"]`` and ``(True, 0.5)`` into floats without a word; callers that
    want numbers refuse them by this test first.
    """
    if isinstance(value, (str, bytes, np.str_, np.bytes_)):
        return "text"
    if isinstance(value, (bool, np.bool_)):
        return "a boolean"
    if isinstance(value, (complex, np.complexfloating)):
        return "a complex number"
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "O":
            return non_real_entry(value.tolist())
        # Only an object array is walked: the dtype says what every other array holds (a
        # lookup that walked a float grid too took 0.16 s for a 160 × 160 picture).
        return {"b": "a boolean", "c": "a complex number", "U": "text", "S": "text"}.get(
            value.dtype.kind, ""
        )
    if isinstance(value, (list, tuple)):
        for item in value:
            kind = non_real_entry(item)
            if kind:
                return kind
    return ""


def _refuse_non_finite(array: np.ndarray, given: Any, name: str) -> None:
    finite = np.isfinite(array)
    if not finite.all():
        shown = repr(given) if array.size <= 4 else f"{np.count_nonzero(~finite)} such entries"
        raise ValueError(f"{name} must be finite (no NaN or infinity), got {shown}.")


@dataclass(frozen=True, eq=False)
class Surface:
    """A loss surface f(x, y) with analytic derivatives and what a plot needs to show it.

    Attributes
    ----------
    name : str
        Registry name, e.g. ``'quadratic'``.
    params : dict
        The validated keyword parameters the surface was built with.
    title, formula, description : str
        Display name, LaTeX formula, one sentence for students.
    bounds : ((xmin, xmax), (ymin, ymax))
        The plotting window.
    minima : list of (x, y)
        Every known minimizer inside (or near) the bounds; ``[]`` where there is none.
    start : (x, y)
        A default start point that shows something worth seeing.
    """

    name: str
    params: dict
    title: str
    formula: str
    description: str
    bounds: Bounds
    minima: list
    start: tuple[float, float]
    #: True where the Hessian is the same everywhere (quadratics, least squares): theory applies.
    is_quadratic: bool = False
    #: Family-specific arrays a page may want (data sets, matrices); never needed by the runner.
    extras: dict = field(default_factory=dict)

    # ----- what a family writes -------------------------------------------------------------
    def _value(self, x, y):
        raise NotImplementedError

    def _gradient(self, x, y):
        raise NotImplementedError

    def _hessian(self, x, y):
        raise NotImplementedError

    # ----- the public API -------------------------------------------------------------------
    def value(self, X, Y=None):
        """f(X, Y), broadcasting over arrays; ``value(p)`` with ``p`` of shape (..., 2) also works.

        Raises TypeError for non-numbers (text, None, booleans, complex) and ValueError for NaN,
        infinities, wrong shapes and X, Y that do not broadcast together.
        """
        if Y is None:
            point = as_point(X, "X", finite=True)
            X, Y = point[..., 0], point[..., 1]
        else:
            X, Y = as_coordinates(X, "X"), as_coordinates(Y, "Y")
            try:
                np.broadcast_shapes(X.shape, Y.shape)
            except ValueError as error:
                raise ValueError(
                    f"X and Y must broadcast together, got shapes {X.shape} and {Y.shape}."
                ) from error
        return self._value_at(X, Y)

    def gradient(self, p) -> np.ndarray:
        """∇f at ``p``: shape (2,) for one point, (..., 2) for a stack (finite coordinates)."""
        return self._gradient_at(as_point(p, finite=True))

    def hessian(self, p) -> np.ndarray:
        """∇²f at ``p``: shape (2, 2) for one point, (..., 2, 2) for a stack; symmetric."""
        return self._hessian_at(as_point(p, finite=True))

    # The unchecked versions, for solvers that may probe non-finite points on their own (the
    # sweep's stopped cells, SciPy's root finders): callers guarantee a float array (..., 2).
    def _value_at(self, X, Y):
        with np.errstate(all="ignore"):
            return self._value(np.asarray(X, dtype=float), np.asarray(Y, dtype=float))

    def _gradient_at(self, point: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            dfdx, dfdy = self._gradient(point[..., 0], point[..., 1])
        if point.ndim == 1:
            return np.array((dfdx, dfdy), dtype=float)
        return np.stack(np.broadcast_arrays(dfdx, dfdy), axis=-1)

    def _hessian_at(self, point: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            dxx, dxy, dyy = np.broadcast_arrays(*self._hessian(point[..., 0], point[..., 1]))
        dxx = np.broadcast_to(dxx, point.shape[:-1])
        dxy = np.broadcast_to(dxy, point.shape[:-1])
        dyy = np.broadcast_to(dyy, point.shape[:-1])
        return np.stack([np.stack([dxx, dxy], -1), np.stack([dxy, dyy], -1)], -2).astype(float)

    # ----- stochastic oracles ---------------------------------------------------------------
    @property
    def n_samples(self) -> int | None:
        """Number of data points for data surfaces (mini-batches are possible); None otherwise."""
        return None

    def batch_gradient(self, p, indices) -> np.ndarray:
        """Gradient of the loss over the examples ``indices`` only (data surfaces)."""
        raise TypeError(f"The {self.title} surface has no data set, so it has no mini-batches.")

    # ----- conveniences ---------------------------------------------------------------------
    @property
    def center(self) -> tuple[float, float]:
        (xmin, xmax), (ymin, ymax) = self.bounds
        return (0.5 * (xmin + xmax), 0.5 * (ymin + ymax))

    @property
    def half_diagonal(self) -> float:
        (xmin, xmax), (ymin, ymax) = self.bounds
        return 0.5 * math.hypot(xmax - xmin, ymax - ymin)

    def nearest_minimizer(self, point) -> np.ndarray | None:
        """The listed minimizer nearest ``point``.

        Parameters
        ----------
        point : array_like, shape (2,)
            Where to measure from. Not validated: a diverged run's last point may be NaN or
            infinite, and the result is then still a listed minimizer (the first one).

        Returns
        -------
        numpy.ndarray or None
            A float copy of the nearest row of :attr:`minima`, shape (2,); None when the
            surface lists no minimizer.
        """
        if not self.minima:
            return None
        minima = np.asarray(self.minima, dtype=float).reshape(-1, 2)
        distances = np.hypot(*(minima - np.asarray(point, dtype=float)).T)
        return minima[int(np.argmin(distances))].copy()

    def grid(self, resolution: int = 120) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """f on a square grid over the bounds: ``(xs, ys, Z)``, ``Z[i, j] = f(xs[j], ys[i])``."""
        (xmin, xmax), (ymin, ymax) = self.bounds
        xs = np.linspace(xmin, xmax, resolution)
        ys = np.linspace(ymin, ymax, resolution)
        X, Y = np.meshgrid(xs, ys)
        return xs, ys, self.value(X, Y)

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={value!r}" for key, value in self.params.items())
        return f"surfaces.get({self.name!r}{', ' if args else ''}{args})"


class DataSurface(Surface):
    """A mean loss over a data set kept in ``extras["X"]`` (inputs, (n, 2)) and
    ``extras["y"]`` (targets or labels, (n,)): the runner can draw mini-batches from it.

    A family adds ``batch_gradient(p, indices)`` and ``example_gradients(p)``.
    """

    @property
    def X(self) -> np.ndarray:
        """The inputs, shape (n, 2) (see the family for their meaning)."""
        return self.extras["X"]

    @property
    def y(self) -> np.ndarray:
        """The targets or labels, shape (n,)."""
        return self.extras["y"]

    @property
    def n_samples(self) -> int:
        return len(self.extras["y"])

    def batch_indices(self, indices) -> np.ndarray:
        """``indices`` as a checked 1-D integer array of examples in ``[0, n_samples)``."""
        array = np.asarray(indices)
        if array.ndim != 1 or array.size == 0:
            raise ValueError(f"indices must be a non-empty 1-D array, got shape {array.shape}.")
        if array.dtype.kind not in "iu":
            raise TypeError(f"indices must be integers, got dtype {array.dtype}.")
        n = self.n_samples
        if array.min() < 0 or array.max() >= n:
            raise ValueError(f"indices must lie in [0, {n}), got {array.min()}…{array.max()}.")
        return array
