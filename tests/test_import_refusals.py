"""Files that would store something other than what they say are refused at validation, in the dry run too:
damaged CSV rows, formula cells without a value, periods and dates that are not, numbers out of range."""

import io
from datetime import date

import openpyxl
import pytest

from tests.upload_files import MONTHLY_HEADER, TODAY, contents, csv_text, upload, values_of


def errors_of(outcome) -> list[tuple[int | None, str | None, str]]:
    return [(error.row, error.column, error.key) for error in outcome.errors]


# --- Damaged CSV rows -------------------------------------------------------------------------------------------

def test_a_row_with_an_unquoted_thousands_separator_is_refused_naming_the_row_and_the_likely_cause(tiny_warehouse):
    text = ("Mã thôn,Kỳ báo cáo,Ngày báo cáo,Số hộ đã được Tổ hướng dẫn,ho_vneid,Ghi chú\n"
            "99999-01,12/2025,10/12/2025,90,75,\n"
            "99999-02,12/2025,10/12/2025,1,234,6,\n")
    before = contents(tiny_warehouse)
    for dry_run in (True, False):
        outcome = upload(tiny_warehouse, text, dry_run=dry_run)
        assert outcome.status == "refused"
        assert errors_of(outcome) == [(3, None, "import.error.damaged_row")]
        words = outcome.document()["errors"][0]["message"]
        assert "7 ô" in words and "6 ô" in words and "dấu phẩy" in words
        assert "7 cells" in outcome.document("en")["errors"][0]["message"]
    assert contents(tiny_warehouse) == before


def test_a_separator_inside_a_note_or_a_missing_cell_is_a_damaged_row(tiny_warehouse):
    text = ("Mã thôn;Kỳ báo cáo;Số hộ đã được Tổ hướng dẫn;Ghi chú\n"
            "99999-01;12/2025;90;Đã đến nhà văn hóa; chợ\n"
            "99999-02;12/2025\n"
            "99999-03;12/2025;30;\"Ghi chú có dấu ; trong ngoặc kép\"\n")
    outcome = upload(tiny_warehouse, text, dry_run=True)
    assert errors_of(outcome) == [(2, None, "import.error.damaged_row"), (3, None, "import.error.damaged_row")]
    words = [error["message"] for error in outcome.document()["errors"]]
    assert "ghi chú" in words[0] and "ngoặc kép" in words[0]
    assert "thiếu ô" in words[1]


def test_a_quoted_separator_and_a_line_break_inside_quotes_keep_the_rows_whole(tiny_warehouse):
    text = ('Mã thôn,Kỳ báo cáo,Số hộ đã được Tổ hướng dẫn,Ghi chú\n'
            '99999-01,12/2025,"1,234",x\n'
            '99999-02,12/2025,150,"Dòng một\ndòng hai, có dấu phẩy"\n'
            '99999-03,12/2025,abc,\n')
    outcome = upload(tiny_warehouse, text, dry_run=True)
    # "1,234" in quotes is one cell (and above Thôn A's households); the note spans two lines, so Thôn C is on line 5.
    assert errors_of(outcome) == [(2, "Số hộ đã được Tổ hướng dẫn", "import.error.above_households"),
                                  (5, "Số hộ đã được Tổ hướng dẫn", "import.error.count")]


# --- Formula cells without a value ------------------------------------------------------------------------------

def workbook_with_a_formula(cached: bool) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [MONTHLY_HEADER, ["99999-01", "12/2025", "10/12/2025", "=40+50", 75, 4, ""],
                ["99999-03", "12/2025", "11/12/2025", 30, None, None, ""]]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if not cached:
        return buffer.getvalue()
    # As Excel saves it: the formula with its computed value.
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as written:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>40+50</f><v></v>", b"<f>40+50</f><v>90</v>")
            written.writestr(item, data)
    return target.getvalue()


def test_a_formula_cell_without_a_computed_value_is_refused_with_what_to_do(tiny_warehouse):
    outcome = upload(tiny_warehouse, workbook_with_a_formula(cached=False), "bao_cao.xlsx", dry_run=True)
    assert errors_of(outcome) == [(2, "Số hộ đã được Tổ hướng dẫn", "import.error.formula_not_calculated")]
    assert "công thức chưa được tính – mở tệp trong Excel và lưu lại" in outcome.document()["errors"][0]["message"]


def test_a_formula_cell_saved_with_its_value_is_read_as_that_value(tiny_warehouse):
    outcome = upload(tiny_warehouse, workbook_with_a_formula(cached=True), "bao_cao.xlsx")
    assert outcome.status == "accepted", outcome.errors
    assert values_of(tiny_warehouse, "99999-01", "2025-12")["ho_da_huong_dan"] == 90


