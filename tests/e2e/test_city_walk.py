"""Walk 5: the Department's reviewer starts on the city's communes, reads the table and the map, exports the table
and opens a commune's overview with a click."""

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest
from playwright.sync_api import Page, expect

import i18n
from etl import demo, demo_city
from tests.e2e.browser import (
    assert_no_exception,
    navigation_links,
    open_from_menu,
    page_title,
    rerun_after,
    screenshot,
    sign_in,
    table,
)

pytestmark = pytest.mark.e2e

CITY_TITLE = "Các xã, phường, đặc khu của Thành phố Hải Phòng"


def caption(page: Page, text: str):
    return page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').filter(has_text=text)


def test_the_reviewer_starts_on_the_114_communes_exports_them_and_opens_gia_loc(page: Page, tmp_path: Path):
    sign_in(page, "demo-reviewer")
    # The reviewer's first page (the one at /) is the city's.
    first = [label for label, href in navigation_links(page) if urlparse(href).path.strip("/") == ""]
    assert first == ["Toàn thành phố"]
    open_from_menu(page, "Toàn thành phố")
    assert_no_exception(page)
    expect(page_title(page)).to_have_text(CITY_TITLE)
    expect(caption(page, "Đang hiện 114/114 xã.")).to_have_count(1)
    expect(page.locator('[data-testid="stMetric"]')).to_have_count(4)
    screenshot(page, "city-reviewer-vi")

    # The table as Excel: every commune, numbers as numbers.
    with page.expect_download() as download:
        page.get_by_role("button", name=i18n.t("analysis.tables.download_excel"), exact=True).click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 114
    header = rows[0]
    gia_loc = next(row for row in rows[1:] if row[header.index("Mã xã")] == demo.COMMUNE_CODE)
    assert isinstance(gia_loc[header.index("Hộ được hướng dẫn (%)")], float)
    without_data = [row for row in rows[1:] if row[header.index("Hộ được hướng dẫn (%)")] is None]
    assert len(without_data) >= demo_city.WITHOUT_DATA

    # The map: every commune drawn, those without data in the grey class of the legend.
    page.get_by_role("tab", name="Bản đồ").click()  # tabs switch in the browser, without a rerun
    chart = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot')
    expect(chart).to_have_count(1)
    expect(chart).to_be_visible()
    traces = chart.evaluate("plot => plot.data.map(trace => ({name: trace.name, locations: trace.locations}))")
    assert sum(len(trace["locations"]) for trace in traces) == 114
    assert "chưa có dữ liệu" in [trace["name"] for trace in traces]
    page.wait_for_function("plot => plot._fullLayout.map._subplot.map.loaded()", arg=chart.element_handle())
    screenshot(page, "city-map-vi")

    # Find Gia Lộc without its accents, and open it by selecting its row.
    page.get_by_role("tab", name="Bảng xếp hạng các xã").click()
    search = page.get_by_label("Tìm xã", exact=True)
    search.fill("gia loc")
    rerun_after(page, lambda: search.press("Enter"))
    expect(caption(page, "Đang hiện 1/114 xã.")).to_have_count(1)
    grid = table(page, 0)
    box = grid.bounding_box()
    # The row's selection box is the grid's first column; the header row is about 35 pixels high.
    rerun_after(page, lambda: page.mouse.click(box["x"] + 15, box["y"] + 35 + 17))
    page.wait_for_url("**/tong-quan*")
    assert_no_exception(page)
    expect(page_title(page)).to_have_text(f"Tổng quan {demo.COMMUNE_NAME}")
    query = parse_qs(urlparse(page.url).query)
    assert query["commune"] == [demo.COMMUNE_CODE]
    assert query["language"] == ["vi"] and query["period"] == ["2025-12"]
    expect(page.locator('[data-testid="stMetricLabel"]').get_by_text("Xếp hạng", exact=True)).to_have_count(1)
    screenshot(page, "city-opened-gia-loc-vi")
