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
from optimizers.numbers import format_number
from ui import compute, controls, style
from ui.state import default, set_value
from viz import scenes as scene_figures
from viz.animation import path_figure_dict
from viz.dict_figure import DictFigure, encode_arrays

SCENE_KEY = "dl_lesson.scene"
TEACHER_KEY = "dl_lesson.teacher"
#: Counts the reveals: the script that starts the animation runs once per reveal.
PLAYS_KEY = "dl_lesson.plays"
#: The on-page buttons (teacher mode) and the sidebar ones (otherwise) share these keys.
PREVIOUS, NEXT, PLAYGROUND = "lesson_previous", "lesson_next", "lesson_playground"
#: The container that holds the shortcut hint; the key listener acts only while it is shown.
KEYS_HINT = "lesson_keys"
SHORTCUTS = "Keys: **→** next scene · **←** previous scene · **space** Reveal, then Play"
#: Where "Open in the Playground" goes (the path app.py registers the Playground under).
PLAYGROUND_PAGE = "app_pages/playground.py"

#: Keyboard shortcuts for teacher mode: → / ← click Next / Previous, space clicks Reveal or,
#: once revealed, every chart's Play. Installed once per browser tab; it acts only while the
#: shortcut hint is on screen, and never while a text field, slider or radio has the focus.
KEYBOARD_SCRIPT = (
    """
<script>
(() => {
  if (window.__descentLabLessonKeys) return;
  window.__descentLabLessonKeys = true;
  const click = (selector) => {
    const button = document.querySelector(selector);
    if (!button || button.disabled) return false;
    button.click();
    return true;
  };
  document.addEventListener("keydown", (event) => {
    if (!document.querySelector(".st-key-__HINT__")) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const focus = event.target;
    if (focus && focus.closest && focus.closest(
      "input, textarea, select, [contenteditable='true'], [role='slider'], [role='radiogroup']"
    )) return;
    let done = false;
    if (event.key === "ArrowRight") done = click(".st-key-__NEXT__ button");
    else if (event.key === "ArrowLeft") done = click(".st-key-__PREVIOUS__ button");
    else if (event.key === " ") {
      done = click("[class*='st-key-lesson_reveal'] button");
      if (!done) {
        for (const play of document.querySelectorAll(".js-plotly-plot .updatemenu-button")) {
          if (play.textContent.includes("Play")) {
            play.dispatchEvent(new MouseEvent("click", {bubbles: true}));
            done = true;
          }
        }
      }
    }
    if (done) {
      event.preventDefault();
      if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
    }
  });
})();
</script>
""".replace("__HINT__", "lesson_keys")
    .replace("__NEXT__", "lesson_next")
    .replace("__PREVIOUS__", "lesson_previous")
)

#: Starts the charts of a reveal from step 0, once per reveal (``__PLAY__`` is unique to it):
#: waits for Plotly to draw the Play buttons, then presses each. Teacher mode also folds the
#: sidebar away the first time it is on screen.
PLAY_SCRIPT = """
<script>
(() => {
  const play = "__PLAY__";
  if (window.__descentLabPlayed === play) return;
  window.__descentLabPlayed = play;
  let tries = 0;
  const timer = setInterval(() => {
    const buttons = [...document.querySelectorAll(".js-plotly-plot .updatemenu-button")]
      .filter((button) => button.textContent.includes("Play"));
    if (buttons.length) {
      clearInterval(timer);
      for (const button of buttons) {
        button.dispatchEvent(new MouseEvent("click", {bubbles: true}));
      }
    } else if (++tries > 150) {
      clearInterval(timer);
    }
  }, 100);
})();
</script>
"""

#: Folds the sidebar away when teacher mode comes on screen (the teacher can open it again).
FOLD_SIDEBAR_SCRIPT = """
<script>
(() => {
  // Once React has drawn the page: a click during its update is lost.
  setTimeout(() => {
    const fold = document.querySelector(
      "[data-testid='stSidebarCollapseButton'] button[aria-expanded='true']"
    );
    if (fold) fold.click();
  }, 400);
})();
</script>
"""


#: Teacher mode: how much of the window's height lies above a lesson's chart (the app's
#: header, the bar of buttons and the scene's title row, with the gaps between them), in px.
#: The charts take the rest, so the figure with its Play/Pause and step slider fits the
#: window at 1024×768 and 1280×800 without scrolling (tests/browser/test_lessons_browser.py);
#: they never shrink below :data:`TEACHER_MIN_CHART_PX` (the phone scrolls instead).
TEACHER_ROOM_ABOVE_PX = 220
TEACHER_MIN_CHART_PX = 440

