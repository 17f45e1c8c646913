"""The loop: gradient oracle, update rule, stop rules, and a :class:`Trajectory` to show."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from optimizers import domain, stopping
from optimizers.newton import direction as newton_direction
from optimizers.numbers import format_number, format_point
from optimizers.registry import Optimizer
from surfaces.base import Surface, as_point

#: The most steps one run may take: 100,000 steps run in about a second.
MAX_STEPS = 100_000


#: Each status :func:`run` can return, in the words a student reads.
STATUS_WORDS = {
    "converged": "converged",
    "diverged": "diverged",
    "bouncing": "bouncing without settling",
    "stopped": "stopped moving",
    "undefined": "left the domain of f",
    "max_steps": "still moving",
}


def status_label(status: str) -> str:
    """The student's words for a run's ``status``: ``'max_steps'`` → ``'still moving'``.

    >>> status_label("max_steps")
    'still moving'
    """
    try:
        return STATUS_WORDS[status]
    except KeyError:
        raise ValueError(f"Unknown status {status!r}; one of {list(STATUS_WORDS)}.") from None


@dataclass(frozen=True, eq=False)
class Trajectory:
    """What a run did, ready to plot. Every array is finite.

    Attributes
    ----------
    points : ndarray (k + 1, 2)
        x₀, x₁, …, x_k; ``points[0]`` is the start.
    losses : ndarray (k + 1,)
        f at each point (the surface as plotted, without the weight-decay term).
    gradients : ndarray (k + 1, 2)
        The exact gradient at each point (also for stochastic runs, where the update used a
        noisy estimate of it).
    grad_norms : ndarray (k + 1,)
        ‖∇F‖ at each point, F = f + (λ/2)‖x‖² the objective with weight decay λ (‖∇f‖ when
        λ = 0): the norm the convergence test uses.
    lrs : ndarray (k,)
        The learning rate of each step taken (constant unless ``decay`` > 0).
    status : str
        One of :data:`STATUS_WORDS`: ``'converged'``, ``'diverged'``, ``'bouncing'``,
        ``'stopped'``, ``'undefined'`` or ``'max_steps'`` (defined in :func:`run`).
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

    The objective is F(x) = f(x) + (λ/2)‖x‖² with λ = ``optimizer.weight_decay`` (0 by
    default): the rule steps along ∇F = ∇f + λx (Newton with the Hessian ∇²f + λI), and
    convergence, messages and the stationary point reported are those of F.

    Each step k evaluates f and the exact gradient at x_k and checks, in this order:

    - **diverged**: the iterates are leaving every bounded region. x_k overflowed to ±∞;
      or x_k is farther from the plot's centre than ``stopping.escape_radius`` (20
      half-diagonals of the plot) plus the start's own distance from it; or f(x_k)
      overflowed to infinity; or f(x_k) passed ``stopping.loss_ceiling``, 10⁴ × the
      largest |f| within the escape radius (no bounded orbit gets there). Never decided by
      comparing two samples of the loss.
    - **undefined**: x_k is finite but f or ∇f is not defined there (it left the domain of
      f, "log needs x > 0", or reached a kink such as a cone's tip); the message names the
      function and the point. The path ends at the last point where both are defined.
    - **converged**: ‖∇F(x_k)‖ < ``tol`` (or exactly 0). The message says when the point is
      a saddle, a maximum, or a degenerate point that is not a minimum.
    - **stopped**: gradient descent, AdaGrad or Newton (no noise, no mini-batches) made a
      step of exactly zero, x_{k+1} = x_k, so every later step is zero too, without meeting
      the tolerance. The message says why (the step is below the rounding of the
      coordinates; AdaGrad's rates have decayed to nothing; Newton's step is zero because
      the gradient lies outside the range of a singular Hessian).

    If none of these happens within the budget, the run is:

    - **bouncing**: it stays in a bounded region without settling. At some checkpoint
      T = 32, 64, 128, … ≤ ``steps`` its largest step in [3T/4, T) was no larger than in
      [T/2, 3T/4) and smaller by at most 0.1 % per step, along neither axis did its largest
      step grow more than 2× (an escape hidden below the other axis's rounding), and its
      lowest loss did not fall (``stopping.not_settling``): a cycle, chaos, or a noisy
      gradient.
    - **max_steps** ("still moving"): otherwise.

    Every verdict but "still moving" is established by a fixed step of the run, so running
    the same settings with a larger budget gives the same verdict.
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
    # A zero step is final only where the next step cannot be larger: same point, same step.
    stoppable = optimizer.name in stopping.STOPPABLE and not oracle.stochastic

    points = np.empty((steps + 1, 2))
    losses = np.empty(steps + 1)
    gradients = np.empty((steps + 1, 2))
    norms = np.empty(steps + 1)
    lrs = np.empty(steps)
    sx, sy = float(p[0]), float(p[1])
    cx, cy = surface.center
    radius_sq = float(stopping.escape_radius_sq(surface, sx, sy))
    value, gradient_at = surface._value, surface._gradient  # arguments validated above
    x, y = sx, sy
    # Elementwise rules run on plain floats, one coordinate at a time: the same functions the
    # sweep runs on arrays, about twenty times faster per step than on (2,) arrays.
    state_x, state_y = rule.init(x), rule.init(y)
    status, stop, reason = "max_steps", steps, ""
    newton_notes: dict[str, int] = {}
    # The bouncing test's windows (optimizers.stopping): largest squared step and lowest loss
    # in [T/2, 3T/4) and [3T/4, T) before checkpoint T.
    mark, bounced_at = stopping.FIRST_CHECK, 0
    window_steps, window_lows = [0.0, 0.0], [math.inf, math.inf]
    window_axes = [[0.0, 0.0], [0.0, 0.0]]  # largest |Δx|, |Δy| in each window

    with np.errstate(all="ignore"):
        loss0 = float(value(x, y))
        g0 = gradient_at(x, y)
        if not (math.isfinite(loss0) and math.isfinite(float(g0[0]) + float(g0[1]))):
            raise ValueError(domain.start_error(surface, x, y, loss0, g0))
        ceiling = float(stopping.loss_ceiling(surface, loss0))
        for k in range(steps + 1):
            if not math.isfinite(x + y):
                status, stop, reason = "diverged", k - 1, "nonfinite"
                break
            loss = float(value(x, y))
            gx, gy = gradient_at(x, y)
            gx, gy = float(gx), float(gy)
            # One sum is non-finite iff a term is (or the sum overflows: the sweep agrees).
            defined = math.isfinite(loss + gx + gy)
            # Escaped: beyond the escape radius of the plot and of the start (a far start
            # is not a divergence).
            if (x - cx) * (x - cx) + (y - cy) * (y - cy) > radius_sq:
                status, stop = "diverged", k if defined else k - 1
                reason = "escaped" if defined else "escaped next"
                if defined:
                    points[k], losses[k], gradients[k] = (x, y), loss, (gx, gy)
                    norms[k] = math.hypot(gx + weight_decay * x, gy + weight_decay * y)
                break
            if not defined:
                if domain.reason(surface, x, y):
                    status, stop, reason = "undefined", k - 1, "undefined"
                else:
                    status, stop, reason = "diverged", k - 1, "overflow"
                break
            points[k] = x, y
            losses[k], gradients[k] = loss, (gx, gy)
            if weight_decay:  # the objective is f + (λ/2)‖x‖²: its gradient decides
                norm = math.hypot(gx + weight_decay * x, gy + weight_decay * y)
            else:
                norm = math.hypot(gx, gy)
            norms[k] = norm
            if loss > ceiling:
                status, stop, reason = "diverged", k, "ceiling"
                break
            if norm < tol or norm == 0.0:
                status, stop = "converged", k
                break
            if k == mark:
                if not bounced_at and stopping.not_settling(
                    *window_steps, *window_lows, mark, *window_axes
                ):
                    bounced_at = mark
                mark *= 2
                window_steps, window_lows = [0.0, 0.0], [math.inf, math.inf]
                window_axes = [[0.0, 0.0], [0.0, 0.0]]
            half = 4 * k >= 3 * mark
            if 2 * k >= mark and loss < window_lows[half]:
                window_lows[half] = loss
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
                # Newton's step x − lr·H⁻¹g on the objective, whose Hessian is H_f + λI; solved
                # in floats like the elementwise rules.
                hxx, hxy, hyy = (float(entry) for entry in surface._hessian(x, y))
                hxx, hyy = hxx + weight_decay, hyy + weight_decay
                _note_newton_hessian(hxx, hxy, hyy, k, newton_notes)
                dx, dy = rule.direction_xy(hxx, hxy, hyy, ux, uy)
                new_x, new_y = x - lr * dx, y - lr * dy
            else:
                new_x, state_x = rule.step(x, ux, state_x, lr=lr, **hyper)
                new_y, state_y = rule.step(y, uy, state_y, lr=lr, **hyper)
            # Products, not ** 2: Python's float power raises OverflowError instead of giving ∞.
            step_x, step_y = new_x - x, new_y - y
            step_sq = step_x * step_x + step_y * step_y
            if step_sq == 0.0 and stoppable:
                status, stop, reason = "stopped", k, "zero step"
                break
            if 2 * k >= mark:
                window_steps[half] = max(window_steps[half], step_sq)
                axes = window_axes[half]
                axes[0], axes[1] = max(axes[0], abs(step_x)), max(axes[1], abs(step_y))
            x, y = new_x, new_y

    if status == "max_steps" and bounced_at:
        status = "bouncing"
    points, losses = points[: stop + 1].copy(), losses[: stop + 1].copy()
    gradients, norms = gradients[: stop + 1].copy(), norms[: stop + 1].copy()
    lrs = lrs[:stop].copy()
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
        bad_point=(x, y),
        bounced_at=bounced_at,
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


def stability_explanation(optimizer: Optimizer, lam_max: float) -> str | None:
    """Why a fixed-step rule diverges on a quadratic with largest eigenvalue ``lam_max``.

    GD needs lr·λmax < 2; heavy ball lr·λmax < 2(1+β); PyTorch's Nesterov
    lr·λmax < 2(1+β)/(1+2β). Returns None where the rule is stable or has no such bound.
    """
    product = optimizer.lr * lam_max
    beta = optimizer.hyperparameters.get("momentum", 0.0)
    if optimizer.name == "gd":
        limit, formula = 2.0, ""
    elif optimizer.name == "momentum":
        limit, formula = 2.0 * (1 + beta), "2(1+β) = "
    elif optimizer.name == "nesterov":
        limit, formula = 2.0 * (1 + beta) / (1 + 2 * beta), "2(1+β)/(1+2β) = "
    else:
        return None
    if product <= limit:
        return None
    # Just past the limit three figures would print "2 > 2": add figures until they differ.
    digits = next(
        (d for d in range(3, 10) if format_number(product, d) != format_number(limit, d)), 10
    )
    return f"lr·λmax = {format_number(product, digits)} > {formula}{format_number(limit, digits)}"


def objective_minimizer(surface: Surface, weight_decay: float, near) -> np.ndarray | None:
    """The minimizer of F(x) = f(x) + (λ/2)‖x‖² nearest the listed minimizer of f by ``near``.

    Weight decay moves the minimum: on a quadratic f with Hessian H and minimizer x*,
    ∇F = H(x − x*) + λx = 0 gives x = (H + λI)⁻¹ H x*. In general Newton's method on F,
    x ← x − (∇²f + λI)⁻¹(∇f + λx), started at f's minimizer nearest ``near`` (or at ``near``
    where none is listed), finds it.

    Returns
    -------
    ndarray (2,) or None
        None where Newton does not reach ‖∇F‖ < 1e-10 at a point where ∇²F is positive
        definite within 50 steps (no minimum of F there to show).
    """
    if not weight_decay:
        return surface.nearest_minimizer(near)
    start = surface.nearest_minimizer(near)
    point = np.asarray(near if start is None else start, dtype=float).copy()
    shift = weight_decay * np.eye(2)
    with np.errstate(all="ignore"):
        for _ in range(50):
            gradient = surface._gradient_at(point) + weight_decay * point
            hessian = surface._hessian_at(point) + shift
            if not (np.all(np.isfinite(gradient)) and np.all(np.isfinite(hessian))):
                return None
            if float(np.hypot(*gradient)) < 1e-10:
                return point if np.linalg.eigvalsh(hessian)[0] > 0 else None
            point = point - newton_direction(hessian, gradient)
    return None


def _objective_hessian(surface, optimizer, point) -> np.ndarray:
    """∇²F = ∇²f + λI at ``point``, the curvature the rule actually meets."""
    return surface.hessian(point) + optimizer.weight_decay * np.eye(2)


def _objective_value(surface, optimizer, point) -> float:
    return float(surface._value_at(point[0], point[1])) + 0.5 * optimizer.weight_decay * float(
        point[0] ** 2 + point[1] ** 2
    )


def _message(
    surface,
    optimizer,
    status,
    reason,
    points,
    losses,
    norms,
    tol,
    *,
    stochastic,
    newton_notes,
    bad_point,
    bounced_at,
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
    gradient_words = "gradient norm of f + (λ/2)‖x‖²" if optimizer.weight_decay else "gradient norm"

    if status == "converged":
        # The rule also stops on an exactly zero gradient, which "fell below tol" misstates
        # when tol is 0.
        # At the start the norm did not "fall": it was already below tol there.
        if norms[-1] == 0:
            reached = "is exactly 0"
        elif k == 0:
            reached = f"({format_number(norms[-1])}) is already below tol = {format_number(tol)}"
        else:
            reached = f"fell below {format_number(tol)}"
        where = (
            f"at its start {format_point(last)}"
            if k == 0
            else f"in {_count(k, 'step')} to {format_point(last)}"
        )
        text = (
            f"Converged {where}: the {gradient_words} {reached}; loss {format_number(losses[-1])}."
        )
        text += _stationary_point_words(surface, optimizer, last)
    elif status in ("max_steps", "bouncing"):
        if status == "max_steps" and k == 0:
            text = (
                f"No steps taken (steps = 0): at the start {format_point(last)} the loss is "
                f"{format_number(losses[-1])} and the {gradient_words} {format_number(norms[-1])}."
            )
        elif status == "max_steps":
            text = (
                f"Still moving after {_count(k, 'step')} at {format_point(last)}: loss "
                f"{format_number(losses[-1])}, {gradient_words} {format_number(norms[-1])}."
            )
            text += _little_progress_words(surface, points)
            if tol == 0:
                text += " With tol = 0 only an exactly zero gradient counts as converged."
        else:
            tail = points[k // 2 :]
            centre = tail.mean(axis=0)
            reach = float(np.max(np.hypot(*(tail - centre).T)))
            text = (
                f"Bouncing: after {_count(k, 'step')} it stays within {format_number(reach)} of "
                f"{format_point(centre)} but does not settle (from step {bounced_at // 2} to "
                f"{bounced_at} its largest step stopped shrinking and its lowest loss stopped "
                f"falling); loss {format_number(losses[-1])}."
            )
        text += _moving_words(surface, optimizer, points, stochastic)
    elif status == "stopped":
        text = _stopped_text(surface, optimizer, points, norms)
        if tol == 0:
            text += " With tol = 0 only an exactly zero gradient counts as converged."
    elif status == "undefined":
        why = domain.reason(surface, *bad_point)
        where = (
            "is a point where the gradient is undefined"
            if why.startswith("the gradient")
            else "is outside the domain of f"
        )
        text = f"Stopped at step {k}: the next point {format_point(bad_point)} {where}: {why}."
    else:
        text = _divergence_text(surface, optimizer, reason, points, losses, bad_point)
    return " ".join([text, *notes])


def _little_progress_words(surface, points) -> str:
    """Where a run has hardly left its start (a tiny learning rate, a tight clip), say how far
    it got: 'still moving' alone would hide that it barely moved."""
    farthest = float(np.max(np.hypot(*(points - points[0]).T)))
    if farthest >= 1e-3 * surface.half_diagonal:
        return ""
    steps = _count(len(points) - 1, "step")
    return f" In {steps} it never got farther than {format_number(farthest)} from its start."


def _stationary_point_words(surface, optimizer, point) -> str:
    """What kind of stationary point a converged run found (the objective's Hessian)."""
    with np.errstate(all="ignore"):
        hessian = _objective_hessian(surface, optimizer, point)
        if not np.all(np.isfinite(hessian)):
            return ""
        low, high = np.linalg.eigvalsh(hessian)
    tiny = 1e-9 * max(1.0, abs(low), abs(high))
    if low > tiny:
        return ""
    if high < -tiny:
        return " This point is a maximum, not a minimum: the gradient is zero there too."
    if low < -tiny:
        return " This point is a saddle, not a minimum: the gradient is zero there too."
    # A singular Hessian cannot tell: look for a lower loss on two small circles around it.
    here = _objective_value(surface, optimizer, point)
    angles = np.linspace(0.0, 2.0 * np.pi, 24, endpoint=False)
    for radius in (1e-3, 1e-2):
        r = radius * surface.half_diagonal
        probes = point + r * np.column_stack((np.cos(angles), np.sin(angles)))
        values = surface._value_at(probes[:, 0], probes[:, 1]) + 0.5 * optimizer.weight_decay * (
            probes**2
        ).sum(axis=1)
        lowest = int(np.nanargmin(np.where(np.isfinite(values), values, np.inf)))
        if values[lowest] < here:
            return (
                " This point is not a minimum: the Hessian is singular here, so the curvature "
                "cannot tell, but the loss is lower nearby "
                f"({format_number(values[lowest])} at {format_point(probes[lowest])} < "
                f"{format_number(here)})."
            )
    return (
        " The Hessian is singular here, so the curvature cannot tell whether this is a "
        "minimum; no point nearby has a lower loss."
    )


def _moving_words(surface, optimizer, points, stochastic) -> str:
    """Why a run that has not converged is still moving, where that can be said for sure."""
    if stochastic:
        tail = points[len(points) // 2 :]
        centre = tail.mean(axis=0)
        reach = float(np.max(np.hypot(*(tail - centre).T)))
        with np.errstate(all="ignore"):
            hessian = _objective_hessian(surface, optimizer, centre)
            gradient = surface.gradient(centre) + optimizer.weight_decay * centre
            finite = np.all(np.isfinite(hessian)) and np.all(np.isfinite(gradient))
            definite = finite and np.linalg.eigvalsh(hessian)[0] > 0
        # Around a minimum: the quadratic model's minimum lies inside the region it covers.
        if definite and float(np.hypot(*np.linalg.solve(hessian, gradient))) <= reach:
            if optimizer.decay:
                return (
                    " The noisy gradient keeps it moving around the minimum; the decaying "
                    f"learning rate (now {format_number(optimizer.lr_at(len(points) - 1))}) "
                    "shrinks its swings slowly."
                )
            return (
                " The noisy gradient keeps it bouncing around the minimum; a decaying learning "
                "rate lets it settle."
            )
        return ""
    if surface.is_quadratic:
        lam_max = float(np.linalg.eigvalsh(_objective_hessian(surface, optimizer, points[0]))[-1])
        why = stability_explanation(optimizer, lam_max) if lam_max > 0 else None
        if why:
            return f" On this quadratic {why}: its swings grow every step, so it will diverge."
    return ""


def _stopped_text(surface, optimizer, points, norms) -> str:
    k = len(points) - 1
    at = f"Stopped at step {k} at {format_point(points[-1])}: "
    if optimizer.name == "newton":
        hessian = _objective_hessian(surface, optimizer, points[-1])
        gradient = surface.gradient(points[-1]) + optimizer.weight_decay * points[-1]
        if not np.any(newton_direction(hessian, gradient)):
            return at + (
                "Newton's step is zero because the Hessian is singular and the gradient "
                f"(norm {format_number(norms[-1])}) lies outside its range, so the "
                "pseudo-inverse has no direction to step along; the gradient is not zero, so this "
                "point is not a minimum."
            )
    if optimizer.name == "adagrad":
        return at + (
            "AdaGrad's rates have decayed to nothing: its step lr·g/(√s + ε) is smaller than "
            "the rounding of the coordinates, and the rates only shrink as s sums the squared "
            f"gradients, while the gradient norm is still {format_number(norms[-1])}."
        )
    return at + (
        "each step is smaller than the rounding of the coordinates, so the point no longer "
        f"moves; the gradient norm is still {format_number(norms[-1])}."
    )


def _divergence_text(surface, optimizer, reason, points, losses, bad_point) -> str:
    k = len(points) - 1
    last = points[-1]
    if reason == "nonfinite":
        what = f"Diverged at step {k + 1}: the next point overflowed to infinity"
    elif reason == "overflow":
        what = (
            f"Diverged at step {k + 1}: at the next point {format_point(bad_point)} the loss "
            "overflowed to infinity"
        )
    elif reason == "escaped next":  # f overflowed out there: the path ends one point short
        what = (
            f"Diverged at step {k + 1}: the point flew far off the plot to "
            f"{format_point(bad_point)}"
        )
    elif reason == "escaped":
        if losses[-1] < losses[0]:
            return (
                f"Left the plot at step {k} with the loss still falling "
                f"({format_number(losses[-1])}) at {format_point(last)}: in that direction this "
                "surface has no minimum."
            )
        what = f"Diverged at step {k}: the point flew far off the plot to {format_point(last)}"
    else:
        what = f"Diverged at step {k}: the loss exploded to {format_number(losses[-1])}"
    return f"{what}; {_why_diverged(surface, optimizer, points)}."


def _why_diverged(surface, optimizer, points) -> str:
    """The quadratic model's reason (lr·λmax against its limit) where that model applies: on a
    quadratic anywhere, elsewhere with the Hessian where the run started."""
    with np.errstate(all="ignore"):
        hessian = _objective_hessian(surface, optimizer, points[0])
        eigenvalues = np.linalg.eigvalsh(hessian) if np.all(np.isfinite(hessian)) else None
    why = None
    if eigenvalues is not None and eigenvalues[-1] > 0:
        why = stability_explanation(optimizer, float(eigenvalues[-1]))
    if why and not surface.is_quadratic:
        why = f"at the start {why}, too large for the curvature there"
    if why is None and optimizer.name in ("gd", "momentum", "nesterov"):
        if surface.is_quadratic:
            why = "the steps grew where the quadratic bowl has no minimum"
        else:
            why = "the learning rate is too large for the steeper curvature the path met"
    elif why is None:
        why = "the steps overshoot faster than the rule can shrink them"
    return why
