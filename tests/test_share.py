"""Shareable state: every control is in the URL, a copied link reproduces the figure exactly,
and a broken link opens anyway, with the nearest valid values and a notice saying so."""

from __future__ import annotations

import math
from pathlib import Path
from urllib.parse import urlencode

import pytest
from streamlit.runtime.state.query_params import QueryParams
from streamlit.testing.v1 import AppTest

from surfaces.custom import DEFAULT_FORMULA
from tests.helpers import figures
from ui import url_values
from ui.controls import LR_OPTIONS, TOLERANCES
from ui.url_values import Validity, encode, parse

APP = str(Path(__file__).resolve().parents[1] / "app.py")
#: URL path → script (AppTest switches pages by script path).
PAGES = {
    "playground": "app_pages/playground.py",
    "lessons": "app_pages/lessons.py",
    "curvature": "app_pages/curvature.py",
    "gd_vs_sgd": "app_pages/gd_vs_sgd.py",
    "race": "app_pages/race.py",
    "phase": "app_pages/phase.py",
    "rates": "app_pages/rates.py",
}


# ----- helpers --------------------------------------------------------------------------------
def open_link(page: str, params: dict[str, str] | None = None) -> AppTest:
    """A new session opened on ``page`` from a link with ``params``."""
    at = AppTest.from_file(APP, default_timeout=60)
    if page != "playground":
        at.switch_page(PAGES[page])
    for name, value in (params or {}).items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at: AppTest) -> list[dict]:
    return figures(at)


def notices(at: AppTest) -> str:
    return "\n".join(w.value for w in at.warning if "This link held" in w.value)


def controls(at: AppTest) -> dict:
    return {k: at.session_state[k] for k in at.session_state if k.startswith("dl_")}


def assert_same_view(first: AppTest, second: AppTest) -> None:
    """Same figures, same tables, same URL, and the link said nothing was wrong."""
    assert not notices(second)
    assert charts(second) == charts(first)
    assert len(second.dataframe) == len(first.dataframe)
    for mine, theirs in zip(second.dataframe, first.dataframe, strict=True):
        assert mine.value.equals(theirs.value)  # NaN where NaN
    assert dict(second.query_params) == dict(first.query_params)


def round_trip(at: AppTest, page: str) -> AppTest:
    """Open the URL ``at`` shows in a new session and check the view is the same."""
    params = dict(at.query_params)
    assert params, "the page wrote no settings into the URL"
    fresh = open_link(page, params)
    assert_same_view(at, fresh)
    return fresh


# ----- ui.url_values: text ↔ value -------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [
        0.1,
        0.183,
        1e-300,
        -2.5e-7,
        1 / 3,
        42.426406871192846,
        0.9500000000000001,
        7,
        0,
        True,
        False,
        "x^2 + y^2",
        ["gd", "adam"],
        [],
    ],
)
def test_encode_then_parse_gives_the_value_back(value):
    validity = Validity(url_values.kind_of(value))
    back, notice = parse("key", encode(value), None, validity)
    assert notice is None
    assert back == value and type(back) is type(value)


def test_floats_are_written_compactly_and_exactly():
    assert encode(0.183) == "0.183"
    assert encode(1e-06) == "1e-06"
    assert encode(True) == "1" and encode(False) == "0"
    assert float(encode(0.1 + 0.2)) == 0.1 + 0.2


@pytest.mark.parametrize(
    ("raw", "validity", "expected", "words"),
    [
        ("abc", Validity("float", low=0, high=1), 0.5, "is not a number"),
        ("nan", Validity("float"), 0.5, "not a finite number"),
        ("5", Validity("float", low=0.0, high=0.99), 0.99, "above 0.99"),
        ("-3", Validity("int", low=10, high=2000, step=10), 10, "below 10"),
        ("15", Validity("int", low=10, high=2000, step=10), 20, "multiple of 10"),
        ("1.5", Validity("int", low=0, high=10), 2, "not a whole number"),
        ("0.178", Validity("float", options=LR_OPTIONS), 0.178, None),
        ("0.1781", Validity("float", options=LR_OPTIONS), 0.178, "stops"),
        ("1e-9", Validity("float", options=LR_OPTIONS), 1e-4, "below the smallest"),
        ("-1", Validity("float", options=LR_OPTIONS), 1e-4, "below the smallest"),
        ("3e-7", Validity("float", options=TOLERANCES), 1e-6, "stops"),
        ("maybe", Validity("bool"), 0.5, "1 or 0"),
        ("foo", Validity("str", options=("quadratic", "rosenbrock")), 0.5, "'foo'"),
        ("gd,foo,adam,gd", Validity("list", options=("gd", "adam")), ["gd", "adam"], "'foo'"),
        ("a,b,c", Validity("list", options=("a", "b", "c"), max_count=2), ["a", "b"], "more than"),
        ("x" * 300, Validity("str", max_length=200), 0.5, "longer than 200"),
    ],
)
def test_parse_uses_the_nearest_valid_value_and_says_so(raw, validity, expected, words):
    value, notice = parse("key", raw, 0.5, validity)
    assert value == expected
    if words is None:
        assert notice is None
    else:
        assert words in notice and "`key`" in notice


