"""Fixtures of the browser suite: one dashboard and one Chromium for all walks, a fresh tab (session) per test."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.browser import (
    ARTIFACTS,
    LAUNCH_ARGS,
    ROOT,
    require_chromium,
    running_dashboard,
    screenshot,
)

VIEWPORT = {"width": 1400, "height": 1000}
WALK_FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium from the operating system (never a downloaded one), for the whole suite."""
    executable = require_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def dashboard_url(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard served by `streamlit run` against a temporary warehouse holding the demo commune."""
    folder = tmp_path_factory.mktemp("e2e")
    warehouse = folder / "warehouse.duckdb"
    created = subprocess.run([sys.executable, "-m", "etl", "demo", "--db", str(warehouse)], cwd=ROOT,
                             capture_output=True, text=True)
    if created.returncode:
        raise RuntimeError(f"the demo warehouse could not be created:\n{created.stdout}{created.stderr}")
    ARTIFACTS.mkdir(exist_ok=True)
    with running_dashboard(warehouse, ARTIFACTS / "streamlit.log") as dashboard:
        yield dashboard.url


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    report = yield
    # The page fixture reads this to keep a picture of what the user saw when a walk failed.
    if report.when == "call":
        item.stash[WALK_FAILED] = report.failed
    return report


@pytest.fixture
def page(browser: Browser, dashboard_url: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A new browser context per test, so each walk starts a fresh Streamlit session (signed out, Vietnamese)."""
    context = browser.new_context(viewport=VIEWPORT, base_url=dashboard_url)
    tab = context.new_page()
    # A chart or map that fails to draw often shows nothing but an error in the page's JavaScript.
    script_errors: list[str] = []
    tab.on("pageerror", lambda error: script_errors.append(str(error)))
    try:
        yield tab
        if request.node.stash.get(WALK_FAILED, False):
            screenshot(tab, f"failed-{request.node.name}")
    finally:
        context.close()
    assert not script_errors, f"JavaScript errors in the page: {script_errors}"

