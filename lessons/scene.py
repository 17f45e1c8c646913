"""The scene type: a question asked before the run, a judge that answers it from the runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import optimizers
import surfaces
from lessons.measures import quadratic_model
from optimizers import RunSpec
from optimizers.numbers import format_number


@dataclass(frozen=True)
class Outcome:
    """What the library did, in the scene's terms: the true choice and the numbers behind it."""

    answer: int
    evidence: tuple[str, ...]


#: Where a setup names the start point's marker ("from the large orange dot").
START_MARKER = "{start marker}"


@dataclass(frozen=True)
class Claim:
    """One numerical or directional claim of a scene's explanation, checked against its runs.

    Attributes
    ----------
    statement : str
        The claim, in the explanation's words ("momentum reaches the minimum in fewer steps").
    holds : bool
        Whether the runs bear it out.
    evidence : str
        The measured numbers behind the verdict.
    """

    statement: str
    holds: bool
    evidence: str


@dataclass(frozen=True)
class NetworkLesson:
    """What a scene on a neural network trains instead of 2-D runs (its ``runs`` are empty).

    Attributes
    ----------
    kind : str
        Which figure :func:`viz.scenes.network_figure` draws of it: ``"zero_init"``,
        ``"standardization"`` or ``"edge_of_stability"``.
    compute : callable
        ``compute() -> tuple``: the experiment's results, trained by the library (cached by
        the scene's module); the judges read them where a surface scene's read trajectories.
    settings : tuple of (what, value)
        The experiment's settings, for the setup and "The runs in detail".
    """

    kind: str
    compute: Callable[[], tuple[Any, ...]]
    settings: tuple[tuple[str, str], ...]


Judge = Callable[[Sequence[RunSpec], Sequence[optimizers.Trajectory]], Outcome]
ClaimsJudge = Callable[[Sequence[RunSpec], Sequence[optimizers.Trajectory]], tuple[Claim, ...]]


@dataclass(frozen=True)
class Scene:
    """One guided scene: predict, then reveal.

    Attributes
    ----------
    id, title : str
        A stable key (session state, tests) and what the picker shows (no spoilers).
    idea : str
        The lesson in one sentence (shown after the reveal: it gives the answer away).
    sources : tuple of (seed key, what it says)
        Which lecture notes (:data:`SEEDS`) the scene teaches from, and the idea taken.
    setup : str
        Markdown shown before the question: what will run, without the outcome.
    question : str
    choices : tuple of str
        Two to four.
    answer : int
        Index of the stated answer into ``choices``; the tests check it against ``judge``.
    explanation : str or callable
        Markdown shown after the reveal; where it quotes what the runs did, a function
        ``explanation(runs, trajectories) -> str`` (see :meth:`explain`), so its numbers are
        the library's, never typed in.
    formula : str
        LaTeX for ``st.latex``, after the explanation.
    runs : tuple of RunSpec
        What the scene runs; the page animates them (one figure per surface).
    judge : callable
        ``judge(runs, trajectories) -> Outcome``.
    playground : int
        Which run "Open in the Playground" loads.
    curvature_note : bool
        Show the Hessian's eigenvalues and the GD stability limit with the setup.
    claims : callable
        ``claims(runs, trajectories) -> tuple of Claim``: the explanation's judge, one
        :class:`Claim` per numerical or directional statement of ``explanation`` and ``idea``.
    network : NetworkLesson, optional
        A scene on a neural network: ``runs`` is empty and the judges get the results of
        ``network.compute()`` as their ``trajectories``.

    ``setup`` may contain :data:`START_MARKER`: the page replaces it with the words that
    describe the start marker its figure draws (the figure decides, the text follows).
    """

    id: str
    title: str
    idea: str
    sources: tuple[tuple[str, str], ...]
    setup: str
    question: str
    choices: tuple[str, ...]
    answer: int
    explanation: str | Callable[[Sequence[RunSpec], Sequence[optimizers.Trajectory]], str]
    formula: str
    runs: tuple[RunSpec, ...]
    judge: Judge
    playground: int = 0
    curvature_note: bool = False
    claims: ClaimsJudge | None = None
    network: NetworkLesson | None = None

    def explain(self, trajectories: Sequence[optimizers.Trajectory] | None = None) -> str:
        """The explanation's Markdown, with the numbers of ``trajectories`` (run if omitted)."""
        if isinstance(self.explanation, str):
            return self.explanation
        if trajectories is None:
            trajectories = run_scene(self)
        return self.explanation(self.runs, trajectories)

    @property
    def surfaces(self) -> tuple[tuple[str, tuple], ...]:
        """The distinct (surface name, params) of the runs, in order of first use."""
        seen: dict[tuple[str, tuple], None] = {}
        for run in self.runs:
            seen.setdefault((run.surface, run.surface_params), None)
        return tuple(seen)


def run(label: str, surface: str, optimizer: str, lr: float, x0, steps: int, *args, **kwargs):
    """:meth:`optimizers.RunSpec.make` with the legend's ``label`` first."""
    return RunSpec.make(surface, optimizer, lr, x0, steps, *args, label=label, **kwargs)


def curvature_note(scene: Scene) -> str:
    """Markdown with the Hessian's eigenvalues, κ and GD's stability limit for each surface
    of ``scene`` (shown with the setup when ``scene.curvature_note``)."""
    lines = []
    for name, params in scene.surfaces:
        model = quadratic_model(surfaces.get(name, **dict(params)))
        low, high, kappa, limit = (
            format_number(value, latex=True)
            for value in (
                model.lambda_min,
                model.lambda_max,
                model.condition_number,
                model.gd_stability_limit,
            )
        )
        lines.append(
            f"Hessian: $\\lambda_{{\\min}} = {low}$, $\\lambda_{{\\max}} = {high}$, "
            f"$\\kappa = {kappa}$. Gradient descent is stable for "
            f"$\\eta < 2/\\lambda_{{\\max}} = {limit}$."
        )
    return "  \n".join(lines)


def run_scene(scene: Scene) -> tuple[optimizers.Trajectory, ...]:
    """Every run of ``scene``, computed by the library (a network scene: its experiment)."""
    if scene.network is not None:
        return scene.network.compute()
    return tuple(run_.run() for run_ in scene.runs)


def outcome(scene: Scene, trajectories: Sequence[optimizers.Trajectory] | None = None) -> Outcome:
    """Which choice of ``scene`` is true, judged from ``trajectories`` (run here if omitted)."""
    if trajectories is None:
        trajectories = run_scene(scene)
    return scene.judge(scene.runs, trajectories)


def check_claims(
    scene: Scene, trajectories: Sequence[optimizers.Trajectory] | None = None
) -> tuple[Claim, ...]:
    """Every claim of ``scene``'s explanation, judged from ``trajectories`` (run if omitted)."""
    if scene.claims is None:
        return ()
    if trajectories is None:
        trajectories = run_scene(scene)
    return scene.claims(scene.runs, trajectories)
