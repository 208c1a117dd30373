"""Walk of the dashboard as `make run` serves it (`asgi.py`): a sign-in that survives a reload and ends in every tab
at a sign-out, the Vietnamese sign-in prompt at a restricted address, a Vietnamese "no such page" at an address naming
none, and a light first visit.
"""

from __future__ import annotations

import http.server
import re
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

import i18n
from tests.e2e.browser import (
    ROOT,
    assert_no_exception,
    free_port,
    open_from_menu,
    open_page,
    page_not_found,
    page_title,
    rerun_after,
    running_dashboard,
    screenshot,
    sign_in,
    wait_for_app_idle,
)

pytestmark = pytest.mark.e2e

SIGNED_IN = "Đang đăng nhập: {user}"
# The budget for the overview's first visit on an empty cache.
FIRST_VISIT_BUDGET = 2_500_000


@pytest.fixture
def context(browser: Browser, dashboard_url: str) -> Iterator[BrowserContext]:
    """A browser profile of its own (its own cookies and an empty cache)."""
    profile = browser.new_context(base_url=dashboard_url, viewport={"width": 1400, "height": 1000})
    yield profile
    profile.close()


def sidebar(page: Page):
    return page.locator('[data-testid="stSidebar"]')


def test_a_reload_keeps_the_sign_in_and_a_sign_out_in_one_tab_signs_out_the_other(context: BrowserContext):
    first = context.new_page()
    sign_in(first, "demo-staff")  # which waits for the HttpOnly sign-in cookie

    first.reload()
    open_page(first, first.url)
    expect(sidebar(first)).to_contain_text(SIGNED_IN.format(user="demo-staff"))
    assert_no_exception(first)
    screenshot(first, "asgi-after-reload")

    # A copied link opened in another tab: the same browser, so the same sign-in.
    second = context.new_page()
    open_page(second, "/tai-du-lieu-len")
    expect(page_title(second)).to_have_text(i18n.t("import.page.title"))

    rerun_after(first, sidebar(first).get_by_role("button", name=i18n.t("auth.sign_out")).click)
    expect(sidebar(first)).not_to_contain_text(SIGNED_IN.format(user="demo-staff"))

    # The other tab's next action asks to sign in again.
    open_from_menu(second, i18n.t("nav.overview"))
    expect(sidebar(second)).not_to_contain_text(SIGNED_IN.format(user="demo-staff"))
    expect(second.locator('[data-testid="stAlert"]').filter(has_text="Phiên đăng nhập đã kết thúc")).to_have_count(1)

    open_page(first, "/")
    expect(sidebar(first)).not_to_contain_text(SIGNED_IN.format(user="demo-staff"))


