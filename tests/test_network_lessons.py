"""The Lessons scenes on neural networks (zero init, standardization, edge of stability).

Each scene's stated answer and every claim of its explanation against what the library did,
re-checked here with measurements of our own (not only with the scene's judges); the judges
fail on the wrong runs; the figures show the runs' data; the page shows each scene before and
after the reveal, in teacher mode too. The runs are cached by :mod:`lessons.network_scenes`:
they are trained once per test session (about 2 s in all).
"""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import lessons
import networks
from lessons import network_scenes
from optimizers.train import edge_of_stability
from tests.helpers import (
    assert_readable_numbers,
    assert_shows,
    decode,
    figures,
    open_page,
    trace,
)
from viz import scenes as scene_figures

PAGE = "app_pages/lessons.py"
NETWORK_IDS = ["zero_init", "standardize_network", "edge_of_stability"]


def test_the_three_network_scenes_are_registered_after_the_surface_scenes():
    ids = lessons.ids()
    assert [scene.id for scene in lessons.SCENES if scene.network is not None] == NETWORK_IDS
    assert ids[-3:] == NETWORK_IDS
    assert network_scenes in lessons.MODULES


@pytest.mark.parametrize("scene_id", NETWORK_IDS)
def test_scene_is_well_formed_and_cites_the_notes(scene_id):
    scene = lessons.get(scene_id)
    assert scene.runs == () and scene.network is not None
    assert 2 <= len(scene.choices) <= 4 and len(set(scene.choices)) == len(scene.choices)
    assert 0 <= scene.answer < len(scene.choices)
    for text in (scene.title, scene.idea, scene.setup, scene.question, scene.explain()):
        assert text.strip()
    assert scene.sources and all(seed in lessons.SEEDS for seed, _ in scene.sources)
    assert all("*" in lessons.cite(seed) for seed, _ in scene.sources)
    assert scene.formula.count("{") == scene.formula.count("}")
    assert scene.network.settings


@pytest.mark.parametrize("scene_id", NETWORK_IDS)
def test_stated_answer_and_every_claim_are_what_the_library_does(scene_id):
    scene = lessons.get(scene_id)
    result = lessons.outcome(scene)
    assert result.answer == scene.answer, result.evidence
    assert result.evidence and all(line.strip() for line in result.evidence)
    claims = lessons.check_claims(scene)
    assert len(claims) >= 5
    for claim in claims:
        assert claim.holds, f"{claim.statement}: {claim.evidence}"
    # Every number printed with 3 significant figures, never a raw repr (#11).
    for text in (scene.setup, scene.explain(), *result.evidence):
        assert_readable_numbers(text)
    for claim in claims:
        assert_readable_numbers(claim.statement)
        assert_readable_numbers(claim.evidence)


def test_the_edge_of_stability_scene_cites_cohen_et_al():
    text = lessons.get("edge_of_stability").explain()
    assert "Cohen" in text and "Edge of Stability" in text and "2021" in text


# ----- independent re-checks -------------------------------------------------------------------
def test_zero_start_keeps_every_hidden_weight_at_zero_and_xavier_does_not():
    zeros, xavier = lessons.run_scene(lessons.get("zero_init"))
    net = network_scenes.ZERO_NET
    for theta in zeros.thetas:
        for weights, biases in net.unpack(theta)[:1]:
            assert not weights.any() and not biases.any()
        assert not net.unpack(theta)[1][0].any(), "the output weights stay 0 too"
    # The output bias alone: the best constant prediction, log-odds of the class shares.
    y = network_scenes.zero_data().y
    assert zeros.thetas[-1][-1] == pytest.approx(np.log(y.mean() / (1 - y.mean())), abs=1e-3)
    units = network_scenes.hidden_units(net, xavier.thetas[-1])
    assert len(np.unique(units.round(6), axis=0)) == len(units)


