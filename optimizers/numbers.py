"""Numbers as a student reads them: three significant figures, powers of ten when tiny or huge.

One helper for every page, figure and message, so the app never prints "0.00000000000004".

>>> format_number(0.18257)
'0.183'
>>> format_number(4.2e-14)
'4.2×10⁻¹⁴'
>>> format_number(13140)
'13,140'
>>> format_point((3140.2, -4.2e-14))
'(3140, -4.2×10⁻¹⁴)'
"""

from __future__ import annotations

import math

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_number(value: float, digits: int = 3, latex: bool = False) -> str:
    """``value`` with ``digits`` significant figures, in scientific notation outside 10⁻⁴ … 10⁶.

    Parameters
    ----------
    value : float
    digits : int
        Significant figures (trailing zeros dropped: 0.5, not 0.500).
    latex : bool
        For a formula: ``1.23 \\times 10^{-5}``, ``\\infty``, ``13{,}140``.

    Returns
    -------
    str
        ``'0.183'``, ``'-2.5'``, ``'1.23×10⁻⁵'``, ``'13,140'`` (whole numbers up to 10⁶ keep
        every digit, with thousands separators; 1234.5 reads ``'1,230'``), ``'∞'``, or
        ``'undefined'`` for NaN.
    """
    value = float(value)
    if math.isnan(value):
        return "undefined"
    if math.isinf(value):
        if latex:
            return r"\infty" if value > 0 else r"-\infty"
        return "∞" if value > 0 else "−∞"
    if value == 0:
        return "0"
    size = abs(value)
    if 1e-4 <= size < 1e6:
        if size >= 10**digits:  # a count keeps every digit; 1234.5 reads 1,230
            whole = value if value == round(value) else float(f"{value:.{digits}g}")
            return f"{whole:,.0f}".replace(",", "{,}" if latex else ",")
        return f"{value:.{digits}g}"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    if latex:
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return f"{mantissa}×10" + str(int(exponent)).translate(_SUPERSCRIPT)


def format_point(point, digits: int = 3) -> str:
    """``(x, y)`` with :func:`format_number`'s figures but no thousands separators, which would
    read as more coordinates: ``(3140, -1810)``, ``(1.2×10⁻⁹, 0)``."""
    return "(" + ", ".join(format_number(v, digits).replace(",", "") for v in point) + ")"
