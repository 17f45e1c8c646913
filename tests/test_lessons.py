"""The Lessons page: every scene's stated answer is what the library does, and the page shows it.

Pure tests on :mod:`viz.scenes` first (the scenes are valid library calls and each claim holds,
checked here with measurements of our own, not only with the scene's judge), then AppTest runs
of ``app_pages/lessons.py``: every scene before and after the reveal, the verdict, the chart's paths
against the library's trajectories, teacher mode, and "Open in the Playground".
"""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import lessons
import optimizers
import surfaces
from tests.helpers import (
    assert_readable_numbers,
    assert_shows,
    decode,
    figures,
    open_page,
)
from ui.controls import LR_OPTIONS, STEP_CHOICES, TOLERANCES
from viz import scenes as scene_figures
from viz.layers import surface_layers

PAGE = "app_pages/lessons.py"
#: The scenes with 2-D runs; the scenes on networks are tested in tests/test_network_lessons.py.
IDS = [scene.id for scene in lessons.SCENES if scene.network is None]

#: The topics the brief asks for, by scene id.
REQUIRED = {
    "lr_too_small",
    "lr_just_right",
    "lr_too_large",
    "zigzag",
    "momentum",
    "nesterov",
    "saddle",
    "adagrad",
    "rmsprop_adam",
    "sgd_noise_floor",
    "minibatch",
    "standardize",
    "start_point",
}


def trajectories(scene_id: str) -> tuple[optimizers.Trajectory, ...]:
    return lessons.run_scene(lessons.get(scene_id))


def surface_of(scene_id: str, index: int = 0) -> surfaces.Surface:
    return lessons.get(scene_id).runs[index].build_surface()


def distance_to_minimum(surface, point) -> float:
    return lessons.distance_to_nearest_minimum(surface, point)


# ----- the scenes as data ----------------------------------------------------------------------
def test_there_are_at_least_ten_scenes_with_unique_ids_covering_the_topics():
    assert len(lessons.SCENES) >= 10
    assert len(set(lessons.ids())) == len(lessons.ids()) == len(lessons.SCENES)
    assert REQUIRED <= set(IDS)
    assert len({scene.title for scene in lessons.SCENES}) == len(lessons.SCENES)


def test_get_refuses_an_unknown_scene():
    with pytest.raises(ValueError, match="Unknown scene"):
        lessons.get("no_such_scene")


@pytest.mark.parametrize("scene_id", IDS)
def test_scene_is_well_formed(scene_id):
    scene = lessons.get(scene_id)
    assert 2 <= len(scene.choices) <= 4
    assert len(set(scene.choices)) == len(scene.choices)
    assert 0 <= scene.answer < len(scene.choices)
    assert scene.runs and 0 <= scene.playground < len(scene.runs)
    assert len({run.label for run in scene.runs}) == len(scene.runs)
    for text in (
        scene.title,
        scene.idea,
        scene.setup,
        scene.question,
        scene.explain(),
        scene.formula,
    ):
        assert text.strip()
    assert scene.sources and all(seed in lessons.SEEDS for seed, _ in scene.sources)
    assert scene.formula.count("{") == scene.formula.count("}")


@pytest.mark.parametrize("scene_id", IDS)
def test_every_run_is_a_valid_library_call_the_playground_can_repeat(scene_id):
    for run in lessons.get(scene_id).runs:
        surface = run.build_surface()  # validates the surface parameters
        optimizer = run.build_optimizer()  # validates the hyperparameters and options
        assert dict(run.surface_params) == {
            spec.name: dict(run.surface_params)[spec.name]
            for spec in surfaces.parameters(run.surface)
        }, "every surface parameter is spelled out"
        assert optimizer.lr in LR_OPTIONS, "the Playground's slider has this learning rate"
        for spec in surfaces.parameters(run.surface):
            value = dict(run.surface_params)[spec.name]
            if spec.log:  # a select_slider over these stops (ui.controls._param_widget)
                stops = {float(f"{v:.3g}") for v in np.geomspace(spec.low, spec.high, 61)}
                assert value in stops | {float(spec.default)}, spec.name
        assert run.steps % 10 == 0 and STEP_CHOICES[0] <= run.steps <= STEP_CHOICES[1]
        assert run.tol in TOLERANCES
        assert math.isclose(run.noise / 0.05, round(run.noise / 0.05))
        if run.batch_size is not None:
            assert 1 <= run.batch_size <= surface.n_samples
        for name, value in run.hyperparameters:
            if name != "lr":
                assert 0.01 <= value <= 0.999