def test_a_notice_quotes_the_link_harmlessly():
    _, notice = parse("k", "`[x](javascript:alert(1))` " + "y" * 100, 0.5, Validity("float"))
    assert notice.count("`") == 4  # the name and the value, each one code span
    assert "…" in notice


# ----- a link reproduces the view ------------------------------------------------------------
def test_playground_configured_through_widgets_reproduces_exactly():
    at = open_link("playground")
    at.selectbox(key="dl_surface").select("rosenbrock").run()
    at.selectbox(key="dl_optimizer").select("momentum").run()
    at.select_slider(key="dl_lr.rosenbrock.momentum").set_value(LR_OPTIONS[90]).run()
    at.slider(key="dl_hp.momentum.momentum").set_value(0.8).run()
    at.slider(key="dl_steps").set_value(300).run()
    at.number_input(key="dl_start.rosenbrock.x").set_value(-1.2345678).run()
    at.slider(key="dl_noise").set_value(0.35).run()
    at.number_input(key="dl_seed").set_value(7).run()
    at.number_input(key="dl_decay").set_value(0.01).run()
    at.toggle(key="dl_show_3d").set_value(True).run()
    assert not at.exception
    params = dict(at.query_params)
    assert params["surface"] == "rosenbrock" and params["optimizer"] == "momentum"
    assert params["lr.rosenbrock.momentum"] == repr(LR_OPTIONS[90])
    assert params["start.rosenbrock.x"] == "-1.2345678"
    assert params["seed"] == "7" and params["noise"] == "0.35" and params["show_3d"] == "1"
    assert len(charts(at)) == 2  # the animation and the 3-D view

    fresh = round_trip(at, "playground")
    assert controls(fresh) == {k: v for k, v in controls(at).items() if k in controls(fresh)}


@pytest.mark.parametrize(
    ("page", "changes"),
    [
        (
            "curvature",
            [
                ("selectbox", "dl_surface", "himmelblau"),
                ("number_input", "dl_curv.himmelblau.x", 1.234),
                ("radio", "dl_curv.map", "sign"),
            ],
        ),
        (
            "gd_vs_sgd",
            [
                ("slider", "dl_sgd.logistic.batch_size", 5),
                ("slider", "dl_sgd.seeds", 3),
                ("toggle", "dl_sgd.decay_on", True),
                ("select_slider", "dl_sgd.decay", 0.1),
                ("slider", "dl_sgd.step", 50),
            ],
        ),
        (
            "race",
            [
                ("multiselect", "dl_race.optimizers", ["gd", "adam", "rmsprop"]),
                ("select_slider", "dl_race_lr.quadratic.gd", LR_OPTIONS[250]),
                ("slider", "dl_steps", 150),
            ],
        ),
        (
            "phase",
            [
                ("selectbox", "dl_phase.optimizer", "nesterov"),
                ("slider", "dl_hp.nesterov.momentum", 0.5),
                ("slider", "dl_steps", 120),
            ],
        ),
    ],
)
def test_every_page_round_trips_through_its_link(page, changes):
    at = open_link(page)
    for kind, key, value in changes:
        widget = getattr(at, kind)(key=key)
        if kind == "multiselect":
            for name in list(widget.value):
                widget.unselect(name)
            for name in value:
                widget.select(name)
        else:
            widget.set_value(value)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.session_state[key] == value
        assert at.query_params[key[3:]] == encode(value)  # written right after the change
    round_trip(at, page)


@pytest.mark.parametrize("page", list(PAGES))
def test_a_fresh_page_round_trips_through_its_link(page):
    at = open_link(page)
    assert charts(at) or page == "race"
    round_trip(at, page)


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_shows_its_link(page):
    at = open_link(page)
    (popover,) = at.get("popover")
    assert popover.proto.popover.label == "Link to this view"
    (code,) = popover.get("code")
    # AppTest has no browser address: the link is the query alone.
    assert code.value == "?" + urlencode(dict(at.query_params))
    assert len(code.value) > 10


# ----- the URL follows the widgets, and only this page's -------------------------------------
def test_changing_a_widget_updates_the_url():
    at = open_link("playground")
    assert at.query_params["steps"] == "200"
    at.slider(key="dl_steps").set_value(500).run()
    assert at.query_params["steps"] == "500"
    lr_key = "lr.quadratic.gd"
    at.select_slider(key="dl_" + lr_key).set_value(LR_OPTIONS[-1]).run()
    assert at.query_params[lr_key] == "10.0"


def test_the_url_holds_only_the_controls_drawn_on_this_page():
    at = open_link("playground")
    assert "optimizer" in at.query_params and "curv.quadratic.x" not in at.query_params
    at.switch_page(PAGES["curvature"]).run()
    assert not at.exception
    params = dict(at.query_params)
    assert "curv.quadratic.x" in params and "curv.map" in params
    assert "optimizer" not in params and "steps" not in params and "seed" not in params


