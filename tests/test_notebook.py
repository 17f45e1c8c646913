"""The package a teacher's notebook installs, and the README's notebook example.

nbmake runs ``examples/notebook.ipynb`` itself (``--nbmake`` and ``testpaths`` in
pyproject.toml), in a kernel started from ``examples/``: it passes only where the package is
installed (``pip install -e .``, which requirements-dev.txt does). These tests check what that
run cannot: that the README shows the notebook's code, that the figure a cell ends with reaches
Jupyter as Plotly's MIME type with the run's data, and what the package ships.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import numpy as np
import plotly.io as pio
import pytest
import tomllib
from setuptools import find_packages

from tests.helpers import ROOT, decode

NOTEBOOK = ROOT / "examples" / "notebook.ipynb"
FENCE = "`" * 3


def notebook_code() -> list[str]:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use it from a notebook", 1)[1]
    match = re.search(FENCE + r"python\n(.*?)" + FENCE, section, re.S)
    assert match, "no python code block under 'Use it from a notebook'"
    return match.group(1)


def test_readme_example_is_the_notebook():
    """The README's block is the notebook's code cells, one blank line between cells."""
    assert readme_example().strip() == "\n\n".join(notebook_code()).strip()


def test_notebook_figure_reaches_jupyter_with_the_runs_data(monkeypatch):
    """The cell that ends with ``fig`` gives Jupyter a Plotly MIME bundle whose gd path is
    the zig-zag run's points (float32, as the figure stores them)."""
    namespace: dict = {}
    for code in notebook_code():  # the cells up to the figure's, in one namespace
        exec(compile(code, str(NOTEBOOK), "exec"), namespace)
        if code.rstrip().endswith("\nfig"):
            break
    monkeypatch.setattr(pio.renderers, "default", "plotly_mimetype")  # JupyterLab's renderer
    bundle = namespace["fig"]._repr_mimebundle_()
    shown = bundle["application/vnd.plotly.v1+json"]
    paths = [
        np.column_stack([decode(t["x"]), decode(t["y"])])
        for t in shown["data"]
        if t.get("name") == "gd" and t.get("xaxis", "x") == "x" and isinstance(t["x"], dict)
    ]
    expected = namespace["zigzag"].points.astype(np.float32)
    assert any(p.shape == expected.shape and np.array_equal(p, expected) for p in paths)
    assert shown["layout"]["xaxis"]["range"]  # a real layout, not an empty shell


def test_dependencies_match_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    required = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert sorted(project["dependencies"]) == sorted(required)


def test_package_ships_every_numpy_side_package_and_nothing_of_streamlits():
    """setuptools' discovery (pyproject's include patterns) finds each package folder beside
    app.py that a notebook may import, with every subpackage, and none of ui/, app_pages/,
    tests/ or bench/."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    find = config["tool"]["setuptools"]["packages"]["find"]
    found = set(find_packages(str(ROOT), include=find["include"]))
    on_disk = {
        str(init.parent.relative_to(ROOT)).replace(os.sep, ".")
        for init in ROOT.glob("*/**/__init__.py")
    }
    notebook_side = {
        name
        for name in on_disk
        if name.split(".")[0] in {"surfaces", "optimizers", "viz", "networks", "lessons"}
    }
    assert {"surfaces", "optimizers", "viz"} <= found
    assert found == notebook_side
    assert not found & {"ui", "app_pages", "tests", "bench"}


def test_the_shipped_packages_do_not_import_streamlit():
    """DESIGN.md: everything outside app.py, ui/ and app_pages/ is plain NumPy, so a notebook
    does not start Streamlit's machinery."""
    code = (
        "import sys, surfaces, optimizers, viz\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_installed_package_imports_from_any_folder(tmp_path):
    """What the notebook's kernel relies on: ``import surfaces`` outside the clone."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-c", "import surfaces, optimizers, viz; print(surfaces.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        pytest.fail(
            "the package is not installed: run `pip install -r requirements-dev.txt` (it "
            "installs this clone with `pip install -e .`)\n" + result.stderr[-1500:],
            pytrace=False,
        )
    assert str(ROOT) in result.stdout
