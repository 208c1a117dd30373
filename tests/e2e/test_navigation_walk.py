"""Walk 2: each kind of visitor visits every page its menu offers and each draws; the map draws its villages."""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

import i18n
from etl import demo
from tests.e2e.browser import (
    NAV_LINKS,
    assert_no_exception,
    navigation_links,
    open_from_menu,
    open_page,
    page_title,
    rerun_after,
    screenshot,
    shown_placeholders,
    sign_in,
)

pytestmark = pytest.mark.e2e

EVERYONE = {"", "ban-do", "linh-vuc", "thon", "tap-huan", "tien-do-bao-cao", "xu-huong", "dang-nhap"}
# The pages each visitor's menu offers beyond EVERYONE's ("" is the overview, opened at /).
# The city pages are for the Department and, where viewing is public, visitors; a reviewer starts on the city page
# (at /), so the overview is at /tong-quan.
# The national view (toan-quoc) is for those who see every province; the Department's report (bao-cao-so) for
# reviewers and admins.
CITY_PAGES = {"thanh-pho", "xu-huong-thanh-pho"}
EXTRA_PAGES = {
    None: {*CITY_PAGES, "toan-quoc"},
    "demo-viewer": set(),
    "demo-staff": {"tai-du-lieu-len", "xuat-bao-cao"},
    "demo-reviewer": {"xuat-bao-cao", "tong-quan", "xu-huong-thanh-pho", "toan-quoc", "bao-cao-so"},
    "demo-admin": {"tai-du-lieu-len", "xuat-bao-cao", "nhat-ky", *CITY_PAGES, "toan-quoc", "bao-cao-so"},
}
# Each demo account in Vietnamese, the users' language; the visitor who has not signed in in English (the
# Vietnamese pages it sees are the viewer's, and one tour fewer keeps the suite under two minutes).
VISITORS = [(None, "en"), *((username, "vi") for username, _, _ in demo.DEMO_ACCOUNTS)]

# The placeholders Streamlit shows in an empty selectbox or multiselect unless the page gives its own.
STREAMLIT_PLACEHOLDERS = {"Choose an option", "Choose options", "Choose or add an option", "Choose or add options"}


def shown_page_name(page: Page) -> str:
    """The page's url_path, as in the address bar ('' for the default page opened at /)."""
    return urlparse(page.url).path.strip("/")


@pytest.mark.parametrize(("username", "language"), VISITORS,
                         ids=[f"{user or 'public'}-{lang}" for user, lang in VISITORS])
def test_every_page_of_the_menu_shows_its_title_and_no_error(page: Page, username: str | None, language: str):
    if username:
        sign_in(page, username)  # in Vietnamese, the language a session starts in
    else:
        open_page(page, f"/?language={language}")
    links = navigation_links(page)
    assert {urlparse(href).path.strip("/") for _, href in links} == EVERYONE | EXTRA_PAGES[username]
    visitor = username or "public"
    visited = []
    for label, href in links:
        rerun_after(page, page.locator(f'{NAV_LINKS}[href="{href}"]').click)
        expect(page).to_have_url(re.compile("^" + re.escape(href) + r"(\?|$)"))
        expect(page_title(page), f"the page {label!r} shows one title").to_have_count(1)
        expect(page_title(page), f"the page {label!r} shows a title").not_to_be_empty()
        assert_no_exception(page)
        if language == "vi":
            english = [text for text in shown_placeholders(page) if text in STREAMLIT_PLACEHOLDERS]
            assert not english, f"the page {label!r} shows Streamlit's English placeholders {english}"
        screenshot(page, f"{visitor}-{shown_page_name(page) or 'tong-quan'}-{language}")
        visited.append(shown_page_name(page))
    assert len(set(visited)) == len(links), f"each menu entry opens its own page: {visited}"
    if username:
        expect(page.locator('[data-testid="stSidebar"]'), "still signed in after the tour").to_contain_text(username)


def test_the_map_draws_the_28_demo_villages_with_the_demo_label(page: Page):
    open_page(page, "/")
    open_from_menu(page, "Bản đồ")
    assert_no_exception(page)
    expect(page_title(page)).to_have_text(f"Bản đồ {demo.COMMUNE_NAME}")
    expect(page.locator('[data-testid="stAlert"]').filter(has_text="ranh giới thôn giả lập")).to_be_visible()
    chart = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot')
    expect(chart).to_have_count(1)
    traces = chart.evaluate("plot => plot.data.map(trace => ({type: trace.type, locations: trace.locations}))")
    assert {trace["type"] for trace in traces} == {"choroplethmap"}
    codes = [code for trace in traces for code in trace["locations"]]
    assert sorted(codes) == [f"{demo.COMMUNE_CODE}-{number:02d}" for number in range(1, len(demo.VILLAGE_NAMES) + 1)]
    # The figure's data is not the drawing: ask the map library which village shapes it has filled on screen.
    page.wait_for_function("plot => plot._fullLayout.map._subplot.map.loaded()", arg=chart.element_handle())
    drawn = chart.evaluate("""plot => {
        const filled = plot._fullLayout.map._subplot.map.queryRenderedFeatures()
            .filter(feature => feature.layer.type === 'fill');
        // A shape cut by the map's tiles comes in pieces; plotly gives each village's pieces its centroid.
        return new Set(filled.map(feature => JSON.stringify(feature.properties.ct))).size;
    }""")
    assert drawn == len(demo.VILLAGE_NAMES), f"the map fills every village on screen, not {drawn}"
    screenshot(page, "map-villages-vi")


def test_tables_offer_no_download_of_their_own_only_the_pages_buttons(page: Page):
    open_page(page, "/")
    open_from_menu(page, "Tiến độ báo cáo")
    page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first.hover()
    toolbar = page.locator('[data-testid="stElementToolbar"]').first
    # Streamlit's toolbar is there (search), without the download that would bypass the neutralised files.
    expect(toolbar.get_by_role("button", name="Search")).to_be_visible()
    expect(toolbar.get_by_role("button", name="Download as CSV")).to_have_count(0)
    expect(page.get_by_role("button", name=i18n.t("analysis.tables.download_csv")).first).to_be_visible()
