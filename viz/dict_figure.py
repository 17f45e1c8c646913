"""Figures built as plain dicts: no per-object validation on the way to the browser.

``go.Figure`` validates every trace and frame it is given, copies it on ``to_dict()``, and
pickles as ``to_dict()`` plus a full re-validation on unpickling. For the animated path figure
(~100 frames, ~500 frame traces; ~3,800 objects for a 4-optimizer race) that was two thirds of
a Playground rerun: ~200 ms to build, ~30 ms to pickle into ``st.cache_data``, ~35 ms to
unpickle on every cache hit, ~30 ms for ``st.plotly_chart``'s ``to_dict()``. The same figure as
a dict of NumPy arrays builds in ~20 ms and its JSON-ready form pickles in under 1 ms.

:class:`DictFigure` carries such a dict through everything that takes a ``go.Figure``:

* ``st.plotly_chart`` turns a ``BaseFigure`` into JSON with ``fig.to_dict()`` and
  ``plotly.io.to_json(..., validate=False)``; a plain dict it would validate first (as
  expensive as building the objects). ``DictFigure.to_dict()`` is the dict itself, its NumPy
  arrays as plotly.js typed arrays (:func:`encode_arrays`, byte for byte what Plotly writes).
* Pickling (``st.cache_data``) stores that JSON-ready dict, so a cache hit costs ~1 ms.
* Anything else (``fig.data``, ``fig.frames``, ``fig.layout``, ``update_layout`` …) first
  builds the ordinary, validated ``go.Figure`` from the dict, once, in place: tests that read
  the figure therefore also check that the dict is a valid Plotly figure.

The dict must be complete, as ``go.Figure(...).to_dict()`` would give it, ``layout.template``
included (a ``go.Figure`` adds the default template where there is none).
"""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go

# plotly.js typed-array names, and the keys whose arrays Plotly leaves as lists
# (_plotly_utils.utils.plotlyjsShortTypes and is_skipped_key).
_SHORT_TYPES = {
    "int8": "i1",
    "uint8": "u1",
    "int16": "i2",
    "uint16": "u2",
    "int32": "i4",
    "uint32": "u4",
    "float32": "f4",
    "float64": "f8",
}
_SKIPPED_KEYS = frozenset({"geojson", "layer", "layers", "range"})
#: Values :func:`encode_arrays` shares without looking inside.
_PLAIN = frozenset({str, int, float, bool, type(None)})
_INT_RANGES = (
    (np.int8, -(2**7), 2**7 - 1),
    (np.int16, -(2**15), 2**15 - 1),
    (np.int32, -(2**31), 2**31 - 1),
)
_UINT_RANGES = ((np.uint8, 2**8 - 1), (np.uint16, 2**16 - 1), (np.uint32, 2**32 - 1))


def typed_array(values: np.ndarray):
    """``values`` as a plotly.js typed array ``{"dtype", "bdata"[, "shape"]}``, exactly as
    Plotly 7 writes it (``_plotly_utils.utils.to_typed_array_spec``): 64-bit integers narrowed
    to the smallest type that holds them; empty arrays and other dtypes left as they are."""
    if values.size == 0:
        return values
    if values.dtype == np.int64:
        low, high = values.min(), values.max()
        narrow = next((t for t, lo, hi in _INT_RANGES if lo <= low and high <= hi), None)
        if narrow is None:
            return values
        values = values.astype(narrow)
    elif values.dtype == np.uint64:
        high = values.max()
        narrow = next((t for t, hi in _UINT_RANGES if high <= hi), None)
        if narrow is None:
            return values
        values = values.astype(narrow)
    short = _SHORT_TYPES.get(values.dtype.name)
    if short is None or values.dtype.byteorder == ">":
        return values
    spec = {
        "dtype": short,
        "bdata": base64.b64encode(np.ascontiguousarray(values)).decode("ascii"),
    }
    if values.ndim > 1:
        spec["shape"] = str(values.shape)[1:-1]
    return spec


def encode_arrays(value, key: str | None = None):
    """A copy of ``value`` (dicts and lists copied, everything else shared) with every NumPy
    array made a typed array (:func:`typed_array`), except under the keys Plotly skips: the
    JSON-ready form of a figure dict, as ``go.Figure.to_dict()`` gives it. Already encoded
    arrays pass through unchanged."""
    if isinstance(value, dict):
        # Plain values inline: a figure has thousands (slider steps, frame names …).
        return {k: v if type(v) in _PLAIN else encode_arrays(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [v if type(v) in _PLAIN else encode_arrays(v) for v in value]
    if isinstance(value, np.ndarray) and key not in _SKIPPED_KEYS:
        return typed_array(value)
    return value


def merge(base: dict, extra: dict) -> dict:
    """``extra`` over ``base``, nested dicts merged as ``update_layout`` merges them: how the
    dict builders add their own settings to a themed layout (``base`` is modified and
    returned)."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = value
    return base


class DictFigure(go.Figure):
    """A ``go.Figure`` held as its plain dict until something needs its objects.

    ``to_dict()``/``to_plotly_json()`` and pickling use the dict (with typed arrays, see
    :func:`encode_arrays`) and never validate; every other use of the figure first builds the
    ordinary ``go.Figure`` from it, once, in place, after which it is an ordinary figure.

    Parameters
    ----------
    spec : dict
        ``{"data": [...], "layout": {...}, "frames": [...]}`` with every trace's ``type``
        and ``layout.template`` given; NumPy arrays or typed arrays.
    """

    def __init__(self, spec: dict):
        # go.Figure.__init__ (the validation) is deliberately not called here: see
        # __getattr__. _spec is set past BaseFigure.__setattr__.
        self.__dict__["_spec"] = spec

    @classmethod
    def from_figure(cls, fig: go.Figure) -> DictFigure:
        """``fig`` as a :class:`DictFigure`: cheap to cache, to unpickle and to show."""
        return cls(fig.to_dict())

    @property
    def is_built(self) -> bool:
        """True once the ``go.Figure`` objects exist (something other than ``to_dict``,
        ``to_json``, ``to_html`` or pickling used the figure)."""
        return "_spec" not in self.__dict__

    def __getattr__(self, name: str):
        # Only reached for attributes the instance does not have. Before the figure is built
        # that is all of go.Figure's state (_data, _layout_obj, _frame_objs, …): build it now
        # from the dict, which validates it, then look again.
        spec = self.__dict__.get("_spec")
        if spec is None or (name.startswith("__") and name.endswith("__")):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        del self.__dict__["_spec"]
        try:
            go.Figure.__init__(self, spec)
        except BaseException:
            self.__dict__["_spec"] = spec
            raise
        return getattr(self, name)

    def to_dict(self) -> dict:
        """The figure as a JSON-ready dict (a fresh copy), like ``go.Figure.to_dict()``."""
        spec = self.__dict__.get("_spec")
        if spec is None:
            return super().to_dict()
        return encode_arrays(spec)

    def to_plotly_json(self) -> dict:
        return self.to_dict()

    def __reduce__(self):
        # The dict as it is (NumPy arrays pickle as they are): no copy, no validation.
        spec = self.__dict__.get("_spec")
        return (DictFigure, (self.to_dict() if spec is None else spec,))
