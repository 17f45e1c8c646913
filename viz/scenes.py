r"""Guided lessons: scenes that ask a question before the run and explain it after.

A scene is data: a surface, one or more runs (optimizer, hyperparameters, start, steps,
mini-batch or noise), the question put to the class *before* anything moves, its choices and
the stated answer, and the explanation with its formula, taken from the lecture notes in
``shared/seeds``. Each scene also has a *judge*: a function that looks at what the library
actually did (the trajectories) and says which choice is true, with the measured numbers as
evidence. The tests check that every stated answer is the judge's answer, so a scene cannot
claim something the library does not do.

Plain NumPy, no Streamlit:

>>> from viz import scenes
>>> scene = scenes.get("lr_too_large")
>>> trajectories = scenes.run_scene(scene)
>>> trajectories[0].status
'diverged'
>>> scenes.outcome(scene, trajectories).answer == scene.answer
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

import optimizers
import surfaces
from optimizers import RunSpec
from viz import theme
from viz.layers import SurfaceLayers, add_surface

#: The lecture notes the scenes teach from (``shared/seeds/<file>``).
SEEDS = {
    "000": "Cheung, Lee, Miller & Smaniotto, *Optimization of neural networks* "
    "(seed 000_7237273f91899bf2)",
    "001": "Elston, *Optimization for Deep Learning* (seed 001_ae65873ffdce6fc6)",
    "002": "Valle, *Advanced Training Techniques for Neural Networks* (seed 002_e4dfb8858044676d)",
    "003": "*Optimization* — SGD, Adam and data preprocessing (seed 003_d15d39616576690b)",
    "004": "Korea University, *Neural Network Optimization* (seed 004_855a2369ce59ab61)",
}


# --------------------------------------------------------------------------------------------
# the data types
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """What the library did, in the scene's terms: the true choice and the numbers behind it."""

    answer: int
    evidence: tuple[str, ...]


Judge = Callable[[Sequence[RunSpec], Sequence[optimizers.Trajectory]], Outcome]


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
    explanation : str
        Markdown shown after the reveal.
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
    """

    id: str
    title: str
    idea: str
    sources: tuple[tuple[str, str], ...]
    setup: str
    question: str
    choices: tuple[str, ...]
    answer: int
    explanation: str
    formula: str
    runs: tuple[RunSpec, ...]
    judge: Judge
    playground: int = 0
    curvature_note: bool = False

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


# --------------------------------------------------------------------------------------------
# measurements the judges use (public: the tests and notebooks use them too)
# --------------------------------------------------------------------------------------------
def zigzags(points: np.ndarray, direction, min_step: float) -> int:
    """How often the path reverses along ``direction``: sign changes of the steps' component
    along it, counting only steps whose component is longer than ``min_step``."""
    components = np.diff(np.asarray(points, dtype=float), axis=0) @ np.asarray(direction, float)
    signs = np.sign(components[np.abs(components) > min_step])
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


def overshoot(points: np.ndarray, minimum) -> float:
    """How far the path swings past ``minimum``, measured along the line from the start to it:
    max over t of ⟨p_t − p*, u⟩ with u the unit vector from p_0 towards p* (0 if never past)."""
    points = np.asarray(points, dtype=float)
    minimum = np.asarray(minimum, dtype=float)
    towards = minimum - points[0]
    towards = towards / np.linalg.norm(towards)
    return max(0.0, float(np.max((points - minimum) @ towards)))


def steps_near(points: np.ndarray, center, radius: float) -> int:
    """Number of points of the path within ``radius`` of ``center``."""
    offsets = np.asarray(points, dtype=float) - np.asarray(center, dtype=float)
    return int(np.count_nonzero(np.hypot(offsets[:, 0], offsets[:, 1]) < radius))


def first_step_beyond(points: np.ndarray, center, direction, distance: float) -> int | None:
    """The first step whose offset from ``center`` along ``direction`` exceeds ``distance``
    in size (None if the path never gets that far)."""
    along = np.abs((np.asarray(points, dtype=float) - np.asarray(center, float)) @ direction)
    beyond = np.flatnonzero(along > distance)
    return int(beyond[0]) if beyond.size else None


def spread(points: np.ndarray, center, tail: float = 0.5) -> float:
    """Root-mean-square distance from ``center`` over the last ``tail`` fraction of the path."""
    points = np.asarray(points, dtype=float)
    last = points[int(len(points) * (1.0 - tail)) :]
    offsets = last - np.asarray(center, dtype=float)
    return float(np.sqrt(np.mean(np.sum(offsets**2, axis=1))))


def excess_loss(trajectory: optimizers.Trajectory, f_star: float, tail: float = 0.25) -> float:
    """Mean of f − f* over the last ``tail`` fraction of the run."""
    losses = trajectory.losses[int(len(trajectory.losses) * (1.0 - tail)) :]
    return float(np.mean(losses) - f_star)


def distance_to_nearest_minimum(surface: surfaces.Surface, point) -> float:
    minima = np.asarray(surface.minima, dtype=float)
    return float(np.min(np.hypot(*(minima - np.asarray(point, dtype=float)).T)))


def nearest_minimum(surface: surfaces.Surface, point) -> int:
    """Index into ``surface.minima`` of the minimizer nearest ``point``."""
    minima = np.asarray(surface.minima, dtype=float)
    return int(np.argmin(np.hypot(*(minima - np.asarray(point, dtype=float)).T)))


def adagrad_effective_steps(trajectory: optimizers.Trajectory) -> np.ndarray:
    r"""AdaGrad's per-coordinate step size :math:`\eta/(\sqrt{s_{t+1}} + \epsilon)` at each
    step, replayed from the exact gradients of a deterministic run (no noise, no clipping,
    no decay), shape (steps, 2)."""
    optimizer = trajectory.optimizer
    sums = np.cumsum(trajectory.gradients[:-1] ** 2, axis=0)
    return optimizer.lr / (np.sqrt(sums) + optimizer.hyperparameters["eps"])


def quadratic_model(surface: surfaces.Surface) -> surfaces.Curvature:
    """The curvature at the surface's first listed minimizer (the whole Hessian of a quadratic)."""
    return surfaces.curvature(surface, surface.minima[0])


