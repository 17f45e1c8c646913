r"""Newton's method with a step size (damped Newton).

.. math:: x_{t+1} = x_t - \eta\, H(x_t)^{-1} g_t

``lr`` is η (1 is the pure Newton step, which lands on a quadratic's minimizer in one step).
Newton uses the curvature the seeds describe with the Hessian H: it rescales every
eigen-direction by 1/λᵢ, so the condition number no longer matters. Where H is not positive
definite the step heads for the nearest stationary point, which may be a saddle or a maximum;
where H is singular the pseudo-inverse is used (the smallest step solving H d = g). The runner
reports both in the trajectory's message.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optimizers.hyper import learning_rate

#: The update rule in LaTeX, for the pages.
FORMULA = r"x_{t+1} = x_t - \eta\, H(x_t)^{-1}\, \nabla f(x_t)"
TITLE = "Newton"
HYPERPARAMETERS = (learning_rate(1.0),)
NEEDS_HESSIAN = True
#: |det H| below this fraction of (‖H‖²) counts as singular.
SINGULAR = 1e-12


class State(NamedTuple):
    """Newton keeps no state between steps."""


def init(params) -> State:
    del params
    return State()


def direction(hessian, grad):
    """Solve H d = g for every point of a stack; pseudo-inverse where H is singular.

    Closed form for 2 × 2: ``d = adj(H) g / det H``, so a stack of 40,000 Hessians costs a
    few array operations instead of a batched LAPACK call.
    """
    if np.ndim(hessian) == 2:
        return _direction_one(hessian, grad)
    a, b = hessian[..., 0, 0], hessian[..., 0, 1]
    c, d = hessian[..., 1, 0], hessian[..., 1, 1]
    det = a * d - b * c
    scale = a * a + b * b + c * c + d * d
    singular = np.abs(det) <= SINGULAR * scale
    safe_det = np.where(singular, 1.0, det)
    gx, gy = grad[..., 0], grad[..., 1]
    solved = np.stack(((d * gx - b * gy) / safe_det, (a * gy - c * gx) / safe_det), axis=-1)
    if np.any(singular):
        solved = np.where(singular[..., None], _pinv_solve(hessian, grad), solved)
    return solved


def _direction_one(hessian, grad):
    (a, b), (c, d) = hessian.tolist()
    gx, gy = grad.tolist() if isinstance(grad, np.ndarray) else grad
    det = a * d - b * c
    if abs(det) <= SINGULAR * (a * a + b * b + c * c + d * d):
        return _pinv_solve(hessian, np.asarray(grad, dtype=float))
    return np.array(((d * gx - b * gy) / det, (a * gy - c * gx) / det))


def direction_xy(hxx: float, hxy: float, hyy: float, gx: float, gy: float):
    """:func:`direction` for one point in plain floats (the runner's path), with the same
    arithmetic, so a run and a sweep cell agree to the last bit."""
    det = hxx * hyy - hxy * hxy
    if abs(det) <= SINGULAR * (hxx * hxx + hxy * hxy + hxy * hxy + hyy * hyy):
        hessian = np.array(((hxx, hxy), (hxy, hyy)))
        return tuple(_pinv_solve(hessian, np.array((gx, gy))).tolist())
    return (hyy * gx - hxy * gy) / det, (hxx * gy - hxy * gx) / det


def _pinv_solve(hessian, grad):
    return np.einsum("...ij,...j->...i", np.linalg.pinv(hessian, hermitian=True), grad)


def step(params, grad, state: State, lr, hessian):
    """``x ← x − lr·H⁻¹g``; returns ``(params, state)``."""
    return params - lr * direction(hessian, grad), state
