"""Small helpers shared by the tests."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest


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


APP = str(Path(__file__).resolve().parents[1] / "app.py")
#: Debian's Chromium (``playwright install`` cannot download browsers here).
CHROMIUM = Path("/usr/bin/chromium")
#: The launch arguments measured to work here (shared/NOTES.md).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def open_page(page: str, timeout: float = 30) -> AppTest:
    """An AppTest of the whole app (app.py) switched to ``page``, run once without error."""
    app = AppTest.from_file(APP, default_timeout=timeout)
    app.run()
    app.switch_page(page)
    app.run()
    assert not app.exception
    return app


def figures(app: AppTest) -> list[dict]:
    """Every Plotly chart of the current run, as figure JSON."""
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def trace(figure: dict, name: str) -> dict:
    """The one trace of ``figure`` called ``name``."""
    matches = [t for t in figure["data"] if t.get("name") == name]
    assert len(matches) == 1, f"expected one trace named {name!r}"
    return matches[0]


def xy(figure: dict, name: str) -> np.ndarray:
    """The (x, y) points of the trace called ``name``, as an (n, 2) array."""
    found = trace(figure, name)
    return np.column_stack([decode(found["x"]), decode(found["y"])])
