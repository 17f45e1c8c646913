"""Small helpers shared by the tests."""

from __future__ import annotations

import base64

import numpy as np


def decode(value) -> np.ndarray:
    """A Plotly JSON array as a NumPy array.

    Plotly 7 writes NumPy arrays as ``{"dtype": "f8", "bdata": "<base64>", "shape": "r, c"}``
    (``shape`` only for 2-D data); plain lists stay lists. ``None`` (JSON null) becomes NaN.

    Parameters
    ----------
    value : list or dict
        A trace's ``x``, ``y``, ``z``… as found in ``json.loads(chart.proto.spec)``.

    Returns
    -------
    ndarray
    """
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if shape is not None:
            if isinstance(shape, str):
                shape = tuple(int(part) for part in shape.split(","))
            array = array.reshape(shape)
        return array.copy()
    if isinstance(value, dict):
        raise ValueError(f"Not a Plotly array: keys {sorted(value)}.")
    return np.array(_nulls_to_nan(value), dtype=float)


def _nulls_to_nan(value):
    if isinstance(value, (list, tuple)):
        return [_nulls_to_nan(item) for item in value]
    return np.nan if value is None else value
