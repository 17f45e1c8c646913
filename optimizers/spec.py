"""One run as plain values: what the Lessons and every page hand to :func:`optimizers.run`.

A :class:`RunSpec` names the surface and the optimizer instead of holding them, so it is
hashable and small (a cache key, a URL, a lesson's data) and the same run has the same spec
wherever it comes from.

>>> from optimizers import RunSpec
>>> spec = RunSpec.make("quadratic", "gd", lr=0.1, x0=(-2.0, 1.5), steps=500,
...                     surface_params={"condition_number": 10.0})
>>> spec.lr, spec.run().status
(0.1, 'converged')
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import surfaces
from optimizers.registry import Optimizer, get, hyperparameters
from optimizers.runner import Trajectory, run


@dataclass(frozen=True)
class RunSpec:
    """Everything one call of :func:`optimizers.run` needs, as plain hashable values.

    Attributes
    ----------
    surface : str
        The surface family's name (:func:`surfaces.names`).
    surface_params : tuple of (name, value)
        The family's parameters, sorted by name.
    optimizer : str
        The update rule's name (:func:`optimizers.names`).
    hyperparameters : tuple of (name, value)
        The learning rate ``lr`` (η) first, then the rule's other knobs.
    options : tuple of (name, value)
        The runner's ``decay``, ``clip`` and ``weight_decay`` where they differ from off.
    x0 : (float, float)
        The start point.
    steps : int
        At most this many steps.
    tol : float
        Converged when ‖∇f‖ < tol.
    batch_size : int or None
        Examples per mini-batch (None: the full batch, the exact gradient).
    noise : float
        Standard deviation σ of Gaussian noise added to each gradient.
    seed : int
        Seed of the mini-batch draws and the noise.
    label : str
        What a legend calls the run ("" where nobody shows one); not part of the run itself.
    """

    surface: str
    surface_params: tuple[tuple[str, Any], ...]
    optimizer: str
    hyperparameters: tuple[tuple[str, float], ...]
    options: tuple[tuple[str, float], ...] = ()
    x0: tuple[float, float] = (0.0, 0.0)
    steps: int = 200
    tol: float = 1e-6
    batch_size: int | None = None
    noise: float = 0.0
    seed: int = 0
    label: str = ""

    @classmethod
    def make(
        cls,
        surface: str,
        optimizer: str,
        lr: float,
        x0,
        steps: int,
        surface_params: dict | None = None,
        hyper: dict | None = None,
        options: dict | None = None,
        **fields,
    ) -> RunSpec:
        """A spec with the surface's parameters and the rule's knobs completed.

        Parameters missing from ``surface_params`` take the family's defaults; the rule's
        hyperparameters other than ``lr`` and ``eps`` take theirs unless given in ``hyper``
        (so the same run written two ways is one spec, one cache key). ``fields`` are the
        remaining attributes (``tol``, ``batch_size``, ``noise``, ``seed``, ``label``).
        """
        params = {spec.name: spec.default for spec in surfaces.parameters(surface)}
        params.update(surface_params or {})
        values = {"lr": float(lr)}
        for spec in hyperparameters(optimizer):
            if spec.name not in ("lr", "eps"):
                values[spec.name] = float((hyper or {}).get(spec.name, spec.default))
        return cls(
            surface=surface,
            surface_params=tuple(sorted(params.items())),
            optimizer=optimizer,
            hyperparameters=tuple(values.items()),
            x0=(float(x0[0]), float(x0[1])),
            steps=int(steps),
            options=tuple(sorted((options or {}).items())),
            **fields,
        )

    @property
    def lr(self) -> float:
        """The learning rate η."""
        return float(dict(self.hyperparameters)["lr"])

    def with_label(self, label: str) -> RunSpec:
        return replace(self, label=label)

    def build_surface(self) -> surfaces.Surface:
        return surfaces.get(self.surface, **dict(self.surface_params))

    def build_optimizer(self) -> Optimizer:
        return get(self.optimizer, **dict(self.hyperparameters), **dict(self.options))

    def run(self) -> Trajectory:
        """The run, computed by the library (no cache: the app's pages use
        ``ui.compute.run``)."""
        return run(
            self.build_surface(),
            self.build_optimizer(),
            x0=self.x0,
            steps=self.steps,
            tol=self.tol,
            batch_size=self.batch_size,
            noise=self.noise,
            seed=self.seed,
        )