def curvature_note(scene: Scene) -> str:
    """Markdown with the Hessian's eigenvalues, κ and GD's stability limit for each surface
    of ``scene`` (shown with the setup when ``scene.curvature_note``)."""
    lines = []
    for name, params in scene.surfaces:
        model = quadratic_model(surfaces.get(name, **dict(params)))
        lines.append(
            f"Hessian: $\\lambda_{{\\min}} = {model.lambda_min:.3g}$, "
            f"$\\lambda_{{\\max}} = {model.lambda_max:.3g}$, "
            f"$\\kappa = {model.condition_number:.3g}$. Gradient descent is stable for "
            f"$\\eta < 2/\\lambda_{{\\max}} = {model.gd_stability_limit:.3g}$."
        )
    return "  \n".join(lines)


def run_scene(scene: Scene) -> tuple[optimizers.Trajectory, ...]:
    """Every run of ``scene``, computed by the library."""
    return tuple(run_.run() for run_ in scene.runs)


def outcome(scene: Scene, trajectories: Sequence[optimizers.Trajectory] | None = None) -> Outcome:
    """Which choice of ``scene`` is true, judged from ``trajectories`` (run here if omitted)."""
    if trajectories is None:
        trajectories = run_scene(scene)
    return scene.judge(scene.runs, trajectories)


# --------------------------------------------------------------------------------------------
# the judges
# --------------------------------------------------------------------------------------------
def _fmt(value: float) -> str:
    return f"{value:.3g}"


def _summary(trajectory: optimizers.Trajectory) -> str:
    """'converged in 92 steps', 'diverged at step 34', 'is still moving after 400 steps'."""
    steps = trajectory.steps
    plural = "" if steps == 1 else "s"
    if trajectory.status == "converged":
        return f"converged in {steps} step{plural}"
    if trajectory.status == "diverged":
        return f"diverged at step {steps}"
    return f"is still moving after {steps} step{plural}"


def _start_and_end(surface: surfaces.Surface, trajectory) -> tuple[float, float]:
    """The distance from the nearest minimizer at the start of the run and at its end."""
    return (
        distance_to_nearest_minimum(surface, trajectory.points[0]),
        distance_to_nearest_minimum(surface, trajectory.final_point),
    )


def _status_judge(converged: int, still_moving: int, diverged: int) -> Judge:
    """Choice by the status of the single run; evidence: the runner's message and how much of
    the distance to the minimum it covered."""

    def judge(runs, trajectories) -> Outcome:
        (trajectory,) = trajectories
        start, end = _start_and_end(runs[0].build_surface(), trajectory)
        evidence = [trajectory.message]
        if trajectory.status != "diverged":
            covered = 100.0 * (1.0 - end / start)
            evidence.append(
                f"It covered {covered:.1f} % of the distance to the minimum "
                f"({_fmt(start)} → {_fmt(end)})."
            )
        answer = {"converged": converged, "max_steps": still_moving, "diverged": diverged}
        return Outcome(answer[trajectory.status], tuple(evidence))

    return judge


def _zigzag_numbers(run_: RunSpec, trajectory) -> tuple[int, surfaces.Curvature]:
    surface = run_.build_surface()
    model = quadratic_model(surface)
    steep = model.eigenvectors[:, 1]
    # Steps shorter than ~1/1000 of the plot diagonal are invisible: they do not count.
    return zigzags(trajectory.points, steep, 2e-3 * surface.half_diagonal), model


def _judge_zigzag(runs, trajectories) -> Outcome:
    (trajectory,) = trajectories
    count, model = _zigzag_numbers(runs[0], trajectory)
    lr = runs[0].lr
    evidence = (
        f"Across the valley each step multiplies the error by 1 − ηλmax = "
        f"{1 - lr * model.lambda_max:.3g}: its sign flips every step. Along the valley by "
        f"1 − ηλmin = {1 - lr * model.lambda_min:.3g}: a crawl.",
        f"The path reversed direction across the valley {count} times and {_summary(trajectory)}.",
    )
    if trajectory.status == "diverged":
        return Outcome(2, evidence)
    return Outcome(1 if count >= 10 else 0, evidence)


def _judge_momentum(runs, trajectories) -> Outcome:
    (gd, heavy) = trajectories
    gd_count, _ = _zigzag_numbers(runs[0], gd)
    heavy_count, _ = _zigzag_numbers(runs[1], heavy)
    evidence = (
        f"Reversals across the valley: gradient descent {gd_count}, momentum {heavy_count}.",
        f"Gradient descent {_summary(gd)}, momentum {_summary(heavy)}.",
    )
    if "diverged" in (gd.status, heavy.status):
        return Outcome(0, evidence)
    if heavy_count < gd_count / 2 and heavy.steps < gd.steps:
        return Outcome(1, evidence)
    if heavy_count > 1.5 * gd_count:
        return Outcome(0, evidence)
    return Outcome(2, evidence)


def _judge_nesterov(runs, trajectories) -> Outcome:
    heavy, nesterov = trajectories
    minimum = runs[0].build_surface().minima[0]
    past = [overshoot(t.points, minimum) for t in trajectories]
    evidence = (
        f"Farthest swing past the minimum: heavy ball {_fmt(past[0])}, Nesterov {_fmt(past[1])}.",
        f"Heavy ball {_summary(heavy)}, Nesterov {_summary(nesterov)}.",
    )
    if past[1] < 0.8 * past[0]:
        return Outcome(1, evidence)
    if past[0] < 0.8 * past[1]:
        return Outcome(0, evidence)
    return Outcome(2, evidence)


def _judge_standardize(runs, trajectories) -> Outcome:
    raw, standardized = trajectories
    kappas = [quadratic_model(r.build_surface()).condition_number for r in runs]
    evidence = (
        f"Condition number of the Hessian: raw feature κ = {kappas[0]:.4g}, "
        f"standardized κ = {kappas[1]:.4g}.",
        f"Raw feature (η = {runs[0].lr:g}): it {_summary(raw)}, "
        f"{distance_to_nearest_minimum(runs[0].build_surface(), raw.final_point):.3g} from the "
        "minimum.",
        f"Standardized (η = {runs[1].lr:g}): it {_summary(standardized)}.",
    )
    fast = standardized.status == "converged" and standardized.steps <= 10
    if kappas[1] < 2.0 and fast and raw.status != "converged":
        return Outcome(1, evidence)
    if "diverged" in (raw.status, standardized.status) or kappas[1] > kappas[0]:
        return Outcome(2, evidence)
    return Outcome(0, evidence)


