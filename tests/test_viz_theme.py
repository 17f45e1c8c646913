"""The shared look as a plain dict is the look Plotly's objects build."""

from __future__ import annotations

import json

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
