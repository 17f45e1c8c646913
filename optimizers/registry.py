"""Name → update rule, and :class:`Optimizer`: a rule with validated hyperparameters."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import ModuleType

from optimizers import adagrad, adam, gd, momentum, nesterov, newton, rmsprop
from optimizers.hyper import Hyper
from optimizers.numbers import format_number

RULES: dict[str, ModuleType] = {
    "gd": gd,
    "momentum": momentum,
    "nesterov": nesterov,
    "adagrad": adagrad,
    "rmsprop": rmsprop,
    "adam": adam,
    "newton": newton,
}

#: Options every rule accepts, applied by the runner around the rule.
OPTIONS = (
    Hyper("decay", 0.0, 0.0, math.inf, high_open=True, label="Learning-rate decay"),
    Hyper("clip", math.inf, 0.0, math.inf, low_open=True, high_open=True, label="Clip at norm"),
    Hyper("weight_decay", 0.0, 0.0, math.inf, high_open=True, label="L2 weight decay"),
)


@dataclass(frozen=True)
class Optimizer:
    r"""An update rule with its hyperparameters and the options every rule shares.

    The runner feeds the rule the gradient after clipping and weight decay, at the decayed
    learning rate:

    .. math::
        \tilde g_t = \min\!\Big(1, \frac{c}{\lVert g_t\rVert}\Big) g_t + \lambda x_t,
        \qquad \eta_t = \frac{\eta}{1 + d\,t}

    with ``clip`` = c (``None`` for none; seed 001's gradient-norm clipping), ``weight_decay``
    = λ (L2 regularisation as in ``torch.optim``'s ``weight_decay``; seed 004) and ``decay``
    = d (seed 002's schedule ``lr/(1 + decay·t)``, PyTorch Adagrad's ``lr_decay``), t = 0, 1, ….
    """

    name: str
    hyperparameters: dict = field(default_factory=dict)
    decay: float = 0.0
    clip: float | None = None
    weight_decay: float = 0.0

    @property
    def rule(self) -> ModuleType:
        return RULES[self.name]

    @property
    def title(self) -> str:
        return self.rule.TITLE

    @property
    def formula(self) -> str:
        """The update rule in LaTeX."""
        return self.rule.FORMULA

    @property
    def lr(self) -> float:
        return self.hyperparameters["lr"]

    def lr_at(self, t: int) -> float:
        """η_t = η / (1 + decay·t)."""
        return self.hyperparameters["lr"] / (1.0 + self.decay * t)

    def label(self) -> str:
        """A short legend entry: the rule and its hyperparameters."""
        parts = [f"{key}={format_number(value)}" for key, value in self.hyperparameters.items()]
        return f"{self.title} ({', '.join(parts)})"


def names() -> list[str]:
    """Registry names of the update rules."""
    return list(RULES)


def hyperparameters(name: str) -> tuple[Hyper, ...]:
    """The hyperparameters of rule ``name`` with defaults and valid intervals."""
    return _rule(name).HYPERPARAMETERS


def get(
    name: str,
    *,
    decay: float = 0.0,
    clip: float | None = None,
    weight_decay: float = 0.0,
    **hyperparameters,
) -> Optimizer:
    """Build optimizer ``name`` with validated hyperparameters; missing ones take defaults.

    >>> get("adam", lr=0.05).hyperparameters
    {'lr': 0.05, 'b1': 0.9, 'b2': 0.999, 'eps': 1e-08}

    Raises
    ------
    ValueError
        Unknown name or hyperparameter; NaN, infinity or a value outside its interval.
    TypeError
        A value that is not a real number.
    """
    rule = _rule(name)
    specs = {spec.name: spec for spec in rule.HYPERPARAMETERS}
    unknown = sorted(set(hyperparameters) - set(specs))
    if unknown:
        raise ValueError(
            f"Unknown hyperparameter(s) {unknown} for {name!r}; it takes {sorted(specs)} "
            "and the options decay, clip, weight_decay."
        )
    values = {
        key: spec.validate(hyperparameters.get(key, spec.default), rule=name)
        for key, spec in specs.items()
    }
    for key, value in values.items():
        if not isinstance(value, float):
            raise ValueError(
                f"Hyperparameters of {name!r} must be single numbers, not arrays: {key!r} is one."
            )
    decay_spec, clip_spec, weight_decay_spec = OPTIONS
    options = {
        "decay": decay_spec.validate(decay, rule=name),
        "clip": None if clip is None else clip_spec.validate(clip, rule=name),
        "weight_decay": weight_decay_spec.validate(weight_decay, rule=name),
    }
    for key, value in options.items():
        if value is not None and not isinstance(value, float):
            raise ValueError(
                f"Options of {name!r} must be single numbers, not arrays: {key!r} is one."
            )
    return Optimizer(name=name, hyperparameters=values, **options)


def _rule(name: str) -> ModuleType:
    if not isinstance(name, str) or name not in RULES:
        raise ValueError(f"Unknown optimizer {name!r}; choose one of {names()}.")
    return RULES[name]