def test_a_link_from_another_site_opens_signed_in_although_the_cookie_is_same_site_strict(context: BrowserContext,
                                                                                        dashboard_url: str):
    sign_in(context.new_page(), "demo-staff")
    link = f'<a id="open" href="{dashboard_url}/tai-du-lieu-len">Tải dữ liệu lên</a>'.encode()

    class OtherSite(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(link)

        def log_message(self, *arguments: object) -> None:
            pass

    # `localhost` is another site than `127.0.0.1`, as a chat app's page is another site than the dashboard.
    other_site = http.server.HTTPServer(("127.0.0.1", free_port()), OtherSite)
    threading.Thread(target=other_site.serve_forever, daemon=True).start()
    try:
        page = context.new_page()
        page.goto(f"http://localhost:{other_site.server_port}/")
        page.click("#open")
        wait_for_app_idle(page)
        expect(page_title(page)).to_have_text(i18n.t("import.page.title"))
    finally:
        other_site.shutdown()


def test_a_signed_out_visit_to_the_upload_address_asks_to_sign_in_in_vietnamese_and_then_opens_it(
        context: BrowserContext):
    page = context.new_page()
    open_page(page, "/tai-du-lieu-len")
    expect(page_title(page)).to_have_text("Đăng nhập để xem trang này")
    expect(page_not_found(page)).to_have_count(0)
    expect(page.locator('[data-testid="stFileUploader"]')).to_have_count(0)
    screenshot(page, "asgi-upload-address-signed-out")

    page.get_by_label(i18n.t("auth.username"), exact=True).fill("demo-staff")
    page.get_by_label(i18n.t("auth.password"), exact=True).fill("minhhoa2025")
    rerun_after(page, page.get_by_role("button", name=i18n.t("auth.sign_in.submit"), exact=True).click)
    expect(page_title(page)).to_have_text(i18n.t("import.page.title"))
    expect(page).to_have_url(re.compile(r"/tai-du-lieu-len(\?|$)"))
    assert_no_exception(page)


@pytest.fixture(scope="module")
def closed_dashboard_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard of a demo warehouse whose pages are not public: a signed-out visitor may only sign in."""
    folder = tmp_path_factory.mktemp("closed")
    warehouse = folder / "warehouse.duckdb"
    subprocess.run([sys.executable, "-m", "etl", "demo", "--db", str(warehouse)], cwd=ROOT, check=True,
                   capture_output=True)
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("CDS_PUBLIC_VIEW", "false")
        with running_dashboard(warehouse, folder / "streamlit.log") as dashboard:
            yield dashboard.url


@pytest.mark.parametrize("address", ["/tong-quan", "/thanh-pho", "/xuat-bao-cao"])
def test_a_signed_out_visit_to_a_page_of_a_closed_dashboard_asks_to_sign_in_never_page_not_found(
        browser: Browser, closed_dashboard_url: str, address: str):
    profile = browser.new_context(base_url=closed_dashboard_url, viewport={"width": 1400, "height": 1000})
    try:
        page = profile.new_page()
        open_page(page, address)
        expect(page_title(page)).to_have_text("Đăng nhập để xem trang này")
        expect(page_not_found(page)).to_have_count(0)
        if address == "/tong-quan":
            screenshot(page, "asgi-overview-address-signed-out")
            page.get_by_label(i18n.t("auth.username"), exact=True).fill("demo-staff")
            page.get_by_label(i18n.t("auth.password"), exact=True).fill("minhhoa2025")
            rerun_after(page, page.get_by_role("button", name=i18n.t("auth.sign_in.submit"), exact=True).click)
            expect(page_title(page)).to_have_text(re.compile("^Tổng quan "))
            assert_no_exception(page)
    finally:
        profile.close()


def test_an_address_naming_no_page_says_so_in_the_pages_language_and_leads_home(context: BrowserContext):
    page = context.new_page()
    open_page(page, "/tong-quang")
    expect(page_title(page)).to_have_text("Không có trang này")
    expect(page.get_by_text("Địa chỉ “/tong-quang” không dẫn tới trang nào")).to_be_visible()
    expect(page_not_found(page)).to_have_count(0)
    screenshot(page, "asgi-no-such-page")
    rerun_after(page, page.get_by_role("link", name="Về trang Tổng quan").click)
    expect(page_title(page)).to_have_text(re.compile("^Tổng quan "))
    assert_no_exception(page)

    open_page(page, "/abc/def?language=en")  # a deeper address is taken for its first part's
    expect(page_title(page)).to_have_text("There is no such page")
    expect(page).to_have_url(re.compile(r"/abc\?"))
    expect(page_not_found(page)).to_have_count(0)


def test_the_overviews_own_address_opens_the_overview_in_the_language_it_asks_for(context: BrowserContext,
                                                                                 dashboard_url: str):
    page = context.new_page()
    open_page(page, "/tong-quan")
    expect(page_title(page)).to_have_text(re.compile("^Tổng quan "))
    expect(page).to_have_url(re.compile(r"^[^?]*/(\?|$)"))  # the overview's address is "/"
    assert_no_exception(page)

    open_page(page, "/tong-quan?language=en")
    expect(page_title(page)).to_have_text(re.compile(" at a glance$"))
    expect(page).to_have_url(re.compile(r"/\?(.*&)?language=en"))
    assert_no_exception(page)


def test_the_first_visit_to_the_overview_transfers_at_most_2_5_mb(context: BrowserContext):
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    cdp.on("Network.loadingFinished", lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"]))
    open_page(page, "/")
    expect(page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot g.trace').first).to_be_visible()
    page.wait_for_load_state("networkidle")
    transferred = sum(sizes.values())
    assert transferred <= FIRST_VISIT_BUDGET, f"the first visit transferred {transferred / 1e6:.2f} MB"
    assert transferred > 500_000, "the count saw the app's scripts"


def after_content(page: Page, selector: str) -> str:
    """The text a style puts after the element at `selector` (CSS `::after`), without its quotes."""
    return page.locator(selector).first.evaluate("element => getComputedStyle(element, '::after').content").strip('"')


def test_the_document_its_tab_title_and_the_uploader_speak_the_pages_language(context: BrowserContext):
    page = context.new_page()
    open_page(page, "/")
    assert page.evaluate("document.documentElement.lang") == "vi"
    expect(page).to_have_title(f"{i18n.t('nav.overview')} · {i18n.t('app.title')}")
    open_from_menu(page, i18n.t("maps.nav"))
    expect(page).to_have_title(re.compile("^" + re.escape(i18n.t("maps.nav")) + " · "))

    sign_in(page, "demo-staff")
    open_page(page, "/tai-du-lieu-len")
    zone = '[data-testid="stFileUploaderDropzone"]'
    expect(page.locator(f"{zone} button")).not_to_contain_text("Upload", use_inner_text=True)
    assert after_content(page, f'{zone} button [data-testid="stMarkdownContainer"]') == "Chọn tệp"
    assert after_content(page, f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] span') == \
        "Tối đa 50 MB mỗi tệp • CSV, XLSX, XLS"
    # While a file is dragged over the uploader.
    page.locator(zone).evaluate("""zone => { const files = new DataTransfer();
        files.items.add(new File(['x'], 'bao-cao.csv', {type: 'text/csv'}));
        zone.dispatchEvent(new DragEvent('dragenter', {dataTransfer: files, bubbles: true})); }""")
    assert after_content(page, f"{zone} > div:not([data-testid]) > *") == "Thả tệp vào đây"
    screenshot(page, "asgi-uploader-vi")

    open_page(page, "/tai-du-lieu-len?language=en")
    assert page.evaluate("document.documentElement.lang") == "en"
    expect(page).to_have_title(f"{i18n.t('import.page.nav', 'en')} · {i18n.t('app.title', 'en')}")
    assert after_content(page, f'{zone} button [data-testid="stMarkdownContainer"]') == "Choose a file"
