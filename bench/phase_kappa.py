"""How long the Phase diagram takes to redraw after a κ change at its defaults.

Run ``python bench/phase_kappa.py [--changes N]``: the page (heavy ball on the quadratic) is
opened under Streamlit's ``AppTest``, then κ walks up the slider's stops from 10, each stop not
seen before (so the map and the slice are swept again, not taken from the cache). Prints each
rerun's wall time, their median and 90th percentile, and the load average (the machine is
shared: compare runs made under similar load). Target: median ≤ 1.5 s on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import surfaces
from tests.helpers import open_page
from ui.controls import log_options

KAPPA = "dl_surface.quadratic.condition_number"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=12)
    args = parser.parse_args()
    print(f"load average at start {os.getloadavg()[0]:.2f}")
    app = open_page("app_pages/phase.py", timeout=300)
    stops = log_options(surfaces.parameters("quadratic")[0])
    kappas = stops[stops.index(10.0) + 1 :][: args.changes]
    times = []
    for kappa in kappas:
        app.select_slider(key=KAPPA).set_value(kappa)
        start = time.perf_counter()
        app.run()
        times.append(time.perf_counter() - start)
        if app.exception:
            raise SystemExit(f"exception at κ = {kappa}: {app.exception}")
    print("κ:      " + " ".join(f"{k:6g}" for k in kappas))
    print("time s: " + " ".join(f"{t:6.2f}" for t in times))
    median, p90 = np.median(times), np.percentile(times, 90)
    verdict = "PASS" if median <= 1.5 else "MISS"
    print(f"median {median:.2f} s, p90 {p90:.2f} s ({verdict}: target median ≤ 1.5 s)")
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
