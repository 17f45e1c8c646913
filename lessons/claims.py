"""The explanation judges: every numerical or directional claim of a scene's explanation,
checked against what the library did.

Each function takes ``(runs, trajectories)`` like a scene's answer judge and returns one
:class:`~lessons.scene.Claim` per claim. Where a claim is about settings the scene does not
run (a smaller η, a longer budget), the function runs them here with the library: the claim
is still measured, never assumed.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np

import surfaces
from lessons.judges import summary, zigzag_numbers
from lessons.measures import (
    adagrad_effective_steps,
    distance_to_nearest_minimum,
    excess_loss,
    first_step_beyond,
    nearest_minimum,
    overshoot,
    quadratic_model,
    spread,
)
from lessons.scene import Claim
from optimizers.numbers import format_number

#: A number for a student: three significant figures, powers of ten when tiny or huge.
_g = format_number


def eigen_errors(run, trajectory) -> tuple[np.ndarray, surfaces.Curvature]:
    """The error x_t − x* along each eigenvector of a quadratic's Hessian, shape (k+1, 2)
    (column 0 the shallow direction λmin, column 1 the steep one λmax)."""
    surface = run.build_surface()
    model = quadratic_model(surface)
    errors = (trajectory.points - np.asarray(surface.minima[0], dtype=float)) @ model.eigenvectors
    return errors, model


def longer(run, steps: int):
    """The same run with a larger step budget (for claims about where it ends up)."""
    return dataclasses.replace(run, steps=steps).run()


# ----- step size -----------------------------------------------------------------------------
def step_size(runs, trajectories) -> tuple[Claim, ...]:
    """The factors 1 − ηλ per step along each eigen-direction, measured on the path."""
    (trajectory,) = trajectories
    errors, model = eigen_errors(runs[0], trajectory)
    lr = runs[0].lr
    claims = []
    for column, lam, name in ((0, model.lambda_min, "shallow"), (1, model.lambda_max, "steep")):
        factor = 1 - lr * lam
        steps = min(trajectory.steps, 20)
        measured = errors[steps, column] / errors[0, column]
        claims.append(
            Claim(
                f"along the {name} direction the error is multiplied by 1 − ηλ = {_g(factor)} "
                "per step",
                bool(np.isclose(measured, factor**steps, rtol=1e-6, atol=1e-12)),
                f"after {steps} steps the {name} error is {_g(measured)} of its start; "
                f"{_g(factor)}^{steps} = {_g(factor**steps)}",
            )
        )
    return tuple(claims)


def timid(runs, trajectories) -> tuple[Claim, ...]:
    (trajectory,) = trajectories
    errors, model = eigen_errors(runs[0], trajectory)
    left = errors[-1, 0] / errors[0, 0]
    expected = (1 - runs[0].lr * model.lambda_min) ** trajectory.steps
    return (
        *step_size(runs, trajectories),
        Claim(
            f"after {trajectory.steps} steps about {_g(expected)} of the shallow error is left",
            bool(np.isclose(left, expected, rtol=1e-6)),
            f"measured {_g(left)}",
        ),
        Claim(
            "nothing goes wrong: the loss falls at every step",
            trajectory.status != "diverged" and bool(np.all(np.diff(trajectory.losses) <= 0)),
            summary(trajectory),
        ),
    )


def just_right(runs, trajectories) -> tuple[Claim, ...]:
    (trajectory,) = trajectories
    errors, model = eigen_errors(runs[0], trajectory)
    kappa = model.condition_number
    bound = (kappa - 1) / (kappa + 1)
    norms = np.hypot(errors[:, 0], errors[:, 1])
    rate = (norms[-1] / norms[0]) ** (1 / trajectory.steps)
    signs = np.sign(errors[:40, 1])
    return (
        *step_size(runs, trajectories),
        Claim(
            "the steep direction overshoots a little each step (its error changes sign)",
            bool(np.all(signs[1:] != signs[:-1])),
            f"sign changes in the first 40 steps: {int(np.sum(signs[1:] != signs[:-1]))} of 39",
        ),
        Claim(
            f"the error falls by about (κ−1)/(κ+1) = {_g(bound)} per step",
            trajectory.status == "converged" and abs(rate - bound) < 0.03,
            f"measured mean factor per step {_g(rate)}; {summary(trajectory)}",
        ),
    )


def too_large(runs, trajectories) -> tuple[Claim, ...]:
    (trajectory,) = trajectories
    errors, model = eigen_errors(runs[0], trajectory)
    factor = 1 - runs[0].lr * model.lambda_max
    ratios = errors[1:11, 1] / errors[:10, 1]
    return (
        Claim(
            f"the steep error flips sign and grows by |1 − ηλmax| = {_g(abs(factor))} per step",
            bool(np.allclose(ratios, factor, rtol=1e-6)),
            f"measured factors {_g(ratios.min())} … {_g(ratios.max())}",
        ),
        Claim(
            "the point flies off the bowl",
            trajectory.status == "diverged",
            trajectory.message,
        ),
    )


# ----- conditioning and momentum --------------------------------------------------------------
def zigzag(runs, trajectories) -> tuple[Claim, ...]:
    """Zig-zag only for 1/λmax < η < 2/λmax; the crawl along the valley is what costs."""
    (trajectory,) = trajectories
    count, model = zigzag_numbers(runs[0], trajectory)
    lr = runs[0].lr
    small = [dataclasses.replace(runs[0], hyperparameters=(("lr", eta),)) for eta in (0.005,)]
    small_counts = [zigzag_numbers(r, r.run())[0] for r in small]
    errors, _ = eigen_errors(runs[0], trajectory)
    gone = np.abs(errors) < 1e-3 * np.abs(errors[0])
    steep_done = int(np.argmax(gone[:, 1])) if gone[:, 1].any() else None
    shallow_done = int(np.argmax(gone[:, 0])) if gone[:, 0].any() else None
    return (
        Claim(
            f"η = {lr:g} lies between 1/λmax = {_g(1 / model.lambda_max)} and 2/λmax = "
            f"{_g(2 / model.lambda_max)}, where 1 − ηλmax < 0",
            1 / model.lambda_max < lr < 2 / model.lambda_max,
            f"1 − ηλmax = {_g(1 - lr * model.lambda_max)}",
        ),
        Claim(
            "so the path zig-zags across the valley",
            count >= 10,
            f"{count} reversals across the valley",
        ),
        Claim(
            f"a step below 1/λmax (η = {small[0].lr:g}) does not zig-zag",
            small_counts[0] == 0,
            f"{small_counts[0]} reversals at η = {small[0].lr:g}",
        ),
        Claim(
            "the slow crawl along the valley, not the zig-zag, sets the pace",
            steep_done is not None and (shallow_done is None or 2 * steep_done < shallow_done),
            f"the across-valley error fell below 1/1000 of its start by step {steep_done}, the "
            f"along-valley error by step {shallow_done}; {summary(trajectory)}",
        ),
    )


def momentum(runs, trajectories) -> tuple[Claim, ...]:
    gd, heavy = trajectories
    gd_count, _ = zigzag_numbers(runs[0], gd)
    heavy_count, _ = zigzag_numbers(runs[1], heavy)
    beta = dict(runs[1].hyperparameters)["momentum"]
    lr = runs[1].lr
    # v_{t+1} = (x_t − x_{t+1})/η (PyTorch's form, v_0 = 0): compare with the sum formula.
    velocities = -np.diff(heavy.points, axis=0) / lr
    t = min(30, heavy.steps)
    gradients = heavy.gradients[:t]
    summed = (beta ** np.arange(t - 1, -1, -1)) @ gradients
    return (
        Claim(
            "with v₀ = 0 the velocity is v_t = Σ_{j=0}^{t−1} β^{t−1−j} g_j",
            bool(np.allclose(velocities[t - 1], summed, rtol=1e-9, atol=1e-12)),
            f"v_{t} replayed from the gradients: ({_g(summed[0])}, {_g(summed[1])}); from the "
            f"path: ({_g(velocities[t - 1][0])}, {_g(velocities[t - 1][1])})",
        ),
        Claim(
            "less zig-zag: the reversals across the valley die out sooner",
            heavy_count < gd_count / 2,
            f"reversals: gradient descent {gd_count}, momentum {heavy_count}",
        ),
        Claim(
            "more progress: momentum reaches the minimum in fewer steps",
            heavy.status == "converged" and heavy.steps < gd.steps,
            f"gradient descent {summary(gd)}, momentum {summary(heavy)}",
        ),
    )


def nesterov(runs, trajectories) -> tuple[Claim, ...]:
    minimum = runs[0].build_surface().minima[0]
    past = [overshoot(t.points, minimum) for t in trajectories]
    return (
        Claim(
            "the heavy ball rolls through the minimum and up the other side",
            past[0] > 0,
            f"farthest swing past the minimum {_g(past[0])}",
        ),
        Claim(
            "Nesterov brakes earlier: it swings less far past the minimum",
            past[1] < 0.8 * past[0],
            f"heavy ball {_g(past[0])}, Nesterov {_g(past[1])}",
        ),
    )


# ----- data: scaling, noise, mini-batches -----------------------------------------------------
def standardize(runs, trajectories) -> tuple[Claim, ...]:
    raw, standardized = trajectories
    raw_surface, std_surface = (r.build_surface() for r in runs)
    design = raw_surface.extras["X"]
    n = len(design)
    hessian = np.asarray(raw_surface.hessian(raw_surface.start))
    targets = raw_surface.extras["y"]
    p = np.asarray(raw_surface.start, dtype=float)
    mse = float(np.mean((design @ p - targets) ** 2))
    kappas = [quadratic_model(s).condition_number for s in (raw_surface, std_surface)]
    r = 0.9
    correlated = np.linalg.eigvalsh(np.array([[1.0, r], [r, 1.0]]))
    return (
        Claim(
            "the surface is ½·MSE, with Hessian AᵀA/n; the MSE itself has 2AᵀA/n",
            bool(np.allclose(hessian, design.T @ design / n))
            and bool(np.isclose(float(raw_surface.value(*p)), 0.5 * mse)),
            f"f = {_g(float(raw_surface.value(*p)))} = ½ · {_g(mse)} at the start",
        ),
        Claim(
            "the raw feature gives a long thin valley with κ in the hundreds",
            100 <= kappas[0] < 1000,
            f"raw κ = {_g(kappas[0])}",
        ),
        Claim(
            "standardizing one feature (with an intercept) makes H the identity, κ = 1",
            abs(kappas[1] - 1) < 1e-9,
            f"standardized κ = {_g(kappas[1])}",
        ),
        Claim(
            f"two standardized features with correlation r = {r} keep κ = (1+r)/(1−r) = "
            f"{_g((1 + r) / (1 - r))}",
            bool(np.isclose(correlated[1] / correlated[0], (1 + r) / (1 - r))),
            f"eigenvalues of [[1, r], [r, 1]]: {_g(correlated[0])}, {_g(correlated[1])}",
        ),
        Claim(
            "the best step 2/(1+1) = 1 lands on the minimum at once",
            standardized.status == "converged" and standardized.steps == 1,
            f"standardized: it {summary(standardized)}; raw: it {summary(raw)}",
        ),
    )


def saddle(runs, trajectories) -> tuple[Claim, ...]:
    plain = trajectories[0]
    surface = runs[0].build_surface()
    model = surfaces.curvature(surface, (0.0, 0.0))
    lr = runs[0].lr
    growth = 1 + abs(model.lambda_min) * lr
    y0 = abs(runs[0].x0[1])
    estimate = np.log(0.5 / y0) / np.log(growth)
    downhill = model.eigenvectors[:, 0]
    away = [first_step_beyond(t.points, (0.0, 0.0), downhill, 0.5) for t in trajectories]
    ratios = plain.points[1:20, 1] / plain.points[:19, 1]
    return (
        Claim(
            f"along y the saddle curves down (λ = {_g(model.lambda_min)}): a small offset grows "
            f"by 1 + {_g(abs(model.lambda_min))}η = {_g(growth)} per step",
            bool(np.allclose(ratios, growth, rtol=1e-3)),
            f"measured growth of y per step {_g(ratios.min())} … {_g(ratios.max())}",
        ),
        Claim(
            f"from |y| = {_g(y0)} plain GD needs about ln(0.5/|y₀|)/ln({_g(growth)}) ≈ "
            f"{estimate:.0f} steps to get 0.5 away",
            away[0] is not None and abs(away[0] - estimate) < 0.2 * estimate,
            f"it got 0.5 away at step {away[0]}",
        ),
        Claim(
            "the noisy run gets away sooner",
            away[1] is not None and (away[0] is None or away[1] < away[0]),
            f"noisy run: step {away[1]}",
        ),
    )


def start_point(runs, trajectories) -> tuple[Claim, ...]:
    surface = runs[0].build_surface()
    ends = [nearest_minimum(surface, t.final_point) for t in trajectories]
    gap = float(np.hypot(*np.subtract(runs[0].x0, runs[1].x0)))
    return (
        Claim(
            f"two starts {_g(gap)} apart end at two different minima",
            all(t.status == "converged" for t in trajectories) and ends[0] != ends[1],
            "; ".join(
                f"from {r.x0}: {summary(t)}, minimum {ends[i] + 1}"
                for i, (r, t) in enumerate(zip(runs, trajectories, strict=True))
            ),
        ),
    )


def noise_floor(runs, trajectories) -> tuple[Claim, ...]:
    surface = runs[0].build_surface()
    f_star = float(surface.value(*surface.minima[0]))
    fixed, decayed = (excess_loss(t, f_star) for t in trajectories)
    half = dataclasses.replace(runs[0], hyperparameters=(("lr", runs[0].lr / 2),)).run()
    smaller = excess_loss(half, f_star)
    return (
        Claim(
            "with a fixed η the loss hovers above f*",
            fixed > 1e-4 and trajectories[0].status != "converged",
            f"mean excess loss over the last quarter {_g(fixed)}",
        ),
        Claim(
            "the level grows with η",
            smaller < fixed,
            f"η = {runs[0].lr:g}: {_g(fixed)}; η = {runs[0].lr / 2:g}: {_g(smaller)}",
        ),
        Claim(
            "the decaying run settles much closer",
            fixed > 3 * decayed,
            f"decaying η: {_g(decayed)}",
        ),
    )


def batch(runs, trajectories) -> tuple[Claim, ...]:
    surface = runs[0].build_surface()
    spreads = [spread(t.points, surface.minima[0]) for t in trajectories]
    sizes = [r.batch_size for r in runs]
    return (
        Claim(
            "bigger mini-batches scatter less around the minimum",
            all(a > b for a, b in itertools.pairwise(spreads)),
            ", ".join(f"batch {b}: {_g(s)}" for b, s in zip(sizes, spreads, strict=True)),
        ),
        Claim(
            f"batch {sizes[-1]} scatters far less than batch {sizes[0]}",
            spreads[-1] < 0.5 * spreads[0],
            f"ratio {_g(spreads[-1] / spreads[0])}",
        ),
    )


# ----- adaptive rules and clipping -------------------------------------------------------------
#: Budget for "run it longer" claims: AdaGrad on the bowl needs about 12,000 steps.
LONG_BUDGET = 20_000


def adagrad(runs, trajectories) -> tuple[Claim, ...]:
    (trajectory,) = trajectories
    effective = adagrad_effective_steps(trajectory)
    sums = np.cumsum(trajectory.gradients[:-1] ** 2, axis=0)
    half = len(sums) // 2
    growth = (sums[-1] - sums[half]) / sums[-1]
    long = longer(runs[0], LONG_BUDGET)
    long_effective = adagrad_effective_steps(long)
    return (
        Claim(
            "the effective step η/√s only falls",
            bool(np.all(np.diff(effective, axis=0) <= 0)),
            f"x: {_g(effective[0, 0])} → {_g(effective[-1, 0])}",
        ),
        Claim(
            "the sum s levels off: the second half of the run adds little to it",
            bool(np.all(growth < 0.1)),
            f"share of s added in the second half: {_g(growth[0])} (x), {_g(growth[1])} (y)",
        ),
        Claim(
            "the effective step freezes at a small value instead of going to zero",
            bool(np.all(long_effective[-1] > 0.9 * effective[-1])),
            f"after {long.steps} steps: {_g(long_effective[-1, 0])} (x), "
            f"{_g(long_effective[-1, 1])} (y)",
        ),
        Claim(
            f"after {trajectory.steps} steps it is still far from the minimum",
            trajectory.status != "converged",
            summary(trajectory),
        ),
        Claim(
            "given enough steps it converges, slowly",
            long.status == "converged" and long.steps > 10 * trajectory.steps,
            f"with {LONG_BUDGET} steps it {summary(long)}",
        ),
    )


def adaptive(runs, trajectories) -> tuple[Claim, ...]:
    adam_run = trajectories[2]
    surface = runs[0].build_surface()
    ends = [distance_to_nearest_minimum(surface, t.final_point) for t in trajectories]
    adam = dict(runs[2].hyperparameters)
    b2 = adam["b2"]
    weight = b2 ** (adam_run.steps - 1)
    first = np.abs(adam_run.points[1] - adam_run.points[0])
    return (
        Claim(
            "RMSprop and Adam reach the minimum; AdaGrad does not",
            ends[1] < 1e-3 and ends[2] < 1e-3 and ends[0] > 1e-3,
            ", ".join(
                f"{t.optimizer.title}: {_g(e)}" for t, e in zip(trajectories, ends, strict=True)
            ),
        ),
        Claim(
            f"with β₂ = {b2:g} Adam forgets almost nothing in {adam_run.steps} steps: the "
            f"first squared gradient still weighs β₂^(t−1) = {_g(weight)} of the last",
            weight > 0.5,
            f"Adam {summary(adam_run)}",
        ),
        Claim(
            "bias correction makes Adam's first step η in each coordinate",
            bool(np.allclose(first, runs[2].lr, rtol=1e-4)),
            f"first step ({_g(first[0])}, {_g(first[1])}), η = {runs[2].lr:g}",
        ),
    )


def clipping(runs, trajectories) -> tuple[Claim, ...]:
    plain, clipped = trajectories
    surface = runs[1].build_surface()
    norms = np.linalg.norm(plain.gradients[:4], axis=1)
    limit = 2 / surfaces.curvature(surface, surface.minima[0]).lambda_max
    lr, clip = runs[1].lr, dict(runs[1].options)["clip"]
    longest = float(np.max(np.hypot(*np.diff(clipped.points, axis=0).T)))
    cycle = cycle_distance(runs[1])
    return (
        Claim(
            "without clipping the gradient grows at every step until the run blows up",
            plain.status == "diverged" and bool(np.all(np.diff(norms) > 0)),
            f"gradient norms {' → '.join(map(_g, norms))}; {plain.message}",
        ),
        Claim(
            f"with clipping no step is longer than η·c = {_g(lr * clip)}",
            longest <= lr * clip * (1 + 1e-9),
            f"longest step {_g(longest)}",
        ),
        Claim(
            f"at the minimum η = {lr:g} is above 2/λmax = {_g(limit)}: it can never settle there",
            lr > limit and clipped.status != "converged",
            f"clipped run {summary(clipped)}",
        ),
        Claim(
            f"run long enough, it locks into a 2-cycle about {_g(cycle)} from the minimum",
            0.05 < cycle < 0.5,
            f"after {LONG_BUDGET} steps",
        ),
    )


def cycle_distance(run) -> float:
    """Where a run that cannot settle ends: its distance from the nearest minimum after
    :data:`LONG_BUDGET` steps, if it has locked into a 2-cycle (nan otherwise)."""
    points = longer(run, LONG_BUDGET).points
    if np.linalg.norm(points[-1] - points[-3]) > 1e-9:
        return float("nan")
    return distance_to_nearest_minimum(run.build_surface(), points[-1])