def test_the_standardized_inputs_matrix_has_the_correlation_matrix_s_condition_number():
    X = network_scenes.iris_data(True).X
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(X.std(axis=0), 1)
    # M = [[1, 0], [0, C]] with C the correlation matrix: its eigenvalues are 1 and C's.
    eigenvalues = np.append(np.linalg.eigvalsh(np.corrcoef(X.T)), 1.0)
    assert network_scenes.input_kappa(X) == pytest.approx(eigenvalues.max() / eigenvalues.min())


def test_the_edge_run_s_sharpness_is_the_hessian_s_largest_eigenvalue():
    (run,) = lessons.run_scene(lessons.get("edge_of_stability"))
    k = run.reached
    setting = network_scenes.EDGE
    data = networks.datasets.make(setting["dataset"], 200, setting["noise"], setting["seed"])
    net = network_scenes.EDGE_NET
    theta = networks.initialize(net, "xavier", setting["seed"])
    for _ in range(k):  # gradient descent by hand, to the step where 2/η is reached
        theta = theta - run.lr * net.gradient(theta, data.X, data.y)
    top = np.linalg.eigvalsh(net.hessian(theta, data.X, data.y))[-1]
    assert run.sharpness[k] == pytest.approx(top, rel=1e-8)
    assert run.losses[k] == pytest.approx(float(net.loss_value(theta, data.X, data.y)))
    assert top >= 0.95 * 2 / run.lr > run.sharpness[0]


def test_the_judges_fail_on_the_wrong_runs():
    zero = lessons.get("zero_init")
    swapped = tuple(reversed(lessons.run_scene(zero)))
    assert zero.judge((), swapped).answer != zero.answer
    assert not all(claim.holds for claim in zero.claims((), swapped))
    standard = lessons.get("standardize_network")
    swapped = tuple(reversed(lessons.run_scene(standard)))
    assert standard.judge((), swapped).answer != standard.answer
    assert not all(claim.holds for claim in standard.claims((), swapped))
    # Twice the step: the sharpness cannot follow 2/η down, and the run blows up.
    edge = lessons.get("edge_of_stability")
    setting = network_scenes.EDGE
    data = networks.datasets.make(setting["dataset"], 200, setting["noise"], setting["seed"])
    lr = 2 * setting["lr"]
    losses, sharpness = edge_of_stability(network_scenes.EDGE_NET, data, lr, 200, "xavier", 0)
    wild = (network_scenes.EdgeRun(losses, sharpness, lr),)
    assert edge.judge((), wild).answer == 1
    assert not all(claim.holds for claim in edge.claims((), wild))


@pytest.mark.parametrize("scene_id", NETWORK_IDS)
def test_the_figure_shows_the_scene_s_runs(scene_id):
    scene = lessons.get(scene_id)
    results = lessons.run_scene(scene)
    figure = scene_figures.network_figure(scene, results).to_dict()
    if scene_id == "zero_init":
        zeros, xavier = results
        np.testing.assert_allclose(decode(trace(figure, "zero start: loss")["y"]), zeros.train_loss)
        units = trace(figure, "zero start: 16 units on 1 point")
        assert not decode(units["x"]).any() and not decode(units["y"]).any()
        spread = trace(figure, "Xavier start: 16 units on 16 points")
        w1 = network_scenes.ZERO_NET.unpack(xavier.thetas[-1])[0][0]
        np.testing.assert_allclose(decode(spread["x"]), w1[0])
        np.testing.assert_allclose(decode(spread["y"]), w1[1])
    elif scene_id == "standardize_network":
        raw, standardized = results
        names = [t["name"] for t in figure["data"]]
        assert names[0].startswith("raw (κ = ") and names[1].startswith("standardized")
        # The legend's κ is the raw inputs' (about 7,900), with 3 significant figures.
        kappa = network_scenes.input_kappa(network_scenes.iris_data(False).X)
        assert 7000 < kappa < 9000
        assert_shows(names[0], kappa, "raw (κ = ")
        np.testing.assert_allclose(decode(figure["data"][0]["y"]), raw.train_loss)
        np.testing.assert_allclose(decode(figure["data"][1]["y"]), standardized.train_loss)
    else:
        (run,) = results
        np.testing.assert_allclose(decode(trace(figure, "sharpness λmax")["y"]), run.sharpness)
        np.testing.assert_allclose(decode(trace(figure, "loss")["y"]), run.losses)
        line = next(t for t in figure["data"] if t["name"].startswith("2/η"))
        np.testing.assert_allclose(decode(line["y"]), 2 / run.lr)


