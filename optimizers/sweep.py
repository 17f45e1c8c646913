"""Run one update rule over a whole grid of hyperparameters (and start points) at once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizers import domain, stopping
from optimizers.registry import OPTIONS, RULES, get, hyperparameters
from optimizers.runner import _check_run_arguments
from surfaces.base import Surface, as_point

#: ``OUTCOMES[code]`` is the status :func:`optimizers.run` gives the cell's run.
OUTCOMES = ("converged", "max_steps", "diverged", "bouncing", "stopped", "undefined")
CONVERGED, MAX_STEPS, DIVERGED, BOUNCING, STOPPED, UNDEFINED = range(len(OUTCOMES))


@dataclass(frozen=True, eq=False)
class SweepResult:
    """Per-cell outcome of :func:`sweep`, every array of the grid's broadcast shape.

    Attributes
    ----------
    steps_to_converge : ndarray of int
        First step k with ‖∇F(x_k)‖ < tol (F = f + (λ/2)‖x‖²); -1 where that never happened.
    diverged : ndarray of bool
        The cell's run diverged (same rules as :func:`optimizers.run`).
    final_loss : ndarray of float
        f at the last point; NaN where diverged (at the last defined point where undefined).
    outcome : ndarray of int8
        The cell's status as a code: ``OUTCOMES[outcome]`` is what :func:`optimizers.run`
        says (``CONVERGED`` 0, ``MAX_STEPS`` 1, ``DIVERGED`` 2, ``BOUNCING`` 3, ``STOPPED`` 4,
        ``UNDEFINED`` 5).
    """

    steps_to_converge: np.ndarray
    diverged: np.ndarray
    final_loss: np.ndarray
    grid: dict
    outcome: np.ndarray | None = None

    @property
    def shape(self) -> tuple[int, ...]:
        return self.diverged.shape

    @property
    def statuses(self) -> np.ndarray:
        """The outcome of every cell as a status string (``'converged'``, ``'bouncing'``, …)."""
        names = np.asarray(OUTCOMES, dtype=object)[self.outcome.reshape(-1)]
        return names.reshape(self.outcome.shape)  # an array also for a one-cell grid


def sweep(
    surface: Surface, name: str, x0=None, steps: int = 300, tol: float = 1e-8, **grid
) -> SweepResult:
    """Run rule ``name`` for every combination of the broadcast ``grid`` in one NumPy loop.

    Each keyword in ``grid`` is a hyperparameter of the rule (``lr``, ``momentum``, …) or one
    of the options ``decay``/``weight_decay``, given as a number or an array; ``x0`` may be an
    array of shape (..., 2). All broadcast together, e.g.::

        sweep(s, "momentum", x0=(-2, 1.5), steps=300,
              lr=np.geomspace(1e-4, 1, 200)[:, None], momentum=np.linspace(0, 0.99, 200)[None, :])

    The rule is the same function :func:`optimizers.run` calls, applied to arrays of shape
    (..., 2), with weight decay's objective f + (λ/2)‖x‖² (Newton with ∇²f + λI); a cell
    stops updating once it converges, diverges, stops or leaves the domain of f, and the
    verdicts are those of :func:`optimizers.run` (``optimizers.stopping``), so every cell
    equals the single run of its settings bit for bit, status (``SweepResult.outcome``) and
    final loss, on every surface (exact gradients only: no mini-batches or noise here).

    Raises
    ------
    ValueError
        As :func:`optimizers.run` does: bad arguments, or a start where f or ∇f is not
        defined (the message names the function, e.g. "log needs x > 0").
    """
    _check_run_arguments(surface, get(name), steps, tol, 0.0, 0)
    rule = RULES[name]
    specs = {spec.name: spec for spec in hyperparameters(name)}
    options = {"decay": 0.0, "weight_decay": 0.0}
    unknown = sorted(set(grid) - set(specs) - set(options))
    if unknown:
        raise ValueError(f"Unknown sweep argument(s) {unknown} for {name!r}.")
    values = {
        key: spec.validate(grid.get(key, spec.default), rule=name) for key, spec in specs.items()
    }
    option_specs = {spec.name: spec for spec in OPTIONS}
    for key in options:
        if key in grid:
            options[key] = np.asarray(option_specs[key].validate(grid[key], rule=name))

    start = as_point(surface.start if x0 is None else x0, "x0", finite=True)
    shapes = {
        "x0": start.shape[:-1],
        **{key: np.shape(v) for key, v in values.items()},
        **{key: np.shape(v) for key, v in options.items()},
    }
    try:
        shape = np.broadcast_shapes(*shapes.values())
    except ValueError as error:
        given = ", ".join(f"{key} {value}" for key, value in shapes.items() if value)
        raise ValueError(
            f"The sweep's grid arguments do not broadcast together: {given}."
        ) from error
    # Work on a flat list of the cells still running; a cell leaves it when it stops, so late
    # steps cost only what is left (and no np.where over frozen cells).
    size = int(np.prod(shape))
    hyper = {
        key: np.broadcast_to(np.asarray(v, dtype=float), shape).reshape(size, 1)
        for key, v in values.items()
    }
    lr0 = hyper.pop("lr")
    decay = np.broadcast_to(options["decay"], shape).reshape(size, 1)
    weight_decay = np.broadcast_to(options["weight_decay"], shape).reshape(size, 1)
    p = np.broadcast_to(start, (*shape, 2)).reshape(size, 2).copy()
    state = rule.init(p)
    needs_hessian = getattr(rule, "NEEDS_HESSIAN", False)
    stoppable = name in stopping.STOPPABLE
    cells = np.arange(size)
    has_decay, has_weight_decay = bool(np.any(decay)), bool(np.any(weight_decay))

    steps_to_converge = np.full(size, -1, dtype=int)
    outcome = np.full(size, MAX_STEPS, dtype=np.int8)
    last_loss = np.full(size, np.nan)
    center = np.asarray(surface.center)
    radius_sq = stopping.escape_radius_sq(surface, p[:, 0], p[:, 1])
    # The bouncing test's windows, as in optimizers.run: largest squared step, lowest loss.
    mark = stopping.FIRST_CHECK
    # Rows [T/2, 3T/4) and [3T/4, T): each a contiguous array of the cells.
    window_steps = np.zeros((2, size))
    window_lows = np.full((2, size), np.inf)
    window_axes = np.zeros((2, 2, size))  # window × axis: largest |Δx|, |Δy|
    bounced = np.zeros(size, dtype=bool)

    with np.errstate(all="ignore"):
        loss0 = np.broadcast_to(surface._value(p[:, 0], p[:, 1]), size).copy()
        gx0, gy0 = np.broadcast_arrays(*surface._gradient(p[:, 0], p[:, 1]))
        undefined0 = ~(np.isfinite(loss0) & np.isfinite(gx0) & np.isfinite(gy0))
        if undefined0.any():
            bad = int(np.argmax(undefined0))
            raise ValueError(domain.start_error(surface, *p[bad], loss0[bad], (gx0[bad], gy0[bad])))
        ceiling = np.broadcast_to(stopping.loss_ceiling(surface, loss0), size).copy()
        alive = np.ones(size, dtype=bool)
        previous_loss = loss0.copy()
        for k in range(steps + 1):
            x, y = p[:, 0], p[:, 1]
            loss, (gx, gy) = surface._value(x, y), surface._gradient(x, y)
            if np.shape(loss) != x.shape or np.shape(gx) != x.shape or np.shape(gy) != x.shape:
                loss, gx, gy = np.broadcast_arrays(loss, gx, gy, x)[:3]  # a constant term
            # One sum is non-finite iff a term is (or the sum overflows; the runner agrees).
            defined = np.isfinite(loss + gx + gy)
            far = (x - center[0]) * (x - center[0]) + (y - center[1]) * (y - center[1]) > radius_sq
            # Diverged: overflowed, escaped, f overflowed or passed the ceiling; undefined:
            # a finite point near the plot where f or ∇f is not a number (domain.undefined_at).
            # A non-finite point has ∞ or NaN in far or in f: no separate test needed.
            blown = far | ~defined | (loss > ceiling)
            blown &= alive
            if has_weight_decay:
                gx, gy = gx + weight_decay[:, 0] * x, gy + weight_decay[:, 0] * y
            norm = np.hypot(gx, gy)
            # ‖∇F‖ < tol, or exactly 0 (which is all tol = 0 can mean).
            done = alive & ~blown & (norm < tol if tol > 0 else norm == 0.0)
            if blown.any():
                rows = np.flatnonzero(blown)
                outcome[cells[rows]] = DIVERGED
                # Undefined: a finite point near the plot where f or ∇f is not a number
                # because it lies beyond a domain edge (not an overflow).
                finite_point = np.isfinite(x[rows] + y[rows])
                rows = rows[finite_point & ~far[rows] & ~defined[rows]]
                rows = rows[domain.undefined_at(surface, x[rows], y[rows])]
                outcome[cells[rows]] = UNDEFINED
                last_loss[cells[rows]] = previous_loss[rows]
            if done.any():
                steps_to_converge[cells[done]] = k
                outcome[cells[done]] = CONVERGED
                last_loss[cells[done]] = loss[done]
            alive &= ~(blown | done)
            if k == mark:
                bounced |= alive & stopping.not_settling(
                    window_steps[0],
                    window_steps[1],
                    window_lows[0],
                    window_lows[1],
                    mark,
                    window_axes[0],
                    window_axes[1],
                )
                mark *= 2
                window_steps[:] = 0.0
                window_axes[:] = 0.0
                window_lows[:] = np.inf
            half = int(4 * k >= 3 * mark)
            counted = 2 * k >= mark
            if counted:
                np.minimum(window_lows[half], loss, out=window_lows[half])  # dead rows: never read
            if k == steps:
                last_loss[cells[alive]] = loss[alive]
                break
            # Stopped cells keep stepping (their results are already recorded) until enough
            # of them pile up to make dropping them cheaper than carrying them: a tenth of
            # the rows (bench/run.py: 0.39 s → 0.27 s on 200×200×300 against "half").
            if 10 * np.count_nonzero(alive) < 9 * alive.size:
                keep = alive
                cells, p, gx, gy, radius_sq = (
                    cells[keep],
                    p[keep],
                    gx[keep],
                    gy[keep],
                    radius_sq[keep],
                )
                lr0, decay, weight_decay = lr0[keep], decay[keep], weight_decay[keep]
                ceiling, loss, alive = ceiling[keep], loss[keep], alive[keep]
                window_steps, window_lows = window_steps[:, keep], window_lows[:, keep]
                window_axes = window_axes[:, :, keep]
                bounced, previous_loss = bounced[keep], previous_loss[keep]
                hyper = {key: v[keep] for key, v in hyper.items()}
                state = type(state)(*(v[keep] if np.ndim(v) else v for v in state))
                if cells.size == 0:
                    break
            # The rule sees ∇f + λx (gx, gy hold it already where λ ≠ 0).
            g = np.stack(np.broadcast_arrays(gx, gy), axis=-1)
            lr = lr0 / (1.0 + decay * k) if has_decay else lr0
            if needs_hessian:
                # Stopped cells may hold NaN or ∞: the unchecked Hessian, not the public one.
                # The objective's Hessian is H_f + λI.
                hessian = surface._hessian_at(p)
                hessian[:, 0, 0] += weight_decay[:, 0]
                hessian[:, 1, 1] += weight_decay[:, 0]
                new_p, state = rule.step(p, g, state, lr=lr, hessian=hessian)
            else:
                new_p, state = rule.step(p, g, state, lr=lr, **hyper)
            delta = new_p - p
            # Δx² + Δy² in that order, as the runner adds them (einsum: 3× faster than columns).
            step_sq = np.einsum("ij,ij->i", delta, delta)
            if stoppable:
                stopped = alive & (step_sq == 0.0)
                if stopped.any():
                    outcome[cells[stopped]] = STOPPED
                    last_loss[cells[stopped]] = loss[stopped]
                    alive &= ~stopped
            if counted:
                np.maximum(window_steps[half], step_sq, out=window_steps[half])
                np.maximum(window_axes[half], np.abs(delta).T, out=window_axes[half])
            previous_loss = loss
            p = new_p

    running = np.zeros(size, dtype=bool)
    running[cells[alive]] = True
    flagged = np.zeros(size, dtype=bool)
    flagged[cells[bounced]] = True
    outcome[running & flagged] = BOUNCING
    diverged = outcome == DIVERGED
    final_loss = np.where(diverged, np.nan, last_loss)
    return SweepResult(
        steps_to_converge.reshape(shape),
        diverged.reshape(shape),
        final_loss.reshape(shape),
        dict(grid),
        outcome.reshape(shape),
    )