def _judge_saddle(runs, trajectories) -> Outcome:
    surface = runs[0].build_surface()
    saddle = (0.0, 0.0)
    model = surfaces.curvature(surface, saddle)
    downhill = model.eigenvectors[:, 0]  # the negative eigenvalue's direction
    near = [steps_near(t.points, saddle, 0.1) for t in trajectories]
    away = [first_step_beyond(t.points, saddle, downhill, 0.5) for t in trajectories]

    def when(step):
        return "never (within the budget)" if step is None else f"at step {step}"

    evidence = (
        f"The Hessian at the origin has eigenvalues {model.lambda_min:.3g} and "
        f"{model.lambda_max:.3g}: a {model.kind} point.",
        f"Plain GD spent {near[0]} steps within 0.1 of the saddle and got 0.5 away from "
        f"it downhill {when(away[0])}.",
        f"Noisy GD spent {near[1]} steps there and got away {when(away[1])}.",
    )
    if away[0] is None and away[1] is None:
        return Outcome(2, evidence)
    if away[1] is not None and (away[0] is None or away[1] < away[0] - 5):
        return Outcome(1, evidence)
    if away[0] is not None and (away[1] is None or away[0] < away[1] - 5):
        return Outcome(0, evidence)
    return Outcome(3, evidence)


def _judge_start(runs, trajectories) -> Outcome:
    surface = runs[0].build_surface()
    ends = [nearest_minimum(surface, t.final_point) for t in trajectories]
    evidence = tuple(
        f"From ({r.x0[0]:g}, {r.x0[1]:g}): {_summary(t)}, at the minimum "
        f"({surface.minima[e][0]:.3f}, {surface.minima[e][1]:.3f})."
        for r, t, e in zip(runs, trajectories, ends, strict=True)
    )
    if any(t.status != "converged" for t in trajectories):
        return Outcome(2, evidence)
    return Outcome(1 if ends[0] != ends[1] else 0, evidence)


def _judge_noise_floor(runs, trajectories) -> Outcome:
    surface = runs[0].build_surface()
    f_star = float(surface.value(*surface.minima[0]))
    fixed, decayed = (excess_loss(t, f_star) for t in trajectories)
    evidence = (
        f"Mean loss above the minimum over the last quarter of the run: fixed η "
        f"{fixed:.3g}, decaying η {decayed:.3g} (f* = {f_star:.4g}).",
    )
    if any(t.status == "diverged" for t in trajectories):
        return Outcome(3, evidence)
    if fixed > 3.0 * decayed:
        return Outcome(1, evidence)
    if decayed > 3.0 * fixed:
        return Outcome(2, evidence)
    return Outcome(0, evidence)


def _judge_batch(runs, trajectories) -> Outcome:
    surface = runs[0].build_surface()
    spreads = [spread(t.points, surface.minima[0]) for t in trajectories]
    evidence = (
        "Root-mean-square distance from the minimizer over the second half of each run: "
        + ", ".join(f"batch {r.batch_size}: {s:.3g}" for r, s in zip(runs, spreads, strict=True))
        + ".",
    )
    if max(spreads) < 1.5 * min(spreads):
        return Outcome(3, evidence)
    return Outcome(int(np.argmin(spreads)), evidence)


def _judge_adagrad(runs, trajectories) -> Outcome:
    (trajectory,) = trajectories
    effective = adagrad_effective_steps(trajectory)
    lengths = np.hypot(*np.diff(trajectory.points, axis=0).T)
    start, end = _start_and_end(runs[0].build_surface(), trajectory)
    evidence = (
        f"Effective step η/(√s + ε) of x: {effective[0, 0]:.3g} at the first step, "
        f"{effective[-1, 0]:.3g} at the last; of y: {effective[0, 1]:.3g} → "
        f"{effective[-1, 1]:.3g}.",
        f"Step length: {lengths[0]:.3g} at first, {lengths[-1]:.3g} at the end.",
        f"It {_summary(trajectory)}; distance to the minimum {start:.3g} → {end:.3g}.",
    )
    if trajectory.status == "diverged":
        return Outcome(2, evidence)
    if trajectory.status == "converged":
        return Outcome(3, evidence)
    shrinking = bool(np.all(np.diff(effective, axis=0) <= 0.0))
    halved = bool(np.all(effective[-1] < 0.5 * effective[0]))
    # Stalled: still well short of the minimum, with steps far too short to cover the rest.
    stalled = end > 0.1 * start and lengths[-1] < 0.01 * end
    if shrinking and halved and stalled:
        return Outcome(1, evidence)
    return Outcome(0, evidence)


def _judge_adaptive(runs, trajectories) -> Outcome:
    surface = runs[0].build_surface()
    ends = [distance_to_nearest_minimum(surface, t.final_point) for t in trajectories]
    reached = tuple(end < 1e-3 for end in ends)
    evidence = tuple(
        f"{t.optimizer.title} {_summary(t)}, {end:.3g} from the minimum."
        for t, end in zip(trajectories, ends, strict=True)
    )
    answer = {
        (True, True, True): 0,
        (False, True, True): 1,
        (True, False, False): 2,
        (False, False, False): 3,
    }.get(reached, 3)
    return Outcome(answer, evidence)


def _judge_clipping(runs, trajectories) -> Outcome:
    plain, clipped = trajectories
    limit = runs[1].lr * dict(runs[1].options)["clip"]
    longest = float(np.max(np.hypot(*np.diff(clipped.points, axis=0).T)))
    start, end = _start_and_end(runs[1].build_surface(), clipped)
    evidence = (
        f"Without clipping: {plain.message}",
        f"With clipping it {_summary(clipped)}; the longest step was {longest:.3g} ≤ η·c = "
        f"{limit:.3g}; distance to the minimum {start:.3g} → {end:.3g}.",
    )
    if clipped.status == "diverged":
        return Outcome(0, evidence)
    if clipped.status == "converged":
        return Outcome(2, evidence)
    return Outcome(1 if plain.status == "diverged" and end < 0.5 * start else 0, evidence)


