"""The benchmark script runs: each measurement with a tiny budget (no timing assertions)."""

from __future__ import annotations

import json

import pytest

from bench import run as bench


def test_pages_are_read_from_app_py():
    pages = dict(bench.app_pages())
    assert pages["app_pages/playground.py"] == "Playground"
    assert "app_pages/phase.py" in pages


@pytest.mark.parametrize("page", ["app_pages/playground.py", "app_pages/curvature.py"])
def test_measure_page_changes_a_widget_and_counts_figure_bytes(page):
    result = bench.measure_page(page, reruns=2)
    assert len(result["times_ms"]) == 2
    assert result["median_ms"] > 0 and result["p90_ms"] >= result["median_ms"] * 0.999
    assert result["figure_bytes"] == sum(result["charts"]) > 0
    kind = "select_slider" if page.endswith("playground.py") else "number_input"
    assert result["control"].startswith(kind)


def test_measure_page_with_settings_and_a_chosen_control():
    result = bench.measure_page(
        "app_pages/race.py",
        reruns=1,
        label=bench.RACE_LABEL,
        state={"dl_steps": 1000, "dl_race.optimizers": list(bench.RACE_OPTIMIZERS)},
        control_key="dl_steps",
    )
    assert result["label"] == bench.RACE_LABEL
    assert result["control"] == "slider dl_steps"
    assert len(result["charts"]) >= 2


def test_the_python_loop_is_the_sweeps_update():
    import surfaces

    surface = surfaces.get("quadratic")
    result = bench.measure_sweep(n_lr=6, n_beta=5, steps=40, loop_cells=30, repeats=1)
    assert result["loop_cells"] == 30
    assert result["loop_cells_matching_sweep"] == 30
    assert 0 < result["sweep_updates"] <= 6 * 5 * 40
    assert result["speedup_per_update"] > 0
    assert bench.python_loop_momentum(surface, 0.05, 0.5, surface.start, 0, 1e-6) == (
        0,
        "max_steps",
    )


def test_runs_report_and_files(tmp_path):
    runs = bench.measure_runs(steps=50, repeats=1)
    assert set(runs) >= {"gd", "momentum", "adam"}
    for timing in runs.values():  # a run stops early only when it has settled
        assert timing["steps"] == 50 or (
            timing["steps"] < 50 and timing["status"] in ("converged", "stopped")
        )
    assert runs["gd"]["steps"] == runs["adam"]["steps"] == 50
    results = {
        "machine": bench.machine_info(),
        "reruns": 1,
        "pages": [dict(bench.measure_page("app_pages/phase.py", reruns=1), title="Phase diagram")],
        "sweep": bench.measure_sweep(n_lr=4, n_beta=3, steps=20, loop_cells=5, repeats=1),
        "runs": runs,
        "peak_memory_mb": bench.peak_memory_mb(),
    }
    table = bench.text_table(results)
    assert "Phase diagram rerun" in table and ("PASS" in table or "MISS" in table)
    bench.write_results(results, tmp_path / "results.md", tmp_path / "results.json")
    text = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "| Phase diagram rerun" in text and results["machine"]["python"] in text
    saved = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert saved["pages"][0]["charts"] == results["pages"][0]["charts"]
