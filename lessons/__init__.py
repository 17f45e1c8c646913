r"""Guided lessons: scenes that ask a question before the run and explain it after.

A scene (:class:`Scene`) is data: one or more runs (:class:`optimizers.RunSpec`), the question
put to the class *before* anything moves, its choices and the stated answer, the explanation
with its formula, and the lecture notes it teaches from (:data:`SEEDS`). Two kinds of judge
read what the library actually did:

- ``judge(runs, trajectories) -> Outcome``: which choice is true, with the measured numbers;
- ``claims(runs, trajectories) -> tuple[Claim, ...]``: each numerical or directional claim of
  the explanation ("X is faster than Y", "it settles", "it zig-zags"), true or not.

The tests check the stated answer against the first and every claim against the second, so a
scene cannot say something the library does not do.

Adding a scene is adding data in one place: a :class:`Scene` in a module's ``SCENES`` tuple
(:mod:`lessons.surface_scenes` for the 2-D surfaces, :mod:`lessons.network_scenes` for
small neural networks); a new module of scenes is one more entry
in :data:`MODULES` below.

Plain NumPy, no Streamlit:

>>> import lessons
>>> scene = lessons.get("lr_too_large")
>>> trajectories = lessons.run_scene(scene)
>>> trajectories[0].status
'diverged'
>>> lessons.outcome(scene, trajectories).answer == scene.answer
True
"""

from __future__ import annotations

from lessons import network_scenes, surface_scenes
from lessons.glossary import GLOSSARY
from lessons.measures import (
    adagrad_effective_steps,
    distance_to_nearest_minimum,
    excess_loss,
    first_step_beyond,
    nearest_minimum,
    overshoot,
    quadratic_model,
    spread,
    steps_near,
    zigzags,
)
from lessons.scene import (
    START_MARKER,
    Claim,
    Judge,
    NetworkLesson,
    Outcome,
    Scene,
    check_claims,
    curvature_note,
    outcome,
    run_scene,
)
from lessons.sources import SEEDS, cite

#: The modules of scenes, in teaching order: each has a ``SCENES`` tuple.
MODULES = (surface_scenes, network_scenes)

#: Every scene, in teaching order.
SCENES: tuple[Scene, ...] = tuple(scene for module in MODULES for scene in module.SCENES)

_BY_ID = {scene.id: scene for scene in SCENES}
if len(_BY_ID) != len(SCENES):  # two modules used one id: the page would lose a scene
    raise RuntimeError("Two lesson scenes share an id.")


def ids() -> list[str]:
    """The scene ids in teaching order."""
    return list(_BY_ID)


def get(scene_id: str) -> Scene:
    """The scene ``scene_id``.

    Raises
    ------
    ValueError
        For an unknown id.
    """
    if scene_id not in _BY_ID:
        raise ValueError(f"Unknown scene {scene_id!r}; choose one of {ids()}.")
    return _BY_ID[scene_id]


__all__ = [
    "GLOSSARY",
    "MODULES",
    "SCENES",
    "SEEDS",
    "START_MARKER",
    "Claim",
    "Judge",
    "NetworkLesson",
    "Outcome",
    "Scene",
    "adagrad_effective_steps",
    "check_claims",
    "cite",
    "curvature_note",
    "distance_to_nearest_minimum",
    "excess_loss",
    "first_step_beyond",
    "get",
    "ids",
    "nearest_minimum",
    "outcome",
    "overshoot",
    "quadratic_model",
    "run_scene",
    "spread",
    "steps_near",
    "zigzags",
]
