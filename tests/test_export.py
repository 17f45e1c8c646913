"""The Playground's downloads: the CSV reads back to the run exactly, the HTML plays offline."""

from __future__ import annotations

import csv
import io
import json
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import optimizers
import surfaces
from tests.helpers import APP, CHROMIUM, CHROMIUM_ARGS
from viz import path_figure, surface_layers
from viz.export import CSV_COLUMNS, figure_html, trajectory_csv


def read_back(text: str) -> dict[str, np.ndarray]:
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    columns = list(zip(*rows[1:], strict=True))
    return {
        name: np.array([float(cell) if cell else np.nan for cell in column])
        for name, column in zip(CSV_COLUMNS, columns, strict=True)
    }


RUNS = {
    "gd with decay": ("quadratic", {}, "gd", {"lr": 0.15, "decay": 0.05}, {}),
    "noisy adam": ("rosenbrock", {}, "adam", {"lr": 0.02}, {"noise": 0.7, "seed": 3}),
    "mini-batch": ("logistic", {}, "momentum", {"lr": 0.3}, {"batch_size": 4, "seed": 1}),
    "diverged": ("quadratic", {"condition_number": 50.0}, "gd", {"lr": 0.5}, {}),
}


@pytest.mark.parametrize("case", list(RUNS))
def test_csv_reads_back_to_the_trajectory_exactly(case):
    name, params, rule, hyper, extra = RUNS[case]
    surface = surfaces.get(name, **params)
    trajectory = optimizers.run(surface, optimizers.get(rule, **hyper), steps=300, **extra)
    columns = read_back(trajectory_csv(trajectory))
    k = trajectory.steps
    np.testing.assert_array_equal(columns["step"], np.arange(k + 1))
    np.testing.assert_array_equal(columns["x"], trajectory.points[:, 0])
    np.testing.assert_array_equal(columns["y"], trajectory.points[:, 1])
    np.testing.assert_array_equal(columns["loss"], trajectory.losses)
    np.testing.assert_array_equal(columns["gradient_norm"], trajectory.grad_norms)
    np.testing.assert_array_equal(columns["learning_rate"][:-1], trajectory.lrs)
    assert np.isnan(columns["learning_rate"][-1]), "the last point takes no step"
    if case == "gd with decay":
        assert columns["learning_rate"][1] == 0.15 / 1.05
    if case == "diverged":
        assert trajectory.status == "diverged"


def test_csv_also_reads_with_numpy():
    surface = surfaces.get("quadratic")
    trajectory = optimizers.run(surface, optimizers.get("gd", lr=0.1), steps=20)
    table = np.genfromtxt(io.StringIO(trajectory_csv(trajectory)), delimiter=",", names=True)
    assert table.dtype.names == CSV_COLUMNS
    np.testing.assert_array_equal(table["x"], trajectory.points[:, 0])


@pytest.fixture(scope="module")
def animation():
    surface = surfaces.get("rosenbrock")
    trajectory = optimizers.run(surface, optimizers.get("momentum", lr=0.001), steps=400)
    fig = path_figure(surface_layers(surface), surface, [trajectory])
    return fig, figure_html(fig, "Rosenbrock <momentum>")


def test_html_carries_plotly_js_and_the_frames(animation):
    fig, html = animation
    assert html.startswith("<!doctype html>") or html.lower().startswith("<html")
    assert "<title>Rosenbrock &lt;momentum&gt;</title>" in html
    assert re.search(r"plotly\.js v\d", html), "the plotly.js bundle is inside"
    assert not re.search(r"<script[^>]+src=", html), "no script loaded from anywhere (no CDN)"
    frames = re.search(
        r"\.then\(function\(\)\{\s*Plotly\.addFrames\('[^']+', (\[.*?\])\);", html, re.S
    )
    assert frames, "the frames are added after the plot"
    assert len(json.loads(frames.group(1))) == len(fig.frames) > 10
    assert "Plotly.animate" not in html.split("Plotly.addFrames")[1][:400], "no auto play"
    assert len(html) > 3_000_000


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_html_plays_offline_in_chromium(animation, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    fig, html = animation
    path = tmp_path / "animation.html"
    path.write_text(html, encoding="utf-8")
    requested = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})

            def block(route):
                requested.append(route.request.url)
                if route.request.url.startswith("file://"):
                    route.continue_()
                else:
                    route.abort()

            context.route("**/*", block)
            page = context.new_page()
            page.goto(path.as_uri())
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
            state = page.evaluate(
                """() => {
                    const gd = document.querySelector('.js-plotly-plot');
                    return {frames: gd._transitionData._frames.length,
                            traces: gd._fullData.length,
                            images: gd._fullLayout.images.length,
                            buttons: document.querySelectorAll('.updatemenu-button').length};
                }"""
            )
            assert state["frames"] == len(fig.frames)
            assert state["traces"] == len(fig.data)
            assert state["images"] >= 1, "the surface raster is inside the file too"
            assert state["buttons"] >= 1, "Play is there"
            # Press Play: the animation runs from step 0 without the network, so the
            # path's history trace is shorter than the finished path a moment later.
            full = page.evaluate(
                "() => document.querySelector('.js-plotly-plot')._fullData"
                ".map(t => (t.x || []).length)"
            )
            page.locator(".updatemenu-button").first.click()
            page.wait_for_timeout(400)
            now = page.evaluate(
                "() => document.querySelector('.js-plotly-plot')._fullData"
                ".map(t => (t.x || []).length)"
            )
            assert now != full, "pressing Play changed the drawn paths"
        finally:
            browser.close()
    assert all(url.startswith("file://") for url in requested), requested


def test_playground_offers_both_downloads():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    buttons = at.get("download_button")
    labels = [button.proto.label for button in buttons]
    assert any("CSV" in label for label in labels)
    assert any("HTML" in label for label in labels)
