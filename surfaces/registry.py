"""Name → surface family. Each family module exposes ``PARAMS`` (a tuple of
:class:`~surfaces.base.Param`) and ``build(**params) -> Surface``."""

from __future__ import annotations

from types import ModuleType

from surfaces import (
    beale,
    custom,
    himmelblau,
    least_squares,
    logistic,
    network,
    quadratic,
    rastrigin,
    rosenbrock,
    saddle,
    six_hump_camel,
)
from surfaces.base import Param, Surface

FAMILIES: dict[str, ModuleType] = {
    "quadratic": quadratic,
    "rosenbrock": rosenbrock,
    "saddle": saddle,
    "logistic": logistic,
    "least_squares": least_squares,
    "himmelblau": himmelblau,
    "rastrigin": rastrigin,
    "beale": beale,
    "six_hump_camel": six_hump_camel,
    "network": network,
    "custom": custom,
}


def names() -> list[str]:
    """Registry names of every surface family, in the order the app lists them."""
    return list(FAMILIES)


def parameters(name: str) -> tuple[Param, ...]:
    """The keyword parameters of family ``name`` with defaults, ranges and labels."""
    return _family(name).PARAMS


def title(name: str) -> str:
    """The display name of family ``name`` at its default parameters, without building it.

    ``title(name) == get(name).title``; a picker lists every family by it, and building them
    all would fit a logistic regression and train a network before the first chart.
    """
    return _family(name).TITLE


def get(name: str, **params) -> Surface:
    """Build surface ``name`` with validated keyword parameters (missing ones take defaults).

    Raises
    ------
    ValueError
        For an unknown name, an unknown parameter, or a value outside its range.
    TypeError
        For a value of the wrong type.
    """
    family = _family(name)
    specs = {spec.name: spec for spec in family.PARAMS}
    unknown = sorted(set(params) - set(specs))
    if unknown:
        raise ValueError(
            f"Unknown parameter(s) {unknown} for surface {name!r}; it takes {sorted(specs)}."
        )
    values = {key: spec.validate(params.get(key, spec.default)) for key, spec in specs.items()}
    return family.build(**values)


def _family(name: str) -> ModuleType:
    if not isinstance(name, str) or name not in FAMILIES:
        raise ValueError(f"Unknown surface {name!r}; choose one of {names()}.")
    return FAMILIES[name]
