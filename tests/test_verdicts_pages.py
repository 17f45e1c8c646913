"""The pages show the runner's verdicts in words: the status line and the race table."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

import optimizers

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_page(page: str | None, params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if page:
        at.switch_page(page)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_race_table_says_still_moving_never_max_steps():
    at = open_page("app_pages/race.py", {})
    (table,) = at.dataframe
    statuses = set(table.value["Status"])
    assert statuses <= set(optimizers.STATUS_WORDS.values())
    assert "still moving" in statuses and "max_steps" not in statuses


def test_the_status_line_with_weight_decay_measures_to_the_regularised_minimizer():
    at = open_page(None, {"weight_decay": "0.5"})
    lines = [element.value for element in (*at.success, *at.info, *at.warning, *at.error)]
    line = next(text for text in lines if "Final loss" in text)
    assert "distance to the nearest minimizer of f + (λ/2)‖x‖²" in line
