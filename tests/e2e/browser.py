"""The browser harness: find Chromium, run the dashboard with `streamlit run`, and the helpers walks share."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from weakref import WeakKeyDictionary

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

import i18n
from etl import demo
from server import sessions

ROOT = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
# Names Debian and Ubuntu give the browser; CDS_CHROMIUM names any other Chromium-based executable.
CHROMIUM_NAMES = ("chromium", "chromium-browser")
# The machine may have no network but localhost: nothing in the browser should try to reach the internet.
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
STARTUP_SECONDS = 60
RERUN_TIMEOUT_MS = 30_000
# What dashboard.py shows instead of a traceback when a page fails, in every language.
NAV_LINKS = '[data-testid="stSidebarNav"] a[data-testid="stSidebarNavLink"]'
UNEXPECTED_ERROR_TEXTS = [i18n.t("error.unexpected", language) for language in i18n.LANGUAGES]
# Script runs each watched tab's server has reported finished (see watch_script_runs).
_finished_runs: WeakKeyDictionary[Page, int] = WeakKeyDictionary()


def find_chromium(env: Mapping[str, str] | None = None) -> str | None:
    """The Chromium executable to drive: $CDS_CHROMIUM, else the first of CHROMIUM_NAMES on the PATH."""
    env = os.environ if env is None else env
    chosen = env.get("CDS_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).is_file() else None
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name, path=env.get("PATH")))), None)


def in_ci(env: Mapping[str, str] | None = None) -> bool:
    """Whether we run in CI (the CI variable is set to anything but empty, 0 or false)."""
    env = os.environ if env is None else env
    return env.get("CI", "").strip().lower() not in ("", "0", "false")


def require_chromium(env: Mapping[str, str] | None = None) -> str:
    """The Chromium executable; without one the browser tests are skipped, but fail in CI, which must run them."""
    executable = find_chromium(env)
    if executable:
        return executable
    reason = ("no Chromium found (looked for $CDS_CHROMIUM, then " + ", ".join(CHROMIUM_NAMES) + " on the PATH); "
              "install Debian's `chromium` package to run the browser tests")
    if in_ci(env):
        pytest.fail(f"CI must run the browser tests, but {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port on localhost that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass(frozen=True)
class RunningDashboard:
    url: str
    log: Path
    pid: int


@contextmanager
def running_dashboard(warehouse: Path, log: Path, *flags: str, script: str = "asgi.py") -> Iterator[RunningDashboard]:
    """The dashboard as `make run` serves it (`streamlit run asgi.py`) on a free localhost port against `warehouse`,
    stopped on leaving (also on error); `flags`: more of Streamlit's options."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
               *flags]
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "CDS_WAREHOUSE": str(warehouse)},
                                  stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the dashboard did not start ({' '.join(command)}):\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield RunningDashboard(url, log, server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_for_app_idle(page: Page) -> None:
    """Wait until the script has finished running and every element of the previous run is replaced."""
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
                           '[data-test-script-state="notRunning"]', state="attached", timeout=RERUN_TIMEOUT_MS)
    # Elements of the previous run stay on screen, marked stale, until the new run has drawn its own.
    expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=RERUN_TIMEOUT_MS)


def watch_script_runs(page: Page) -> None:
    """Count, for `page`, the script runs its server reports finished (idempotent; every websocket of the tab)."""
    if page in _finished_runs:
        return
    _finished_runs[page] = 0

    def count(payload: str | bytes) -> None:
        if isinstance(payload, bytes) and _ends_a_run(payload):
            _finished_runs[page] += 1

    page.on("websocket", lambda socket: socket.on("framereceived", count))


def _ends_a_run(payload: bytes) -> bool:
    message = ForwardMsg.FromString(payload)
    # A run that stops to start again (st.rerun) is not the end: the run it starts is.
    return (message.WhichOneof("type") == "script_finished"
            and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN)


def open_page(page: Page, url: str) -> None:
    """Load `url` in the browser and wait for the app's first run to finish."""
    watch_script_runs(page)
    page.goto(url)
    wait_for_app_idle(page)


def rerun_after(page: Page, action: Callable[[], object]) -> None:
    """Do `action` (a click, a choice) and wait for the rerun it starts to finish."""
    # The server's "run finished" message, not the page's running state: on a busy machine the browser may draw
    # a short run's start and end in one go, and the page never shows it running.
    assert page in _finished_runs, "open the page with open_page, which watches its script runs"
    finished_before = _finished_runs[page]
    action()
    deadline = time.monotonic() + RERUN_TIMEOUT_MS / 1000
    while _finished_runs[page] == finished_before:
        if time.monotonic() > deadline:
            raise AssertionError(f"no script run finished within {RERUN_TIMEOUT_MS / 1000:.0f} s of the action")
        page.wait_for_timeout(50)  # lets Playwright deliver the websocket's messages
    # The message has reached the browser: let it draw the run before looking at the page.
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => setTimeout(done)))")
    wait_for_app_idle(page)


def page_not_found(page: Page) -> Locator:
    """Streamlit's "Page not found" dialog, shown when the address names a page this session may not open."""
    return page.get_by_role("dialog").filter(has_text="Page not found")


