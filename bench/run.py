"""Descent Lab benchmark: `python bench/run.py` prints a table and writes bench/results.{md,json}.

What it measures, all in this one process:

* every page registered in app.py, at its default settings: the rerun time of the script under
  Streamlit's AppTest (median and 90th percentile over ``--reruns`` reruns after a warm-up),
  each rerun after a real widget change so that no cached result can be reused (the learning
  rate walks down the slider's stops; a page without one moves its first number input), and
  the bytes of figure JSON the page sends (the sum of every ``st.plotly_chart`` spec);
* the Optimizer race with four optimizers (gd, momentum, nesterov, adam) and 1,000 steps;
* :func:`optimizers.sweep` on 200 learning rates × 200 momenta × 300 steps of heavy ball on the
  quadratic, against a plain Python loop of the same update on Python floats over a random
  subset of the same cells (throughput per update, and time for the whole grid);
* 10,000 steps of :func:`optimizers.run` for each update rule;
* the peak resident memory of the process.

No test asserts a time: the targets are printed PASS/MISS beside the numbers. ``--profile
PAGE`` prints where the time of that page's reruns goes (cProfile, by cumulative time).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import json
import logging
import math
import os
import platform
import pstats
import re
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/run.py` puts bench/, not the repository, first
    sys.path.insert(0, str(ROOT))

import optimizers  # noqa: E402
import surfaces  # noqa: E402
from optimizers import stopping  # noqa: E402

APP = ROOT / "app.py"
RESULTS_MD = ROOT / "bench" / "results.md"
RESULTS_JSON = ROOT / "bench" / "results.json"

#: Targets: (what, limit). Times in milliseconds, sizes in kilobytes (1 KB = 1,000 bytes).
PLAYGROUND_MS = 100.0
ANY_PAGE_MS = 250.0
PLAYGROUND_KB = 400.0
RACE_1000_KB = 800.0
SWEEP_SPEEDUP = 50.0
SWEEP_SECONDS = 0.5
RACE_LABEL = "Playground/race, 1,000 steps × 4 optimizers"
RACE_OPTIMIZERS = ("gd", "momentum", "nesterov", "adam")
#: Extra Phase diagram rows: β moves (the slice is re-swept), steps move (the whole map is).
#: Pages whose learning rate feeds no cached computation: change this widget (key prefix).
CONTROL_PREFIXES = {"app_pages/curvature.py": "dl_curv."}
PHASE_EXTRAS = (
    ("dl_hp.momentum.momentum", "Phase diagram, β changes (slice re-swept)"),
    ("dl_steps", "Phase diagram, steps change (map re-swept)"),
)


# --------------------------------------------------------------------------------------------
# pages
# --------------------------------------------------------------------------------------------
def app_pages(app: Path = APP) -> list[tuple[str, str]]:
    """The pages ``app.py`` registers with ``st.navigation``, as (script path, title)."""
    text = app.read_text(encoding="utf-8")
    pages = re.findall(r'st\.Page\(\s*"([^"]+)"\s*,\s*title="([^"]+)"', text)
    if not pages:
        raise RuntimeError(f"No st.Page(...) entries found in {app}.")
    return pages


@dataclass
class Control:
    """The widget a benchmark changes before each rerun, and the values it takes in turn."""

    kind: str  # "select_slider", "slider" or "number_input"
    key: str
    values: tuple = ()

    def describe(self) -> str:
        distinct = len(set(self.values))
        cycled = f", {distinct} values cycled" if distinct < len(self.values) else ""
        return f"{self.kind} {self.key}{cycled}"

    def widget(self, at):
        return getattr(at, self.kind)(key=self.key)

    def set(self, at, index: int) -> None:
        """Move the widget to its ``index``-th planned value (an option's index for a
        selectbox, whose options AppTest knows only as their labels)."""
        value = self.values[index % len(self.values)]
        if self.kind == "selectbox":
            self.widget(at).select_index(value)
        else:
            self.widget(at).set_value(value)


def pick_control(at, key: str | None = None, count: int = 40, prefix: str | None = None):
    """The widget to change and ``count`` distinct values for it, none its current one.

    ``key`` if given; else the first widget whose key starts with ``prefix``; else the
    learning-rate slider; else the first number input; else the first selectbox. A learning
    rate walks down the slider's stops (wrapping to the top at the bottom), a number input
    goes up by 0.0137 a time, a slider steps up, then down, by its own step, a selectbox
    cycles through its options (after one round, a rerun may reuse cached results).
    """
    kinds = ("select_slider", "slider", "number_input", "selectbox")
    found = [(kind, w.key) for kind in kinds for w in at.get(kind) if w.key]
    if key is not None:
        kind = next(k for k, widget_key in found if widget_key == key)
    else:
        chosen = [(k, w) for k, w in found if prefix and w.startswith(prefix)]
        chosen += [(k, w) for k, w in found if k == "select_slider" and re.match(r"^dl_\w*lr\.", w)]
        chosen += [(k, w) for k, w in found if k == "number_input" and w.startswith("dl_")]
        chosen += [
            ("selectbox", w.key)
            for w in at.get("selectbox")
            if w.key and w.key.startswith("dl_") and len(w.options) > 1
        ]
        if not chosen:
            raise RuntimeError("The page has no learning rate, number input or selectbox.")
        kind, key = chosen[0]
    widget = getattr(at, kind)(key=key)
    if kind == "selectbox":  # a page without a number to move: cycle through its options
        now, size = widget.index or 0, len(widget.options)
        return Control(kind, key, tuple((now + 1 + i) % size for i in range(count)))
    if kind == "select_slider":
        options = list(widget.options)
        now = [float(o) for o in options].index(float(widget.value))
        values = [options[(now - 1 - i) % len(options)] for i in range(count)]
        values = [float(v) for v in values]
    elif kind == "number_input":
        values = [round(float(widget.value) + 0.0137 * (i + 1), 6) for i in range(count)]
    else:
        step, value = widget.step or 1, widget.value
        up = [value + step * i for i in range(1, count + 1) if value + step * i <= widget.max]
        down = [value - step * i for i in range(1, count + 1) if value - step * i >= widget.min]
        values = [round(v, 6) if isinstance(v, float) else v for v in up + down][:count]
    return Control(kind, key, tuple(values))


def figure_bytes(at) -> list[int]:
    """The length of each chart's figure JSON as sent to the browser (``st.plotly_chart``'s
    and the charts drawn in place, :mod:`ui.live_chart`)."""
    from tests.helpers import charts

    return [
        len(chart.proto.spec if chart.type == "plotly_chart" else chart.proto.json)
        for chart in charts(at)
    ]


def measure_page(
    page: str,
    reruns: int = 24,
    label: str | None = None,
    state: dict | None = None,
    control_key: str | None = None,
) -> dict:
    """Rerun time and figure bytes of one page at its defaults (plus ``state``).

    One warm-up rerun after the first run, then ``reruns`` reruns, each after a widget change.

    Parameters
    ----------
    page : str
        The script path as registered, e.g. ``"app_pages/playground.py"``.
    reruns : int
    label : str, optional
        The row's name; the page path by default.
    state : dict, optional
        Session-state values to set before the first run (e.g. ``{"dl_steps": 1000}``).
    control_key : str, optional
        Change this widget instead of the one :func:`pick_control` picks.

    Returns
    -------
    dict
        label, page, control, median_ms, p90_ms, times_ms, cpu_median_ms, figure_bytes
        (total), charts (bytes per chart), first_run_ms.
    """
    with rate_limit_off():
        return _measure_page(page, reruns, label, state, control_key)


@contextlib.contextmanager
def rate_limit_off():
    """The per-session rate limit (ui/ratelimit.py) off while the block runs, as it was after.

    The benchmark reruns pages back to back, far faster than a student: the limit would pace
    those reruns and its sleeps would count as page time. What is measured here is the work of
    a rerun (bench/replicas.py measures the limit itself). Only for the measurement: importing
    this module changes nothing, so the tests that import it still see the limit on.
    """
    from ui import ratelimit

    before = os.environ.get(ratelimit.RATE_ENV)
    os.environ[ratelimit.RATE_ENV] = "0"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ratelimit.RATE_ENV, None)
        else:
            os.environ[ratelimit.RATE_ENV] = before


def _measure_page(page, reruns, label, state, control_key) -> dict:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120)
    # Straight to the page: after a run of another page AppTest runs the next one without
    # app.py, and widgets the two share would come back at their minimum.
    at.switch_page(page)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    start = time.perf_counter()
    at.run()
    first_ms = 1e3 * (time.perf_counter() - start)
    _check(at, page)
    charts = figure_bytes(at)
    control = pick_control(at, control_key, reruns + 1, CONTROL_PREFIXES.get(page))
    times, cpu_times = [], []
    for index in range(reruns + 1):
        control.set(at, index)
        start, cpu_start = time.perf_counter(), time.process_time()
        at.run()
        elapsed = 1e3 * (time.perf_counter() - start)
        cpu = 1e3 * (time.process_time() - cpu_start)
        _check(at, page)
        if index > 0:  # the first change is the warm-up
            times.append(elapsed)
            cpu_times.append(cpu)
    return {
        "label": label or page,
        "page": page,
        "control": control.describe(),
        "median_ms": statistics.median(times),
        "p90_ms": percentile(times, 90),
        "times_ms": times,
        # CPU time of this process (the script thread and AppTest): what the rerun costs
        # when other processes compete for the cores and stretch the wall-clock time.
        "cpu_median_ms": statistics.median(cpu_times),
        "figure_bytes": sum(charts),
        "charts": charts,
        "first_run_ms": first_ms,
    }


def _check(at, page: str) -> None:
    if at.exception:
        raise RuntimeError(f"{page} raised: {at.exception[0].message}")


def percentile(values, q: float) -> float:
    """The ``q``-th percentile (linear interpolation, as NumPy's default)."""
    return float(np.percentile(np.asarray(values, dtype=float), q))


def profile_page(page: str, reruns: int = 10, top: int = 30) -> str:
    """cProfile of ``reruns`` reruns of ``page``: the ``top`` functions by cumulative time.

    AppTest runs the script in a thread of its own while the calling thread sleeps, so the
    profiler is switched on inside Streamlit's script execution, in that thread.
    """
    from streamlit.runtime.scriptrunner import script_runner

    profiler = cProfile.Profile()
    original = script_runner.exec_func_with_error_handling

    def profiled(func, ctx):
        profiler.enable()
        try:
            return original(func, ctx)
        finally:
            profiler.disable()

    script_runner.exec_func_with_error_handling = profiled
    try:
        measure_page(page, reruns=reruns)
    finally:
        script_runner.exec_func_with_error_handling = original
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# the sweep against a Python loop
# --------------------------------------------------------------------------------------------
def sweep_grid(n_lr: int = 200, n_beta: int = 200):
    """The benchmark grid: lr log-spaced 1e-3 … 1 (columns), β 0 … 0.99 (rows)."""
    return np.geomspace(1e-3, 1.0, n_lr), np.linspace(0.0, 0.99, n_beta)


def python_loop_momentum(
    surface, lr: float, beta: float, x0, steps: int, tol: float
) -> tuple[int, str]:
    """Heavy ball on Python floats with the runner's verdicts (``optimizers.stopping``).

    Returns the updates made and the status: ``'converged'``, ``'diverged'`` (non-finite,
    escaped, over the loss ceiling), ``'bouncing'`` or ``'max_steps'``.
    """
    value, gradient = surface._value, surface._gradient
    x, y = float(x0[0]), float(x0[1])
    vx = vy = 0.0
    cx, cy = surface.center
    radius_sq = float(stopping.escape_radius_sq(surface, x, y))
    loss0 = float(value(x, y))
    ceiling = float(stopping.loss_ceiling(surface, loss0))
    mark, bounced = stopping.FIRST_CHECK, False
    window_steps, window_lows = [0.0, 0.0], [math.inf, math.inf]
    updates = 0
    for k in range(steps + 1):
        loss = value(x, y)
        gx, gy = gradient(x, y)
        if not (math.isfinite(loss) and math.isfinite(gx) and math.isfinite(gy)):
            return updates, "diverged"
        if (x - cx) * (x - cx) + (y - cy) * (y - cy) > radius_sq or loss > ceiling:
            return updates, "diverged"
        if math.hypot(gx, gy) < tol:
            return updates, "converged"
        if k == mark:
            bounced = bounced or bool(stopping.not_settling(*window_steps, *window_lows, mark))
            mark *= 2
            window_steps, window_lows = [0.0, 0.0], [math.inf, math.inf]
        half = 4 * k >= 3 * mark
        if 2 * k >= mark:
            window_lows[half] = min(window_lows[half], loss)
        if k == steps:
            break
        vx = beta * vx + gx
        vy = beta * vy + gy
        new_x, new_y = x - lr * vx, y - lr * vy
        dx, dy = new_x - x, new_y - y  # the step as the sweep measures it
        x, y = new_x, new_y
        if 2 * k >= mark:
            window_steps[half] = max(window_steps[half], dx * dx + dy * dy)
        updates += 1
    return updates, "bouncing" if bounced else "max_steps"


def measure_sweep(
    n_lr: int = 200,
    n_beta: int = 200,
    steps: int = 300,
    loop_cells: int = 400,
    repeats: int = 3,
    tol: float = 1e-6,
    seed: int = 0,
) -> dict:
    """Seconds and updates per second of the sweep, and of the Python loop on a cell subset.

    Updates are counted as executed: for the sweep, the rows each call of the update rule
    stepped (it drops finished cells as it goes), for the loop, the steps each cell ran.
    """
    from optimizers import momentum

    surface = surfaces.get("quadratic")
    x0 = surface.start
    lrs, betas = sweep_grid(n_lr, n_beta)
    grid = {"lr": lrs[None, :], "momentum": betas[:, None]}

    counted = [0]
    step = momentum.step

    def counting_step(params, grad, state, lr, momentum):
        counted[0] += params.shape[0]
        return step(params, grad, state, lr=lr, momentum=momentum)

    momentum.step = counting_step
    try:
        result = optimizers.sweep(surface, "momentum", x0=x0, steps=steps, tol=tol, **grid)
    finally:
        momentum.step = step
    sweep_updates = counted[0]
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        optimizers.sweep(surface, "momentum", x0=x0, steps=steps, tol=tol, **grid)
        seconds.append(time.perf_counter() - start)
    sweep_seconds = statistics.median(seconds)

    rng = np.random.default_rng(seed)
    cells = rng.choice(n_lr * n_beta, size=min(loop_cells, n_lr * n_beta), replace=False)
    rows, columns = np.divmod(cells, n_lr)
    start = time.perf_counter()
    loop_updates = 0
    agree = 0
    for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
        made, status = python_loop_momentum(
            surface, float(lrs[column]), float(betas[row]), x0, steps, tol
        )
        loop_updates += made
        converged_at = int(result.steps_to_converge[row, column])
        same_status = status == result.statuses[row, column]
        agree += same_status and (status != "converged" or converged_at == made)
    loop_seconds = time.perf_counter() - start
    cells_total = n_lr * n_beta
    loop_per_update = loop_seconds / max(loop_updates, 1)
    sweep_per_update = sweep_seconds / max(sweep_updates, 1)
    return {
        "grid": f"{n_lr}×{n_beta} (lr × momentum) × {steps} steps, heavy ball, quadratic κ=10",
        "sweep_seconds": sweep_seconds,
        "sweep_updates": sweep_updates,
        "sweep_updates_per_second": sweep_updates / sweep_seconds,
        "loop_cells": int(cells.size),
        "loop_seconds": loop_seconds,
        "loop_updates": loop_updates,
        "loop_updates_per_second": loop_updates / loop_seconds,
        "speedup_per_update": loop_per_update / sweep_per_update,
        "loop_grid_seconds_extrapolated": loop_seconds / cells.size * cells_total,
        "speedup_whole_grid": loop_seconds / cells.size * cells_total / sweep_seconds,
        "loop_cells_matching_sweep": int(agree),
        "converged_cells": int(((result.steps_to_converge >= 0) & ~result.diverged).sum()),
        "diverged_cells": int(result.diverged.sum()),
    }


def measure_runs(steps: int = 10_000, repeats: int = 3) -> dict[str, float]:
    """Milliseconds for ``steps`` steps of :func:`optimizers.run` for each rule (tol = 0).

    On Rosenbrock's valley, where every rule but Newton keeps moving for 10,000 steps at its
    suggested learning rate (Newton lands in a few; its time is per step taken).
    """
    from optimizers.suggest import suggested_lr

    surface = surfaces.get("rosenbrock")
    timings = {}
    for name in optimizers.names():
        optimizer = optimizers.get(name, lr=suggested_lr(surface, name, surface.start))
        best = math.inf
        for _ in range(repeats):
            start = time.perf_counter()
            trajectory = optimizers.run(surface, optimizer, steps=steps, tol=0.0)
            best = min(best, time.perf_counter() - start)
        # tol = 0 runs the budget unless the run honestly ends first: an exactly zero
        # gradient (Newton lands on the quadratic's minimum) is converged, a zero step stopped.
        timings[name] = {
            "ms": 1e3 * best,
            "steps": trajectory.steps,
            "status": trajectory.status,
            "us_per_step": 1e6 * best / max(trajectory.steps, 1),
        }
    return timings


# --------------------------------------------------------------------------------------------
# the report
# --------------------------------------------------------------------------------------------
def peak_memory_mb() -> float:
    """Peak resident set size of this process (``ru_maxrss``: KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak / 1024


def machine_info() -> dict:
    import plotly
    import streamlit

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "streamlit": streamlit.__version__,
        "plotly": plotly.__version__,
        # Other processes on the same cores stretch wall-clock times: note how busy it was.
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def rows(results: dict) -> list[tuple[str, str, str, str, str]]:
    """The table: (measurement, value, p90 / detail, target, PASS/MISS)."""
    table = []
    for page in results["pages"]:
        is_playground = page["page"].endswith("playground.py") and page["label"] == page["page"]
        is_race = page["label"] == RACE_LABEL
        limit = PLAYGROUND_MS if is_playground else ANY_PAGE_MS
        time_ok = page["median_ms"] <= limit
        kb = page["figure_bytes"] / 1e3
        target = f"≤ {limit:.0f} ms"
        ok = time_ok
        if is_playground:
            target += f"; figure ≤ {PLAYGROUND_KB:.0f} KB"
            ok = ok and kb <= PLAYGROUND_KB
        if is_race:
            target += f"; figures ≤ {RACE_1000_KB:.0f} KB"
            ok = ok and kb <= RACE_1000_KB
        name = page["title"] if page["label"] == page["page"] else page["label"]
        table.append(
            (
                f"{name} rerun ({page['control']})",
                f"{page['median_ms']:.0f} ms",
                f"p90 {page['p90_ms']:.0f} ms · CPU {page['cpu_median_ms']:.0f} ms · "
                f"figures {kb:,.0f} KB "
                f"({' + '.join(f'{b / 1e3:,.0f}' for b in page['charts'])})",
                target,
                verdict(ok),
            )
        )
    sweep = results["sweep"]
    table.append(
        (
            f"Sweep {sweep['grid']}",
            f"{sweep['sweep_seconds']:.3f} s",
            f"{sweep['sweep_updates'] / 1e6:.2f} M updates, "
            f"{sweep['sweep_updates_per_second'] / 1e6:.1f} M/s",
            f"< {SWEEP_SECONDS} s",
            verdict(sweep["sweep_seconds"] < SWEEP_SECONDS),
        )
    )
    table.append(
        (
            f"Sweep vs Python-float loop ({sweep['loop_cells']} random cells)",
            f"{sweep['speedup_per_update']:.0f}× per update",
            f"loop {sweep['loop_updates_per_second'] / 1e6:.2f} M updates/s, "
            f"{sweep['loop_cells_matching_sweep']}/{sweep['loop_cells']} cells agree; whole grid "
            f"{sweep['loop_grid_seconds_extrapolated']:.1f} s vs {sweep['sweep_seconds']:.2f} s "
            f"= {sweep['speedup_whole_grid']:.0f}×",
            f"≥ {SWEEP_SPEEDUP:.0f}×",
            verdict(sweep["speedup_per_update"] >= SWEEP_SPEEDUP),
        )
    )
    for name, timing in results["runs"].items():
        table.append(
            (
                f"optimizers.run {timing['steps']:,} steps, {name}",
                f"{timing['ms']:.0f} ms",
                f"{timing['us_per_step']:.1f} µs/step",
                "",
                "",
            )
        )
    table.append(("Peak memory (ru_maxrss)", f"{results['peak_memory_mb']:.0f} MB", "", "", ""))
    return table


def markdown(results: dict) -> str:
    info = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"`python bench/run.py` on {info['date']}: {info['cpu']}, {info['cores']} cores, "
        f"{info['platform']}; Python {info['python']}, NumPy {info['numpy']}, "
        f"Streamlit {info['streamlit']}, Plotly {info['plotly']}. Load average (1, 5, 15 min) "
        f"at the start {_loads(info.get('load_average'))}, at the end "
        f"{_loads(info.get('load_average_end'))}: other processes on the same cores stretch "
        "wall-clock times; the CPU column is this process's own time.",
        "",
        f"Page reruns: median of {results['reruns']} AppTest reruns after a warm-up, each after "
        "a real widget change (no cache hits); figures: bytes of figure JSON sent at the page's "
        "defaults (per chart in brackets, KB = 1,000 bytes).",
        "",
        "| measurement | value | detail | target | |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {' | '.join(row)} |" for row in rows(results)]
    return "\n".join(lines) + "\n"


def _loads(loads) -> str:
    return "n/a" if not loads else ", ".join(f"{value:.1f}" for value in loads)


def text_table(results: dict) -> str:
    table = rows(results)
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in table
    )


def write_results(
    results: dict, md_path: Path = RESULTS_MD, json_path: Path = RESULTS_JSON
) -> None:
    """The table as Markdown (with the machine and the date) and every number as JSON."""
    md_path.write_text(markdown(results), encoding="utf-8")
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def run_all(
    reruns: int = 24,
    loop_cells: int = 400,
    sweep_shape=(200, 200, 300),
    run_steps: int = 10_000,
    log: Callable[[str], None] = print,
) -> dict:
    """Every measurement; returns the results as a JSON-ready dict."""
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    machine = machine_info()
    pages = []
    for path, title in app_pages():
        log(f"… {title}")
        result = measure_page(path, reruns=reruns)
        result["title"] = title
        pages.append(result)
    race = next((path for path, _ in app_pages() if path.endswith("race.py")), None)
    if race is not None:
        log(f"… {RACE_LABEL}")
        result = measure_page(
            race,
            reruns=reruns,
            label=RACE_LABEL,
            state={"dl_steps": 1000, "dl_race.optimizers": list(RACE_OPTIMIZERS)},
        )
        result["title"] = RACE_LABEL
        pages.append(result)
    phase = next((path for path, _ in app_pages() if path.endswith("phase.py")), None)
    if phase is not None:  # what the map costs when it must be recomputed
        for key, label in PHASE_EXTRAS:
            log(f"… {label}")
            result = measure_page(phase, reruns=reruns, label=label, control_key=key)
            result["title"] = label
            pages.append(result)
    log("… sweep and Python loop")
    n_lr, n_beta, steps = sweep_shape
    sweep = measure_sweep(n_lr, n_beta, steps, loop_cells=loop_cells)
    log("… optimizers.run")
    runs = measure_runs(run_steps)
    machine["load_average_end"] = machine_info()["load_average"]
    return {
        "machine": machine,
        "reruns": reruns,
        "pages": pages,
        "sweep": sweep,
        "runs": runs,
        "peak_memory_mb": peak_memory_mb(),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=24, help="timed reruns per page (≥ 20)")
    parser.add_argument("--loop-cells", type=int, default=400)
    parser.add_argument(
        "--profile",
        metavar="PAGE",
        help="profile this page's reruns (e.g. app_pages/phase.py) and exit",
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    if args.profile:
        print(profile_page(args.profile, reruns=min(args.reruns, 10)))
        return 0
    results = run_all(
        reruns=args.reruns,
        loop_cells=args.loop_cells,
        log=lambda text: print(text, file=sys.stderr),
    )
    print(text_table(results))
    if not args.no_write:
        write_results(results)
        print(f"\nWrote {RESULTS_MD.relative_to(ROOT)} and {RESULTS_JSON.relative_to(ROOT)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
