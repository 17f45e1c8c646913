"""The loop: gradient oracle, update rule, stop rules, and a :class:`Trajectory` to show."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from optimizers import stopping
from optimizers.registry import Optimizer
from surfaces.base import Surface, as_point
from surfaces.curvature import curvature

#: The most steps one run may take: 100,000 steps run in about a second.
MAX_STEPS = 100_000


@dataclass(frozen=True, eq=False)
class Trajectory:
    """What a run did, ready to plot. Every array is finite.

    Attributes
    ----------
    points : ndarray (k + 1, 2)
        x₀, x₁, …, x_k; ``points[0]`` is the start.
    losses : ndarray (k + 1,)
        f at each point.
    gradients : ndarray (k + 1, 2)
        The exact gradient at each point (also for stochastic runs, where the update used a
        noisy estimate of it).
    grad_norms : ndarray (k + 1,)
        ‖∇f‖ at each point.
    lrs : ndarray (k,)
        The learning rate of each step taken (constant unless ``decay`` > 0).
    status : str
        ``'converged'`` (‖∇f‖ < tol), ``'diverged'`` or ``'max_steps'``.
    message : str
        One sentence or two for a student: what happened, where, and why.
    optimizer : Optimizer
        The rule and hyperparameters that made the path.
    updates_per_epoch : int or None
        Mini-batch updates in one pass over the data (None without mini-batches).
    """

    points: np.ndarray
    losses: np.ndarray
    gradients: np.ndarray
    grad_norms: np.ndarray
    lrs: np.ndarray
    status: str
    message: str
    optimizer: Optimizer
    updates_per_epoch: int | None = None

    @property
    def steps(self) -> int:
        """Number of steps taken (``len(points) - 1``)."""
        return len(self.points) - 1

    @property
    def final_point(self) -> np.ndarray:
        return self.points[-1]

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])


def run(
    surface: Surface,
    optimizer: Optimizer,
    x0=None,
    steps: int = 200,
    tol: float = 1e-8,
    batch_size: int | None = None,
    noise: float = 0.0,
    seed: int = 0,
) -> Trajectory:
    """Run ``optimizer`` on ``surface`` from ``x0`` for at most ``steps`` steps.

    Each step k: evaluate f and the exact gradient at x_k; stop if ‖∇f(x_k)‖ < ``tol``
    (converged) or if x_k is non-finite, far off the plot or at an absurd loss (diverged);
    otherwise draw the gradient the rule sees (the exact one, a mini-batch estimate, or the
    exact one plus N(0, noise²) per coordinate), clip it, add weight decay, and step.

    Parameters
    ----------
    surface : Surface
    optimizer : Optimizer
        From :func:`optimizers.get`.
    x0 : (2,) sequence of float, optional
        Start point; the surface's ``start`` if omitted.
    steps : int
        Step budget, 0 to 100,000.
    tol : float
        Convergence threshold on the exact gradient norm, ≥ 0.
    batch_size : int, optional
        Mini-batch size for data surfaces: shuffled epochs without replacement, 1 is pure SGD,
        ``surface.n_samples`` is batch GD. None uses the exact gradient.
    noise : float
        Standard deviation of Gaussian noise added to each gradient coordinate, ≥ 0.
    seed : int
        Seeds the shuffling and the noise: the same seed gives the same trajectory.

    Returns
    -------
    Trajectory
    """
    _check_run_arguments(surface, optimizer, steps, tol, noise, seed)
    start = surface.start if x0 is None else x0
    p = as_point(start, "x0").astype(float).copy()
    if p.shape != (2,) or not np.all(np.isfinite(p)):
        raise ValueError(f"x0 must be a finite point (x, y), got {start!r}.")
    oracle = _Oracle(surface, batch_size, noise, seed)

    rule = optimizer.rule
    needs_hessian = getattr(rule, "NEEDS_HESSIAN", False)
    hyper = {key: value for key, value in optimizer.hyperparameters.items() if key != "lr"}
    clip, weight_decay = optimizer.clip, optimizer.weight_decay
    lr0, decay = optimizer.lr, optimizer.decay

    points = np.empty((steps + 1, 2))
    losses = np.empty(steps + 1)
    gradients = np.empty((steps + 1, 2))
    norms = np.empty(steps + 1)
    lrs = np.empty(steps)
    cx, cy = surface.center
    radius_sq = stopping.escape_radius(surface) ** 2
    value, gradient_at = surface._value, surface._gradient  # arguments validated above
    x, y = float(p[0]), float(p[1])
    # Elementwise rules run on plain floats, one coordinate at a time: the same functions the
    # sweep runs on arrays, about twenty times faster per step than on (2,) arrays.
    state_x, state_y = rule.init(x), rule.init(y)
    status, stop, reason = "max_steps", steps, ""
    newton_notes: dict[str, int] = {}

    with np.errstate(all="ignore"):
        loss0 = float(value(x, y))
        if not math.isfinite(loss0):
            raise ValueError(f"The loss is not defined at x0 = {(x, y)}: choose another start.")
        ceiling = float(stopping.loss_ceiling(surface, loss0))
        for k in range(steps + 1):
            loss = float(value(x, y))
            gx, gy = gradient_at(x, y)
            gx, gy = float(gx), float(gy)
            norm = math.hypot(gx, gy)
            if not (math.isfinite(loss) and math.isfinite(norm) and math.isfinite(x + y)):
                status, stop, reason = "diverged", k - 1, "nonfinite"
                break
            points[k] = x, y
            losses[k], norms[k] = loss, norm
            gradients[k] = gx, gy
            if (x - cx) ** 2 + (y - cy) ** 2 > radius_sq:
                status, stop, reason = "diverged", k, "escaped"
                break
            if loss > ceiling:
                status, stop, reason = "diverged", k, "ceiling"
                break
            if norm < tol:
                status, stop = "converged", k
                break
            if k == steps:
                break
            ux, uy = oracle(x, y, gx, gy)
            if clip is not None:
                oracle_norm = math.hypot(ux, uy)
                if oracle_norm > clip:
                    ux, uy = ux * (clip / oracle_norm), uy * (clip / oracle_norm)
            if weight_decay:
                ux, uy = ux + weight_decay * x, uy + weight_decay * y
            lr = lr0 / (1.0 + decay * k) if decay else lr0
            lrs[k] = lr
            if needs_hessian:
                # Newton's step x − lr·H⁻¹g, solved in floats like the elementwise rules.
                hxx, hxy, hyy = (float(entry) for entry in surface._hessian(x, y))
                _note_newton_hessian(hxx, hxy, hyy, k, newton_notes)
                dx, dy = rule.direction_xy(hxx, hxy, hyy, ux, uy)
                x, y = x - lr * dx, y - lr * dy
            else:
                x, state_x = rule.step(x, ux, state_x, lr=lr, **hyper)
                y, state_y = rule.step(y, uy, state_y, lr=lr, **hyper)

    if stop < 0:  # x0 itself gave a non-finite gradient
        raise ValueError(f"The gradient is not defined at x0 = {(x, y)}: choose another start.")
    points, losses = points[: stop + 1].copy(), losses[: stop + 1].copy()
    gradients, norms = gradients[: stop + 1].copy(), norms[: stop + 1].copy()
    lrs = lrs[:stop].copy()
    if status == "max_steps" and steps >= 8:
        mark = stopping.quarter_mark(steps)
        distances = np.hypot(points[:, 0] - cx, points[:, 1] - cy)
        if stopping.still_growing(
            losses[0], losses[mark], losses[-1], distances[mark], distances[-1]
        ):
            status, reason = "diverged", "growing"
    message = _message(
        surface,
        optimizer,
        status,
        reason,
        points,
        losses,
        norms,
        tol,
        stochastic=oracle.stochastic,
        newton_notes=newton_notes,
    )
    return Trajectory(
        points, losses, gradients, norms, lrs, status, message, optimizer, oracle.updates_per_epoch
    )


class _Oracle:
    """The gradient the rule sees: exact, a mini-batch estimate, or exact plus noise."""

    def __init__(self, surface: Surface, batch_size, noise: float, seed: int):
        self.surface = surface
        self.noise = float(noise)
        self.rng = np.random.default_rng(seed)
        self.batch_size = None
        self.updates_per_epoch = None
        if batch_size is not None:
            n = surface.n_samples
            if n is None:
                raise ValueError(
                    f"batch_size needs a data surface; {surface.title} has no data set "
                    "(use noise= for a stochastic gradient instead)."
                )
            if isinstance(batch_size, (bool, np.bool_)) or not isinstance(
                batch_size, (int, np.integer)
            ):
                raise TypeError(f"batch_size must be a whole number, got {batch_size!r}.")
            if not 1 <= batch_size <= n:
                raise ValueError(f"batch_size must be between 1 and {n}, got {batch_size}.")
            self.batch_size = int(batch_size)
            self.updates_per_epoch = -(-n // self.batch_size)
            self.order = np.empty(0, dtype=int)
        self.stochastic = self.batch_size is not None or self.noise > 0

    def __call__(self, x: float, y: float, gx: float, gy: float) -> tuple[float, float]:
        if self.batch_size is not None:
            if self.order.size == 0:  # a new epoch: a fresh shuffle, no repeats within it
                self.order = self.rng.permutation(self.surface.n_samples)
            batch, self.order = self.order[: self.batch_size], self.order[self.batch_size :]
            gx, gy = self.surface.batch_gradient(np.array((x, y)), batch).tolist()
        if self.noise > 0:
            nx, ny = self.rng.standard_normal(2).tolist()
            gx, gy = gx + self.noise * nx, gy + self.noise * ny
        return gx, gy


def _check_run_arguments(surface, optimizer, steps, tol, noise, seed) -> None:
    if not isinstance(surface, Surface):
        raise TypeError(f"surface must come from surfaces.get(...), got {type(surface).__name__}.")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must come from optimizers.get(...), got {type(optimizer).__name__}."
        )
    for name, number in (("steps", steps), ("seed", seed)):
        if isinstance(number, (bool, np.bool_)) or not isinstance(number, (int, np.integer)):
            raise TypeError(f"{name} must be a whole number, got {number!r}.")
    if not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be between 0 and {MAX_STEPS:,}, got {steps}.")
    if seed < 0:
        raise ValueError(f"seed must be ≥ 0, got {seed}.")
    for name, number in (("tol", tol), ("noise", noise)):
        if isinstance(number, (bool, str, bytes)) or not isinstance(
            number, (int, float, np.integer, np.floating)
        ):
            raise TypeError(f"{name} must be a number, got {number!r}.")
        if not (math.isfinite(number) and number >= 0):
            raise ValueError(f"{name} must be finite and ≥ 0, got {number!r}.")


def _note_newton_hessian(a: float, b: float, d: float, k: int, notes: dict[str, int]) -> None:
    """Remember the first step where Newton's Hessian [[a, b], [b, d]] was singular or not
    positive definite."""
    det, trace = a * d - b * b, a + d
    if abs(det) <= 1e-12 * (a * a + 2 * b * b + d * d):
        notes.setdefault("singular", k)
    elif not (det > 0 and trace > 0):
        notes.setdefault("indefinite", k)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _fmt_point(point) -> str:
    return f"({point[0]:.4g}, {point[1]:.4g})"


def stability_explanation(optimizer: Optimizer, lam_max: float) -> str | None:
    """Why a fixed-step rule diverges on a quadratic with largest eigenvalue ``lam_max``.

    GD needs lr·λmax < 2; heavy ball lr·λmax < 2(1+β); PyTorch's Nesterov
    lr·λmax < 2(1+β)/(1+2β). Returns None where the rule is stable or has no such bound.
    """
    lr = optimizer.lr
    product = lr * lam_max
    beta = optimizer.hyperparameters.get("momentum", 0.0)
    if optimizer.name == "gd":
        limit, text = 2.0, "2"
    elif optimizer.name == "momentum":
        limit, text = 2.0 * (1 + beta), f"2(1+β) = {2.0 * (1 + beta):.3g}"
    elif optimizer.name == "nesterov":
        limit = 2.0 * (1 + beta) / (1 + 2 * beta)
        text = f"2(1+β)/(1+2β) = {limit:.3g}"
    else:
        return None
    if product <= limit:
        return None
    return f"lr·λmax = {product:.3g} > {text}"


def _message(
    surface, optimizer, status, reason, points, losses, norms, tol, *, stochastic, newton_notes
) -> str:
    k = len(points) - 1
    last = points[-1]
    notes = []
    if "singular" in newton_notes:
        notes.append(
            f"At step {newton_notes['singular']} the Hessian was singular, so Newton used its "
            "pseudo-inverse (no curvature information in one direction)."
        )
    if "indefinite" in newton_notes:
        notes.append(
            f"At step {newton_notes['indefinite']} the Hessian was not positive definite, so "
            "the Newton step pointed at a stationary point that is not a minimum."
        )

    if status == "converged":
        text = (
            f"Converged in {_count(k, 'step')} to {_fmt_point(last)}: the gradient norm fell below "
            f"{tol:g}; loss {losses[-1]:.6g}."
        )
        kind = curvature(surface, last).kind
        if kind in ("saddle", "maximum"):
            text += f" This point is a {kind}, not a minimum: the gradient is zero there too."
    elif status == "max_steps":
        text = (
            f"Still moving after {_count(k, 'step')} at {_fmt_point(last)}: loss {losses[-1]:.6g}, "
            f"gradient norm {norms[-1]:.2g}."
        )
        if stochastic:
            text += (
                " The noisy gradient keeps it bouncing around the minimum; a decaying learning "
                "rate lets it settle."
            )
    else:
        text = _divergence_text(surface, optimizer, reason, points, losses)
    return " ".join([text, *notes])


def _divergence_text(surface, optimizer, reason, points, losses) -> str:
    k = len(points) - 1
    last = points[-1]
    if reason == "nonfinite":
        what = f"Diverged at step {k + 1}: the next point overflowed to infinity"
    elif reason == "escaped":
        if losses[-1] < losses[0]:
            return (
                f"Left the plot at step {k} with the loss still falling ({losses[-1]:.3g}) at "
                f"{_fmt_point(last)}: in that direction this surface has no minimum."
            )
        what = f"Diverged at step {k}: the point flew far off the plot to {_fmt_point(last)}"
    elif reason == "ceiling":
        what = f"Diverged at step {k}: the loss exploded to {losses[-1]:.3g}"
    else:
        mark = stopping.quarter_mark(k)
        what = (
            f"Diverging: the loss grew from {losses[mark]:.3g} at step {mark} to "
            f"{losses[-1]:.3g} at step {k}"
        )
    hessian = surface.hessian(points[0] if surface.is_quadratic else last)
    with np.errstate(all="ignore"):
        eigenvalues = np.linalg.eigvalsh(hessian) if np.all(np.isfinite(hessian)) else None
    why = None
    if eigenvalues is not None and eigenvalues[-1] > 0:
        why = stability_explanation(optimizer, float(eigenvalues[-1]))
        if why and reason == "growing":
            why += ": just past the stability limit, so it grows slowly"
    if why is None and optimizer.name in ("gd", "momentum", "nesterov"):
        why = "the learning rate is too large for the curvature along the path"
    elif why is None:
        why = "the steps overshoot faster than the rule can shrink them"
    return f"{what}; {why}."
