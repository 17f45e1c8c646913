"""A bad formula keeps the page: the error (with a caret) where the chart was, the sidebar whole,
and a way back to the last formula that worked."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import charts

APP = str(Path(__file__).resolve().parents[1] / "app.py")
FORMULA = "dl_surface.custom.formula"
PAGES = [
    "app_pages/playground.py",
    "app_pages/curvature.py",
    "app_pages/race.py",
    "app_pages/phase.py",
    "app_pages/rates.py",
]


@pytest.mark.parametrize("page", PAGES)
def test_bad_formula_keeps_the_page(page):
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(page)
    at.run()
    at.selectbox(key="dl_surface").set_value("custom").run()
    good = at.text_input(key=FORMULA).value
    at.text_input(key=FORMULA).set_value("x**").run()
    assert not at.exception
    errors = [error.value for error in at.error]
    assert any("cannot be drawn" in text and "at the end" in text for text in errors), errors
    # The caret sits under the end of "x**".
    assert "x**\n   ^" in [code.value for code in at.main.get("code")]
    # The sidebar is whole: its controls are drawn (with the last good surface behind them).
    sidebar_labels = [widget.label for widget in at.sidebar.select_slider]
    assert "Learning rate" in sidebar_labels or page.endswith("race.py")
    assert at.text_input(key=FORMULA).value == "x**"
    assert not charts(at)  # the chart's place holds the error
    # "Link to this view" stays in the sidebar.
    (popover,) = at.sidebar.get("popover")
    assert popover.proto.popover.label == "Link to this view"
    back = [b for b in at.button if b.key == "formula_back"]
    assert back and good in back[0].label
    back[0].click().run()
    assert not at.exception
    assert at.text_input(key=FORMULA).value == good
    assert charts(at)
    assert not any("cannot be drawn" in error.value for error in at.error)


def test_caret_positions():
    from ui.controls import FormulaError

    def caret(typed, message):
        return FormulaError("k", typed, message, "x").caret

    assert caret("x*/y", "Could not read the formula at character 3: …") == "x*/y\n  ^"
    assert caret("x**", "Could not read the formula at the end: …") == "x**\n   ^"
    assert caret("x+1", "something else") == "x+1"