# --- Periods and report dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "key"), [
    ("abc", "import.error.period"), ("tháng mười một", "import.error.period"), ("T10", "import.error.period"),
    ("10", "import.error.period"), ("06/2027", "import.error.period_future"), ("01/2026", "import.error.period_future"),
    ("12/2019", "import.error.period_range"),
])
def test_a_period_that_is_not_a_reported_month_is_refused_by_the_dry_run_and_the_import(tiny_warehouse, written, key):
    text = csv_text([["ma_thon", "ky_bao_cao", "ho_da_huong_dan"], ["99999-03", written, "12"]])
    before = contents(tiny_warehouse)
    for dry_run in (True, False):
        outcome = upload(tiny_warehouse, text, dry_run=dry_run)
        assert errors_of(outcome) == [(2, "ky_bao_cao", key)]
    assert contents(tiny_warehouse) == before


def test_the_current_month_is_accepted_and_the_next_one_is_named_in_the_refusal(tiny_warehouse):
    text = csv_text([["ma_thon", "ky_bao_cao", "ho_da_huong_dan"], ["99999-03", "12/2025", "12"],
                     ["99999-02", "01/2026", "95"]])
    outcome = upload(tiny_warehouse, text, dry_run=True)
    assert errors_of(outcome) == [(3, "ky_bao_cao", "import.error.period_future")]
    assert "sau tháng hiện tại (Tháng 12/2025)" in outcome.document()["errors"][0]["message"]


@pytest.mark.parametrize(("written", "key"), [
    ("30/11/2025", "import.error.report_date_before_period"),
    ("21/12/2025", "import.error.report_date_future"),
    ("31/12/2030", "import.error.report_date_future"),
])
def test_a_report_date_before_its_period_or_after_today_is_refused(tiny_warehouse, written, key):
    outcome = upload(tiny_warehouse, csv_text([MONTHLY_HEADER, ["99999-03", "12/2025", written, "30", "", "", ""]]),
                     dry_run=True)
    assert errors_of(outcome) == [(2, "Ngày báo cáo", key)]
    assert outcome.document()["errors"][0]["message"].count("/") >= 4  # names the date and the limit


def test_a_report_dated_on_the_first_day_of_its_period_or_today_is_accepted(tiny_warehouse):
    rows = [MONTHLY_HEADER, ["99999-03", "12/2025", "01/12/2025", "30", "", "", ""],
            ["99999-02", "11/2025", TODAY.strftime("%d/%m/%Y"), "95", "80", "4", ""]]
    outcome = upload(tiny_warehouse, csv_text(rows), dry_run=True)
    assert outcome.status == "accepted", outcome.errors


# --- Numbers out of range ---------------------------------------------------------------------------------------

def test_households_beyond_the_warehouses_integer_are_refused_at_validation(tiny_warehouse):
    registry = csv_text([["Mã xã", "Mã thôn", "Tên thôn", "Số hộ", "Dân số"],
                         ["99999", "99999-04", "Thôn D", "3.000.000.000", "10"],
                         ["99999", "99999-05", "Thôn E", "100", "2.147.483.648"]])
    before = contents(tiny_warehouse)
    for dry_run in (True, False):
        outcome = upload(tiny_warehouse, registry, dry_run=dry_run)
        assert errors_of(outcome) == [(2, "Số hộ", "import.error.too_large"), (3, "Dân số", "import.error.too_large")]
    assert "2.147.483.647" in outcome.document()["errors"][0]["message"]
    assert contents(tiny_warehouse) == before


def test_a_registry_lowering_households_below_reported_figures_is_refused_naming_villages_and_periods(
        tiny_warehouse):
    # Thôn A reported 60 guided in November and 85 in December; Thôn B 90 and 80 (VNeID) in November.
    registry = csv_text([["Mã xã", "Mã thôn", "Tên thôn", "Số hộ"], ["99999", "99999-01", "Thôn A", "70"],
                         ["99999", "99999-02", "Thôn B", "89"], ["99999", "99999-03", "Thôn C", "40"]])
    before = contents(tiny_warehouse)
    outcome = upload(tiny_warehouse, registry, allow_lower=True)
    assert errors_of(outcome) == [(2, "Số hộ", "import.error.households_below_reports"),
                                  (3, "Số hộ", "import.error.households_below_reports")]
    words = [error["message"] for error in outcome.document()["errors"]]
    assert "Tháng 12/2025" in words[0] and "85" in words[0] and "Tháng 11/2025" not in words[0]
    assert "Tháng 11/2025" in words[1] and "90" in words[1]
    assert contents(tiny_warehouse) == before


def test_a_monthly_count_beyond_the_warehouses_integer_is_refused(tiny_warehouse):
    outcome = upload(tiny_warehouse, csv_text([["ma_thon", "ky_bao_cao", "ho_da_huong_dan", "luot_tuyen_truyen"],
                                               ["99999-03", "12/2025", "30", "99999999999999999999"]]), dry_run=True)
    assert errors_of(outcome) == [(2, "luot_tuyen_truyen", "import.error.count")]


def test_dates_and_periods_are_checked_against_the_day_of_the_upload(tiny_warehouse):
    text = csv_text([MONTHLY_HEADER, ["99999-03", "01/2026", "05/01/2026", "30", "", "", ""]])
    assert upload(tiny_warehouse, text, dry_run=True).status == "refused"
    assert upload(tiny_warehouse, text, dry_run=True, today=date(2026, 1, 5)).status == "accepted"
