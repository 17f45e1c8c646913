"""The shared look as a plain dict is the look Plotly's objects build."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from viz import theme

SHAPES = [
    # cols, column widths, spacing, height, legend rows: the Playground's, the scrub's and the
    # race's shapes, and a few more.
    (2, (0.6, 0.4), 0.1, 600, 1),
    (2, (0.6, 0.4), 0.08, 710, 1),
    (1, None, 0.06, 500, 2),
    (2, None, 0.06, 450, 3),
    (3, (0.5, 0.3, 0.2), 0.05, 400, 4),
    (3, None, 0.2, 380, 0),
]


@pytest.mark.parametrize("cols, widths, spacing, height, rows", SHAPES)
def test_subplots_layout_is_make_subplots_with_the_theme(cols, widths, spacing, height, rows):
    fig = make_subplots(
        rows=1,
        cols=cols,
        column_widths=None if widths is None else list(widths),
        horizontal_spacing=spacing,
    )
    theme.apply_theme(fig, height=height, legend_rows=rows)
    built = json.loads(fig.layout.to_json())
    ours = json.loads(json.dumps(theme.subplots_layout(cols, widths, spacing, height, rows)))
    assert ours == built


def test_subplots_layout_returns_a_fresh_dict_each_time():
    first = theme.subplots_layout(2, (0.6, 0.4), 0.1, 600, 1)
    first["xaxis"]["tickfont"]["size"] = 99
    first["legend"]["font"]["size"] = 99
    again = theme.subplots_layout(2, (0.6, 0.4), 0.1, 600, 1)
    assert again["xaxis"]["tickfont"]["size"] == again["yaxis2"]["tickfont"]["size"] == 16
    assert again["legend"]["font"]["size"] == theme.TICK_FONT_SIZE
    assert theme.AXIS_STYLE["tickfont"]["size"] == theme.TICK_FONT_SIZE


def test_apply_theme_sets_the_title_text_and_keeps_its_placement():
    fig = theme.apply_theme(make_subplots(rows=1, cols=1), title="Loss", height=300)
    assert fig.layout.title.text == "Loss"
    assert fig.layout.title.font.size == theme.TITLE_FONT_SIZE
    assert fig.layout.title.yref == "container" and fig.layout.height == 300


def _themed_by_plotly_updates(fig, title=None, height=None, legend_rows=1):
    """The theme applied with Plotly's own update calls: the reference apply_theme matches."""
    if height is not None:
        fig.update_layout(height=height)
    fig.update_layout(template="none", **theme.layout_style(legend_rows))
    if title is not None:
        fig.update_layout(title={"text": title})
    fig.update_xaxes(**theme.AXIS_STYLE)
    fig.update_yaxes(**theme.AXIS_STYLE)
    return fig


def _figures():
    yield go.Figure()
    yield go.Figure(go.Scatter(x=[1, 2], y=[3, 4], name="path"))
    yield make_subplots(rows=1, cols=2, subplot_titles=("Contour", "Loss"))
    yield make_subplots(rows=2, cols=2, specs=[[{}, {}], [{"type": "scene"}, {}]])
    yield make_subplots(rows=1, cols=2, specs=[[{"secondary_y": True}, {}]])
    # Settings the theme partly overrides, and ones it leaves alone.
    yield go.Figure(
        go.Scatter(x=[1, 2], y=[3, 4]),
        layout={
            "xaxis": {"title": {"text": "w₁"}, "tickfont": {"size": 9}, "range": [0, 3]},
            "yaxis": {"type": "log"},
            "title": {"text": "Before", "x": 0.5},
            "legend": {"font": {"size": 30}},
            "annotations": [{"text": "note", "x": 1, "y": 1}],
            "height": 200,
        },
    )


@pytest.mark.parametrize("title, height, rows", [(None, None, 1), ("Loss", 420, 3), ("T", None, 0)])
def test_apply_theme_equals_plotlys_own_updates(title, height, rows):
    for fig in _figures():
        expected = _themed_by_plotly_updates(go.Figure(fig), title, height, rows)
        themed = theme.apply_theme(go.Figure(fig), title=title, height=height, legend_rows=rows)
        assert json.loads(themed.to_json()) == json.loads(expected.to_json())


@pytest.mark.parametrize(
    "axes, height, rows",
    [
        (("xaxis", "yaxis"), 560, 0),
        (("xaxis", "yaxis", "xaxis2", "yaxis2"), 420, 2),
        (("xaxis", "yaxis"), None, 1),
    ],
)
def test_axes_layout_is_apply_theme_on_those_axes(axes, height, rows):
    skeleton = go.Figure(layout={axis: {} for axis in axes})
    expected = json.loads(
        _themed_by_plotly_updates(skeleton, height=height, legend_rows=rows).layout.to_json()
    )
    assert json.loads(json.dumps(theme.axes_layout(axes, height, rows))) == expected
