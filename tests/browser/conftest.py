"""Fixtures of the real-browser tests: a Streamlit server, Debian's Chromium, screenshots.

* ``app_server`` (session): ``streamlit run app.py`` on a free port of 127.0.0.1, polled on
  ``/_stcore/health`` until it answers ``ok`` (60 s at most); stopped after the last test.
  ``base_url`` is its address, so ``page.goto("/race")`` works.
* ``browser_type_launch_args``: pytest-playwright has no option for the browser's path, so
  this override points it at ``/usr/bin/chromium`` (``playwright install`` is never needed).
  Without that file the browser tests are skipped with a note, or fail on CI (``CI=true``).
* ``screenshot_dir`` (session): ``test-artifacts/screenshots/<timestamp>/``, printed at the
  end of the run.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

from tests.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ServerError,
    free_port,
    start_server,
    stop_server,
    wait_until_healthy,
)

ROOT = Path(__file__).resolve().parents[2]
HEALTH_TIMEOUT_S = 60.0
ARTIFACTS = ROOT / "test-artifacts"
_RUN_STAMP = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
SCREENSHOTS = ARTIFACTS / "screenshots" / _RUN_STAMP


def require_chromium() -> Path:
    """The browser's path; skip (locally) or fail (on CI) when it is not installed."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    reason = (
        f"{CHROMIUM} not found: the browser tests need Debian's Chromium "
        "(apt-get install chromium; `playwright install` is not used)."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " CI=true, so a missing browser is an error.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def app_server() -> str:
    """The running app's base URL, e.g. ``http://127.0.0.1:53211``."""
    require_chromium()
    port = free_port()
    log = ARTIFACTS / "logs" / f"streamlit-{_RUN_STAMP}.log"
    server = start_server(port, log)
    try:
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(base, server, log, HEALTH_TIMEOUT_S)
        except ServerError as error:
            pytest.fail(str(error), pytrace=False)
        yield base
    finally:
        stop_server(server)


@pytest.fixture(scope="session")
def base_url(app_server: str) -> str:
    """pytest-playwright's contexts resolve ``page.goto("/x")`` against this."""
    return app_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": str(require_chromium()),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """A laptop-sized window; tests that need the projector size resize it."""
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}}


@pytest.fixture(scope="session")
def screenshot_dir(pytestconfig: pytest.Config) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pytestconfig.stash[_SCREENSHOTS_KEY] = SCREENSHOTS
    return SCREENSHOTS


_SCREENSHOTS_KEY = pytest.StashKey[Path]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the tests that use pytest-playwright's fixtures last.

    Its session-wide Playwright keeps a sync API (and its event loop) alive from the first such
    test to the end of the run; a test after it that starts its own ``sync_playwright()`` (the
    HTML export's offline check) would fail with "using Playwright Sync API inside the asyncio
    loop".
    """
    uses_fixtures = {"page", "context", "browser", "browser_name"}
    items.sort(key=lambda item: bool(uses_fixtures & set(getattr(item, "fixturenames", ()))))


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    folder = config.stash.get(_SCREENSHOTS_KEY, None)
    if folder is None or not folder.is_dir():
        return
    count = len(list(folder.glob("*.png")))
    if not count:
        folder.rmdir()  # no page test ran: leave no empty folder behind
        return
    terminalreporter.write_sep("-", "browser screenshots")
    terminalreporter.write_line(f"{count} screenshots in {folder}")
