"""Fixtures of the browser suite: one dashboard and one Chromium for all walks, a fresh tab (session) per test."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.e2e.browser import (
    ARTIFACTS,
    LAUNCH_ARGS,
    ROOT,
    require_chromium,
    running_dashboard,
    screenshot,
)
from tests.e2e.demo_figures import DemoFigures, read_demo_figures

VIEWPORT = {"width": 1400, "height": 1000}
# Streamlit loads the code of widgets, metrics and charts on first use in each tab: on a loaded machine (CI shares
# two cores) that took more than Playwright's default 5 s after the run had finished. Absence checks still pass
# at once; only a failing expectation waits this long.
expect.set_options(timeout=15_000)
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
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary warehouse holding the demo commune, made by the CLI as a person would."""
    warehouse = tmp_path_factory.mktemp("e2e") / "warehouse.duckdb"
    created = subprocess.run([sys.executable, "-m", "etl", "demo", "--db", str(warehouse)], cwd=ROOT,
                             capture_output=True, text=True)
    if created.returncode:
        raise RuntimeError(f"the demo warehouse could not be created:\n{created.stdout}{created.stderr}")
    return warehouse


@pytest.fixture(scope="session")
def demo_figures(demo_warehouse: Path) -> DemoFigures:
    """The demo's figures before any walk; read now, since the running dashboard holds the warehouse's lock."""
    return read_demo_figures(demo_warehouse)


@pytest.fixture(scope="session")
def dashboard_url(browser: Browser, demo_warehouse: Path, demo_figures: DemoFigures) -> Iterator[str]:
    """The dashboard served by `streamlit run` against the demo warehouse (its figures read before it starts)."""
    warehouse = demo_warehouse
    ARTIFACTS.mkdir(exist_ok=True)
    # The folder shows this run's pages only.
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    with running_dashboard(warehouse, ARTIFACTS / "streamlit.log") as dashboard:
        yield dashboard.url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every walk shares one warehouse: walks that change it run last, so that one failing before its undo
    # cannot disturb the others.
    items.sort(key=lambda item: item.get_closest_marker("changes_warehouse") is not None)
    # A real browser against a real server on two busy cores now and then times out waiting for the server: a walk
    # gets one more try, and the summary still reports every rerun. A real defect fails both.
    for item in items:
        if item.get_closest_marker("e2e") and not item.get_closest_marker("flaky"):
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=2))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    report = yield
    # The page fixture reads this to keep a picture of what the user saw when a walk failed.
    if report.when == "call":
        item.stash[WALK_FAILED] = report.failed
    return report


@pytest.fixture(scope="session")
def browser_context(browser: Browser, dashboard_url: str) -> Iterator[BrowserContext]:
    """One browser profile for the suite: its cache spares each walk loading the app's scripts again."""
    context = browser.new_context(viewport=VIEWPORT, base_url=dashboard_url)
    yield context
    context.close()


@pytest.fixture
def page(browser_context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A new tab per test: a fresh Streamlit session (signed out, Vietnamese), since sessions live on the server."""
    browser_context.clear_cookies()  # an earlier walk's sign-in cookie would sign this one in
    tab = browser_context.new_page()
    # A chart or map that fails to draw often shows nothing but an error in the page's JavaScript.
    script_errors: list[str] = []
    tab.on("pageerror", lambda error: script_errors.append(str(error)))
    try:
        yield tab
        if request.node.stash.get(WALK_FAILED, False):
            screenshot(tab, f"failed-{request.node.name}")
    finally:
        tab.close()
    assert not script_errors, f"JavaScript errors in the page: {script_errors}"