@pytest.mark.parametrize("scene_id", IDS)
def test_stated_answer_is_what_the_library_does(scene_id):
    scene = lessons.get(scene_id)
    result = lessons.outcome(scene)
    assert result.answer == scene.answer, result.evidence
    assert result.evidence and all(line.strip() for line in result.evidence)


@pytest.mark.parametrize(
    "scene_id", [s.id for s in lessons.SCENES if any(r.noise or r.batch_size for r in s.runs)]
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stochastic_answers_do_not_hang_on_one_lucky_seed(scene_id, seed):
    scene = lessons.get(scene_id)
    runs = tuple(
        dataclasses.replace(run, seed=seed) if (run.noise or run.batch_size) else run
        for run in scene.runs
    )
    reseeded = lessons.Scene(**{**scene.__dict__, "runs": runs})
    assert lessons.outcome(reseeded).answer == scene.answer


# ----- each claim, measured independently of the scene's judge ---------------------------------
def test_step_size_scenes_follow_the_stability_limit():
    model = lessons.quadratic_model(surface_of("lr_too_small"))
    limit, best = model.gd_stability_limit, model.best_fixed_step
    (small,) = trajectories("lr_too_small")
    (right,) = trajectories("lr_just_right")
    (large,) = trajectories("lr_too_large")
    assert small.optimizer.lr < right.optimizer.lr < limit < large.optimizer.lr
    assert math.isclose(right.optimizer.lr, best, rel_tol=0.02)
    # Too small: safe (the loss only falls) but still far from the minimum after 100 steps.
    assert small.status == "max_steps" and np.all(np.diff(small.losses) < 0)
    surface = surface_of("lr_too_small")
    assert distance_to_minimum(surface, small.final_point) > 0.1 * distance_to_minimum(
        surface, small.points[0]
    )
    assert right.status == "converged"
    assert large.status == "diverged"


def test_ill_conditioning_makes_gradient_descent_zig_zag():
    (gd,) = trajectories("zigzag")
    surface = surface_of("zigzag")
    model = lessons.quadratic_model(surface)
    assert model.condition_number > 20
    steep = model.eigenvectors[:, 1]
    across = np.diff(gd.points, axis=0) @ steep
    big = across[np.abs(across) > 1e-3]
    assert np.count_nonzero(np.sign(big[1:]) != np.sign(big[:-1])) >= 20
    assert gd.status != "diverged" and gd.steps > 200


def test_momentum_removes_the_zig_zag():
    gd, heavy = trajectories("momentum")
    model = lessons.quadratic_model(surface_of("momentum"))
    steep = model.eigenvectors[:, 1]
    gd_turns = lessons.zigzags(gd.points, steep, 1e-3)
    heavy_turns = lessons.zigzags(heavy.points, steep, 1e-3)
    assert heavy_turns < gd_turns / 2
    assert gd.status == heavy.status == "converged"
    assert heavy.steps < gd.steps / 2
    assert gd.optimizer.lr == heavy.optimizer.lr


def test_nesterov_overshoots_less_than_the_heavy_ball():
    heavy, nesterov = trajectories("nesterov")
    assert (
        heavy.optimizer.hyperparameters["momentum"]
        == nesterov.optimizer.hyperparameters["momentum"]
        and heavy.optimizer.lr == nesterov.optimizer.lr
    )
    minimum = surface_of("nesterov").minima[0]
    # Past the minimum along the line from the start: how far each swings beyond it.
    direction = np.asarray(minimum) - heavy.points[0]
    direction /= np.linalg.norm(direction)
    beyond = [float(np.max((t.points - minimum) @ direction)) for t in (heavy, nesterov)]
    assert beyond[1] < 0.5 * beyond[0]
    assert nesterov.status == heavy.status == "converged" and nesterov.steps < heavy.steps


def test_standardizing_the_feature_changes_the_condition_number():
    raw_surface, standardized_surface = surface_of("standardize", 0), surface_of("standardize", 1)
    raw = surfaces.curvature(raw_surface, raw_surface.minima[0])
    standardized = surfaces.curvature(standardized_surface, standardized_surface.minima[0])
    assert raw.condition_number > 100
    assert standardized.condition_number == pytest.approx(1.0, abs=1e-6)
    raw_run, standardized_run = trajectories("standardize")
    for run, model in ((raw_run, raw), (standardized_run, standardized)):
        assert run.optimizer.lr <= model.best_fixed_step * (1 + 1e-9)  # each at its best step
    assert standardized_run.status == "converged" and standardized_run.steps <= 2
    assert raw_run.status == "max_steps"


def test_gradient_descent_stalls_at_the_saddle_and_noise_escapes():
    surface = surface_of("saddle")
    assert surfaces.curvature(surface, (0.0, 0.0)).kind == "saddle"
    plain, noisy = trajectories("saddle")
    radius = np.hypot(*plain.points.T)
    assert np.count_nonzero(radius < 0.1) >= 40  # stalls near the origin for many steps
    assert np.count_nonzero(np.hypot(*noisy.points.T) < 0.1) <= 5
    escape = [int(np.argmax(np.abs(t.points[:, 1]) > 0.5)) for t in (plain, noisy)]
    assert 0 < escape[1] < escape[0] - 20
    # Both end in a minimum of the double well, (0, ±1): escaping was worth it.
    assert plain.status == "converged"
    assert surfaces.curvature(surface, plain.final_point).kind == "minimum"
    assert distance_to_minimum(surface, noisy.final_point) < 0.2


def test_the_start_point_decides_the_minimum():
    first, second = trajectories("start_point")
    assert np.hypot(*(first.points[0] - second.points[0])) <= 0.1 + 1e-12
    surface = surface_of("start_point")
    assert first.status == second.status == "converged"
    ends = [lessons.nearest_minimum(surface, t.final_point) for t in (first, second)]
    assert ends[0] != ends[1]
    for trajectory, end in zip((first, second), ends, strict=True):
        assert distance_to_minimum(surface, trajectory.final_point) < 1e-5
        assert np.allclose(trajectory.final_point, surface.minima[end], atol=1e-5)


def test_sgd_bounces_above_the_minimum_and_decay_lowers_it():
    fixed, decayed = trajectories("sgd_noise_floor")
    surface = surface_of("sgd_noise_floor")
    f_star = float(surface.value(*surface.minima[0]))
    tail = slice(3 * len(fixed.losses) // 4, None)
    excess_fixed = float(np.mean(fixed.losses[tail]) - f_star)
    excess_decayed = float(np.mean(decayed.losses[tail]) - f_star)
    assert excess_fixed > 1e-3 and excess_fixed > 5 * excess_decayed
    assert np.all(np.diff(decayed.lrs) < 0) and np.all(fixed.lrs == fixed.lrs[0])
    # The floor is the noise, not the learning rate: full-batch GD at the same η converges.
    run = lessons.get("sgd_noise_floor").runs[0]
    exact = optimizers.run(
        run.build_surface(), run.build_optimizer(), x0=run.x0, steps=run.steps, tol=run.tol
    )
    assert exact.status == "converged"


def test_bigger_mini_batches_scatter_less():
    runs = lessons.get("minibatch").runs
    assert [run.batch_size for run in runs] == sorted(run.batch_size for run in runs)
    surface = surface_of("minibatch")
    spreads = []
    for trajectory in trajectories("minibatch"):
        last = trajectory.points[len(trajectory.points) // 2 :]
        spreads.append(float(np.sqrt(np.mean(np.sum((last - surface.minima[0]) ** 2, axis=1)))))
    assert spreads[0] > 2 * spreads[1] > 4 * spreads[2]


def test_adagrad_effective_step_only_shrinks_and_400_steps_leave_it_short():
    (adagrad,) = trajectories("adagrad")
    lr, eps = adagrad.optimizer.lr, adagrad.optimizer.hyperparameters["eps"]
    sums = np.cumsum(adagrad.gradients[:-1] ** 2, axis=0)
    effective = lr / (np.sqrt(sums) + eps)
    assert np.all(np.diff(effective, axis=0) <= 0)
    assert np.all(effective[-1] < 0.5 * effective[0])
    steps = np.hypot(*np.diff(adagrad.points, axis=0).T)
    assert steps[-1] < 0.01 * steps[0]
    surface = surface_of("adagrad")
    assert adagrad.status == "max_steps"
    assert distance_to_minimum(surface, adagrad.final_point) > 0.1 * distance_to_minimum(
        surface, adagrad.points[0]
    )


def test_rmsprop_and_adam_reach_the_minimum_where_adagrad_is_still_far_off():
    adagrad, rmsprop, adam = trajectories("rmsprop_adam")
    assert [t.optimizer.name for t in (adagrad, rmsprop, adam)] == ["adagrad", "rmsprop", "adam"]
    assert len({t.optimizer.lr for t in (adagrad, rmsprop, adam)}) == 1
    surface = surface_of("rmsprop_adam")
    assert rmsprop.status == adam.status == "converged"
    assert distance_to_minimum(surface, rmsprop.final_point) < 1e-3
    assert distance_to_minimum(surface, adam.final_point) < 1e-3
    assert distance_to_minimum(surface, adagrad.final_point) > 0.1


def test_clipping_caps_the_step_and_stops_the_explosion():
    plain, clipped = trajectories("clipping")
    run = lessons.get("clipping").runs[1]
    limit = run.lr * dict(run.options)["clip"]
    assert plain.status == "diverged" and plain.steps < 20
    assert clipped.status != "diverged"
    assert np.max(np.hypot(*np.diff(clipped.points, axis=0).T)) <= limit * (1 + 1e-12)
    assert clipped.final_loss < 1e-2 * clipped.losses[0]
    # The explanation quotes the exploding gradient norms, as the library computes them, with
    # three significant figures (each number parsed back and compared).
    text = lessons.get("clipping").explain()
    assert_readable_numbers(text)
    quoted = text.split("the next step is larger still: ", 1)[1].split(" — ", 1)[0]
    assert len(quoted.split(" → ")) == 4
    for shown, norm in zip(quoted.split(" → "), plain.grad_norms[:4], strict=True):
        assert_shows(shown, norm, "")


def test_numbers_quoted_in_the_explanations_are_the_library_s():
    model = lessons.quadratic_model(surface_of("lr_just_right"))
    (right,) = trajectories("lr_just_right")
    assert (model.lambda_min, model.lambda_max) == pytest.approx((1.0, 10.0))
    assert 1 - right.optimizer.lr * model.lambda_min == pytest.approx(0.82, abs=0.005)
    assert 1 - right.optimizer.lr * model.lambda_max == pytest.approx(-0.83, abs=0.005)
    just_right = lessons.get("lr_just_right").explain()
    assert_readable_numbers(just_right)
    shallow = 1 - right.optimizer.lr * model.lambda_min
    assert_shows(just_right, shallow, "1-\\eta\\lambda_{\\min} = ")
    (large,) = trajectories("lr_too_large")
    assert 1 - large.optimizer.lr * model.lambda_max == pytest.approx(-1.11)
    assert large.optimizer.lr / model.gd_stability_limit == pytest.approx(1.05, abs=0.01)
    too_large = lessons.get("lr_too_large").explain()
    assert_readable_numbers(too_large)
    assert_shows(too_large, 1 - large.optimizer.lr * model.lambda_max, "\\cdot 10 = ")
    # The saddle: λ = −4 across the ridge, growth 1 + 4η per step, about 100 steps from 1e-8.
    saddle = surfaces.curvature(surface_of("saddle"), (0.0, 0.0))
    assert saddle.eigenvalues.tolist() == pytest.approx([-4.0, 2.0])
    lr = lessons.get("saddle").runs[0].lr
    assert math.log(1e8) / math.log(1 + 4 * lr) == pytest.approx(100, abs=3)


def test_setup_figure_shows_the_starts_and_no_path():
    scene = lessons.get("start_point")
    surface = scene.runs[0].build_surface()
    fig = scene_figures.setup_figure([(surface_layers(surface, 60), surface, scene.runs)])
    for run in scene.runs:
        (trace,) = [t for t in fig.data if t.name == run.label]
        assert list(trace.x) == [run.x0[0]] and list(trace.y) == [run.x0[1]]
    assert not fig.frames
    assert all(len(t.x) == 1 for t in fig.data if t.name not in ("level lines", "minimum"))


# ----- the explanation judges and the true sentences (#15) -------------------------------------
@pytest.mark.parametrize("scene_id", IDS)
def test_every_claim_of_the_explanation_holds_in_the_scene_s_runs(scene_id):
    scene = lessons.get(scene_id)
    claims = lessons.check_claims(scene)
    assert claims, "every scene's explanation has a judge"
    for claim in claims:
        assert claim.holds, f"{claim.statement}: {claim.evidence}"
        assert claim.statement.strip() and claim.evidence.strip()


def test_an_explanation_judge_can_fail():
    """A claim judge reads the runs: feed it another scene's runs and its claims fail."""
    momentum = lessons.get("momentum")
    swapped = tuple(reversed(lessons.run_scene(momentum)))
    assert not all(claim.holds for claim in momentum.claims(momentum.runs, swapped))
    too_large = lessons.get("lr_too_large")
    timid = lessons.run_scene(lessons.get("lr_too_small"))
    assert not all(claim.holds for claim in too_large.claims(too_large.runs, timid))


HASH = re.compile(r"\b\d{3}_[0-9a-f]{16}\b")


def shown_text(scene) -> str:
    return " ".join(
        [scene.setup, scene.idea, scene.explain(), scene.question, *scene.choices]
        + [f"{lessons.cite(seed)}: {idea}" for seed, idea in scene.sources]
    )


@pytest.mark.parametrize("scene_id", IDS)
def test_citations_name_authors_and_titles_not_file_hashes(scene_id):
    scene = lessons.get(scene_id)
    assert not HASH.search(shown_text(scene))
    assert "seed 0" not in shown_text(scene)
    for seed, _ in scene.sources:
        assert "*" in lessons.cite(seed), "a title in italics"


def test_citations_match_the_lecture_notes_headers():
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    notes = {p.name[:3]: p.read_text() for p in seeds.glob("*.txt")} if seeds.is_dir() else {}
    if not notes:  # the worktree layout; the repository copy is /work/shared/seeds
        notes = {p.name[:3]: p.read_text() for p in Path("/work/shared/seeds").glob("*.txt")}
    assert notes
    for seed, text in notes.items():
        head = text[:1500]
        title = lessons.cite(seed).split("*")[1]
        assert title.lower() in head.lower(), (seed, title)
    assert "Cheung" in notes["000"][:500] and "Elston" in notes["001"][:500]
    assert "Valle" in notes["002"][:500] and "Korea University" in notes["004"][:500]


def test_clipping_scene_says_it_can_never_settle_item_4():
    text = lessons.get("clipping").explain()
    assert "settle quickly" not in text
    surface = lessons.get("clipping").runs[1].build_surface()
    limit = 2 / surfaces.curvature(surface, (1.0, 1.0)).lambda_max
    assert limit == pytest.approx(0.002, abs=1e-4)
    assert f"{limit:.3g}" in text and "never settle" in text and "2-cycle" in text
    from lessons.claims import cycle_distance

    assert f"{cycle_distance(lessons.get('clipping').runs[1]):.3g}" in text


def test_adagrad_scene_says_the_rate_freezes_and_it_converges_slowly_item_8():
    scene = lessons.get("adagrad")
    text = scene.idea + scene.explain()
    assert "for ever and the run can stall" not in text and "stalls" not in text
    assert "freezes" in text
    long = dataclasses.replace(scene.runs[0], steps=20_000).run()
    assert long.status == "converged" and long.steps > 10_000
    assert f"converged in {long.steps} steps" in text


def test_adam_scene_says_average_not_forgetting_item_9_and_bias_note_item_15():
    text = lessons.get("rmsprop_adam").explain()
    assert "old gradients are forgotten" not in text
    assert "**average**" in text and "forgets almost nothing" in text
    assert "Kingma" in text and "without the power $t$" in text
    (adam,) = [
        t for t in lessons.run_scene(lessons.get("rmsprop_adam")) if t.optimizer.name == "adam"
    ]
    assert f"{0.999 ** (adam.steps - 1):.3g}" in text


def test_zigzag_scene_names_the_condition_item_10():
    scene = lessons.get("zigzag")
    text = scene.idea + scene.explain()
    assert "1/λmax < η < 2/λmax" in scene.idea
    model = lessons.quadratic_model(scene.runs[0].build_surface())
    assert f"{1 / model.lambda_max:.3g}" in text and "crawl" in text
    for lr in (0.005, 0.0099):  # below 1/λmax: no reversal at all
        small = dataclasses.replace(scene.runs[0], hyperparameters=(("lr", lr),))
        direction = model.eigenvectors[:, 1]
        surface = small.build_surface()
        assert lessons.zigzags(small.run().points, direction, 2e-3 * surface.half_diagonal) == 0


def test_start_point_scene_gives_symmetry_breaking_as_the_reason_item_11():
    text = lessons.get("start_point").explain()
    assert "That is why networks are initialised at random" not in text
    assert "symmetry breaking" in text and "Elston" in text and "Valle" in text


def test_standardize_scene_says_which_hessian_and_when_kappa_is_1_items_12_13():
    scene = lessons.get("standardize")
    text = scene.idea + scene.explain()
    assert "The Hessian of the mean squared error is" not in text
    assert "half the mean squared error" in text and "2A^\\top A/n" in text
    assert "one feature plus an intercept" in text.replace("**", "")
    assert "(1+r)/(1-r) = 19" in text
    raw = scene.runs[0].build_surface()
    assert f"{lessons.quadratic_model(raw).condition_number:.3g}" in text


def test_momentum_sum_index_matches_v0_zero_item_15():
    text = lessons.get("momentum").explain()
    assert "\\sum_{j=0}^{t-1} \\beta^{\\,t-1-j} g_j" in text and "v_0 = 0" in text


def test_glossary_gives_each_symbol_one_meaning_item_15():
    symbols = [symbol for symbol, _, _ in lessons.GLOSSARY]
    assert len(symbols) == len(set(symbols))
    assert {"η", "β", "ρ", "κ", "λ", "ε", "b", "epoch"} <= set(symbols)
    rho = dict((s, m) for s, m, _ in lessons.GLOSSARY)["ρ"]
    assert "RMSprop" in rho and "nothing else" in rho
    # Scene texts use ρ only for RMSprop's decay.
    for scene in lessons.SCENES:
        if "ρ" in shown_text(scene) or "\\rho" in scene.explain() + scene.formula:
            assert any(run.optimizer == "rmsprop" for run in scene.runs), scene.id


# ----- the page (AppTest) ----------------------------------------------------------------------
@pytest.fixture
def at() -> AppTest:
    return open_page(PAGE, timeout=60)


def drawn_paths(figure: dict) -> list[np.ndarray]:
    """Each run's whole path as the animated figure draws it: its last frame, a keyframe
    that carries every path whole (the data show step 0 until the animation plays)."""
    roles = figure["layout"]["meta"]["traces"]
    last = figure["frames"][-1]
    updates = dict(zip(last["traces"], last["data"], strict=True))
    return [
        np.column_stack([decode(updates[i]["x"]), decode(updates[i]["y"])])
        for i in roles["path_history"]
    ]


def widget_count(app: AppTest) -> int:
    kinds = (
        "button",
        "selectbox",
        "toggle",
        "radio",
        "checkbox",
        "slider",
        "select_slider",
        "number_input",
        "text_input",
        "multiselect",
    )
    return sum(len(getattr(app, kind)) for kind in kinds)


def show(app: AppTest, scene_id: str) -> None:
    app.selectbox(key="dl_lesson.scene").set_value(scene_id)
    app.run()
    assert not app.exception


def reveal(app: AppTest, scene_id: str) -> None:
    app.button(key=f"lesson_reveal.{scene_id}").click()
    app.run()
    assert not app.exception


def test_the_page_opens_on_the_first_scene_with_nothing_chosen(at):
    assert at.selectbox(key="dl_lesson.scene").value == IDS[0]
    assert at.radio(key=f"dl_lesson.answer.{IDS[0]}").value is None
    assert not at.success and not at.error


@pytest.mark.parametrize("scene_id", IDS)
def test_every_scene_renders_before_and_after_the_reveal(at, scene_id):
    scene = lessons.get(scene_id)
    show(at, scene_id)
    # Before: the question, the surfaces with the starts, no path.
    assert at.radio(key=f"dl_lesson.answer.{scene_id}").label == scene.question
    (setup,) = figures(at)
    for run in scene.runs:
        assert [t for t in setup["data"] if t.get("name") == run.label]
    assert "frames" not in setup or not setup["frames"]
    assert not any(scene.explain()[:40] in m.value for m in at.markdown)

    reveal(at, scene_id)
    # After: one animated figure per surface, whose paths are the library's trajectories.
    expected = lessons.run_scene(scene)
    shown = [path for figure in figures(at) for path in drawn_paths(figure)]
    assert len(shown) == len(expected)
    for path, trajectory in zip(shown, expected, strict=True):
        assert path.shape == trajectory.points.shape
        np.testing.assert_allclose(path, trajectory.points, rtol=1e-6, atol=1e-6)
    assert any(scene.explain()[:40] in m.value for m in at.markdown)
    assert [latex.value.strip("$\n") for latex in at.latex] == [scene.formula]
    assert any("lecture notes" in caption.value for caption in at.caption)
    # The explanation's claims, each checked against the runs, are listed under it.
    checks = next(e for e in at.expander if e.label == "How we know the explanation is true")
    listed = " ".join(m.value for m in checks.markdown)
    for claim in lessons.check_claims(scene):
        assert f"✓ {claim.statement}" in listed
    assert "✗" not in listed


@pytest.mark.parametrize("pick", ["right", "wrong"])
def test_answering_then_revealing_says_right_or_wrong(at, pick):
    scene = lessons.get("momentum")
    show(at, scene.id)
    chosen = scene.answer if pick == "right" else (scene.answer + 1) % len(scene.choices)
    at.radio(key=f"dl_lesson.answer.{scene.id}").set_value(chosen)
    at.run()
    assert not at.success and not at.error  # nothing given away before the reveal
    reveal(at, scene.id)
    truth = scene.choices[scene.answer]
    if pick == "right":
        assert len(at.success) == 1 and truth in at.success[0].value and not at.error
    else:
        assert len(at.error) == 1 and truth in at.error[0].value and not at.success
        assert scene.choices[chosen] in at.error[0].value


def test_revealing_without_an_answer_just_gives_it_and_ask_again_resets(at):
    scene = lessons.get("saddle")
    show(at, scene.id)
    reveal(at, scene.id)
    assert len(at.info) == 1 and scene.choices[scene.answer] in at.info[0].value
    at.button(key=f"lesson_again.{scene.id}").click()
    at.run()
    assert not at.exception
    assert at.radio(key=f"dl_lesson.answer.{scene.id}").value is None
    assert not at.info and at.button(key=f"lesson_reveal.{scene.id}")


def test_previous_and_next_walk_through_the_scenes(at):
    at.button(key="lesson_next").click()
    at.run()
    assert at.selectbox(key="dl_lesson.scene").value == IDS[1]
    at.button(key="lesson_previous").click()
    at.run()
    assert at.selectbox(key="dl_lesson.scene").value == IDS[0]
    assert at.button(key="lesson_previous").disabled


NAV = {"lesson_previous", "lesson_next", "lesson_playground"}


def main_button_keys(app: AppTest) -> set[str]:
    return {button.key for button in app.main.button}


def test_teacher_mode_keeps_the_lesson_and_its_controls_on_the_page(at):
    show(at, "zigzag")
    normal = widget_count(at)
    assert NAV <= {button.key for button in at.sidebar.button}
    assert at.title and at.expander
    at.toggle(key="dl_lesson.teacher").set_value(True)
    at.run()
    assert not at.exception
    assert widget_count(at) <= normal  # nothing added but what moved
    # Previous, Next, Reveal and Open in the Playground are on the page, not in the sidebar.
    assert NAV | {"lesson_reveal.zigzag"} <= main_button_keys(at)
    assert not NAV & {button.key for button in at.sidebar.button}
    sidebar_widgets = [w for w in at.sidebar if getattr(w, "key", None)]
    assert {w.key for w in sidebar_widgets} >= {"dl_lesson.scene", "dl_lesson.teacher"}
    assert not at.title and not at.expander  # no page title, no run table: just the lesson
    assert any("font-size" in html.value for html in at.html)  # the big type
    # The shortcuts are shown on the page, and the script that clicks the buttons is there.
    assert any("→" in caption.value and "space" in caption.value for caption in at.caption)
    script = next(html.value for html in at.html if "keydown" in html.value)
    for key in ("ArrowRight", "ArrowLeft", "lesson_next", "lesson_previous", "lesson_reveal"):
        assert key in script
    assert "stSidebarCollapseButton" in script  # teacher mode folds the sidebar away
    # The page's Next works, and the reveal still works from the page's bar.
    at.button(key="lesson_next").click()
    at.run()
    assert at.selectbox(key="dl_lesson.scene").value == IDS[IDS.index("zigzag") + 1]
    at.button(key="lesson_previous").click()
    at.run()
    assert at.radio(key="dl_lesson.answer.zigzag").value is None
    reveal(at, "zigzag")
    assert figures(at) and any("zig-zag" in m.value for m in at.markdown)
    assert {"lesson_again.zigzag"} | NAV <= main_button_keys(at)


def test_reveal_plays_the_runs_from_step_zero(at):
    scene = lessons.get("momentum")
    show(at, scene.id)
    reveal(at, scene.id)
    (figure,) = figures(at)
    roles = figure["layout"]["meta"]["traces"]
    assert figure["layout"]["sliders"][0]["active"] == 0
    for run, index, current in zip(
        scene.runs, roles["path_history"], roles["current"], strict=True
    ):
        history = figure["data"][index]
        assert len(decode(history["x"])) == 1, "no path yet: the run starts at step 0"
        point = (decode(figure["data"][current]["x"])[0], decode(figure["data"][current]["y"])[0])
        assert point == pytest.approx(run.x0)
    # A script starts the animation once for this reveal, and again after Ask again + Reveal.
    plays = [html.value for html in at.html if "updatemenu-button" in html.value]
    assert len(plays) == 1 and f'"{scene.id}.1"' in plays[0]
    at.button(key=f"lesson_again.{scene.id}").click()
    at.run()
    reveal(at, scene.id)
    assert any(f'"{scene.id}.2"' in html.value for html in at.html)


@pytest.mark.parametrize("scene_id", ["standardize", "minibatch"])
def test_revealed_axes_name_the_parameters_as_the_setup_does(at, scene_id):
    """The scaling lesson's setup drew w and b, and after the reveal its paths ran over "x"
    and "y": every figure of a scene names a surface's parameters by the surface's own words."""
    show(at, scene_id)
    (setup,) = figures(at)
    before = [setup["layout"][axis]["title"]["text"] for axis in ("xaxis", "yaxis")]
    reveal(at, scene_id)
    scene = lessons.get(scene_id)
    expected = surfaces.get(scene.runs[0].surface, **dict(scene.runs[0].surface_params))
    assert tuple(before) == expected.extras["axis_labels"] != ("x", "y")
    for figure in figures(at):
        after = [figure["layout"][axis]["title"]["text"] for axis in ("xaxis", "yaxis")]
        assert after == before


def test_setup_names_the_start_marker_the_figure_draws(at):
    """Lesson 1 said "the white dot" and drew an orange one: the words now follow the marker."""
    scene = lessons.get("lr_too_small")
    show(at, scene.id)
    (setup,) = figures(at)
    (start,) = [t for t in setup["data"] if t.get("name") == scene.runs[0].label]
    colour = start["marker"]["color"]
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    assert red > 200 and 100 < green < 200 and blue < 80, "the first path colour is an orange"
    text = next(m.value for m in at.markdown if "learning rate" in m.value)
    assert "orange dot" in text and "white" not in text
    assert start["marker"]["size"] >= 20 and "large orange dot" in text
    assert lessons.START_MARKER not in text


def test_the_glossary_is_on_the_page(at):
    assert any(e.label == "Symbols used in the lessons" for e in at.expander)
    table = next(m.value for m in at.markdown if "| symbol |" in m.value)
    for symbol, _, _ in lessons.GLOSSARY:
        assert f"| {symbol} |" in table


PLAYGROUND_CASES = ["momentum", "saddle", "sgd_noise_floor", "clipping"]


@pytest.mark.parametrize("scene_id", PLAYGROUND_CASES)
def test_open_in_the_playground_sets_the_shared_keys_and_runs_the_same_path(at, scene_id):
    scene = lessons.get(scene_id)
    run = scene.runs[scene.playground]
    show(at, scene_id)
    at.button(key="lesson_playground").click()
    at.run()
    assert not at.exception
    state = at.session_state
    assert state["dl_surface"] == run.surface
    assert state["dl_optimizer"] == run.optimizer
    for name, value in run.surface_params:
        assert state[f"dl_surface.{run.surface}.{name}"] == value
    assert state[f"dl_lr.{run.surface}.{run.optimizer}"] == run.lr
    for name, value in run.hyperparameters[1:]:
        assert state[f"dl_hp.{run.optimizer}.{name}"] == value
    assert state["dl_steps"] == run.steps
    assert (state[f"dl_start.{run.surface}.x"], state[f"dl_start.{run.surface}.y"]) == run.x0
    assert state["dl_decay"] == dict(run.options).get("decay", 0.0)
    assert state["dl_clip"] == dict(run.options).get("clip", 0.0)
    # We are on the Playground now, and it runs exactly the scene's run.
    assert [title.value for title in at.title] == ["Playground"]
    playground = next(f for f in figures(at) if "meta" in f["layout"])
    (path,) = drawn_paths(playground)
    expected = run.run().points
    assert path.shape == expected.shape
    np.testing.assert_allclose(path, expected, rtol=1e-6, atol=1e-6)


def test_the_readme_glossary_is_the_app_s():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme.split("## Glossary", 1)[1].split("\n## ", 1)[0]
    for symbol, meaning, notes in lessons.GLOSSARY:
        assert f"| {symbol} | {meaning} | {notes} |" in section


@pytest.mark.parametrize("scene_id", IDS)
def test_every_number_a_scene_prints_has_three_significant_figures(scene_id):
    """Setup, explanation, the judges' claims and their evidence: no raw repr ('1e-08'), no
    long decimal, at most 3 significant figures (#11 'Student-facing words')."""
    scene = lessons.get(scene_id)
    texts = [scene.setup, scene.idea, scene.explain()]
    for claim in lessons.check_claims(scene):
        texts += [claim.statement, claim.evidence]
    for text in texts:
        assert_readable_numbers(text)