# --------------------------------------------------------------------------------------------
# the scenes
# --------------------------------------------------------------------------------------------
BOWL = {"condition_number": 10.0, "angle": 30.0}
VALLEY = {"condition_number": 100.0, "angle": 30.0}
#: Far along the valley floor and a little up one wall.
VALLEY_START = (-2.6, -1.0)
BOWL_START = (-2.4, 1.6)


def _default_start(surface: str, **params) -> tuple[float, float]:
    start = surfaces.get(surface, **params).start
    return float(start[0]), float(start[1])


#: The least-squares surfaces' own starts: far along the valley, a little across it.
RAW_START = _default_start("least_squares", standardize=False)
STANDARDIZED_START = _default_start("least_squares", standardize=True)
#: A double well: minima (0, ±1), a saddle point at the origin (Hessian diag(2, −4)).
DOUBLE_WELL = {"formula": "x^2 + (y^2 - 1)^2", "extent": 2.0}


def _on_bowl(label: str, optimizer: str, lr: float, steps: int, **kwargs) -> RunSpec:
    """A run on the κ = 10 bowl (:data:`BOWL`) from :data:`BOWL_START`."""
    return run(label, "quadratic", optimizer, lr, BOWL_START, steps, BOWL, **kwargs)


def _in_valley(label: str, optimizer: str, lr: float, steps: int, **kwargs) -> RunSpec:
    """A run in the κ = 100 valley (:data:`VALLEY`) from :data:`VALLEY_START`."""
    return run(label, "quadratic", optimizer, lr, VALLEY_START, steps, VALLEY, **kwargs)


def _step_size_scene(*, lr: float, **text) -> Scene:
    """A step-size scene: gradient descent with learning rate ``lr`` on the bowl for 100
    steps, asked whether it converges, is still moving or diverges; ``text`` is the rest of
    the :class:`Scene` (id, title, question, …)."""
    return Scene(
        **text,
        runs=(_on_bowl(f"GD, η = {lr:g}", "gd", lr, 100),),
        judge=_status_judge(converged=0, still_moving=1, diverged=2),
        curvature_note=True,
    )


_GD_RULE = r"w_{t+1} = w_t - \eta\,\nabla f(w_t)"
_EIGEN_ERROR = r"e^{(i)}_{t+1} = (1 - \eta\lambda_i)\, e^{(i)}_t"
_SPEED_CHOICES = ("Converge to the minimum", "Bounce back and forth for ever", "Diverge")

