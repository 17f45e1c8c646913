"""optimizers.RunSpec: one run as plain values, the same call as optimizers.run."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import optimizers
import surfaces
from optimizers import RunSpec


def test_make_completes_the_defaults_so_one_run_is_one_spec():
    short = RunSpec.make("quadratic", "momentum", 0.05, (-2, 1.5), 100)
    spelled = RunSpec.make(
        "quadratic",
        "momentum",
        0.05,
        (-2.0, 1.5),
        100,
        surface_params={spec.name: spec.default for spec in surfaces.parameters("quadratic")},
        hyper={"momentum": optimizers.hyperparameters("momentum")[1].default},
    )
    assert short == spelled and hash(short) == hash(spelled)
    assert short.hyperparameters[0] == ("lr", 0.05), "the learning rate comes first"
    names = [name for name, _ in short.surface_params]
    assert names == sorted(names)
    assert short.lr == 0.05 and short.label == ""


def test_run_is_the_library_call_of_its_fields():
    spec = RunSpec.make(
        "rosenbrock",
        "adam",
        0.02,
        (-1.5, 2.0),
        200,
        options={"clip": 5.0, "decay": 0.01},
        tol=1e-8,
        label="Adam",
    )
    direct = optimizers.run(
        surfaces.get("rosenbrock"),
        optimizers.get("adam", lr=0.02, clip=5.0, decay=0.01),
        x0=(-1.5, 2.0),
        steps=200,
        tol=1e-8,
    )
    got = spec.run()
    np.testing.assert_array_equal(got.points, direct.points)
    assert got.status == direct.status
    assert spec.build_optimizer().hyperparameters["b1"] == 0.9


def test_stochastic_fields_reach_the_runner():
    spec = RunSpec.make("logistic", "gd", 1.0, (-2.0, 2.0), 50, batch_size=3, seed=7)
    again = spec.run()
    reseeded = RunSpec.make("logistic", "gd", 1.0, (-2.0, 2.0), 50, batch_size=3, seed=8).run()
    np.testing.assert_array_equal(spec.run().points, again.points)
    assert not np.array_equal(again.points, reseeded.points)


def test_a_spec_is_a_plain_value():
    spec = RunSpec.make("saddle", "gd", 0.1, (1.0, 0.01), 30, noise=0.5)
    assert pickle.loads(pickle.dumps(spec)) == spec
    with pytest.raises(AttributeError):
        spec.steps = 5  # frozen
    assert spec.with_label("GD").label == "GD" and spec.with_label("GD") != spec


def test_bad_values_fail_with_the_library_messages():
    with pytest.raises(ValueError):
        RunSpec.make("quadratic", "gd", 0.1, (0, 0), 10, surface_params={"nope": 1}).run()
    with pytest.raises(ValueError):
        RunSpec("quadratic", (), "no_such_rule", (("lr", 0.1),)).run()
