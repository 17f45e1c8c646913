"""Property test: whatever the rule, options, surface, learning rate and start, each verdict of
``optimizers.run`` survives an independent re-check, and no established verdict changes when
the budget doubles."""

from __future__ import annotations

import math
import re

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import optimizers
import surfaces
from optimizers import stopping
from tests.helpers import assert_readable_numbers, read_number

#: Built-in surfaces plus typed formulas with domain edges (log, sqrt, a division, a cone).
SURFACES = [
    *(surfaces.get(name) for name in surfaces.names() if name != "custom"),
    surfaces.get("saddle", variant="monkey"),
    surfaces.get("custom", formula="x - log(x) + y^2", extent=3.0),
    surfaces.get("custom", formula="sqrt(x^2 + y^2)", extent=3.0),
    surfaces.get("custom", formula="1/(x^2 + 0.1) + y^2", extent=2.0),
    surfaces.get("custom", formula="sqrt(x + 2) + y^2 + x^2", extent=3.0),
    surfaces.get("custom", formula="x^2 + y", extent=3.0),
]
ESTABLISHED = ("converged", "diverged", "stopped", "undefined", "bouncing")


def _start(surface, offset):
    (xmin, xmax), (ymin, ymax) = surface.bounds
    # Offsets in [−1, 1] stay on the plot; up to 3 half-widths go beyond it.
    return (
        0.5 * (xmin + xmax) + 0.5 * offset[0] * (xmax - xmin),
        0.5 * (ymin + ymax) + 0.5 * offset[1] * (ymax - ymin),
    )


def _defined_at(surface, point) -> bool:
    with np.errstate(all="ignore"):
        value = surface._value_at(point[0], point[1])
        gradient = surface._gradient_at(np.asarray(point, dtype=float))
    return bool(np.isfinite(value) and np.all(np.isfinite(gradient)))


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    name=st.sampled_from(optimizers.names()),
    surface_index=st.integers(0, len(SURFACES) - 1),
    log_lr=st.floats(-4.0, 1.5),
    offset=st.tuples(st.floats(-3.0, 3.0), st.floats(-3.0, 3.0)),
    steps=st.integers(10, 300),
    clip=st.sampled_from([None, None, 1.0]),
    weight_decay=st.sampled_from([0.0, 0.0, 0.5]),
    decay=st.sampled_from([0.0, 0.0, 0.05]),
    noise=st.sampled_from([0.0, 0.0, 0.0, 0.3]),
)
def test_every_verdict_survives_an_independent_recheck(
    name, surface_index, log_lr, offset, steps, clip, weight_decay, decay, noise
):
    surface = SURFACES[surface_index]
    x0 = _start(surface, offset)
    if not _defined_at(surface, x0):
        event("undefined start")
        return  # run refuses such a start with a ValueError (tested elsewhere)
    opt = optimizers.get(name, lr=10.0**log_lr, clip=clip, weight_decay=weight_decay, decay=decay)
    trajectory = optimizers.run(surface, opt, x0=x0, steps=steps, tol=1e-8, noise=noise)
    twice = optimizers.run(surface, opt, x0=x0, steps=2 * steps, tol=1e-8, noise=noise)
    status, where = trajectory.status, f"{opt} from {x0}: {trajectory.message}"
    event(status)
    assert status in optimizers.STATUS_WORDS, where
    assert_readable_numbers(trajectory.message)  # 3 significant figures, never a raw repr
    # The doubled budget replays the same path, so an established verdict stays.
    np.testing.assert_array_equal(twice.points[: len(trajectory.points)], trajectory.points)
    if status in ESTABLISHED:
        assert twice.status == status, f"{where} | at 2N: {twice.message}"
        if status != "bouncing":
            assert twice.steps == trajectory.steps, where
    last = trajectory.final_point
    if status == "converged":
        objective_gradient = surface.gradient(last) + weight_decay * last
        assert float(np.linalg.norm(objective_gradient)) < 1e-8 or not np.any(objective_gradient), (
            where
        )
    elif status == "diverged":
        # Continued far beyond its budget (8×), it keeps leaving: it stops at the same step.
        longer = optimizers.run(surface, opt, x0=x0, steps=8 * steps, tol=1e-8, noise=noise)
        assert longer.status == "diverged" and longer.steps == trajectory.steps, where
        centre = np.asarray(surface.center)
        radius = stopping.escape_radius(surface) + math.dist(x0, centre)
        far = re.search(r"flew far off the plot to \(([^,]+), ([^)]+)\)", trajectory.message)
        if far:  # the point it flew to (where f may have overflowed, so not on the path),
            # written with 3 significant figures: allow their rounding (at most 0.5 %).
            last = np.array([read_number(far.group(1)), read_number(far.group(2))])
            radius *= 1 - 5e-3
        left = float(np.hypot(*(last - centre))) > radius
        exploded = trajectory.final_loss > stopping.loss_ceiling(surface, trajectory.losses[0])
        assert left or exploded or "overflowed" in trajectory.message, where
    elif status == "bouncing":
        # Stays bounded over 8× its budget.
        longer = optimizers.run(surface, opt, x0=x0, steps=8 * steps, tol=1e-8, noise=noise)
        assert longer.status == "bouncing", f"{where} | at 8N: {longer.message}"
    elif status == "stopped":
        assert noise == 0.0 and name in ("gd", "adagrad", "newton"), where
        # The last step is zero: one more step of the rule from the last point goes nowhere.
        gradient = surface.gradient(last) + weight_decay * last
        if name == "gd":
            g = gradient
            if clip is not None and np.linalg.norm(surface.gradient(last)) > clip:
                g = surface.gradient(last) * clip / np.linalg.norm(surface.gradient(last))
                g = g + weight_decay * last
            np.testing.assert_array_equal(last - opt.lr_at(trajectory.steps) * g, last)
        elif name == "newton":
            hessian = surface.hessian(last) + weight_decay * np.eye(2)
            step = opt.lr_at(trajectory.steps) * (np.linalg.pinv(hessian) @ gradient)
            assert np.all(last - step == last) or np.allclose(step, 0.0, atol=1e-300), where
    elif status == "undefined":
        named = "needs" in trajectory.message or "undefined" in trajectory.message
        assert surface.name == "custom" and named, where
        assert "overflow" not in trajectory.message, where
    else:
        assert trajectory.steps == steps, where
