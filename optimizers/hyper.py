"""Hyperparameter specifications and their validation (shared by every update rule)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from surfaces.base import non_real_entry


@dataclass(frozen=True)
class Hyper:
    """One hyperparameter: its default and its valid interval.

    ``low_open``/``high_open`` say whether the interval excludes its end, so ``lr`` is
    ``(0, ∞)`` and ``momentum`` is ``[0, 1)``.
    """

    name: str
    default: float
    low: float
    high: float
    low_open: bool = False
    high_open: bool = False
    label: str = ""

    def interval(self) -> str:
        left = "(" if self.low_open else "["
        right = ")" if self.high_open else "]"
        return f"{left}{self.low:g}, {self.high:g}{right}"

    def validate(self, value, *, rule: str = ""):
        """Return ``value`` as a float (or a float array for sweeps) inside the interval.

        Raises
        ------
        TypeError
            If the value is not a real number (strings, booleans, None, complex).
        ValueError
            If it is NaN, infinite or outside the interval; the message names the argument.
        """
        where = f"{self.name!r}" + (f" of {rule!r}" if rule else "")
        if value is None or non_real_entry(value):
            raise TypeError(f"{where} must be a real number, got {value!r}.")
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError) as error:
            raise TypeError(f"{where} must be a real number, got {value!r}.") from error
        if np.iscomplexobj(value):
            raise TypeError(f"{where} must be a real number, got {value!r}.")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{where} must be finite, got {value!r}.")
        too_low = array <= self.low if self.low_open else array < self.low
        too_high = array >= self.high if self.high_open else array > self.high
        if np.any(too_low | too_high):
            bad = array[too_low | too_high].flat[0] if array.ndim else float(array)
            raise ValueError(f"{where} must be in {self.interval()}, got {bad:g}.")
        return float(array) if array.ndim == 0 else array


def learning_rate(default: float) -> Hyper:
    """The step size η, in (0, ∞)."""
    return Hyper("lr", default, 0.0, math.inf, low_open=True, high_open=True, label="Learning rate")


def epsilon(default: float) -> Hyper:
    """The ε that keeps adaptive denominators away from zero, in (0, ∞)."""
    return Hyper("eps", default, 0.0, math.inf, low_open=True, high_open=True, label="ε")


def decay_rate(name: str, default: float, label: str) -> Hyper:
    """A decay factor in [0, 1): momentum, β₁, β₂, ρ."""
    return Hyper(name, default, 0.0, 1.0, high_open=True, label=label)
