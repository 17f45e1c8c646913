"""AppTest of the Neural network page: it runs, its charts are the library's numbers, its
controls change them, bad settings get a message."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import networks
import optimizers
from optimizers.train import train
from tests.helpers import assert_readable_numbers, decode

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "app_pages/network.py"


@pytest.fixture(scope="module")
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page(PAGE)
    # The edge of stability is tested in the library; here it would only cost time.
    app.session_state["dl_net.eos"] = False
    app.session_state["dl_net.epochs"] = 10
    app.run()
    assert not app.exception, app.exception
    return app


def curves(app: AppTest) -> dict:
    for chart in app.get("plotly_chart"):
        figure = json.loads(chart.proto.spec)
        texts = [a.get("text", "") for a in figure["layout"].get("annotations", [])]
        if "Loss" in texts and "Accuracy" in texts:
            return figure
    raise AssertionError("no loss/accuracy chart on the page")


def test_default_page_shows_the_library_runs(at):
    assert not at.exception
    figure = curves(at)
    data = networks.datasets.make("moons", 200, 0.15, 0).standardized()
    net = networks.Network((2, 8, 1), "tanh")
    for name, lr in (("gd", 0.5), ("adam", 0.02)):
        run = train(net, data, optimizers.get(name, lr=lr), 10, 32, "xavier", 0)
        title = optimizers.get(name).title
        loss = {t["name"]: t for t in figure["data"] if t.get("xaxis", "x") == "x"}
        accuracy = {t["name"]: t for t in figure["data"] if t.get("xaxis") == "x2"}
        label = f"{title} (η = {lr:g})"
        np.testing.assert_allclose(decode(loss[f"{label}, train"]["y"]), run.train_loss, rtol=1e-12)
        np.testing.assert_allclose(
            decode(loss[f"{label}, held-out"]["y"]), run.test_loss, rtol=1e-12
        )
        np.testing.assert_allclose(
            decode(accuracy[f"{label}, held-out"]["y"]), run.test_accuracy, rtol=1e-12
        )
    # Decision regions: a heatmap whose last frame is the final θ's probabilities.
    boundary = next(
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if json.loads(c.proto.spec)["data"][0]["type"] == "heatmap"
    )
    assert len(boundary["frames"]) == 11
    gd = train(net, data, optimizers.get("gd", lr=0.5), 10, 32, "xavier", 0)
    xs, ys = decode(boundary["data"][0]["x"]), decode(boundary["data"][0]["y"])
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    expected = net.proba(gd.thetas[-1], grid)[:, 0].reshape(len(ys), len(xs))
    z = decode(boundary["frames"][-1]["data"][0]["z"])
    np.testing.assert_allclose(z, expected, atol=1e-6)
    assert any(
        "shadow" in trace.get("name", "")
        for c in at.get("plotly_chart")
        for trace in json.loads(c.proto.spec)["data"]
    )


def test_a_control_changes_the_charts(at):
    before = curves(at)
    at.session_state["dl_net.epochs"] = 5
    at.session_state["dl_net.optimizers"] = ["momentum"]
    at.run()
    assert not at.exception
    after = curves(at)
    assert after != before
    names = {trace["name"] for trace in after["data"]}
    assert names == {
        "Momentum (heavy ball) (η = 0.1), train",
        "Momentum (heavy ball) (η = 0.1), held-out",
    }
    assert len(decode(after["data"][0]["x"])) == 6


def test_zero_init_and_iris_explain_themselves(at):
    at.session_state["dl_net.init"] = "zeros"
    at.session_state["dl_net.dataset"] = "iris"
    at.run()
    assert not at.exception
    assert any("Zero initialization" in w.value for w in at.warning)
    assert any("four input features" in i.value for i in at.info)


def test_bad_settings_get_a_message(at):
    at.session_state["dl_net.dataset"] = "moons"
    at.session_state["dl_net.batch"] = 1
    at.session_state["dl_net.epochs"] = 300
    at.run()
    assert not at.exception
    assert any("updates per optimizer" in e.value for e in at.error)
    at.session_state["dl_net.optimizers"] = []
    at.run()
    assert not at.exception
    assert any("Pick at least one optimizer" in i.value for i in at.info)


def test_a_link_restores_the_settings():
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page(PAGE)
    app.query_params.update(
        {"net.dataset": "xor", "net.epochs": "5", "net.eos": "false", "net.width": "3"}
    )
    app.run()
    assert not app.exception
    assert app.session_state["dl_net.dataset"] == "xor"
    assert app.session_state["dl_net.width"] == 3
    assert len(decode(curves(app)["data"][0]["x"])) == 6


def test_edge_of_stability_summary_reads_the_numbers():
    from ui.network_panel import eos_summary

    losses = np.array([1.0, 0.5, 0.4, 0.45, 0.3])
    sharpness = np.array([1.0, 1.5, 2.0, 2.1, 1.95])
    text = eos_summary(losses, sharpness, lr=1.0)
    assert "The sharpness started at 1 and rose to 2/η = 2 (within 5 %) at step 2," in text
    dipped = eos_summary(losses, np.array([1.8, 1.5, 1.7, 1.98, 1.95]), lr=1.0)
    assert "started at 1.8, fell to 1.5 and then rose to 2/η = 2 (within 5 %) at step 3," in dipped
    assert "[1.95, 2.1]" in text and "from 0.4 to 0.3" in text and "rising on 1 of 2" in text
    below = eos_summary(losses, sharpness, lr=0.5)
    assert "went from 1 to 1.95 (at most 2.1), below 2/η = 4" in below
    # Already past the edge at the start: not "reached at step 0".
    started = eos_summary(losses, np.array([2.44, 2.2, 2.0, 2.1, 1.9]), lr=1.0)
    assert started.startswith("The sharpness was already 2.44 at the start, above 2/η = 2,")
    assert_readable_numbers(eos_summary(losses * np.pi, sharpness * np.pi, lr=1 / np.pi))
