"""Control values as URL text, and URL text read back into values a widget accepts.

A shared link is a piece of text anyone can edit, so :func:`parse` never raises: a value it
cannot use becomes the nearest valid one (or the control's default) together with a sentence
for the notice at the top of the page. :func:`encode` writes what :func:`parse` reads back
exactly: floats by ``repr`` (the shortest text that round-trips), booleans as 1/0, lists of
choices joined by commas.

Plain Python, no Streamlit: :mod:`ui.state` does the session bookkeeping around it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: Characters of a URL value quoted in a notice; the rest is cut (a link may hold anything).
QUOTE_LENGTH = 40


@dataclass(frozen=True)
class Validity:
    """What a widget accepts.

    ``kind`` is ``'float'``, ``'int'``, ``'bool'``, ``'str'`` or ``'list'`` (a multiselect).
    ``options`` are a selectbox's or select_slider's values, or a multiselect's items; numbers
    off the options snap to the nearest one (on a log scale when all are positive). ``low`` and
    ``high`` bound a slider or number input, ``step`` the grid of an integer slider.
    ``max_count`` caps a list, ``max_length`` a text; ``check(text)`` raises ``ValueError`` or
    ``TypeError`` for a text the app cannot use (a formula that does not parse).
    ``format_func`` names a value in a notice (a surface's title rather than its key).
    """

    kind: str
    options: tuple | None = None
    low: float | None = None
    high: float | None = None
    step: int | None = None
    max_count: int | None = None
    max_length: int | None = None
    check: Callable[[str], Any] | None = None
    format_func: Callable[[Any], str] | None = None


def kind_of(value: Any) -> str:
    """The :class:`Validity` kind a default value implies."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, numbers.Integral):
        return "int"
    if isinstance(value, numbers.Real):
        return "float"
    if isinstance(value, (list, tuple)):
        return "list"
    return "str"


def encode(value: Any) -> str:
    """The compact URL text of a control's value (``parse`` reads it back unchanged)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    if isinstance(value, (list, tuple)):
        return ",".join(encode(item) for item in value)
    return str(value)


def quote(text: Any, limit: int = QUOTE_LENGTH, as_repr: bool = True) -> str:
    """``text`` for a Markdown notice: shortened and in a code span, so nothing in it renders."""
    text = str(text)
    if len(text) > limit:
        text = text[:limit] + "…"
    return "`" + (repr(text) if as_repr else text).replace("`", "'") + "`"


def parse(name: str, raw: str, fallback: Any, validity: Validity) -> tuple[Any, str | None]:
    """Read the URL text ``raw`` of the control ``name`` as a value the widget accepts.

    Parameters
    ----------
    name : str
        The query-parameter name (used in the notice).
    raw : str
        The text found in the URL.
    fallback : Any
        The control's default, used when ``raw`` says nothing usable.
    validity : Validity
        What the widget accepts.

    Returns
    -------
    value : Any
        ``raw`` as a valid value, the nearest valid value, or ``fallback``.
    notice : str or None
        A sentence saying what was used instead of ``raw``; None when ``raw`` was used as is.
    """
    reader = {"float": _number, "int": _number, "bool": _bool, "list": _list}.get(
        validity.kind, _text
    )
    return reader(name, raw, fallback, validity)


def _show(value: Any, validity: Validity) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(item, validity) for item in value) or "none"
    if validity.format_func is not None:
        try:
            return str(validity.format_func(value))
        except Exception:  # a notice must not fail on a title it cannot make
            pass
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _using(name: str, raw: str, problem: str, value: Any, validity: Validity) -> str:
    shown = _show(value, validity)
    if isinstance(value, str) and validity.format_func is None:  # a formula: no Markdown
        shown = quote(shown, 60, as_repr=False)
    return f"{quote(name, as_repr=False)} = {quote(raw)} {problem}: using {shown}"


def _number(name, raw, fallback, validity: Validity):
    try:
        number = float(raw.strip())
    except ValueError:
        return fallback, _using(name, raw, "is not a number", fallback, validity)
    if not math.isfinite(number):
        return fallback, _using(name, raw, "is not a finite number", fallback, validity)
    if validity.options is not None:
        return _nearest_option(name, raw, number, fallback, validity)
    notes = []
    if validity.kind == "int":
        whole = round(number)
        if whole != number:
            notes.append("is not a whole number")
        number = whole
    if validity.low is not None and number < validity.low:
        notes.append(f"is below {validity.low:g}")
        number = validity.low
    elif validity.high is not None and number > validity.high:
        notes.append(f"is above {validity.high:g}")
        number = validity.high
    if validity.kind == "int":
        number = int(number)
        if validity.step and validity.low is not None and (number - validity.low) % validity.step:
            low, step = int(validity.low), int(validity.step)
            number = low + math.floor((number - low) / step + 0.5) * step
            if validity.high is not None and number > validity.high:
                number -= step
            notes.append(f"is not a multiple of {step} from {low}")
    else:
        number = float(number)
    if notes:
        return number, _using(name, raw, " and ".join(notes), number, validity)
    return number, None


def _nearest_option(name, raw, number: float, fallback, validity: Validity):
    options = [option for option in validity.options if isinstance(option, numbers.Real)]
    if not options:
        return fallback, _using(name, raw, "is not one of the choices", fallback, validity)
    for option in options:
        if option == number:
            return option, None
    if all(option > 0 for option in options):
        if number <= 0:
            nearest = min(options)
        else:
            nearest = min(options, key=lambda option: abs(math.log(option / number)))
    else:
        nearest = min(options, key=lambda option: abs(option - number))
    if number < min(options):
        problem = f"is below the smallest stop {_show(min(options), validity)}"
    elif number > max(options):
        problem = f"is above the largest stop {_show(max(options), validity)}"
    else:
        problem = "is not one of the slider's stops"
    return nearest, _using(name, raw, problem, nearest, validity)


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _bool(name, raw, fallback, validity: Validity):
    text = raw.strip().lower()
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    return fallback, _using(name, raw, "is not 1 or 0 (on or off)", fallback, validity)


def _text(name, raw, fallback, validity: Validity):
    if validity.options is not None:
        if raw in validity.options:
            return raw, None
        return fallback, _using(
            name, raw, f"is not one of {_choices(validity)}", fallback, validity
        )
    if validity.max_length is not None and len(raw) > validity.max_length:
        problem = f"is longer than {validity.max_length} characters"
        return fallback, _using(name, raw, problem, fallback, validity)
    if validity.check is not None:
        try:
            validity.check(raw)
        except Exception as error:  # whatever the check says, the page opens with the default
            problem = f"cannot be used: {quote(_sentence(error), 160, as_repr=False)}"
            return fallback, _using(name, raw, problem, fallback, validity)
    return raw, None


def _list(name, raw, fallback, validity: Validity):
    items = [item.strip() for item in raw.split(",")] if raw.strip() else []
    allowed = validity.options
    kept, dropped = [], []
    for item in items:
        if allowed is not None and item not in allowed:
            dropped.append(item)
        elif item not in kept:
            kept.append(item)
    notes = []
    if dropped:
        notes.append(
            "names " + ", ".join(quote(item) for item in dropped) + f" (not one of "
            f"{_choices(validity)})"
        )
    if validity.max_count is not None and len(kept) > validity.max_count:
        kept = kept[: validity.max_count]
        notes.append(f"has more than {validity.max_count}")
    if notes:
        return kept, _using(name, raw, " and ".join(notes), kept, validity)
    return kept, None


def _choices(validity: Validity, limit: int = 6) -> str:
    # The URL's own spelling of the choices, so a typo can be fixed in the link.
    names = [
        option if isinstance(option, str) else _show(option, validity)
        for option in validity.options or ()
    ]
    shown = ", ".join(names[:limit]) + (", …" if len(names) > limit else "")
    return shown or "the choices"


def _sentence(error: Exception) -> str:
    return " ".join(str(error).split()).rstrip(".")