#: Teacher mode: a projected screen read from the back row. The charts (keys
#: ``lesson_setup.*``, ``lesson_chart.*`` and ``lesson_network.*``, drawn with
#: ``height="stretch"``) fill the window's height below the title.
TEACHER_CSS = f"""
<style>
[data-testid="stMainBlockContainer"] {{ padding-top: 4rem; }}
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li {{
  font-size: 1.3rem; line-height: 1.45;
}}
[data-testid="stMain"] [data-testid="stRadio"] [data-testid="stWidgetLabel"] p {{
  font-size: 1.6rem; font-weight: 700; line-height: 1.3;
}}
[data-testid="stMain"] [data-testid="stRadioOption"] p {{ font-size: 1.4rem; }}
[data-testid="stMain"] [data-testid="stAlert"] p {{ font-size: 1.4rem; }}
[data-testid="stMain"] [data-testid="stButton"] button p {{ font-size: 1.3rem; }}
[data-testid="stMain"] .katex-display > .katex {{ font-size: 1.6em !important; }}
/* The scene's title beside the shortcut hint: one row, no room lost above or below it. */
[data-testid="stMain"] h2 {{ padding: 0 !important; }}
[class*="st-key-lesson_setup"], [class*="st-key-lesson_chart"],
[class*="st-key-lesson_network"] {{
  height: clamp({TEACHER_MIN_CHART_PX}px, calc(100vh - {TEACHER_ROOM_ABOVE_PX}px), 1400px);
  /* Not the height-follows-width rule of the other modes (ui/style.py SCREEN_CHARTS). */
  aspect-ratio: auto; min-height: 0; max-height: none;
}}
</style>
"""


#: Teacher mode, a revealed scene with several surfaces: the charts side by side under the
#: verdict (one line of large type) take what the window leaves below it, in px.
TEACHER_SIDE_BY_SIDE_ROOM_PX = 260
TEACHER_SIDE_BY_SIDE_CSS = f"""
<style>
[class*="st-key-lesson_chart"] {{
  height: clamp({TEACHER_MIN_CHART_PX}px, calc(100vh - {TEACHER_SIDE_BY_SIDE_ROOM_PX}px), 1400px);
}}
</style>
"""


#: Every mode: a lesson chart narrower than the path figure's legend width gives its title's
#: room to the legend's second row (three runs and the minimum at 1024×768), as the
#: Playground does (ui/style.py); the page's header names the scene, its setup the surface.
LESSON_CSS = f"""
<style>
[class*="st-key-lesson_chart"] {{ container-type: inline-size; }}
@container (max-width: {style.NARROW_CHART_PX}px) {{
  [class*="st-key-lesson_chart"] .g-gtitle {{ display: none; }}
}}
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


@st.cache_data(max_entries=32, show_spinner=False)
def path_figure(runs: tuple[optimizers.RunSpec, ...], height: int = 620, narrow: bool = False):
    """The animated figure of ``runs`` (one surface) at step 0, ready to play from the start
    (:func:`viz.scenes.from_step_zero`); the runs come from the shared trajectory cache.

    ``narrow``: the figure shares the width with another (teacher mode, several surfaces): its
    loss panel is about 110 px wide at 1024×768, where plotly turned the step ticks on their
    side and pushed the axis title onto the slider's "step 103": three level ticks, and the
    slider's "step 103" under them names the axis."""
    first = runs[0]
    spec = path_figure_dict(
        compute.layers(first.surface, first.surface_params),
        compute.surface_of(first),
        [compute.run(run) for run in runs],
        labels=[run.label for run in runs],
        show_arrows=len(runs) == 1,
        height=height,
    )
    if narrow:
        spec["layout"]["xaxis2"].update(tickangle=0, nticks=3, title={"text": ""})
    return DictFigure(encode_arrays(scene_figures.from_step_zero(spec)))


def results(scene: lessons.Scene) -> tuple:
    """The scene's runs from the shared trajectory cache; a network scene's experiment
    (trained once and cached by :mod:`lessons.network_scenes`)."""
    if scene.network is not None:
        return lessons.run_scene(scene)
    return tuple(compute.run(run) for run in scene.runs)


@st.cache_data(max_entries=8, show_spinner="Training the network…")
def network_figure(scene_id: str):
    """A network scene's figure (:func:`viz.scenes.network_figure`) of its results."""
    scene = lessons.get(scene_id)
    return scene_figures.network_figure(scene, results(scene)).to_dict()


@st.cache_data(max_entries=32, show_spinner=False)
def explanation(scene_id: str) -> str:
    """The scene's explanation with the numbers of its (cached) runs."""
    scene = lessons.get(scene_id)
    return scene.explain(results(scene))


