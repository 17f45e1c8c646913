"""The scrub figure: every stop's frame is the library's run of that learning rate."""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import optimizers
import surfaces
from optimizers.paths import lr_paths
from tests.helpers import APP, decode
from ui.controls import LR_OPTIONS, snap_lr
from viz import scrub
from viz.dict_figure import encode_arrays
from viz.layers import surface_layers


@pytest.fixture(scope="module")
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    app.toggle(key="dl_scrub").set_value(True)
    app.run()
    assert not app.exception
    return app


def _scrub_figure(app: AppTest) -> dict:
    specs = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    found = [spec for spec in specs if spec["layout"].get("meta", {}).get("scrub")]
    assert len(found) == 1
    return found[0]


def _frame(figure: dict, index: int) -> dict:
    name = figure["layout"]["sliders"][0]["steps"][index]["args"][0][0]
    (frame,) = [f for f in figure["frames"] if f["name"] == name]
    return dict(zip(frame["traces"], frame["data"], strict=True))


def test_each_frame_is_the_run_of_its_learning_rate(at):
    figure = _scrub_figure(at)
    meta = figure["layout"]["meta"]
    lrs = meta["lrs"]
    surface = surfaces.get("quadratic", condition_number=10.0, angle=30.0)
    x0 = (
        at.number_input(key="dl_start.quadratic.x").value,
        at.number_input(key="dl_start.quadratic.y").value,
    )
    steps, tol = at.slider(key="dl_steps").value, at.select_slider(key="dl_tol").value
    checked = {0, len(lrs) - 1, meta["marks"]["2/λmax"], meta["marks"]["best"], len(lrs) // 3}
    statuses = set()
    for index in sorted(checked):
        run = optimizers.run(
            surface, optimizers.get("gd", lr=lrs[index]), x0=x0, steps=steps, tol=tol
        )
        frame = _frame(figure, index)
        path = np.column_stack([decode(frame[3]["x"]), decode(frame[3]["y"])])
        np.testing.assert_allclose(path, run.points, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(decode(frame[5]["y"]), run.losses, rtol=1e-6)
        assert meta["statuses"][index] == run.status
        assert f"η = {lrs[index]:g}<br>" in frame[6]["text"][0]
        words = {"converged": f"in {run.steps} step", "diverged": f"step {run.steps}"}
        assert words.get(run.status, f"after {run.steps} steps") in frame[6]["text"][0]
        # A diverged run ends in a ✕, the others in a dot.
        assert frame[4]["marker"]["symbol"] == ("x" if run.status == "diverged" else "circle")
        statuses.add(run.status)
    assert {"converged", "diverged"} <= statuses


def test_marks_sit_at_the_theory_and_the_slider_starts_at_the_app_rate(at):
    figure = _scrub_figure(at)
    meta, slider = figure["layout"]["meta"], figure["layout"]["sliders"][0]
    lrs = np.array(meta["lrs"])
    # The default bowl, κ = 10 with λmin = 1: 2/λmax = 0.2 and 2/(λmin + λmax) = 2/11.
    for name, value in (("2/λmax", 0.2), ("best", 2 / 11)):
        index = meta["marks"][name]
        assert np.abs(np.log(lrs / value)).argmin() == index
        (arrow,) = [a for a in figure["layout"]["annotations"] if a["text"].startswith(name)]
        assert arrow["x"] == pytest.approx(index / (len(lrs) - 1))
    lr = at.select_slider(key="dl_lr.quadratic.gd").value
    assert lrs[slider["active"]] == lr
    # What the chart shows first is the active stop's frame.
    frame = _frame(figure, slider["active"])
    np.testing.assert_array_equal(decode(figure["data"][3]["x"]), decode(frame[3]["x"]))
    assert figure["data"][6]["text"] == frame[6]["text"]
    # Every stop is a stop of the app's learning-rate slider (a release lands on one).
    assert set(meta["lrs"]) <= set(LR_OPTIONS)


def test_the_scrub_follows_the_app_learning_rate(at):
    at.select_slider(key="dl_lr.quadratic.gd").set_value(0.0501).run()
    figure = _scrub_figure(at)
    assert figure["layout"]["meta"]["lrs"][figure["layout"]["sliders"][0]["active"]] == 0.0501


def test_forty_stops_of_three_hundred_steps_stay_under_a_megabyte():
    surface = surfaces.get("quadratic", condition_number=100.0)
    stops = np.geomspace(1e-4, 0.1, 40)
    paths = lr_paths(surface, optimizers.get("momentum", momentum=0.5), stops, steps=300, tol=0)
    assert paths.last_steps.max() == 300
    figure = scrub.scrub_figure(surface_layers(surface), surface, paths, active=0)
    size = len(json.dumps(encode_arrays(figure)))
    assert size < 1_000_000, size


def test_scrub_rates_hold_the_current_rate_and_the_marks():
    stops = scrub.scrub_rates(LR_OPTIONS, 0.5, limit=0.08, best=0.0769)
    assert 35 <= len(stops) <= 44
    assert {snap_lr(0.5), snap_lr(0.08), snap_lr(0.0769)} <= set(stops) <= set(LR_OPTIONS)
    assert min(stops) <= 0.08 / 90 and max(stops) >= 0.5
