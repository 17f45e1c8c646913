"""What drawing a figure costs the browser, A/B: ``python bench/figure_draw.py``.

Not a CI test (nothing asserts a time). The slider-release benchmark (bench/browser.py) sees a
whole Streamlit rerun, whose noise on a shared machine hides a change of a few tens of
milliseconds in the chart. This script isolates the chart: in one headless Chromium page it
draws each figure with ``Plotly.newPlot`` (what a remounted ``st.plotly_chart`` does, frames
included), in turns A, B, A, B, …, and reports the renderer main thread's CPU time
(CDP ``ThreadTime``) and work (``TaskDuration``) per draw, from the call until two animation
frames later (the browser has laid out and painted the chart).

The figures are the Playground's at its defaults, as the page sends them: taken from a run of
``app_pages/playground.py`` under Streamlit's ``AppTest`` in each repository given with
``--repo`` (e.g. a copy of ``main`` and this worktree), or read from JSON files (``--figure``).
plotly.js is the Python package's bundle (Streamlit ships its own build of plotly.js: the
absolute times differ a little, the comparison holds).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import plotly

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/figure_draw.py` puts bench/, not the repository
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.load import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
#: Run in the other repository's own interpreter state: its modules, not ours.
GRAB = """
import sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1] + "/app_pages/playground.py", default_timeout=300).run()
print(at.get("plotly_chart")[0].proto.spec)
"""
DRAW_JS = """async (name) => {
  const gd = document.getElementById('chart');
  Plotly.purge(gd);
  await Plotly.newPlot(gd, JSON.parse(window.figures[name]));
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
}"""


def playground_figure(repo: Path) -> str:
    """The Playground's figure JSON at its defaults, as ``repo``'s page sends it."""
    done = subprocess.run(
        [sys.executable, "-c", GRAB, str(repo.resolve())],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(repo.resolve())},
    )
    return done.stdout.strip()


def measure(figures: dict[str, str], rounds: int) -> dict[str, dict[str, list[float]]]:
    """CPU and work (ms) of each draw, ``rounds`` turns each after one untimed warm-up turn."""
    found = {name: {"cpu": [], "work": []} for name in figures}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # The Playground's chart at 1280×800: about 930 × 730 px.
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_content("<div id='chart' style='width:930px;height:730px'></div>")
            page.add_script_tag(path=str(PLOTLY_JS))
            page.evaluate("(figures) => { window.figures = figures; }", figures)
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable")

            def clocks() -> tuple[float, float]:
                metrics = cdp.send("Performance.getMetrics")["metrics"]
                values = {m["name"]: m["value"] for m in metrics}
                return values["ThreadTime"], values["TaskDuration"]

            for turn in range(rounds + 1):
                for name in figures:
                    page.wait_for_timeout(50)
                    cpu0, work0 = clocks()
                    page.evaluate(DRAW_JS, name)
                    cpu1, work1 = clocks()
                    if turn:
                        found[name]["cpu"].append((cpu1 - cpu0) * 1000)
                        found[name]["work"].append((work1 - work0) * 1000)
        finally:
            browser.close()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, action="append", default=[], help="a repository")
    parser.add_argument("--figure", type=Path, action="append", default=[], help="figure JSON")
    parser.add_argument("--rounds", type=int, default=20, help="draws of each figure")
    args = parser.parse_args(argv)
    figures = {str(path): playground_figure(path) for path in args.repo}
    figures.update({str(path): path.read_text() for path in args.figure})
    if not figures:
        figures[str(ROOT)] = playground_figure(ROOT)
    load = os.getloadavg()[0]
    found = measure(figures, args.rounds)
    print(f"load average {load:.1f} → {os.getloadavg()[0]:.1f}; {args.rounds} draws each")
    print("| figure | frames | bytes | CPU per draw, median / p90 | work per draw, median |")
    print("|---|---|---|---|---|")
    for name, times in found.items():
        cpu = sorted(times["cpu"])
        spec = json.loads(figures[name])
        print(
            f"| `{name}` | {len(spec.get('frames', []))} | {len(figures[name]):,} | "
            f"{statistics.median(cpu):.1f} / {cpu[round(0.9 * (len(cpu) - 1))]:.1f} ms | "
            f"{statistics.median(times['work']):.1f} ms |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
