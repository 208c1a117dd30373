"""Walks 3 to 5: staff upload a filled template and undo it; a refused file changes nothing; a viewer cannot upload.

The numbers expected on the overview are computed from the demo's figures, read before the dashboard started.
"""

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Locator, Page, expect

import i18n
from etl import demo
from tests.e2e.browser import (
    assert_no_exception,
    metric_value,
    open_from_menu,
    rerun_after,
    screenshot,
    sign_in,
    table,
    table_headers,
    table_rows,
    upload,
    wait_for_app_idle,
)
from tests.e2e.demo_figures import DemoFigures

pytestmark = pytest.mark.e2e

LATEST_MONTH = demo.MONTHS[-1]
GUIDED_COLUMN = "Số hộ đã được Tổ hướng dẫn"
GUIDED, MEETING_TARGET = "Hộ đã được hướng dẫn", "Thôn đạt mục tiêu 80%"
UPLOAD_PAGE, OVERVIEW = "Tải dữ liệu lên", "Tổng quan"
CONFIRM = "Xác nhận nạp dữ liệu"


@dataclass(frozen=True)
class Overview:
    """The overview's numbers a person compares before and after an upload."""

    guided_share: str
    guided_detail: str
    meeting_target: str


def alert(page: Page, text: str) -> Locator:
    """The one message box of the main area that says `text`."""
    return page.locator('[data-testid="stMain"] [data-testid="stAlert"]').filter(has_text=text)


def read_overview(page: Page) -> Overview:
    open_from_menu(page, OVERVIEW)
    assert_no_exception(page)
    card = page.locator('[data-testid="stMetric"]').filter(has_text=GUIDED)
    return Overview(metric_value(page, GUIDED), card.locator('[data-testid="stMetricDelta"]').inner_text().strip(),
                    metric_value(page, MEETING_TARGET))


def expected_overview(households_guided: int, meeting_target: int, figures: DemoFigures) -> Overview:
    households = figures.summary.households
    return Overview(i18n.percent(households_guided / households, "vi"),
                    f"{i18n.number(households_guided, 'vi')}/{i18n.number(households, 'vi')} hộ · mục tiêu 80%",
                    f"{meeting_target}/{figures.summary.villages}")


@dataclass(frozen=True)
class GuidedChange:
    village_name: str
    households: int
    old: int
    new: int


def village_reaching_the_target(figures: DemoFigures) -> GuidedChange:
    """The village closest below the 80% target in the latest month, and the least value that reaches it."""
    below = figures.villages[figures.villages["value"].notna() & ~figures.villages["meets_target"]]
    village = below.sort_values("coverage", ascending=False).iloc[0]
    previous = figures.previous_month.set_index("village_code")["value"].get(village["village_code"])
    new = max(math.ceil(village["households"] * figures.summary.target_share), int(previous or 0))
    # Within the rules a staff member knows: not above the households, not below the month before.
    assert int(village["value"]) < new <= village["households"]
    return GuidedChange(village["village_name"], int(village["households"]), int(village["value"]), new)


def fill_in_template(template: Path, change: GuidedChange, filled: Path) -> int:
    """Keep the template's row of the village, with the new number of households guided; drop the other rows.
    Returns the row's number in the file."""
    workbook = openpyxl.load_workbook(template)
    sheet = workbook.active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header_at = next(number for number, row in enumerate(rows, 1) if "Tên thôn" in row)
    header = rows[header_at - 1]
    names = [row[header.index("Tên thôn")] for row in rows[header_at:]]
    assert names == [f"Thôn {name}" for name in demo.VILLAGE_NAMES], "the template lists the commune's villages"
    keep = header_at + 1 + names.index(change.village_name)
    # The template of a month already reported holds what is stored: the walk corrects one figure of it.
    assert sheet.cell(keep, header.index(GUIDED_COLUMN) + 1).value == change.old
    assert sheet.cell(keep, header.index("Kỳ báo cáo") + 1).value == f"{LATEST_MONTH[5:]}/{LATEST_MONTH[:4]}"
    sheet.cell(keep, header.index(GUIDED_COLUMN) + 1, change.new)
    for number in range(len(rows), header_at, -1):
        if number != keep:
            sheet.delete_rows(number)
    workbook.save(filled)
    return header_at + 1


