"""Walk 5: a commune chairman on a phone (390 × 844): the headline in the first screen, every page without sideways
scrolling, cut titles, floating toolbars, table toolbars over headings or overlapping text, and the menu closing after
each choice.

The browser keeps a desktop user agent, as a phone asking for the desktop site (or a narrow window) does: Streamlit
itself closes the menu only for a phone's user agent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, expect

import i18n
from etl import demo
from tests.e2e.browser import (
    NAV_LINKS,
    assert_no_exception,
    navigation_links,
    open_page,
    page_title,
    rerun_after,
    screenshot,
)
from tests.e2e.layout import layout_problems, measure_layout, table_problems

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
# Pages whose tables show only the few columns that matter, the rest behind an expander: they fit a phone's width.
# The others' tables still scroll sideways inside their frame (the page itself does not).
PAGES_WITH_TABLES_THAT_FIT = {"ban-do", "tien-do-bao-cao", "xu-huong", "thon", "tap-huan", "linh-vuc", "thanh-pho",
                              "xu-huong-thanh-pho", "toan-quoc", "nhat-ky"}
SIDEBAR = '[data-testid="stSidebar"]'


@pytest.fixture
def phone(browser: Browser, dashboard_url: str) -> Iterator[Page]:
    """A tab in a phone-sized window, with a session of its own."""
    context = browser.new_context(viewport=PHONE, base_url=dashboard_url)
    tab = context.new_page()
    script_errors: list[str] = []
    tab.on("pageerror", lambda error: script_errors.append(str(error)))
    try:
        yield tab
    finally:
        context.close()
    assert not script_errors, f"JavaScript errors in the page: {script_errors}"


def menu_is_open(page: Page) -> bool:
    box = page.locator(SIDEBAR).bounding_box()
    return box is not None and box["x"] + box["width"] > 1


def open_menu(page: Page) -> None:
    if menu_is_open(page):
        return
    page.locator('[data-testid="stExpandSidebarButton"]').click()
    page.wait_for_function(f"() => document.querySelector('{SIDEBAR}').getBoundingClientRect().left >= 0")


def wait_for_charts(page: Page) -> None:
    """Wait until every chart of the page is drawn (Plotly draws after the script has finished)."""
    charts = page.locator('[data-testid="stMain"] [data-testid="stPlotlyChart"]')
    for index in range(charts.count()):
        expect(charts.nth(index).locator(".main-svg").first).to_be_attached()
    page.wait_for_timeout(300)  # Plotly fits each chart to its width once drawn


def choose_from_menu(page: Page, href: str) -> None:
    """Open the menu, choose the page at `href`, and check that the menu closed over the new page."""
    open_menu(page)
    rerun_after(page, page.locator(f'{NAV_LINKS}[href="{href}"]').click)
    page.wait_for_url(re.compile("^" + re.escape(href) + r"(\?|$)"))
    page.wait_for_function(f"() => document.querySelector('{SIDEBAR}').getBoundingClientRect().right <= 1",
                           timeout=5000)


def page_link(page: Page, label: str) -> str:
    """The address of the menu entry labelled `label`."""
    return next(href for shown, href in navigation_links(page) if shown == label)


def test_the_headline_card_is_inside_the_first_screen_of_the_overview(phone: Page):
    open_page(phone, "/")
    assert_no_exception(phone)
    card = phone.locator(".cds-headline")
    expect(card).to_have_count(1)
    box = card.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (
        f"the headline card spans {box} on a {PHONE['height']}-pixel-high screen")
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    sentence = card.locator(".cds-headline-sentence").inner_text()
    assert re.fullmatch(r"\d{1,3},\d% hộ đã được hướng dẫn – mục tiêu 80% – còn thiếu [\d.]+ hộ", sentence), sentence
    assert not menu_is_open(phone), "the menu starts closed on a phone"
    problems = layout_problems(measure_layout(phone))
    assert not problems, problems
    screenshot(phone, "phone-tong-quan-first-screen")


def test_every_page_fits_a_phone_and_the_menu_closes_after_each_choice(phone: Page):
    open_page(phone, "/")
    open_menu(phone)
    sign_in_link = page_link(phone, i18n.t("nav.sign_in"))
    choose_from_menu(phone, sign_in_link)
    phone.get_by_label(i18n.t("auth.username"), exact=True).fill("demo-admin")
    phone.get_by_label(i18n.t("auth.password"), exact=True).fill(demo.DEMO_PASSWORD)
    rerun_after(phone, phone.get_by_role("button", name=i18n.t("auth.sign_in.submit"), exact=True).click)
    open_menu(phone)
    links = navigation_links(phone)
    assert len(links) >= 10, f"the admin's menu offers every page: {links}"
    found: dict[str, list[str]] = {}
    for label, href in links:
        choose_from_menu(phone, href)
        assert_no_exception(phone)
        expect(page_title(phone), f"the page {label!r} shows a title").not_to_be_empty()
        wait_for_charts(phone)
        name = urlparse(href).path.strip("/") or "tong-quan"
        problems = layout_problems(measure_layout(phone))
        problems += table_problems(phone, widths=name in PAGES_WITH_TABLES_THAT_FIT)
        if problems:
            found[name] = problems
        screenshot(phone, f"phone-{name}")
    assert not found, found


def test_the_maps_city_view_fits_a_phone(phone: Page):
    open_page(phone, "/ban-do?map_view=city")  # no menu entry opens it
    assert_no_exception(phone)
    wait_for_charts(phone)
    problems = layout_problems(measure_layout(phone)) + table_problems(phone)
    assert not problems, problems
    screenshot(phone, "phone-ban-do-city")


def test_the_training_tables_fit_a_1366_pixel_laptop(browser: Browser, dashboard_url: str):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=dashboard_url)
    try:
        laptop = context.new_page()
        open_page(laptop, "/")
        open_page(laptop, "/tap-huan")
        assert_no_exception(laptop)
        grids = laptop.locator('[data-testid="stMain"] [data-testid="stDataFrame"]:visible .dvn-scroller')
        expect(grids.first).to_be_attached()
        widths = [grid.evaluate("(element) => [element.scrollWidth, element.clientWidth]") for grid in grids.all()]
        assert widths and all(scroll <= client + 1 for scroll, client in widths), (
            f"a table scrolls sideways (content, visible width): {widths}")
        screenshot(laptop, "laptop-tap-huan")
    finally:
        context.close()