def test_an_unchanged_view_does_not_rewrite_the_url(monkeypatch):
    writes = []
    original = QueryParams.from_dict

    def counting(self, params):
        writes.append(dict(params))
        return original(self, params)

    monkeypatch.setattr(QueryParams, "from_dict", counting)
    at = open_link("playground")
    assert len(writes) == 1
    at.run()
    at.run()
    assert len(writes) == 1
    at.slider(key="dl_steps").set_value(300).run()
    assert len(writes) == 2


# ----- broken links open anyway --------------------------------------------------------------
BAD_LINKS = [
    ({"surface": "foo"}, {"dl_surface": "quadratic"}, ["`surface`", "'foo'"]),
    ({"lr.quadratic.gd": "abc"}, {}, ["`lr.quadratic.gd`", "not a number"]),
    (
        {"optimizer": "momentum", "hp.momentum.momentum": "5"},
        {"dl_hp.momentum.momentum": 0.99},
        ["above 0.99"],
    ),
    ({"steps": "-3"}, {"dl_steps": 10}, ["`steps`", "below 10"]),
    ({"steps": "nan"}, {"dl_steps": 200}, ["`steps`", "finite"]),
    ({"seed": "1.5"}, {"dl_seed": 2}, ["`seed`", "whole number"]),
    ({"start.quadratic.x": "1e9"}, {}, ["`start.quadratic.x`", "above"]),
    ({"tol": "0.5"}, {"dl_tol": 1e-3}, ["`tol`"]),
    ({"show_3d": "maybe"}, {"dl_show_3d": False}, ["`show_3d`"]),
    (
        {"surface": "custom", "surface.custom.formula": "__import__('os').system('touch /tmp/x')"},
        {"dl_surface": "custom", "dl_surface.custom.formula": DEFAULT_FORMULA},
        ["`surface.custom.formula`", "cannot be used"],
    ),
    (
        {"surface": "custom", "surface.custom.formula": "x**2 + y**"},
        {"dl_surface.custom.formula": DEFAULT_FORMULA},
        ["cannot be used"],
    ),
    (
        {"xyz": "1", "surface.rosenbrock.a": "2"},
        {},
        ["ignored `xyz`", "ignored `surface.rosenbrock.a`"],
    ),
]


@pytest.mark.parametrize(("params", "expected", "words"), BAD_LINKS)
def test_a_bad_link_opens_with_valid_values_and_a_notice(params, expected, words, tmp_path):
    at = open_link("playground", params)
    text = notices(at)
    for word in words:
        assert word in text, text
    for key, value in expected.items():
        assert at.session_state[key] == value
    assert charts(at), "the page shows its figure anyway"
    surface, optimizer = at.session_state["dl_surface"], at.session_state["dl_optimizer"]
    assert at.session_state[f"dl_lr.{surface}.{optimizer}"] in LR_OPTIONS
    start = at.session_state[f"dl_start.{surface}.x"]
    assert math.isfinite(start) and abs(start) < 1000
    # The notice is shown once; the URL now holds the values used.
    at.run()
    assert not notices(at)
    assert all(name not in at.query_params for name in ("xyz", "surface.rosenbrock.a"))


def test_a_formula_in_a_link_is_never_run():
    marker = Path("/tmp/descent_lab_share_test_marker")
    marker.unlink(missing_ok=True)
    formula = f"__import__('pathlib').Path('{marker}').touch()"
    at = open_link("playground", {"surface": "custom", "surface.custom.formula": formula})
    assert not marker.exists()
    assert at.session_state["dl_surface.custom.formula"] == DEFAULT_FORMULA


def test_missing_fields_take_defaults_without_a_notice():
    full = open_link("playground")
    partial = open_link("playground", {"steps": "300"})
    assert not notices(partial)
    assert partial.session_state["dl_steps"] == 300
    assert {k: v for k, v in partial.query_params.items() if k != "steps"} == {
        k: v for k, v in full.query_params.items() if k != "steps"
    }


def test_a_bad_link_on_other_pages_opens_too():
    race = open_link("race", {"race.optimizers": "gd,foo,adam", "race_lr.quadratic.gd": "x"})
    assert race.session_state["dl_race.optimizers"] == ["gd", "adam"]
    assert "'foo'" in notices(race) and "`race_lr.quadratic.gd`" in notices(race)
    curvature = open_link("curvature", {"curv.map": "bogus", "curv.quadratic.x": "inf"})
    assert curvature.session_state["dl_curv.map"] == "condition"
    assert "`curv.map`" in notices(curvature) and "`curv.quadratic.x`" in notices(curvature)
    sgd = open_link("gd_vs_sgd", {"surface": "quadratic", "sgd.seeds": "99"})
    assert sgd.session_state["dl_surface"] == "logistic"
    assert sgd.session_state["dl_sgd.seeds"] == 8
    phase = open_link("phase", {"phase.optimizer": "newton"})
    assert phase.session_state["dl_phase.optimizer"] in (
        "gd",
        "momentum",
        "nesterov",
        "adam",
        "rmsprop",
    )
    assert "`phase.optimizer`" in notices(phase)
