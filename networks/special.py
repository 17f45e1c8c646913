r"""The sigmoid and the softmax without overflow, in plain NumPy.

The same functions as ``scipy.special.expit``, ``softmax`` and ``log_softmax`` (the tests
check them against SciPy), written out here because importing ``scipy.special`` costs about
0.3 s, which a cold server paid before its first chart: the logistic and network surfaces are
imported with the surface registry, and their derivatives need σ at once.
"""

from __future__ import annotations

import numpy as np


def expit(z):
    r"""The logistic sigmoid σ(z) = 1/(1 + e⁻ᶻ), elementwise, never overflowing.

    For z ≥ 0 it is 1/(1 + e⁻ᶻ); for z < 0 the same number is written eᶻ/(1 + eᶻ). Both
    forms only ever take e^(−|z|) ≤ 1, so nothing overflows: σ(−800) = e⁻⁸⁰⁰/(1 + e⁻⁸⁰⁰) is
    0 (it underflows, as the true value does), not 1/∞ after a warning. SciPy's ``expit``
    uses the same two forms.

    Parameters
    ----------
    z : array_like
        Logits; float32 stays float32.

    Returns
    -------
    ndarray
        σ(z), in [0, 1], of z's shape.

    Examples
    --------
    >>> float(expit(0.0)), float(expit(800.0)), float(expit(-800.0))
    (0.5, 1.0, 0.0)
    """
    z = _floats(z)
    small = np.exp(-np.abs(z))  # e^(−|z|) ∈ [0, 1]
    return np.where(z >= 0, 1.0 / (1.0 + small), small / (1.0 + small))


def log_softmax(z, axis: int = -1):
    r"""log sᵢ(z) = zᵢ − log Σⱼ e^(zⱼ) along ``axis``, computed as (zᵢ − m) − log Σⱼ e^(zⱼ − m)
    with m = maxⱼ zⱼ, so the largest exponent is e⁰ = 1 and nothing overflows.

    An infinite maximum is not subtracted (m = 0 then, as SciPy does): ∞ − ∞ would turn
    every entry of the row into NaN.

    Parameters
    ----------
    z : array_like
        Logits.
    axis : int
        The axis of the classes.

    Returns
    -------
    ndarray
        log-probabilities, ≤ 0, of z's shape.

    Examples
    --------
    >>> [round(float(v), 6) for v in log_softmax([0.0, 0.0])]
    [-0.693147, -0.693147]
    """
    z = _floats(z)
    shift = np.max(z, axis=axis, keepdims=True)
    shift = np.where(np.isfinite(shift), shift, 0.0)
    shifted = z - shift
    with np.errstate(divide="ignore"):  # a row of −∞ has log 0 = −∞, as it should
        return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(z, axis: int = -1):
    r"""sᵢ(z) = e^(zᵢ) / Σⱼ e^(zⱼ) along ``axis``: class probabilities that sum to 1, computed
    as exp(:func:`log_softmax`) (the way SciPy computes it, so no exponent overflows).

    Examples
    --------
    >>> [round(float(v), 6) for v in softmax([0.0, np.log(3.0)])]
    [0.25, 0.75]
    """
    return np.exp(log_softmax(z, axis=axis))


def _floats(z) -> np.ndarray:
    """``z`` as a float array: float32 and float64 kept, integers and booleans as float64."""
    z = np.asarray(z)
    return z if np.issubdtype(z.dtype, np.floating) else z.astype(float)
