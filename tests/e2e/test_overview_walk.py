"""Walk 1: a person opens the dashboard, reads the overview in Vietnamese, switches to English and back."""

import re

import pytest
from playwright.sync_api import Page, expect

from etl import demo
from tests.e2e.browser import (
    assert_no_exception,
    choose_in_sidebar,
    metric_value,
    open_page,
    page_title,
    screenshot,
    selectbox,
)

pytestmark = pytest.mark.e2e

VILLAGES = len(demo.VILLAGE_NAMES)


def demo_banner(page: Page):
    return page.locator('[data-testid="stAlert"]').filter(has_text=re.compile("DỮ LIỆU MINH HỌA|DEMO DATA"))


def test_the_overview_opens_in_vietnamese_with_the_demo_banner_and_switches_to_english_and_back(page: Page):
    open_page(page, "/")
    assert_no_exception(page)
    expect(demo_banner(page)).to_contain_text("DỮ LIỆU MINH HỌA")
    expect(page_title(page)).to_have_text(f"Tổng quan {demo.COMMUNE_NAME}")
    assert metric_value(page, "Số thôn") == str(VILLAGES)
    guided = metric_value(page, "Hộ đã được hướng dẫn")
    assert re.fullmatch(r"\d{1,3},\d%", guided), f"a Vietnamese percent has a decimal comma, not {guided!r}"
    screenshot(page, "overview-vi")

    choose_in_sidebar(page, "English")
    assert_no_exception(page)
    expect(page_title(page)).to_have_text(f"{demo.COMMUNE_NAME} at a glance")
    expect(demo_banner(page)).to_contain_text("DEMO DATA")
    assert metric_value(page, "Villages") == str(VILLAGES)
    assert metric_value(page, "Households guided") == guided.replace(",", "."), "the same share, English format"
    expect(page).to_have_url(re.compile(r"[?&]language=en(&|$)"))
    screenshot(page, "overview-en")

    choose_in_sidebar(page, "Tiếng Việt")
    assert_no_exception(page)
    expect(page_title(page)).to_have_text(f"Tổng quan {demo.COMMUNE_NAME}")
    assert metric_value(page, "Hộ đã được hướng dẫn") == guided
    expect(page).to_have_url(re.compile(r"[?&]language=vi(&|$)"))


def test_a_copied_english_link_reopens_the_overview_in_english(page: Page):
    open_page(page, "/?language=en")
    assert_no_exception(page)
    expect(page_title(page)).to_have_text(f"{demo.COMMUNE_NAME} at a glance")
    expect(page.locator('[data-testid="stSidebar"]').get_by_role("radio", name="English")).to_be_checked()


def test_the_overview_chart_draws_a_bar_per_village_and_the_80_percent_line(page: Page):
    open_page(page, "/")
    chart = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot')
    expect(chart).to_have_count(1)
    # Plotly draws after the script has finished: expect() waits for the bars to appear.
    expect(chart.locator("g.trace.bars g.point")).to_have_count(VILLAGES)
    village_labels = chart.locator(".yaxislayer-above .ytick text")
    expect(village_labels).to_have_count(VILLAGES)
    assert set(village_labels.all_text_contents()) == {f"Thôn {name}" for name in demo.VILLAGE_NAMES}
    expect(chart.locator(".shapelayer path")).to_have_count(1)  # the target line
    expect(chart.locator(".annotation-text")).to_have_text("Mục tiêu 80%")
    widths = [box["width"] for box in (bar.bounding_box() for bar in chart.locator("g.point path").all()) if box]
    assert sum(width > 0 for width in widths) > VILLAGES // 2, "most demo villages have reported: bars have length"


def test_switching_to_english_translates_the_period_selector(page: Page):
    open_page(page, "/")
    expect(selectbox(page, "Kỳ báo cáo")).to_have_value(re.compile(r"^Tháng \d{1,2}/\d{4}$"))
    choose_in_sidebar(page, "English")
    expect(selectbox(page, "Reporting period")).to_have_value(re.compile(r"^\d{2}/\d{4}$"), timeout=2000)