# ----- the page (AppTest) ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def at() -> AppTest:
    """One page for the module (the app loads once); each test picks its scene."""
    return open_page(PAGE, timeout=60)


def show(app: AppTest, scene_id: str) -> None:
    app.selectbox(key="dl_lesson.scene").set_value(scene_id)
    app.run()
    assert not app.exception


@pytest.mark.parametrize("scene_id", NETWORK_IDS)
def test_every_network_scene_renders_before_and_after_the_reveal(at, scene_id):
    scene = lessons.get(scene_id)
    show(at, scene_id)
    assert at.radio(key=f"dl_lesson.answer.{scene_id}").label == scene.question
    assert not figures(at), "nothing is trained before the reveal"
    assert any("Reveal** trains the network" in info.value for info in at.info)
    table = next(m.value for m in at.markdown if "| Setting | Value |" in m.value)
    for what, value in scene.network.settings:
        assert f"| {what} | {value} |" in table
    assert "lesson_playground" not in {b.key for b in at.button}
    assert not any(scene.explain()[:40] in m.value for m in at.markdown)

    at.radio(key=f"dl_lesson.answer.{scene_id}").set_value(scene.answer)
    at.button(key=f"lesson_reveal.{scene_id}").click()
    at.run()
    assert not at.exception
    assert at.success and scene.choices[scene.answer] in at.success[0].value
    (figure,) = figures(at)
    expected = scene_figures.network_figure(scene, lessons.run_scene(scene)).to_dict()
    assert [t["name"] for t in figure["data"]] == [t["name"] for t in expected["data"]]
    for shown, library in zip(figure["data"], expected["data"], strict=True):
        np.testing.assert_allclose(decode(shown["y"]), decode(library["y"]))
    assert any(scene.explain()[:40] in m.value for m in at.markdown)
    assert [latex.value.strip("$\n") for latex in at.latex] == [scene.formula]
    checks = next(e for e in at.expander if e.label == "How we know the explanation is true")
    listed = " ".join(m.value for m in checks.markdown)
    for claim in lessons.check_claims(scene):
        assert f"✓ {claim.statement}" in listed
    assert "✗" not in listed
    at.button(key=f"lesson_again.{scene_id}").click()
    at.run()
    assert not at.exception and not figures(at)


def test_teacher_mode_walks_into_and_through_the_network_scenes(at):
    surface_last = lessons.ids()[-4]
    show(at, surface_last)
    at.toggle(key="dl_lesson.teacher").set_value(True)
    at.run()
    for scene_id in NETWORK_IDS:
        at.button(key="lesson_next").click()
        at.run()
        assert not at.exception
        assert at.selectbox(key="dl_lesson.scene").value == scene_id
        assert "lesson_playground" not in {b.key for b in at.main.button}
    assert at.button(key="lesson_next").disabled, "the last scene"
    at.button(key=f"lesson_reveal.{NETWORK_IDS[-1]}").click()
    at.run()
    assert not at.exception and len(figures(at)) == 1
    at.button(key="lesson_previous").click()
    at.run()
    assert not at.exception and at.selectbox(key="dl_lesson.scene").value == NETWORK_IDS[1]
    at.toggle(key="dl_lesson.teacher").set_value(False)
    at.run()
    assert not at.exception
