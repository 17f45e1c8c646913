"""The Lessons page's widgets and views: pick a scene, predict, reveal, explain.

The scenes themselves are data in :mod:`lessons`. Keys: ``dl_lesson.scene`` (the picker),
``dl_lesson.teacher`` (teacher mode), ``dl_lesson.answer.<scene>`` (each scene's choice) and
``dl_lesson.revealed.<scene>`` (a plain flag, not a widget). They start with ``dl_`` so
:func:`ui.state.persist` keeps them when the class visits another page and comes back.
Buttons have keys without the prefix: Streamlit refuses to have a button's value assigned.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

import lessons
import optimizers
from ui import compute, controls
from ui.state import default, set_value
from viz import scenes as scene_figures

SCENE_KEY = "dl_lesson.scene"
TEACHER_KEY = "dl_lesson.teacher"
#: Where "Open in the Playground" goes (the path app.py registers the Playground under).
PLAYGROUND_PAGE = "app_pages/playground.py"

#: Teacher mode: a projected screen read from the back row.
TEACHER_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 3rem; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li {
  font-size: 1.3rem; line-height: 1.45;
}
[data-testid="stMain"] [data-testid="stRadio"] [data-testid="stWidgetLabel"] p {
  font-size: 1.6rem; font-weight: 700; line-height: 1.3;
}
[data-testid="stMain"] [data-testid="stRadioOption"] p { font-size: 1.4rem; }
[data-testid="stMain"] [data-testid="stAlert"] p { font-size: 1.4rem; }
[data-testid="stMain"] [data-testid="stButton"] button p { font-size: 1.3rem; }
[data-testid="stMain"] .katex-display > .katex { font-size: 1.6em !important; }
</style>
"""


def answer_key(scene: lessons.Scene) -> str:
    return f"dl_lesson.answer.{scene.id}"


def revealed_key(scene: lessons.Scene) -> str:
    return f"dl_lesson.revealed.{scene.id}"


def is_revealed(scene: lessons.Scene) -> bool:
    return bool(st.session_state.get(revealed_key(scene), False))


def panels(scene: lessons.Scene) -> list[tuple[optimizers.RunSpec, ...]]:
    """The scene's runs grouped by surface (one figure each), in order."""
    groups: dict[tuple[str, tuple], list[optimizers.RunSpec]] = {}
    for run in scene.runs:
        groups.setdefault((run.surface, run.surface_params), []).append(run)
    return [tuple(group) for group in groups.values()]


@st.cache_data(max_entries=32, show_spinner=False)
def setup_figure(scene_id: str, height: int = 520):
    """The scene's surfaces and start points, without paths (one panel per surface)."""
    return scene_figures.setup_figure(
        [
            (
                compute.layers(runs[0].surface, runs[0].surface_params),
                compute.surface(runs[0].surface, runs[0].surface_params),
                runs,
            )
            for runs in panels(lessons.get(scene_id))
        ],
        height=height,
    )


def path_figure(runs: tuple[optimizers.RunSpec, ...]):
    """The animated figure of ``runs`` (one surface), through the shared cache."""
    return compute.path_figure(
        runs,
        tuple(run.label for run in runs),
        show_arrows=len(runs) == 1,
    )


@st.cache_data(max_entries=32, show_spinner=False)
def outcome(scene_id: str) -> lessons.Outcome:
    """What the library did in scene ``scene_id`` (from the cached trajectories)."""
    scene = lessons.get(scene_id)
    return lessons.outcome(scene, [compute.run(run) for run in scene.runs])


@st.cache_data(max_entries=32, show_spinner=False)
def curvature_note(scene_id: str) -> str:
    return lessons.curvature_note(lessons.get(scene_id))


# ----- sidebar --------------------------------------------------------------------------------
def _title(scene_id: str) -> str:
    return f"{lessons.ids().index(scene_id) + 1}. {lessons.get(scene_id).title}"


def _move(step: int) -> None:
    ids = lessons.ids()
    here = ids.index(st.session_state[SCENE_KEY])
    set_value(SCENE_KEY, ids[min(max(here + step, 0), len(ids) - 1)])


