"""Walk 3: the dashboard works offline — no page, map or icon asks anything of a host other than the dashboard's."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, Route, expect

from etl import demo
from tests.e2e.browser import (
    NAV_LINKS,
    assert_no_exception,
    navigation_links,
    open_page,
    rerun_after,
    screenshot,
)

pytestmark = pytest.mark.e2e
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def block_outside_requests(page: Page) -> list[str]:
    """Refuse every request to another host, as a machine without internet would; the list of refused addresses."""
    refused: list[str] = []

    def handle(route: Route) -> None:
        url = route.request.url
        if urlparse(url).scheme in ("data", "blob") or urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    page.context.route("**/*", handle)
    return refused


def sign_in_as_admin(page: Page) -> None:
    open_page(page, "/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill("demo-admin")
    page.get_by_label("Mật khẩu").fill(demo.DEMO_PASSWORD)
    rerun_after(page, page.get_by_role("button", name="Đăng nhập").click)


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "admin"])
def test_no_page_requests_anything_outside_the_dashboard(page: Page, signed_in: bool):
    refused = block_outside_requests(page)
    # Reloading would start a new, signed-out session: the admin walks on from the sign-in page.
    if signed_in:
        sign_in_as_admin(page)
    else:
        open_page(page, "/")
    links = navigation_links(page)
    assert len(links) >= (10 if signed_in else 7), f"the menu of every page: {links}"
    for _, href in links:
        rerun_after(page, page.locator(f'{NAV_LINKS}[href="{href}"]').click)
        assert_no_exception(page)
        # Charts and maps draw after the script has finished: give them time to ask for anything they need.
        page.wait_for_timeout(1500)
    assert refused == []
    icon = page.locator('link[rel="shortcut icon"], link[rel="icon"]').first.get_attribute("href")
    assert urlparse(page.url).hostname in LOCAL_HOSTS and urlparse(icon).hostname in (None, *LOCAL_HOSTS), icon


def test_the_demo_city_map_fills_hai_phongs_114_communes_offline(page: Page):
    refused = block_outside_requests(page)
    # A visitor of the (public) demo warehouse may open the city view: its communes come with the demo, no import.
    open_page(page, "/ban-do?map_view=city")
    assert_no_exception(page)
    expect(page.locator('[data-testid="stAlert"]').filter(has_text="số liệu của xã minh họa")).to_be_visible()
    chart = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot')
    expect(chart).to_have_count(1)
    codes = chart.evaluate("plot => plot.data.flatMap(trace => trace.locations)")
    assert len(set(codes)) == 114 and demo.COMMUNE_CODE in codes
    page.wait_for_function("plot => plot._fullLayout.map._subplot.map.loaded()", arg=chart.element_handle())
    drawn = chart.evaluate("""plot => new Set(plot._fullLayout.map._subplot.map.queryRenderedFeatures()
        .filter(feature => feature.layer.type === 'fill')
        .map(feature => JSON.stringify(feature.properties.ct))).size""")
    assert drawn == 114, f"the map fills every commune on screen, not {drawn}"
    screenshot(page, "map-city-vi")
    assert refused == []
