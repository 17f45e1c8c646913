"""Networks benchmark: `python bench/networks.py` prints a table and writes
bench/networks_results.md.

Budgets (issue #12, medians on the 2-core machine):

* 500 full-batch GD steps of a 2-16-1 tanh net on 200 two-moons points: < 0.1 s;
* 100 epochs of mini-batch SGD (batches of 32) on the same: < 0.5 s;
* the Neural network page rerun at its defaults: ≤ 300 ms, its figures ≤ 800 KB;
* a 41 × 41 grid of the ``network`` surface (2-16-1 on moons): ≤ 0.1 s.

No test asserts a time: the targets are printed PASS/MISS beside the numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/networks.py` puts bench/, not the repository, first
    sys.path.insert(0, str(ROOT))

import networks  # noqa: E402
import optimizers  # noqa: E402
import surfaces  # noqa: E402
from bench import run as page_bench  # noqa: E402
from optimizers.train import train  # noqa: E402

RESULTS = ROOT / "bench" / "networks_results.md"
PAGE = "app_pages/network.py"


def median_seconds(work, repeats: int) -> tuple[float, float]:
    """Median wall time and median CPU time of ``work()`` over ``repeats`` calls after one
    warm-up call (on a busy machine the CPU time is what the work itself costs)."""
    work()
    times, cpu = [], []
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        work()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    return statistics.median(times), statistics.median(cpu)


def measure(repeats: int = 7, reruns: int = 12) -> list[tuple[str, float, float, float, str]]:
    """Rows (what, wall value, CPU value, budget, unit)."""
    data = networks.datasets.make("moons", 200, 0.1, 0)
    # All 200 points for training, as the budget says.
    data = networks.Dataset(data.name, *(_all(data)), data.classes, data.features)
    net = networks.Network((2, 16, 1), "tanh")
    full = median_seconds(lambda: train(net, data, optimizers.get("gd", lr=0.5), 500), repeats)
    sgd = median_seconds(
        lambda: train(net, data, optimizers.get("gd", lr=0.1), 100, batch_size=32), repeats
    )
    surface = surfaces.get("network", hidden=16)
    grid = median_seconds(lambda: surface.grid(41), repeats)
    page = page_bench.measure_page(PAGE, reruns=reruns)
    nan = float("nan")
    return [
        ("500 full-batch GD steps, 2-16-1 on 200 points", *(1e3 * v for v in full), 100.0, "ms"),
        ("100 epochs of mini-batch SGD (b = 32), same net", *(1e3 * v for v in sgd), 500.0, "ms"),
        (
            "41 × 41 landscape of the network surface (2-16-1)",
            *(1e3 * v for v in grid),
            100.0,
            "ms",
        ),
        (
            f"Neural network page rerun (median; changes {page['control']})",
            page["median_ms"],
            page["cpu_median_ms"],
            300.0,
            "ms",
        ),
        ("Neural network page figures", page["figure_bytes"] / 1e3, nan, 800.0, "KB"),
        ("Neural network page first run (cold caches)", page["first_run_ms"], nan, nan, "ms"),
    ]


def _all(data):
    import numpy as np

    X = np.concatenate([data.X, data.X_test])
    y = np.concatenate([data.y, data.y_test])
    return X, y, data.X_test, data.y_test


def _mark(number: float, budget: float) -> str:
    if budget != budget or number != number:  # NaN: no budget, or nothing measured
        return "—"
    return "PASS" if number <= budget else "MISS"


def table(rows) -> str:
    lines = [
        "| measurement | wall | CPU | budget | wall / CPU |",
        "|---|---:|---:|---:|---|",
    ]
    for what, value, cpu, budget, unit in rows:
        shown_budget = "—" if budget != budget else f"{budget:g} {unit}"
        shown_cpu = "—" if cpu != cpu else f"{cpu:.1f} {unit}"
        lines.append(
            f"| {what} | {value:.1f} {unit} | {shown_cpu} | {shown_budget} | "
            f"{_mark(value, budget)} / {_mark(cpu, budget)} |"
        )
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--reruns", type=int, default=12)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    rows = measure(args.repeats, args.reruns)
    text = table(rows)
    print(text)
    if not args.no_write:
        info = page_bench.machine_info()
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        RESULTS.write_text(
            f"# Networks benchmark\n\n`python bench/networks.py`, {stamp}; machine: "
            f"{info}; load average (1, 5, 15 min) at the end: {load}\n\n{text}\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