SCENES: tuple[Scene, ...] = (
    _step_size_scene(
        id="lr_too_small",
        title="Step size I: a timid step",
        lr=0.01,
        idea="A learning rate far below the stability limit is safe but slow: the error along "
        "each eigen-direction shrinks only by the factor 1 − ηλ per step.",
        sources=(
            ("004", "the update rule w ← w − η∇L, η sets the step size"),
            ("000", "challenge 1: how do I pick the learning rate?"),
        ),
        setup="Gradient descent on the quadratic bowl with κ = 10, from the white dot, with "
        "learning rate **η = 0.01** for **100 steps**.",
        question="After 100 steps, where is gradient descent?",
        choices=(
            "At the minimum",
            "Still creeping towards it, well short of it",
            "Thrown off the bowl: it diverged",
        ),
        answer=1,
        explanation="Each step moves by η times the gradient. On a quadratic the error along "
        "eigen-direction *i* is multiplied by $1 - \\eta\\lambda_i$ per step: along the shallow "
        "direction ($\\lambda_{\\min} = 1$) that is $0.99$, so after 100 steps about "
        "$0.99^{100} \\approx 0.37$ of that error is still left. Nothing goes wrong, it is just "
        "slow: a timid learning rate wastes steps.",
        formula=_GD_RULE + r", \qquad " + _EIGEN_ERROR,
    ),
    _step_size_scene(
        id="lr_just_right",
        title="Step size II: η = 0.183",
        lr=0.183,
        idea="The best fixed step 2/(λmin + λmax) balances the fast and the slow direction: "
        "both errors shrink by about (κ − 1)/(κ + 1) per step.",
        sources=(
            ("001", "the quadratic model J(W − αg) = J(W) − α gᵀg + ½α² gᵀHg"),
            ("001", "the condition number κ(H) = |λmax|/|λmin| sets the rate"),
        ),
        setup="The same bowl and start, gradient descent with **η = 0.183** for at most "
        "**100 steps**.",
        question="Will gradient descent converge, bounce back and forth, or diverge?",
        choices=_SPEED_CHOICES,
        answer=0,
        explanation="With $\\eta \\approx 2/(\\lambda_{\\min}+\\lambda_{\\max}) = 2/11$ the "
        "two factors $1-\\eta\\lambda_{\\min} \\approx 0.82$ and "
        "$1-\\eta\\lambda_{\\max} \\approx -0.83$ are about equally small in size: the steep "
        "direction overshoots a little each step (the minus sign) but shrinks, the shallow one "
        "shrinks just as fast. That is the best a fixed step can do on this bowl: the error "
        "falls by about $(\\kappa-1)/(\\kappa+1)$ per step.",
        formula=r"\eta^\star = \frac{2}{\lambda_{\min} + \lambda_{\max}}, \qquad "
        r"\max_i |1 - \eta^\star\lambda_i| = \frac{\kappa - 1}{\kappa + 1}",
    ),
    _step_size_scene(
        id="lr_too_large",
        title="Step size III: η = 0.211",
        lr=0.211,
        idea="Past 2/λmax the steep direction's error grows by |1 − ηλmax| > 1 every step: "
        "gradient descent diverges, however close η is to the limit.",
        sources=(
            ("001", "exploding gradients: a very large step over-shoots the minimum"),
            ("002", "how to choose the learning rate η?"),
        ),
        setup="The same bowl and start, gradient descent with **η = 0.211** for at most "
        "**100 steps**.",
        question="Will gradient descent converge, bounce back and forth, or diverge?",
        choices=_SPEED_CHOICES,
        answer=2,
        explanation="Along the steep direction the error is multiplied by "
        "$1 - \\eta\\lambda_{\\max} = 1 - 0.211 \\cdot 10 = -1.11$ per step: it flips sign "
        "(the overshoot) **and grows** by 11 %. Only 5 % past the limit $2/\\lambda_{\\max}$, "
        "yet after a few dozen steps the point flies off the bowl. Gradient descent is stable "
        "exactly when every factor $|1-\\eta\\lambda_i|$ is below 1.",
        formula=r"|1 - \eta\lambda_{\max}| < 1 \iff 0 < \eta < \frac{2}{\lambda_{\max}}",
    ),
    Scene(
        id="zigzag",
        title="A long thin valley",
        idea="On an ill-conditioned quadratic (large κ) the largest stable step is set by the "
        "steep direction, so gradient descent zig-zags across the valley while it crawls "
        "along it.",
        sources=(
            ("001", "κ(H) = |λmax|/|λmin|: a large condition number means slow convergence"),
            ("000", "challenge 2: the same learning rate applies to all parameters"),
        ),
        setup="A quadratic valley with **κ = 100**; gradient descent from far along the valley "
        "floor with **η = 0.0194**, just below the stability limit, for at most **1000 steps**.",
        question="What does the path of gradient descent look like?",
        choices=(
            "A straight line down the valley to the minimum",
            "A zig-zag across the valley while it creeps along it",
            "It diverges",
        ),
        answer=1,
        explanation="The gradient points across the valley far more than along it, and one "
        "learning rate serves both directions. η must stay below $2/\\lambda_{\\max}$ for the "
        "steep direction, where $1-\\eta\\lambda_{\\max} < 0$ makes every step overshoot to the "
        "other wall; along the floor $1 - \\eta\\lambda_{\\min}$ is close to 1, so progress "
        "there is slow. The larger $\\kappa$, the worse both effects.",
        formula=r"\kappa(H) = \frac{|\lambda_{\max}(H)|}{|\lambda_{\min}(H)|}, \qquad "
        + _EIGEN_ERROR,
        runs=(_in_valley("GD, η = 0.0194", "gd", 0.0194, 1000),),
        judge=_judge_zigzag,
        curvature_note=True,
    ),
    Scene(
        id="momentum",
        title="Momentum in the valley",
        idea="Momentum averages past gradients: the alternating components across the valley "
        "cancel, the consistent ones along it add up.",
        sources=(
            ("002", "momentum keeps a moving average of past gradients: v ← γv + ηg, w ← w − v"),
            ("004", "momentum: continue in the general direction of the previous iterations"),
        ),
        setup="The same valley (κ = 100), start and **η = 0.0194**: plain gradient descent "
        "against heavy-ball momentum with **β = 0.7**, for at most **1000 steps**.",
        question="Momentum adds β times the previous step to every step. What happens to "
        "the zig-zag?",
        choices=(
            "It gets worse: momentum carries the point further across the valley",
            "It dies out sooner, and momentum reaches the minimum in fewer steps",
            "Nothing changes: the same η gives the same path",
        ),
        answer=1,
        explanation="The velocity is a decaying sum of past gradients, "
        "$v_t = \\sum_j \\beta^{t-j} g_j$. Across the valley the gradients alternate in sign "
        "and cancel in that sum; along the floor they point the same way and add up, so the "
        "effective step along the valley grows towards $\\eta/(1-\\beta)$. Less zig-zag, "
        "more progress.",
        formula=r"v_{t+1} = \beta\, v_t + \nabla f(x_t), \qquad x_{t+1} = x_t - \eta\, v_{t+1}",
        runs=(
            _in_valley("GD, η = 0.0194", "gd", 0.0194, 1000),
            _in_valley(
                "Momentum, η = 0.0194, β = 0.7", "momentum", 0.0194, 1000, hyper={"momentum": 0.7}
            ),
        ),
        judge=_judge_momentum,
        playground=1,
    ),
    Scene(
        id="nesterov",
        title="Heavy ball or Nesterov?",
        idea="Nesterov's momentum looks ahead before it steps, which brakes the heavy ball's "
        "overshoot.",
        sources=(
            (
                "002",
                "Nesterov evaluates the gradient after the current velocity is applied: "
                "a correction to standard momentum",
            ),
        ),
        setup="The κ = 10 bowl, heavy-ball momentum and Nesterov momentum with the same "
        "**η = 0.0501** and **β = 0.9**, from the same start, for at most **300 steps**.",
        question="Which of the two swings further past the minimum?",
        choices=(
            "Nesterov overshoots more",
            "Heavy ball overshoots more",
            "They overshoot the same",
        ),
        answer=1,
        explanation="With β = 0.9 the heavy ball keeps 90 % of its velocity: it rolls through "
        "the minimum and up the other side before the gradient turns it round. Nesterov takes "
        "the gradient where the velocity is about to carry it (in the notes, "
        "$\\nabla E(W - \\gamma v)$), so it feels the slope rising on the far side one step "
        "earlier and brakes. The library runs PyTorch's equivalent form shown below: the "
        "extra $\\beta v_{t+1}$ term is the look-ahead.",
        formula=r"v_{t+1} = \beta v_t + \nabla f(x_t), \qquad "
        r"x_{t+1} = x_t - \eta\,\big(\nabla f(x_t) + \beta\, v_{t+1}\big)",
        runs=tuple(
            _on_bowl(f"{name}, η = 0.0501, β = 0.9", rule, 0.0501, 300, hyper={"momentum": 0.9})
            for name, rule in (("Heavy ball", "momentum"), ("Nesterov", "nesterov"))
        ),
        judge=_judge_nesterov,
        playground=1,
    ),
    Scene(
        id="standardize",
        title="Scaling the feature",
        idea="Standardizing a feature reshapes the loss surface itself: the least-squares "
        "Hessian becomes the identity, κ drops to 1 and gradient descent runs straight in.",
        sources=(
            ("003", "for the fit to behave well it is important to scale the input features"),
            ("000", "stochastic gradient descent is sensitive to feature scaling"),
            ("001", "κ(H) sets the convergence rate"),
        ),
        setup="Fitting a line $t \\approx w\\,x + b$ to 50 points with $x$ between 2 and 8, by "
        "least squares. Left: the raw feature. Right: the same data with $x$ replaced by "
        "$(x - \\bar x)/s$. Each gets gradient descent at its own best fixed step "
        "$2/(\\lambda_{\\min}+\\lambda_{\\max})$ for at most **200 steps**.",
        question="What does standardizing the feature do to gradient descent?",
        choices=(
            "Nothing: the shape of the valley is set by the data, not by its units",
            "The valley becomes a round bowl (κ ≈ 1): GD reaches the minimum at once",
            "The valley gets steeper and GD becomes unstable",
        ),
        answer=1,
        explanation="The Hessian of the mean squared error is $A^\\top A / n$: its entries are "
        "the mean of $x^2$, the mean of $x$ and 1. With $x$ far from zero the two columns of "
        "$A$ are nearly parallel, so $H$ is nearly singular: a long thin valley, κ in the "
        "hundreds. After standardizing, mean 0 and variance 1 make $H$ the identity: every "
        "direction has the same curvature, the gradient points straight at the minimum, and "
        "the best step $2/(1+1) = 1$ lands on it.",
        formula=r"H = \frac{1}{n}A^\top A = \begin{pmatrix} \overline{x^2} & \bar x \\ "
        r"\bar x & 1 \end{pmatrix} \;\xrightarrow{\;x \,\to\, (x-\bar x)/s\;}\; "
        r"\begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}",
        runs=tuple(
            run(label, "least_squares", "gd", lr, start, 200, {"standardize": standardize})
            for label, lr, start, standardize in (
                ("Raw x, GD η = 0.0649", 0.0649, RAW_START, False),
                ("Standardized x, GD η = 1", 1.0, STANDARDIZED_START, True),
            )
        ),
        judge=_judge_standardize,
    ),
    Scene(
        id="saddle",
        title="A saddle point",
        idea="At a saddle point the gradient vanishes without a minimum: gradient descent "
        "started near its ridge crawls there for many steps; a little noise pushes it off.",
        sources=(
            ("001", "saddle points: the Hessian has positive and negative eigenvalues"),
            ("004", "SGD can be too slow at plateaus and get stuck at saddle points"),
            ("001", "mini-batch noise can help the solution escape small local gradient problems"),
        ),
        setup="The double well $f = x^2 + (y^2 - 1)^2$: minima at $(0, \\pm 1)$, a saddle "
        "point at the origin. Both runs start at $(-1.8,\\ 10^{-8})$, a hair off the ridge "
        "$y = 0$, with **η = 0.0501** for at most **300 steps**; the second one adds Gaussian "
        "noise **σ = 0.2** to every gradient.",
        question="Which run gets away from the saddle point first?",
        choices=(
            "Plain gradient descent: it follows the exact slope",
            "The noisy run: the noise knocks it off the ridge",
            "Neither: both stay at the saddle for good",
            "Both leave together",
        ),
        answer=1,
        explanation="Along $y$ the saddle curves down ($\\lambda = -4$), so a small offset grows "
        "by the factor $1 + 4\\eta \\approx 1.2$ per step — but from $10^{-8}$ it needs about "
        "$\\ln(10^{8})/\\ln 1.2 \\approx 100$ steps to matter. Meanwhile the gradient is "
        "almost zero and gradient descent sits still. The noisy gradient kicks $y$ by about "
        "$\\eta\\sigma$ at every step, so the run never sits on the ridge: the same growth "
        "takes it down to a minimum as soon as it arrives.",
        formula=r"H(0,0) = \begin{pmatrix} 2 & 0 \\ 0 & -4 \end{pmatrix}, \qquad "
        r"y_{t+1} = (1 + 4\eta)\, y_t \;\Rightarrow\; "
        r"t_{\text{escape}} \approx \frac{\ln(1/|y_0|)}{\ln(1 + 4\eta)}",
        runs=tuple(
            run(label, "custom", "gd", 0.0501, (-1.8, 1e-8), 300, DOUBLE_WELL, noise=noise, seed=0)
            for label, noise in (("GD", 0.0), ("GD + noise σ = 0.2", 0.2))
        ),
        judge=_judge_saddle,
    ),
    Scene(
        id="start_point",
        title="Where you start",
        idea="On a non-convex surface gradient descent is deterministic but the start decides "
        "the basin, and so the minimum it reaches.",
        sources=(
            ("001", "the minimum reached by an optimizer depends on the starting value of W"),
            (
                "002",
                "the starting point for GD strongly determines the stationary point to "
                "which it converges",
            ),
        ),
        setup="Himmelblau's function has four minima of equal depth around a central hill. Two "
        "gradient-descent runs, **η = 0.01**, start **0.1 apart** beside the hill top, at "
        "(−0.3, −0.9) and (−0.2, −0.9).",
        question="Where do the two runs end?",
        choices=(
            "At the same minimum: the starts are almost the same",
            "At two different minima",
            "Neither reaches a minimum",
        ),
        answer=1,
        explanation="The hill top is where the four basins of attraction meet. Each start lies "
        "in one basin, and with a small step gradient descent follows the slope down without "
        "crossing a basin boundary, so two starts a hair apart on either side of a boundary go "
        "to different minima. That is why "
        "networks are initialised at random and why two trainings of the same model can end "
        "in different places.",
        formula=r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2, \qquad " + _GD_RULE,
        runs=(
            run("GD from (−0.3, −0.9)", "himmelblau", "gd", 0.01, (-0.3, -0.9), 300),
            run("GD from (−0.2, −0.9)", "himmelblau", "gd", 0.01, (-0.2, -0.9), 300),
        ),
        judge=_judge_start,
    ),
    Scene(
        id="sgd_noise_floor",
        title="SGD at a fixed learning rate",
        idea="With a fixed η, SGD keeps bouncing around the minimum at a noise floor set by "
        "η and the gradient's variance; a decaying learning rate lets it settle.",
        sources=(
            ("002", "for a fixed η, stochastic gradient descent may not converge to the optimum"),
            ("002", "progressive decay η(s) = η₀/(1 + s·η_d)"),
            ("000", "SGD's updates have high variance and make the loss fluctuate"),
        ),
        setup="Least squares on 50 points with a standardized feature. Stochastic gradient "
        "descent with **one example per step** (batch size 1), **η = 0.2**, for **500 steps** "
        "(10 epochs). The second run decays the learning rate, "
        "$\\eta_t = 0.2/(1 + 0.05\\,t)$.",
        question="Where does the loss end up after 500 steps?",
        choices=(
            "Both settle exactly at the minimum, like batch gradient descent",
            "The fixed-η run keeps bouncing above the minimum; the decaying one gets lower",
            "The decaying run stops too early and ends higher",
            "Both diverge",
        ),
        answer=1,
        explanation="One example's gradient points the right way only on average: "
        "$\\mathbb{E}[g_i] = \\nabla f$, but its variance does not vanish at the minimum, where "
        "the individual residuals still pull in different directions. So each step of size "
        "$\\eta\\, g_i$ kicks the point away again and the loss hovers above $f^*$ at a level "
        "that grows with η. Shrinking η over time shrinks the kicks: the decaying run "
        "settles much closer.",
        formula=r"w_{t+1} = w_t - \eta_t\, \nabla \ell_{i_t}(w_t), \qquad "
        r"\mathbb{E}\big[\nabla \ell_{i_t}\big] = \nabla f, \qquad "
        r"\eta_t = \frac{\eta_0}{1 + d\,t}",
        runs=tuple(
            run(
                label,
                "least_squares",
                "gd",
                0.2,
                STANDARDIZED_START,
                500,
                {"standardize": True},
                options=options,
                batch_size=1,
                seed=0,
            )
            for label, options in (
                ("SGD, fixed η = 0.2", None),
                ("SGD, η = 0.2/(1 + 0.05 t)", {"decay": 0.05}),
            )
        ),
        judge=_judge_noise_floor,
    ),
    Scene(
        id="minibatch",
        title="How big a mini-batch?",
        idea="Averaging b examples divides the variance of the gradient estimate by about b: "
        "bigger mini-batches scatter less around the minimum.",
        sources=(
            ("000", "mini-batch reduces the variance of the parameter updates compared to SGD"),
            ("002", "mini-batch: approximate the gradient using a small subset of examples"),
        ),
        setup="The logistic-regression loss of a two-weight classifier on 60 points. Three "
        "runs with **η = 1** for **600 steps** each, with mini-batches of **1, 6 and 30** "
        "examples.",
        question="Which run ends in the tightest cloud around the minimum?",
        choices=("Batch size 1", "Batch size 6", "Batch size 30", "All the same"),
        answer=2,
        explanation="A mini-batch gradient is the mean of $b$ example gradients. Drawn without "
        "replacement from $n$ examples, its variance is the examples' variance divided by "
        "$b$ (times $(n-b)/(n-1)$). The kicks around the minimum shrink with it: batch 30 "
        "scatters far less than batch 1, at the price of 30 gradient evaluations per step.",
        formula=r"g_B = \frac{1}{b}\sum_{i \in B} \nabla \ell_i(w), \qquad "
        r"\operatorname{Var}[g_B] = \frac{n - b}{n - 1}\cdot\frac{\sigma^2}{b}",
        runs=tuple(
            run(
                f"SGD, batch {size}",
                "logistic",
                "gd",
                1.0,
                (-2.0, 2.0),
                600,
                batch_size=size,
                seed=0,
            )
            for size in (1, 6, 30)
        ),
        judge=_judge_batch,
    ),
    Scene(
        id="adagrad",
        title="AdaGrad's step size",
        idea="AdaGrad divides η by the root of the sum of all past squared gradients, a sum "
        "that only grows: the effective step shrinks for ever and the run can stall.",
        sources=(
            (
                "002",
                "accumulating squared gradients from the start can decrease the effective "
                "learning rate prematurely and excessively",
            ),
            ("000", "AdaGrad: every parameter has its own learning rate; it plateaus"),
        ),
        setup="The κ = 10 bowl, AdaGrad with **η = 0.1** from the usual start for **400 steps**.",
        question="What happens to AdaGrad's steps?",
        choices=(
            "They stay about the same size all the way",
            "They keep shrinking: it stalls short of the minimum",
            "They grow until it diverges",
            "It reaches the minimum in a few dozen steps",
        ),
        answer=1,
        explanation="Each coordinate's step is $\\eta/\\sqrt{s}$ times its gradient, and $s$ "
        "adds up every squared gradient since the start. The first, large gradients stay in "
        "that sum for ever, so the effective learning rate $\\eta/\\sqrt{s_t}$ can only fall. "
        "Near the minimum the gradient is small *and* the step size is small: the run stalls.",
        formula=r"s_{t+1} = s_t + g_t^2, \qquad "
        r"x_{t+1} = x_t - \frac{\eta}{\sqrt{s_{t+1}} + \epsilon}\, g_t",
        runs=(_on_bowl("AdaGrad, η = 0.1", "adagrad", 0.1, 400),),
        judge=_judge_adagrad,
    ),
    Scene(
        id="rmsprop_adam",
        title="RMSprop and Adam",
        idea="RMSprop and Adam replace AdaGrad's growing sum with a moving average that "
        "forgets old gradients, so their step size does not die out.",
        sources=(
            ("002", "RMSprop: r ← γr + (1 − γ) g⊙g estimates the scale with a moving average"),
            ("004", "Adam: moving averages of the gradient and of its square, bias-corrected"),
        ),
        setup="The same bowl, start and **η = 0.1** as AdaGrad's scene: AdaGrad, RMSprop "
        "(ρ = 0.99) and Adam (β₁ = 0.9, β₂ = 0.999) for **400 steps**.",
        question="Which of them reach the minimum within 400 steps?",
        choices=(
            "All three",
            "RMSprop and Adam; AdaGrad stalls",
            "Only AdaGrad: it is the most careful",
            "None of them",
        ),
        answer=1,
        explanation="RMSprop keeps $s$ as an exponential moving average: old squared gradients "
        "fade with factor ρ, so as the gradients shrink near the minimum, $s$ shrinks too and "
        "the step $\\eta/\\sqrt{s}$ stays useful. Adam does the same for the square and adds a "
        "momentum average $m$ of the gradient, both corrected for starting at zero.",
        formula=r"\text{RMSprop: } s_{t+1} = \rho\, s_t + (1-\rho)\, g_t^2, \qquad "
        r"\text{Adam: } x_t = x_{t-1} - \eta\, \frac{m_t/(1-\beta_1^t)}"
        r"{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}",
        runs=(
            _on_bowl("AdaGrad, η = 0.1", "adagrad", 0.1, 400),
            _on_bowl("RMSprop, η = 0.1", "rmsprop", 0.1, 400),
            _on_bowl("Adam, η = 0.1", "adam", 0.1, 400),
        ),
        judge=_judge_adaptive,
        playground=2,
    ),
    Scene(
        id="clipping",
        title="Exploding gradients",
        idea="Clipping the gradient's norm caps every step at η·c: a far-off start can no "
        "longer throw the run off the surface.",
        sources=(
            (
                "001",
                "dealing with exploding gradients is easy: gradient clipping prevents "
                "extreme values",
            ),
        ),
        setup="Rosenbrock's valley from its usual start, where the walls are steep. Gradient "
        "descent with **η = 0.00299** for at most **1000 steps**; the second run clips the "
        "gradient to norm **c = 10** before each step.",
        question="The unclipped run blows up within a few steps. What does the clipped run do?",
        choices=(
            "It blows up too: clipping only delays it",
            "It survives and works its way down the valley",
            "It converges as fast as with a well-chosen small η",
        ),
        answer=1,
        explanation="From the start the gradient has norm about 160; one step of $\\eta\\, g$ "
        "lands on a steeper part of the wall, where the gradient is three times larger, so "
        "the next step is larger still: 160, 490, 3900, 290 000 — the gradient explodes. "
        "Clipping rescales any gradient longer than $c$ to length $c$, so no step is longer "
        "than $\\eta c$; the run stays on the surface and follows the valley. Clipping does not "
        "fix η: near the minimum it is still too large to settle quickly.",
        formula=r"\tilde g = \min\Big(1, \frac{c}{\lVert g \rVert}\Big)\, g, \qquad "
        r"\lVert x_{t+1} - x_t \rVert = \eta\, \lVert \tilde g \rVert \le \eta\, c",
        runs=tuple(
            run(label, "rosenbrock", "gd", 0.00299, (-1.5, 2.0), 1000, options=options)
            for label, options in (
                ("GD, η = 0.00299", None),
                ("GD, η = 0.00299, clip 10", {"clip": 10.0}),
            )
        ),
        judge=_judge_clipping,
        playground=1,
    ),
)