@st.cache_data(max_entries=32, show_spinner=False)
def claims(scene_id: str) -> tuple[lessons.Claim, ...]:
    """Each claim of the scene's explanation, checked against its (cached) runs."""
    scene = lessons.get(scene_id)
    return lessons.check_claims(scene, results(scene))


@st.cache_data(max_entries=32, show_spinner=False)
def outcome(scene_id: str) -> lessons.Outcome:
    """What the library did in scene ``scene_id`` (from the cached trajectories)."""
    scene = lessons.get(scene_id)
    return lessons.outcome(scene, results(scene))


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
            back, forward = st.columns(2)
            previous_button(back, scene)
            next_button(forward, scene)
            playground_button(st, scene)
    return scene, teacher


def previous_button(where, scene: lessons.Scene) -> None:
    where.button(
        "◀ Previous",
        key=PREVIOUS,
        on_click=_move,
        args=(-1,),
        disabled=lessons.ids().index(scene.id) == 0,
        width="stretch",
    )


def next_button(where, scene: lessons.Scene) -> None:
    ids = lessons.ids()
    where.button(
        "Next ▶",
        key=NEXT,
        on_click=_move,
        args=(1,),
        disabled=ids.index(scene.id) == len(ids) - 1,
        width="stretch",
    )


def playground_button(where, scene: lessons.Scene) -> None:
    if scene.network is not None:  # a network, not a 2-D run: nothing to load there
        return
    if where.button(
        "Open in the Playground",
        key=PLAYGROUND,
        icon=":material/play_circle:",
        width="stretch",
        help="Load this scene's run into the Playground to change it.",
    ):
        open_in_playground(scene)


def teacher_bar(scene: lessons.Scene) -> None:
    """Teacher mode's controls on the page (the sidebar is collapsed): Previous, Next, Reveal
    or Ask again, Open in the Playground, and the keyboard shortcuts, which a small script
    turns into clicks on these buttons."""
    back, forward, reveal, playground = st.columns([1, 1, 1.2, 1.6], vertical_alignment="center")
    previous_button(back, scene)
    next_button(forward, scene)
    with reveal:
        reveal_button(scene)
    playground_button(playground, scene)
    st.html(KEYBOARD_SCRIPT + FOLD_SIDEBAR_SCRIPT, unsafe_allow_javascript=True)


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
        set_value(key, value)
    st.switch_page(PLAYGROUND_PAGE)


# ----- the lesson -------------------------------------------------------------------------------
def header(scene: lessons.Scene, teacher: bool) -> None:
    """Teacher mode: big type, the sidebar folded away and the controls on the page.
    Otherwise the page title and a line on how it works."""
    if teacher:
        st.html(LESSON_CSS + TEACHER_CSS)
        teacher_bar(scene)
        # The title and the shortcuts share a row: the chart below gets the window's height.
        title, hint = st.columns([3, 2], vertical_alignment="center")
        title.header(_title(scene.id), anchor=False)
        with hint.container(key=KEYS_HINT):
            st.caption(SHORTCUTS)
        return
    st.html(LESSON_CSS)
    st.title("Lessons")
    st.caption(
        "Read the setup, answer the question, then press **Reveal** to run it. "
        "Teacher mode (sidebar) keeps only the lesson on screen for a projector."
    )
    st.header(_title(scene.id), anchor=False)


def setup_markdown(scene: lessons.Scene) -> str:
    """The setup as shown: its start marker named as the setup figure draws it."""
    return scene.setup.replace(lessons.START_MARKER, scene_figures.start_marker_words(0))


def setup_text(scene: lessons.Scene) -> None:
    st.markdown(setup_markdown(scene))
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
    set_value(PLAYS_KEY, int(st.session_state.get(PLAYS_KEY, 0)) + 1)


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
            width="stretch",
        )
    else:
        st.button(
            "Reveal",
            key=f"lesson_reveal.{scene.id}",
            type="primary",
            on_click=_reveal,
            args=(scene,),
            icon=":material/visibility:",
            width="stretch",
        )


