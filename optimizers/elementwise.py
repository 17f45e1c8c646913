"""Elementwise maths that rounds alike on Python floats (the runner) and arrays (the sweep)."""

from __future__ import annotations

import math

import numpy as np


def sqrt(value):
    """√value, correctly rounded: ``math.sqrt`` on a float, ``np.sqrt`` on an array.

    Not ``value ** 0.5``: on a Python float that calls the C library's ``pow``, which misses
    the correctly rounded root about once in a thousand, while NumPy's ``** 0.5`` is a true
    square root; the runner and the sweep would drift apart by an ulp, then (on chaotic
    paths) by much more.
    """
    return math.sqrt(value) if isinstance(value, float) else np.sqrt(value)