def sidebar() -> tuple[lessons.Scene, bool]:
    """The scene picker and the teacher-mode toggle; outside teacher mode also previous/next
    and "Open in the Playground". Returns the scene and whether teacher mode is on."""
    ids = lessons.ids()
    with st.sidebar:
        if default(SCENE_KEY, ids[0], options=ids, format_func=_title) not in ids:
            set_value(SCENE_KEY, ids[0])
        scene_id = st.selectbox("Scene", ids, key=SCENE_KEY, format_func=_title)
        scene = lessons.get(scene_id)
        default(TEACHER_KEY, False, kind="bool")
        teacher = st.toggle(
            "Teacher mode",
            key=TEACHER_KEY,
            help="For the projector: big text, only the lesson on screen, and the explanation "
            "only after the reveal.",
        )
        if not teacher:
            here = ids.index(scene_id)
            back, forward = st.columns(2)
            back.button(
                "◀ Previous",
                key="lesson_previous",
                on_click=_move,
                args=(-1,),
                disabled=here == 0,
                width="stretch",
            )
            forward.button(
                "Next ▶",
                key="lesson_next",
                on_click=_move,
                args=(1,),
                disabled=here == len(ids) - 1,
                width="stretch",
            )
            if st.button(
                "Open in the Playground",
                key="lesson_playground",
                icon=":material/play_circle:",
                width="stretch",
                help="Load this scene's run into the Playground to change it.",
            ):
                open_in_playground(scene)
    return scene, teacher


# ----- "Open in the Playground" -----------------------------------------------------------------
def playground_state(run: optimizers.RunSpec) -> dict[str, Any]:
    """The Playground's session keys (``ui.controls``) that reproduce ``run``."""
    surface = compute.surface(run.surface, run.surface_params)
    hyper = dict(run.hyperparameters)
    options = dict(run.options)
    low, high = controls.STEP_CHOICES
    keys: dict[str, Any] = {"dl_surface": run.surface, "dl_optimizer": run.optimizer}
    for name, value in run.surface_params:
        keys[f"dl_surface.{run.surface}.{name}"] = value
    keys[f"dl_lr.{run.surface}.{run.optimizer}"] = controls.snap_lr(hyper.pop("lr"))
    for name, value in hyper.items():
        keys[f"dl_hp.{run.optimizer}.{name}"] = value
    keys["dl_steps"] = min(max(10 * round(run.steps / 10), low), high)
    keys[f"dl_start.{run.surface}.x"], keys[f"dl_start.{run.surface}.y"] = run.x0
    if surface.n_samples:
        keys["dl_full_batch"] = run.batch_size is None
        if run.batch_size is not None:
            keys["dl_batch_size"] = run.batch_size
    else:
        keys["dl_noise"] = run.noise
    keys["dl_seed"] = run.seed
    keys["dl_decay"] = float(options.get("decay", 0.0))
    keys["dl_clip"] = float(options.get("clip", 0.0))
    keys["dl_weight_decay"] = float(options.get("weight_decay", 0.0))
    keys["dl_tol"] = min(controls.TOLERANCES, key=lambda tol: abs(tol - run.tol))
    return keys


def open_in_playground(scene: lessons.Scene) -> None:
    """Write the scene's chosen run into the Playground's controls and go there."""
    for key, value in playground_state(scene.runs[scene.playground]).items():
        st.session_state[key] = value
    st.switch_page(PLAYGROUND_PAGE)


# ----- the lesson -------------------------------------------------------------------------------
def header(scene: lessons.Scene, teacher: bool) -> None:
    """Big type in teacher mode; otherwise the page title and a line on how it works."""
    if teacher:
        st.html(TEACHER_CSS)
    else:
        st.title("Lessons")
        st.caption(
            "Read the setup, answer the question, then press **Reveal** to run it. "
            "Teacher mode (sidebar) keeps only the lesson on screen for a projector."
        )
    st.header(_title(scene.id), anchor=False)


def setup_text(scene: lessons.Scene) -> None:
    st.markdown(scene.setup)
    if scene.curvature_note:
        st.markdown(curvature_note(scene.id))


def question(scene: lessons.Scene) -> int | None:
    """The question and its choices, none chosen at first."""
    if st.session_state.get(answer_key(scene)) not in (None, *range(len(scene.choices))):
        set_value(answer_key(scene), None)
    return st.radio(
        scene.question,
        range(len(scene.choices)),
        index=None,
        key=answer_key(scene),
        format_func=lambda index: scene.choices[index],
    )