def setup_view(scene: lessons.Scene, teacher: bool) -> None:
    """Before the reveal: the setup, the question and the surfaces with the start points (beside
    the question; below it when the scene compares surfaces, which need the width). In teacher
    mode Reveal sits in the bar at the top."""
    several = len(panels(scene)) > 1
    left, right = st.columns([1, 1] if teacher or several else [2, 3], gap="large")
    with left:
        setup_text(scene)
        if not several:
            question(scene)
            if not teacher:
                reveal_button(scene)
    height = 460 if several else (640 if teacher else 520)
    with right if not several else st.container():
        if scene.network is not None:  # nothing to draw before training: its settings
            st.markdown(
                "| Setting | Value |\n|---|---|\n"
                + "\n".join(f"| {what} | {value} |" for what, value in scene.network.settings)
            )
            st.info(
                "Nothing is trained yet: **Reveal** trains the network (a second or two) and "
                "draws what it did.",
                icon=":material/model_training:",
            )
        else:
            st.plotly_chart(
                setup_figure(scene.id, height),
                key=f"lesson_setup.{scene.id}",
                theme=None,
                width="stretch",
                # Fills its element: in teacher mode the window's height below the title
                # (TEACHER_CSS), otherwise a height that follows its width (ui/style.py).
                height="stretch",
            )
    if several:
        with right:
            question(scene)
            if not teacher:
                reveal_button(scene)
    if not teacher and scene.network is None:
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
    """After the reveal: the question and the verdict, the runs animated from step 0 (started
    by a small script once per reveal), then the explanation with its formula, the numbers
    the library measured and where the idea comes from."""
    result = outcome(scene.id)
    groups = panels(scene)
    if teacher and len(groups) == 1:
        # The bar at the top has Ask again. The chart fills the window's height below the
        # title (TEACHER_CSS) with the verdict beside it: the whole scene, Play and the step
        # slider included, on one screen.
        chart, side = st.columns([3, 1], gap="medium")
        chart_columns = [chart]
        with side:
            verdict(scene, result)
    elif teacher and len(groups) > 1:
        # Several surfaces: side by side under the verdict, each as tall as the window leaves
        # (TEACHER_SIDE_BY_SIDE_CSS), so the class sees both runs play at once, Play and step
        # sliders included, at 1024×768. One under the other, each filled the window and the
        # second was a scroll away (a 150 px contour each, had they shared the height).
        verdict(scene, result)
        st.html(TEACHER_SIDE_BY_SIDE_CSS)
        chart_columns = list(st.columns(len(groups), gap="small"))
    elif teacher:  # a network scene: no surface panels, its own figure under the verdict
        verdict(scene, result)
        chart_columns = []
    else:
        asked, again = st.columns([3, 1], vertical_alignment="center")
        asked.markdown(f"**{scene.question}**")
        with again:
            reveal_button(scene)
        verdict(scene, result)
        chart_columns = [st.container() for _ in groups]
    if scene.network is not None:  # a network scene: its experiment's figure, no 2-D paths
        st.plotly_chart(
            network_figure(scene.id),
            key=f"lesson_network.{scene.id}",
            theme=None,
            width="stretch",
            # Teacher mode: the window's height (TEACHER_CSS); otherwise it follows the
            # width (ui/style.py SCREEN_CHARTS).
            height="stretch",
        )
    for index, (runs, column) in enumerate(zip(groups, chart_columns, strict=True)):
        column.plotly_chart(
            path_figure(runs, 620, narrow=teacher and len(groups) > 1),
            key=f"lesson_chart.{scene.id}.{index}",
            theme=None,
            width="stretch",
            # Teacher mode: the window's height (TEACHER_CSS); otherwise it follows the
            # width (ui/style.py SCREEN_CHARTS).
            height="stretch",
        )
    st.html(
        PLAY_SCRIPT.replace("__PLAY__", f"{scene.id}.{st.session_state.get(PLAYS_KEY, 0)}"),
        unsafe_allow_javascript=True,
    )
    words, numbers = st.columns([3, 2], gap="large")
    with words:
        st.markdown(f"**{scene.idea}**")
        st.markdown(explanation(scene.id))
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
        with st.expander("How we know the explanation is true"):
            st.markdown(
                "\n".join(
                    f"- {'✓' if claim.holds else '✗'} {claim.statement} — {claim.evidence}"
                    for claim in claims(scene.id)
                )
            )
        if scene.network is None:
            st.caption(
                "The runs play from step 0 after the reveal; press ▶ under a chart to replay."
            )


def glossary() -> None:
    """The symbols the lessons use, one meaning each, with the lecture notes' spelling."""
    with st.expander("Symbols used in the lessons"):
        st.markdown(
            "| symbol | in this app | in the lecture notes |\n|---|---|---|\n"
            + "\n".join(
                f"| {symbol} | {meaning} | {notes} |" for symbol, meaning, notes in lessons.GLOSSARY
            )
        )


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
                "Other hyperparameters": ", ".join(
                    f"{k} = {format_number(v)}" for k, v in hyper.items()
                )
                or "—",
                "Options": ", ".join(f"{k} = {format_number(v)}" for k, v in run.options) or "—",
                "Start": f"({format_number(run.x0[0])}, {format_number(run.x0[1])})",
                "Steps": run.steps,
                "Batch size": "full" if run.batch_size is None else str(run.batch_size),
                "Noise σ": run.noise,
                "Seed": run.seed,
            }
        )
    return rows
