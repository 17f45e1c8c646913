"""Sentences a student reads on the pages and in the surface descriptions are true (#15)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import surfaces
from optimizers.numbers import format_number
from tests.helpers import assert_readable_numbers, figures, open_page


def test_least_squares_is_half_the_mse_with_hessian_ata_over_n():
    # #15 item 12: the surface is ½·MSE, so its Hessian is AᵀA/n (the MSE's own is 2AᵀA/n).
    surface = surfaces.get("least_squares")
    design, targets = surface.extras["X"], surface.extras["y"]
    n = len(targets)
    point = np.array([0.3, -1.1])
    mse = np.mean((design @ point - targets) ** 2)
    assert surface.value(*point) == pytest.approx(0.5 * mse, rel=1e-12)
    np.testing.assert_allclose(surface.hessian(point), design.T @ design / n, rtol=1e-12)
    assert "½·MSE" in surface.description and "AᵀA/n" in surface.description
    assert "2AᵀA/n" in surface.description


def test_standardizing_gives_kappa_1_only_for_one_feature_with_an_intercept():
    # #15 item 13: true for the surface's one feature plus intercept ...
    standardized = surfaces.get("least_squares", standardize=True)
    kappa = surfaces.curvature(standardized, standardized.minima[0]).condition_number
    assert kappa == pytest.approx(1.0, abs=1e-9)
    assert "one feature and an" in standardized.description
    # ... and not for two correlated standardized features: κ = (1 + r)/(1 − r), measured.
    rng = np.random.default_rng(0)
    first = rng.standard_normal(2000)
    second = 0.9 * first + np.sqrt(1 - 0.81) * rng.standard_normal(2000)
    features = np.column_stack([first, second])
    features = (features - features.mean(0)) / features.std(0)
    design = np.column_stack([features, np.ones(2000)])
    eigenvalues = np.linalg.eigvalsh(design.T @ design / 2000)
    r = np.corrcoef(features.T)[0, 1]
    assert eigenvalues[-1] / eigenvalues[0] == pytest.approx((1 + r) / (1 - r), rel=1e-9)
    assert eigenvalues[-1] / eigenvalues[0] > 10
    help_text = next(
        p.help for p in surfaces.parameters("least_squares") if p.name == "standardize"
    )
    assert "one feature and an intercept" in help_text


def test_format_number_never_prints_a_long_decimal():
    for value in (4e-14, 1.234567e-9, 0.000012345, 123456.789, 3.10417e-13):
        text = format_number(value)
        assert "0.0000" not in text and len(text) <= 10, text


def test_rastrigin_marks_the_global_minimum_and_the_nearest_few():
    from viz.minima import MAX_SHOWN, shown_minima

    surface = surfaces.get("rastrigin")
    assert len(surface.minima) > 100
    shown = shown_minima(surface)
    assert len(shown) == MAX_SHOWN
    assert [0.0, 0.0] in shown.tolist()  # the global minimum, f = 0
    minima = np.asarray(surface.minima)
    start = np.asarray(surface.start)
    others = [m for m in minima.tolist() if m != [0.0, 0.0]]
    nearest = sorted(others, key=lambda m: np.hypot(*(np.asarray(m) - start)))[: MAX_SHOWN - 1]
    assert sorted(map(tuple, nearest)) == sorted(tuple(m) for m in shown.tolist() if m != [0, 0])
    # A surface with few minima shows them all.
    himmelblau = surfaces.get("himmelblau")
    assert len(shown_minima(himmelblau)) == len(himmelblau.minima)


@pytest.mark.parametrize(
    "page",
    ["playground", "curvature", "gd_vs_sgd", "race", "phase", "rates"],
)
def test_every_page_opens_with_one_sentence_saying_what_to_do(page):
    from streamlit.testing.v1 import AppTest

    from tests.helpers import APP

    app = AppTest.from_file(APP, default_timeout=90)
    app.switch_page(f"app_pages/{page}.py")
    app.run()
    assert not app.exception
    first = app.main.get("markdown")[0].value
    assert first.startswith("**") and first.endswith("**")
    sentence = first.strip("*")
    assert sentence.split()[0] in {"Pick", "Choose", "Find", "Move", "Click", "Shrink"}
    assert sentence.endswith(".") and sentence.count(". ") == 0
    assert_every_text_reads_well(app)


def visible_texts(app) -> list[str]:
    """Every text a student reads on the page: markdown, captions, status boxes, metrics,
    tables, and the figures' titles, annotations, axis titles and legend entries."""
    texts = []
    for kind in ("markdown", "caption", "success", "info", "warning", "error", "title"):
        texts += [str(element.value) for element in app.get(kind)]
    for kind in ("header", "subheader"):
        texts += [str(element.value) for element in app.get(kind)]
    texts += [f"{metric.label}: {metric.value}" for metric in app.get("metric")]
    texts += [frame.value.to_string() for frame in app.dataframe]
    for figure in figures(app):
        layout = figure["layout"]
        titled = [layout] + [v for k, v in layout.items() if k.startswith(("xaxis", "yaxis"))]
        for part in titled:
            title = part.get("title")
            text = title.get("text") if isinstance(title, dict) else title
            if text:
                texts.append(str(text))
        texts += [str(note["text"]) for note in layout.get("annotations", []) if note.get("text")]
        texts += [
            str(trace["name"])
            for trace in figure["data"]
            if trace.get("name") and trace.get("showlegend", True)
        ]
    return texts


def assert_every_text_reads_well(app) -> None:
    """No raw float repr, long decimal or more than 3 significant figures, and no 'None',
    'nan' or 'max_steps' anywhere a student reads (#11 'Student-facing words')."""
    texts = visible_texts(app)
    assert texts
    for text in texts:
        assert_readable_numbers(text)
        assert not re.search(r"\b(None|nan|NaN|max_steps)\b", text), text


@pytest.mark.parametrize("page", ["lessons", "network"])
def test_the_lessons_and_network_pages_read_well_at_their_defaults(page):
    app = open_page(f"app_pages/{page}.py", timeout=120)
    assert_every_text_reads_well(app)
