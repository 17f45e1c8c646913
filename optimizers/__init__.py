"""Optimizer update rules, the trajectory runner and the vectorised sweep (plain NumPy).

>>> import surfaces, optimizers
>>> s = surfaces.get("quadratic", condition_number=10.0)
>>> t = optimizers.run(s, optimizers.get("gd", lr=0.1), x0=(-2.0, 1.5), steps=500)
>>> t.status
'converged'
"""

from optimizers.registry import OPTIONS, Optimizer, get, hyperparameters, names
from optimizers.runner import (
    STATUS_WORDS,
    Trajectory,
    objective_minimizer,
    run,
    stability_explanation,
    status_label,
)
from optimizers.spec import RunSpec
from optimizers.sweep import OUTCOMES, SweepResult, sweep

__all__ = [
    "OPTIONS",
    "OUTCOMES",
    "STATUS_WORDS",
    "Optimizer",
    "RunSpec",
    "SweepResult",
    "Trajectory",
    "get",
    "hyperparameters",
    "names",
    "objective_minimizer",
    "run",
    "stability_explanation",
    "status_label",
    "sweep",
]
