"""viz.dict_figure: figures kept as plain dicts send the same JSON as validated go.Figures."""

from __future__ import annotations

import json
import pickle

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from _plotly_utils.utils import to_typed_array_spec

import optimizers
import surfaces
from viz import path_figure, surface_layers
from viz.animation import MAX_FRAMES, path_figure_dict
from viz.dict_figure import DictFigure, encode_arrays, typed_array


@pytest.mark.parametrize(
    "values",
    [
        np.linspace(-1, 1, 7),
        np.linspace(-1, 1, 7, dtype=np.float32),
        np.arange(5),  # int64 narrowed to int8
        np.arange(40_000),  # … to int32
        np.array([2**40]),  # too big: left as it is
        np.arange(300, dtype=np.uint64),
        np.arange(6, dtype=np.int32).reshape(3, 2),
        np.linspace(0, 1, 12)[::2],  # not contiguous
        np.array([np.nan, 1.0]),
        np.array([], dtype=float),
        np.array([True, False]),
    ],
)
def test_typed_arrays_are_what_plotly_writes(values):
    ours, plotly = typed_array(values), to_typed_array_spec(values)
    if isinstance(plotly, dict):
        assert ours == plotly
    else:
        assert isinstance(ours, np.ndarray) and np.array_equal(ours, plotly)


def test_encode_arrays_copies_containers_and_skips_plotlys_keys():
    spec = {"a": [{"x": np.arange(3.0)}], "range": np.array([0.0, 1.0]), "s": "text"}
    encoded = encode_arrays(spec)
    assert encoded["a"][0]["x"]["dtype"] == "f8"
    assert isinstance(encoded["range"], np.ndarray)  # Plotly leaves "range" as a list
    assert encoded["a"] is not spec["a"] and isinstance(spec["a"][0]["x"], np.ndarray)
    assert encode_arrays(encoded) == encoded


@pytest.fixture(scope="module")
def figure_and_spec():
    surface = surfaces.get("rosenbrock")
    layers = surface_layers(surface)
    runs = [optimizers.run(surface, optimizers.get(name), steps=300) for name in ("gd", "adam")]
    return path_figure(layers, surface, runs), path_figure_dict(layers, surface, runs)


def test_the_json_is_the_validated_figures(figure_and_spec):
    fig, spec = figure_and_spec
    assert isinstance(fig, go.Figure) and not fig.is_built
    sent = json.loads(pio.to_json(fig, validate=False))  # what st.plotly_chart does
    assert not fig.is_built
    assert sent == json.loads(go.Figure(spec).to_json())


def test_pickling_keeps_the_dict_and_using_the_figure_builds_it(figure_and_spec):
    fig, _ = figure_and_spec
    copy = pickle.loads(pickle.dumps(fig))
    assert isinstance(copy, DictFigure) and not copy.is_built
    assert copy.to_dict() == fig.to_dict()
    assert len(copy.frames) == MAX_FRAMES and copy.is_built  # the objects, validated
    copy.update_layout(height=300)  # an ordinary figure from now on
    assert copy.to_dict()["layout"]["height"] == 300
    again = pickle.loads(pickle.dumps(copy))
    assert again.to_dict()["layout"]["height"] == 300
    assert json.loads(again.to_json())["frames"] == json.loads(fig.to_json())["frames"]


def test_to_dict_is_a_fresh_copy(figure_and_spec):
    fig, _ = figure_and_spec
    first = fig.to_dict()
    minima = first["layout"]["meta"]["traces"]["minima"]
    assert first["data"][minima]["name"] == "minimum"
    first["data"][0]["name"] = "changed"
    first["layout"]["meta"]["traces"]["minima"] = -1
    assert fig.to_dict()["data"][0]["name"] == "level lines"
    assert fig.to_dict()["layout"]["meta"]["traces"]["minima"] == minima


def test_an_invalid_dict_fails_when_the_figure_is_used():
    fig = DictFigure({"data": [{"type": "scatter", "colour": "red"}], "layout": {}})
    with pytest.raises(ValueError, match="colour"):
        fig.data  # noqa: B018
    assert not fig.is_built  # still the dict, and it fails again the same way
    with pytest.raises(ValueError, match="colour"):
        fig.layout  # noqa: B018