_BY_ID = {scene.id: scene for scene in SCENES}


def ids() -> list[str]:
    """The scene ids in teaching order."""
    return list(_BY_ID)


def get(scene_id: str) -> Scene:
    """The scene ``scene_id``.

    Raises
    ------
    ValueError
        For an unknown id.
    """
    if scene_id not in _BY_ID:
        raise ValueError(f"Unknown scene {scene_id!r}; choose one of {ids()}.")
    return _BY_ID[scene_id]


# --------------------------------------------------------------------------------------------
# the figure before the reveal
# --------------------------------------------------------------------------------------------


def setup_figure(
    panels: Sequence[tuple[SurfaceLayers, surfaces.Surface, Sequence[RunSpec]]], height: int = 520
) -> go.Figure:
    """The surfaces with their minimizers and the start point of every run, and no path: what
    the class sees while it predicts.

    One panel per ``(layers, surface, runs)``, side by side. Each run's start is a ring in the
    colour its path will have in the animated figure (:func:`viz.theme.path_color` of its
    position in its panel); rings of runs that share a start are nested, the first the
    largest. One panel is titled with its surface and has the runs in the legend; several
    panels are titled with their runs.
    """
    several = len(panels) > 1
    fig = make_subplots(
        rows=1,
        cols=len(panels),
        horizontal_spacing=0.12,
        subplot_titles=[", ".join(r.label for r in runs) for _, _, runs in panels]
        if several
        else None,
    )
    for column, (layers, surface, runs) in enumerate(panels, start=1):
        suffix = "" if column == 1 else str(column)
        add_surface(fig, layers, row=1, col=column, axis_suffix=suffix)
        fig.data[-1].update(hoverinfo="skip")
        minima = np.asarray(surface.minima, dtype=float).reshape(-1, 2)
        fig.add_trace(
            go.Scatter(
                x=minima[:, 0],
                y=minima[:, 1],
                mode="markers",
                name="minimum",
                showlegend=column == 1 and len(minima) > 0,
                marker={
                    "symbol": "star",
                    "size": 18,
                    "color": theme.MINIMUM_COLOR,
                    "line": {"color": theme.OUTLINE_COLOR, "width": 1.5},
                },
                hovertemplate="minimum (%{x:.4g}, %{y:.4g})<extra></extra>",
            ),
            row=1,
            col=column,
        )
        for offset, run_ in enumerate(runs):
            shared = sum(1 for other in runs[:offset] if other.x0 == run_.x0)
            fig.add_trace(
                go.Scatter(
                    x=[run_.x0[0]],
                    y=[run_.x0[1]],
                    mode="markers",
                    name=run_.label,
                    showlegend=not several,
                    marker={
                        "size": max(26 - 8 * shared, 8),
                        "color": theme.path_color(offset),
                        "line": {"color": theme.OUTLINE_COLOR, "width": 2},
                    },
                    hovertemplate=f"{run_.label}<br>start (%{{x:.4g}}, %{{y:.4g}})<extra></extra>",
                ),
                row=1,
                col=column,
            )
        labels = surface.extras.get("axis_labels", ("x", "y"))
        fig.update_xaxes(title={"text": labels[0], "standoff": 4}, row=1, col=column)
        # Equal scale in a narrow panel: shrink the panel, not stretch the y range.
        fig.update_yaxes(
            title={"text": labels[1], "standoff": 4}, constrain="domain", row=1, col=column
        )
    names = [trace.name for trace in fig.data if trace.showlegend is not False]
    # One entry per row: the figure sits in a narrow column beside the question, where a
    # horizontal legend would wrap unpredictably over the plot.
    theme.apply_theme(
        fig,
        title=None if several else panels[0][1].title,
        height=height,
        legend_rows=0 if several else len(names),
    )
    # Several panels are titled with their runs: a legend would only repeat the titles.
    fig.update_layout(showlegend=not several, legend_orientation="v")
    fig.update_xaxes(showline=False)
    fig.update_yaxes(showline=False)
    fig.update_annotations(font={"size": theme.SUBTITLE_FONT_SIZE})
    fig.update_layout(hovermode="closest", margin={"b": 50})
    return fig
