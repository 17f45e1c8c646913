"""The judges: which choice of a scene is true, read from what the library did."""

from __future__ import annotations

import numpy as np

import optimizers
import surfaces
from lessons.measures import (
    adagrad_effective_steps,
    distance_to_nearest_minimum,
    excess_loss,
    first_step_beyond,
    nearest_minimum,
    overshoot,
    quadratic_model,
    spread,
    steps_near,
    zigzags,
)
from lessons.scene import Judge, Outcome
from optimizers import RunSpec
from optimizers.numbers import format_number

#: A number for a student: three significant figures, powers of ten when tiny or huge.
fmt = format_number


def summary(trajectory: optimizers.Trajectory) -> str:
    """'converged in 92 steps', 'diverged at step 34', 'is still moving after 400 steps'."""
    steps = trajectory.steps
    plural = "" if steps == 1 else "s"
    if trajectory.status == "converged":
        return f"converged in {steps} step{plural}"
    if trajectory.status == "diverged":
        return f"diverged at step {steps}"
    if trajectory.status == "max_steps":
        return f"is still moving after {steps} step{plural}"
    # bouncing, stopped, undefined: the runner's own words (optimizers.STATUS_WORDS).
    return f"{optimizers.status_label(trajectory.status)} after {steps} step{plural}"


def start_and_end(surface: surfaces.Surface, trajectory) -> tuple[float, float]:
    """The distance from the nearest minimizer at the start of the run and at its end."""
    return (
        distance_to_nearest_minimum(surface, trajectory.points[0]),
        distance_to_nearest_minimum(surface, trajectory.final_point),
    )


def status_judge(converged: int, still_moving: int, diverged: int) -> Judge:
    """Choice by the status of the single run; evidence: the runner's message and how much of
    the distance to the minimum it covered."""

    def judge(runs, trajectories) -> Outcome:
        (trajectory,) = trajectories
        start, end = start_and_end(runs[0].build_surface(), trajectory)
        evidence = [trajectory.message]
        if trajectory.status != "diverged":
            covered = 100.0 * (1.0 - end / start)
            evidence.append(
                f"It covered {fmt(covered)} % of the distance to the minimum "
                f"({fmt(start)} → {fmt(end)})."
            )
        answer = {"converged": converged, "diverged": diverged}
        # Bouncing, stopped or undefined runs neither converged nor diverged: "still moving"
        # is the choice that covers them (the evidence quotes the runner's exact verdict).
        return Outcome(answer.get(trajectory.status, still_moving), tuple(evidence))

    return judge


def zigzag_numbers(run_: RunSpec, trajectory) -> tuple[int, surfaces.Curvature]:
    surface = run_.build_surface()
    model = quadratic_model(surface)
    steep = model.eigenvectors[:, 1]
    # Steps shorter than ~1/1000 of the plot diagonal are invisible: they do not count.
    return zigzags(trajectory.points, steep, 2e-3 * surface.half_diagonal), model


def judge_zigzag(runs, trajectories) -> Outcome:
    (trajectory,) = trajectories
    count, model = zigzag_numbers(runs[0], trajectory)
    lr = runs[0].lr
    evidence = (
        f"Across the valley each step multiplies the error by 1 − ηλmax = "
        f"{fmt(1 - lr * model.lambda_max)}: its sign flips every step. Along the valley by "
        f"1 − ηλmin = {fmt(1 - lr * model.lambda_min)}: a crawl.",
        f"The path reversed direction across the valley {count} times and {summary(trajectory)}.",
    )
    if trajectory.status == "diverged":
        return Outcome(2, evidence)
    return Outcome(1 if count >= 10 else 0, evidence)


def judge_momentum(runs, trajectories) -> Outcome:
    (gd, heavy) = trajectories
    gd_count, _ = zigzag_numbers(runs[0], gd)
    heavy_count, _ = zigzag_numbers(runs[1], heavy)
    evidence = (
        f"Reversals across the valley: gradient descent {gd_count}, momentum {heavy_count}.",
        f"Gradient descent {summary(gd)}, momentum {summary(heavy)}.",
    )
    if "diverged" in (gd.status, heavy.status):
        return Outcome(0, evidence)
    if heavy_count < gd_count / 2 and heavy.steps < gd.steps:
        return Outcome(1, evidence)
    if heavy_count > 1.5 * gd_count:
        return Outcome(0, evidence)
    return Outcome(2, evidence)


def judge_nesterov(runs, trajectories) -> Outcome:
    heavy, nesterov = trajectories
    minimum = runs[0].build_surface().minima[0]
    past = [overshoot(t.points, minimum) for t in trajectories]
    evidence = (
        f"Farthest swing past the minimum: heavy ball {fmt(past[0])}, Nesterov {fmt(past[1])}.",
        f"Heavy ball {summary(heavy)}, Nesterov {summary(nesterov)}.",
    )
    if past[1] < 0.8 * past[0]:
        return Outcome(1, evidence)
    if past[0] < 0.8 * past[1]:
        return Outcome(0, evidence)
    return Outcome(2, evidence)