def _reveal(scene: lessons.Scene) -> None:
    set_value(revealed_key(scene), True)


def _ask_again(scene: lessons.Scene) -> None:
    set_value(revealed_key(scene), False)
    set_value(answer_key(scene), None)


def reveal_button(scene: lessons.Scene) -> None:
    if is_revealed(scene):
        st.button(
            "Ask again",
            key=f"lesson_again.{scene.id}",
            on_click=_ask_again,
            args=(scene,),
            icon=":material/replay:",
        )
    else:
        st.button(
            "Reveal",
            key=f"lesson_reveal.{scene.id}",
            type="primary",
            on_click=_reveal,
            args=(scene,),
            icon=":material/visibility:",
        )


def setup_view(scene: lessons.Scene, teacher: bool) -> None:
    """Before the reveal: the setup, the question and the surfaces with the start points (beside
    the question; below it when the scene compares surfaces, which need the width)."""
    several = len(panels(scene)) > 1
    left, right = st.columns([1, 1] if teacher or several else [2, 3], gap="large")
    with left:
        setup_text(scene)
        if not several:
            question(scene)
            reveal_button(scene)
    with right if not several else st.container():
        st.plotly_chart(
            setup_figure(scene.id, 460 if several else (580 if teacher else 520)),
            key=f"lesson_setup.{scene.id}",
            theme=None,
            width="stretch",
        )
    if several:
        with right:
            question(scene)
            reveal_button(scene)
    if not teacher:
        with st.expander("The runs in detail"):
            st.dataframe(run_table(scene), hide_index=True, width="stretch")


def verdict(scene: lessons.Scene, result: lessons.Outcome) -> None:
    """Correct, not quite (with the pick), or, when nobody answered, just the answer."""
    chosen = st.session_state.get(answer_key(scene))
    truth = scene.choices[result.answer]
    if chosen is None:
        st.info(f"The answer: **{truth}**", icon=":material/lightbulb:")
    elif chosen == result.answer:
        st.success(f"Correct: **{truth}**", icon=":material/check_circle:")
    else:
        st.error(
            f"Not quite: you chose “{scene.choices[chosen]}”. The answer: **{truth}**",
            icon=":material/cancel:",
        )


def reveal_view(scene: lessons.Scene, teacher: bool) -> None:
    """After the reveal: the question and the verdict, the animated runs, then the explanation
    with its formula, the numbers the library measured and where the idea comes from."""
    result = outcome(scene.id)
    asked, again = st.columns([3, 1], vertical_alignment="center")
    with asked:
        if teacher:
            st.subheader(scene.question, anchor=False)
        else:
            st.markdown(f"**{scene.question}**")
    with again:
        reveal_button(scene)
    verdict(scene, result)
    for index, runs in enumerate(panels(scene)):
        st.plotly_chart(
            path_figure(runs), key=f"lesson_chart.{scene.id}.{index}", theme=None, width="stretch"
        )
    words, numbers = st.columns([3, 2], gap="large")
    with words:
        st.markdown(f"**{scene.idea}**")
        st.markdown(scene.explanation)
        st.latex(scene.formula)
    with numbers:
        st.markdown("**What the runs did**")
        st.markdown("\n".join(f"- {line}" for line in result.evidence))
    st.caption(
        "From the lecture notes: "
        + "; ".join(f"{lessons.cite(seed)}: {idea}" for seed, idea in scene.sources)
        + "."
    )
    if not teacher:
        st.caption("Press ▶ under the chart to replay the runs.")


def run_table(scene: lessons.Scene) -> list[dict]:
    """One row per run: what the runner is called with."""
    rows = []
    for run in scene.runs:
        hyper = dict(run.hyperparameters)
        rows.append(
            {
                "Run": run.label,
                "Surface": compute.surface(run.surface, run.surface_params).title,
                "Optimizer": run.optimizer,
                "η": hyper.pop("lr"),
                "Other hyperparameters": ", ".join(f"{k} = {v:g}" for k, v in hyper.items()) or "—",
                "Options": ", ".join(f"{k} = {v:g}" for k, v in run.options) or "—",
                "Start": f"({run.x0[0]:.4g}, {run.x0[1]:.4g})",
                "Steps": run.steps,
                "Batch size": "full" if run.batch_size is None else str(run.batch_size),
                "Noise σ": run.noise,
                "Seed": run.seed,
            }
        )
    return rows