@pytest.mark.changes_warehouse
def test_staff_load_a_filled_template_see_the_new_numbers_on_the_overview_and_undo_it(
    page: Page, demo_figures: DemoFigures, tmp_path: Path
):
    before = expected_overview(demo_figures.summary.households_guided, demo_figures.summary.villages_meeting_target,
                               demo_figures)
    change = village_reaching_the_target(demo_figures)
    after = expected_overview(demo_figures.summary.households_guided - change.old + change.new,
                              demo_figures.summary.villages_meeting_target + 1, demo_figures)
    sign_in(page, "demo-staff")
    assert read_overview(page) == before, "the walk starts from the demo's figures"

    open_from_menu(page, UPLOAD_PAGE)
    choose_month(page, i18n.period_label(LATEST_MONTH))
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải mẫu Excel").click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    assert template.name == f"mau_monthly_{demo.COMMUNE_CODE}_{LATEST_MONTH}.xlsx"
    filled = tmp_path / "bao_cao_thang_12.xlsx"
    row = fill_in_template(template, change, filled)

    upload(page, filled)
    assert_no_exception(page)
    expect(alert(page, "hợp lệ")).to_contain_text(
        f"Tệp {filled.name} hợp lệ: Báo cáo tháng, 1 dòng")
    # The one figure the file changes, old → new, before anything is loaded.
    changed = table(page, 0)
    assert table_headers(changed) == ["Dòng", "Thôn", "Kỳ", "Cột", "Đã lưu", "Trong tệp", "Thay đổi"]
    assert table_rows(changed) == [[str(row), change.village_name, i18n.period_label(LATEST_MONTH), GUIDED_COLUMN,
                                    i18n.number(change.old, "vi"), i18n.number(change.new, "vi"), "tăng"]]
    screenshot(page, "upload-checked-vi")
    rerun_after(page, page.get_by_role("button", name=CONFIRM).click)
    assert_no_exception(page)
    loaded = alert(page, "Đã nạp tệp")
    expect(loaded).to_contain_text(f"Đã nạp tệp {filled.name}: 1 dòng")
    upload_number = re.search(r"lần tải lên số (\d+)", loaded.inner_text()).group(1)
    screenshot(page, "upload-loaded-vi")

    try:
        assert read_overview(page) == after, f"{change.village_name}: {change.old} → {change.new} households guided"
        screenshot(page, "overview-after-upload-vi")
    finally:
        # Put the warehouse back for the next run of this walk, even when the overview was wrong.
        open_from_menu(page, UPLOAD_PAGE)
        expect(page.get_by_role("combobox", name="Lần tải lên cần hoàn tác")).to_have_value(
            f"#{upload_number} — {filled.name}")
        rerun_after(page, page.get_by_role("button", name="Hoàn tác", exact=True).click)
        expect(alert(page, "Hoàn tác lần tải lên số")).to_be_visible()  # asks first, showing what it restores
        rerun_after(page, page.get_by_role("button", name="Xác nhận hoàn tác").click)
        expect(alert(page, "Đã hoàn tác")).to_contain_text(f"Đã hoàn tác lần tải lên số {upload_number}")
    assert_no_exception(page)
    screenshot(page, "upload-undone-vi")
    assert read_overview(page) == before, "undo brings the old numbers back"


def choose_month(page: Page, month: str) -> None:
    """Choose the template's month, as a person does: open the list and click the month."""
    months = page.get_by_role("combobox", name="Tháng của mẫu")
    if months.input_value() != month:
        months.click()
        rerun_after(page, page.get_by_role("option", name=month, exact=True).click)
    expect(months).to_have_value(month)


def write_refused_file(path: Path, figures: DemoFigures) -> tuple[str, str, int]:
    """A report naming a village with a typo, and a village with more households guided than it has households."""
    misspelt, real = demo.VILLAGE_NAMES[1], figures.villages.iloc[0]
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        rows = csv.writer(file)
        rows.writerow(["Tên thôn", "Kỳ báo cáo", GUIDED_COLUMN])
        rows.writerow([f"Thôn {misspelt}h", "12/2025", 100])
        rows.writerow([real["village_name"], "12/2025", int(real["households"]) + 1])
    return f"Thôn {misspelt}", real["village_name"], int(real["households"])


def test_a_refused_file_shows_each_row_and_column_to_fix_offers_no_confirmation_and_changes_nothing(
    page: Page, demo_figures: DemoFigures, tmp_path: Path
):
    refused = tmp_path / "bao_cao_loi.csv"
    suggestion, too_many_at, households = write_refused_file(refused, demo_figures)
    sign_in(page, "demo-staff")
    before = read_overview(page)

    open_from_menu(page, UPLOAD_PAGE)
    upload(page, refused)
    assert_no_exception(page)
    expect(alert(page, "chưa nạp được")).to_have_text(re.compile(f"Tệp {refused.name} chưa nạp được: có 2 lỗi"))
    expect(page.get_by_role("button", name=CONFIRM)).to_have_count(0)
    problems = table(page, 0)
    assert table_headers(problems) == ["Dòng", "Cột", "Loại", "Cần sửa gì"]
    errors = [row for row in table_rows(problems) if row[2] == "Lỗi"]
    assert [row[:2] for row in errors] == [["2", "Tên thôn"], ["3", GUIDED_COLUMN]]
    assert f"Có phải ý bạn là {suggestion}?" in errors[0][3]
    assert f"lớn hơn số hộ của thôn ({i18n.number(households, 'vi')} hộ)" in errors[1][3]
    # The file's own rows, opened because the file is refused, carry their errors beside them.
    preview = table(page, 1)
    assert table_headers(preview) == ["Dòng", "Tên thôn", "Kỳ báo cáo", GUIDED_COLUMN, "Lỗi"]
    assert [row[:2] for row in table_rows(preview)] == [["2", f"{suggestion}h"], ["3", too_many_at]]
    screenshot(page, "upload-refused-vi")

    assert read_overview(page) == before, "a refused file changes nothing"


def test_a_viewer_is_not_offered_the_upload_page_and_its_address_shows_no_uploader(page: Page):
    sign_in(page, "demo-viewer")
    menu = page.locator('[data-testid="stSidebarNav"]')
    expect(menu).to_contain_text(OVERVIEW)
    expect(menu).not_to_contain_text(UPLOAD_PAGE)
    refused = page.locator('[data-testid="stAlert"]').filter(has_text="Bạn không có quyền mở trang này")

    # The address typed while signed in: the browser follows it inside the session, as for a link.
    rerun_after(page, lambda: page.evaluate("""() => {
        window.history.pushState({}, '', '/tai-du-lieu-len');
        window.dispatchEvent(new PopStateEvent('popstate'));
    }"""))
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("Đang đăng nhập: demo-viewer")
    expect(refused).to_have_count(1)
    expect(page.locator('[data-testid="stFileUploader"]')).to_have_count(0)
    screenshot(page, "viewer-upload-address-vi")

    # The address opened afresh: still signed in (the cookie), and still told who may open the page.
    page.goto("/tai-du-lieu-len")
    wait_for_app_idle(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("Đang đăng nhập: demo-viewer")
    expect(refused).to_have_count(1)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator('[data-testid="stFileUploader"]')).to_have_count(0)