def judge_standardize(runs, trajectories) -> Outcome:
    raw, standardized = trajectories
    kappas = [quadratic_model(r.build_surface()).condition_number for r in runs]
    evidence = (
        f"Condition number of the Hessian: raw feature κ = {fmt(kappas[0])}, "
        f"standardized κ = {fmt(kappas[1])}.",
        f"Raw feature (η = {runs[0].lr:g}): it {summary(raw)}, "
        f"{fmt(distance_to_nearest_minimum(runs[0].build_surface(), raw.final_point))} from the "
        "minimum.",
        f"Standardized (η = {runs[1].lr:g}): it {summary(standardized)}.",
    )
    fast = standardized.status == "converged" and standardized.steps <= 10
    if kappas[1] < 2.0 and fast and raw.status != "converged":
        return Outcome(1, evidence)
    if "diverged" in (raw.status, standardized.status) or kappas[1] > kappas[0]:
        return Outcome(2, evidence)
    return Outcome(0, evidence)


def judge_saddle(runs, trajectories) -> Outcome:
    surface = runs[0].build_surface()
    saddle = (0.0, 0.0)
    model = surfaces.curvature(surface, saddle)
    downhill = model.eigenvectors[:, 0]  # the negative eigenvalue's direction
    near = [steps_near(t.points, saddle, 0.1) for t in trajectories]
    away = [first_step_beyond(t.points, saddle, downhill, 0.5) for t in trajectories]

    def when(step):
        return "never (within the budget)" if step is None else f"at step {step}"

    evidence = (
        f"The Hessian at the origin has eigenvalues {fmt(model.lambda_min)} and "
        f"{fmt(model.lambda_max)}: a {model.kind} point.",
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


def judge_start(runs, trajectories) -> Outcome:
    surface = runs[0].build_surface()
    ends = [nearest_minimum(surface, t.final_point) for t in trajectories]
    evidence = tuple(
        f"From ({r.x0[0]:g}, {r.x0[1]:g}): {summary(t)}, at the minimum "
        f"({fmt(surface.minima[e][0])}, {fmt(surface.minima[e][1])})."
        for r, t, e in zip(runs, trajectories, ends, strict=True)
    )
    if any(t.status != "converged" for t in trajectories):
        return Outcome(2, evidence)
    return Outcome(1 if ends[0] != ends[1] else 0, evidence)


def judge_noise_floor(runs, trajectories) -> Outcome:
    surface = runs[0].build_surface()
    f_star = float(surface.value(*surface.minima[0]))
    fixed, decayed = (excess_loss(t, f_star) for t in trajectories)
    evidence = (
        f"Mean loss above the minimum over the last quarter of the run: fixed η "
        f"{fmt(fixed)}, decaying η {fmt(decayed)} (f* = {fmt(f_star)}).",
    )
    if any(t.status == "diverged" for t in trajectories):
        return Outcome(3, evidence)
    if fixed > 3.0 * decayed:
        return Outcome(1, evidence)
    if decayed > 3.0 * fixed:
        return Outcome(2, evidence)
    return Outcome(0, evidence)


def judge_batch(runs, trajectories) -> Outcome:
    surface = runs[0].build_surface()
    spreads = [spread(t.points, surface.minima[0]) for t in trajectories]
    evidence = (
        "Root-mean-square distance from the minimizer over the second half of each run: "
        + ", ".join(f"batch {r.batch_size}: {fmt(s)}" for r, s in zip(runs, spreads, strict=True))
        + ".",
    )
    if max(spreads) < 1.5 * min(spreads):
        return Outcome(3, evidence)
    return Outcome(int(np.argmin(spreads)), evidence)


def judge_adagrad(runs, trajectories) -> Outcome:
    (trajectory,) = trajectories
    effective = adagrad_effective_steps(trajectory)
    lengths = np.hypot(*np.diff(trajectory.points, axis=0).T)
    start, end = start_and_end(runs[0].build_surface(), trajectory)
    evidence = (
        f"Effective step η/(√s + ε) of x: {fmt(effective[0, 0])} at the first step, "
        f"{fmt(effective[-1, 0])} at the last; of y: {fmt(effective[0, 1])} → "
        f"{fmt(effective[-1, 1])}.",
        f"Step length: {fmt(lengths[0])} at first, {fmt(lengths[-1])} at the end.",
        f"It {summary(trajectory)}; distance to the minimum {fmt(start)} → {fmt(end)}.",
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


def judge_adaptive(runs, trajectories) -> Outcome:
    surface = runs[0].build_surface()
    ends = [distance_to_nearest_minimum(surface, t.final_point) for t in trajectories]
    reached = tuple(end < 1e-3 for end in ends)
    evidence = tuple(
        f"{t.optimizer.title} {summary(t)}, {fmt(end)} from the minimum."
        for t, end in zip(trajectories, ends, strict=True)
    )
    answer = {
        (True, True, True): 0,
        (False, True, True): 1,
        (True, False, False): 2,
        (False, False, False): 3,
    }.get(reached, 3)
    return Outcome(answer, evidence)


def judge_clipping(runs, trajectories) -> Outcome:
    plain, clipped = trajectories
    limit = runs[1].lr * dict(runs[1].options)["clip"]
    longest = float(np.max(np.hypot(*np.diff(clipped.points, axis=0).T)))
    start, end = start_and_end(runs[1].build_surface(), clipped)
    evidence = (
        f"Without clipping: {plain.message}",
        f"With clipping it {summary(clipped)}; the longest step was {fmt(longest)} ≤ η·c = "
        f"{fmt(limit)}; distance to the minimum {fmt(start)} → {fmt(end)}.",
    )
    if clipped.status == "diverged":
        return Outcome(0, evidence)
    if clipped.status == "converged":
        return Outcome(2, evidence)
    return Outcome(1 if plain.status == "diverged" and end < 0.5 * start else 0, evidence)