def assert_no_exception(page: Page) -> None:
    """No Streamlit exception box, no "Page not found" dialog and no 'something went wrong' alert of ours."""
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page_not_found(page)).to_have_count(0)
    main = page.locator('[data-testid="stMain"]')
    for text in UNEXPECTED_ERROR_TEXTS:
        expect(main).not_to_contain_text(text)


def screenshot(page: Page, name: str) -> Path:
    """Save the whole page as tests/artifacts/<name>.png for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # The main area scrolls inside the window, so a "full page" shot would stop at the window's bottom:
    # make the window as tall as the content for the shot.
    viewport = page.viewport_size
    content_height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], content_height)})
    try:
        page.screenshot(path=path)
    finally:
        page.set_viewport_size(viewport)
    return path


def page_title(page: Page) -> Locator:
    """The title (st.title) of the page shown in the main area."""
    return page.locator('[data-testid="stMain"] h1')


def metric_value(page: Page, label: str) -> str:
    """The value shown on the metric card whose label is exactly `label`."""
    card = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]').get_by_text(label, exact=True))
    expect(card).to_have_count(1)
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def navigation_links(page: Page) -> list[tuple[str, str]]:
    """(label, href) of every page the sidebar navigation offers; empty when the app has one page (no menu)."""
    # Streamlit folds a long menu behind "View N more".
    show_all = page.locator('[data-testid="stSidebarNavViewButton"]')
    if show_all.count() and show_all.inner_text().strip().endswith("more"):
        show_all.click()
    links = page.locator(NAV_LINKS)
    # A link's text starts with its icon's name (a ligature of the icon font): the label is its last line.
    return [(link.inner_text().strip().splitlines()[-1], link.get_attribute("href")) for link in links.all()]


def choose_in_sidebar(page: Page, option: str) -> None:
    """Click the option labelled `option` of a sidebar segmented control and wait for the rerun."""
    button = page.locator('[data-testid="stSidebar"]').get_by_role("radio", name=option, exact=True)
    rerun_after(page, button.click)


def selectbox(page: Page, label: str) -> Locator:
    """The selectbox labelled `label`; `expect(...).to_have_value(...)` checks the option it shows."""
    return page.get_by_role("combobox", name=label, exact=True)


def open_from_menu(page: Page, label: str) -> None:
    """Click the sidebar menu entry labelled `label` and wait for its page (the session and its sign-in stay)."""
    link = page.locator(NAV_LINKS).filter(has=page.get_by_text(label, exact=True))
    expect(link, f"the menu offers {label!r}").to_have_count(1)
    href = link.get_attribute("href")
    rerun_after(page, link.click)
    page.wait_for_url(f"**{urlparse(href).path}*", timeout=RERUN_TIMEOUT_MS)


def sign_in(page: Page, username: str, password: str = demo.DEMO_PASSWORD) -> None:
    """Sign in through the form of the sign-in page (opened from the menu, as a person does) and check it worked."""
    open_page(page, "/")
    open_from_menu(page, i18n.t("nav.sign_in"))
    page.get_by_label(i18n.t("auth.username"), exact=True).fill(username)
    page.get_by_label(i18n.t("auth.password"), exact=True).fill(password)
    rerun_after(page, page.get_by_role("button", name=i18n.t("auth.sign_in.submit"), exact=True).click)
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text(f"Đang đăng nhập: {username}")
    # A new session of this browser (a reload, a reconnect on a busy machine) signs in from the cookie, which the
    # page fetches a moment after signing in: a walk goes on once it is there, as a person's next click would.
    assert holds_sign_in_cookie(page.context), "the browser got the HttpOnly sign-in cookie"


def holds_sign_in_cookie(context: BrowserContext) -> bool:
    """Whether the browser holds the HttpOnly sign-in cookie (waiting a while for the page's fetch to set it)."""
    deadline = time.monotonic() + RERUN_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        if any(cookie["name"] == sessions.COOKIE_NAME and cookie["httpOnly"] for cookie in context.cookies()):
            return True
        time.sleep(0.1)
    return False


def upload(page: Page, path: Path) -> None:
    """Choose `path` in the page's file uploader and wait for the check that runs on it."""
    rerun_after(page, lambda: page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(path))


def table(page: Page, nth: int = 0) -> Locator:
    """The `nth` st.dataframe of the main area."""
    return page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').nth(nth)


def table_headers(grid: Locator) -> list[str]:
    """The column headers of a st.dataframe."""
    expect(grid.locator('[role="columnheader"]').first).to_be_attached()
    return [text.strip() for text in grid.locator('[role="columnheader"]').all_inner_texts()]


def table_rows(grid: Locator) -> list[list[str]]:
    """The cells of a st.dataframe row by row, read from the table its grid keeps for screen readers."""
    cells = '[role="gridcell"]'
    expect(grid.locator(cells).first).to_be_attached()
    return [[text.strip() for text in row.locator(cells).all_inner_texts()]
            for row in grid.locator(f'[role="row"]:has({cells})').all()]


def shown_placeholders(page: Page) -> list[str]:
    """The placeholder texts the empty fields of the main area show."""
    return page.locator('[data-testid="stMain"] input[placeholder]').evaluate_all(
        "fields => fields.filter(field => field.value === '' && field.placeholder).map(field => field.placeholder)")
