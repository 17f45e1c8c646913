"""Small helpers shared by the tests."""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from ui import live_chart


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


ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
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
    """Every Plotly chart of the current run, as figure JSON, in page order: those of
    ``st.plotly_chart`` and those drawn in place by :mod:`ui.live_chart` (the Playground's)."""
    return [chart_figure(node) for node in charts(app)]


def charts(app: AppTest) -> list:
    """Every Plotly chart element of the current run, in page order (sidebar last)."""
    return [
        node
        for node in app._tree
        if node.type == "plotly_chart"
        or (node.type == "bidi_component" and node.proto.component_name == live_chart.NAME)
    ]


def chart_figure(node) -> dict:
    """The figure JSON of a chart element from :func:`charts`."""
    if node.type == "plotly_chart":
        return json.loads(node.proto.spec)
    return live_chart.figure_of(node)


def trace(figure: dict, name: str) -> dict:
    """The one trace of ``figure`` called ``name``."""
    matches = [t for t in figure["data"] if t.get("name") == name]
    assert len(matches) == 1, f"expected one trace named {name!r}"
    return matches[0]


def xy(figure: dict, name: str) -> np.ndarray:
    """The (x, y) points of the trace called ``name``, as an (n, 2) array."""
    found = trace(figure, name)
    return np.column_stack([decode(found["x"]), decode(found["y"])])


# ----- a Streamlit server, for the browser tests and bench/load.py --------------------------------
class ServerError(RuntimeError):
    """The server exited or did not become healthy; the message ends with its log."""


def free_port() -> int:
    """A TCP port of 127.0.0.1 that is free now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, log: Path, script: Path | None = None) -> subprocess.Popen:
    """``streamlit run app.py`` from the repository root on 127.0.0.1:``port``, its output in
    ``log``; or ``script`` from its own folder (bench/browser.py measures another app too)."""
    script = ROOT / "app.py" if script is None else Path(script).resolve()
    command = [
        sys.executable, "-m", "streamlit", "run", script.name,
        "--server.headless", "true",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        # Listen on the loopback interface only: the tests never need more.
        "--server.address", "127.0.0.1",
        # A source edit during a run would put a "Source file changed" prompt in the status
        # widget, which the tests read as "still running"; nothing here edits sources.
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as output:
        return subprocess.Popen(
            command,
            cwd=script.parent,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )


def wait_until_healthy(base: str, server: subprocess.Popen, log: Path, timeout: float) -> None:
    """Poll ``base``/_stcore/health until it answers ``ok``.

    Raises
    ------
    ServerError
        If the server exits first or does not answer ``ok`` within ``timeout`` seconds.
    """
    url = f"{base}/_stcore/health"
    deadline = time.monotonic() + timeout
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServerError(
                f"streamlit exited with code {server.returncode} before it was healthy:\n"
                + log.read_text(errors="replace")[-3000:]
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                body = answer.read().decode(errors="replace").strip()
                if body == "ok":
                    return
                last_error = f"answered {body!r}"
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
            last_error = str(error)
        time.sleep(0.2)
    raise ServerError(
        f"{url} did not answer 'ok' within {timeout:.0f} s ({last_error}):\n"
        + log.read_text(errors="replace")[-3000:]
    )


def stop_server(server: subprocess.Popen) -> None:
    """Terminate ``server`` (kill it after 15 s) and wait for it."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


# ----- numbers a student reads ------------------------------------------------------------------
#: A number as optimizers.numbers.format_number writes it (or a raw repr, which must not appear):
#: "-0.183", "13,140", "4.2×10⁻¹⁴", "2.55e+06".
NUMBER = re.compile(r"[-−]?(?<![\w.])\d[\d,]*(?:\.\d+)?(?:×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+|e[-+]?\d+)?(?![\w])")
_FROM_SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def read_number(text: str) -> float:
    """The value of one number written by format_number ('1.23×10⁻⁵' → 1.23e-05)."""
    text = text.replace("−", "-").replace(",", "")
    if "×10" in text:
        mantissa, power = text.split("×10")
        return float(mantissa) * 10.0 ** int(power.translate(_FROM_SUPERSCRIPT))
    return float(text)


def numbers_in(text: str) -> list[str]:
    """Every number written in ``text``, in order."""
    return [match.group(0) for match in NUMBER.finditer(text)]


def significant_figures(number: str) -> int:
    """Significant figures of a written decimal ('0.0183' → 3, '1.5×10⁶' → 2); whole numbers
    (step counts, '13,140') count 0: they are exact and keep every digit."""
    mantissa = number.replace("−", "-").lstrip("-").split("×10")[0].split("e")[0]
    if "." not in mantissa and "×10" not in number and "e" not in number:
        return 0
    return len(mantissa.replace(",", "").replace(".", "").lstrip("0"))


def assert_readable_numbers(text: str, digits: int = 3) -> None:
    """No raw float repr ('2.55e+06', '0.00000000000004') and no decimal with more than
    ``digits`` significant figures in a sentence a student reads."""
    for number in numbers_in(text):
        assert "e" not in number, f"raw repr {number!r} in: {text}"
        assert not re.match(r"[-−]?0\.0000", number), f"long decimal {number!r} in: {text}"
        assert significant_figures(number) <= digits, f"{number!r} has too many figures in: {text}"


def assert_shows(text: str, value: float, before: str, digits: int = 3) -> None:
    """``text`` writes ``value`` right after ``before``, rounded to ``digits`` significant
    figures: the number is parsed back and compared, not matched as a pasted string."""
    assert before in text, f"{before!r} not in: {text}"
    (number,) = numbers_in(text.split(before, 1)[1] if before else text)[:1]
    shown = read_number(number)
    assert significant_figures(number) <= digits or shown == round(shown), number
    if value == 0:
        assert shown == 0, (number, value)
    else:
        # Rounding to d figures moves a value by at most half a unit in its last place.
        assert abs(shown - value) <= 0.5 * 10 ** (np.floor(np.log10(abs(value))) - digits + 1) * (
            1 + 1e-9
        ), (number, value, text)
