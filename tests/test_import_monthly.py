"""Importing the teams' monthly reports: the file variants staff have, every refusal named, warnings, loading."""

from datetime import date

import pytest

from tests.upload_files import (
    MONTHLY_HEADER,
    contents,
    csv_text,
    encode,
    upload,
    values_of,
    xlsx,
)
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

GOOD_ROWS = [
    ["99999-01", "12/2025", "10/12/2025", "90", "75", "4", "Đã hướng dẫn thêm"],
    ["Thôn B", "12/2025", "12/12/2025", "150", "120", "5", ""],
    ["Thôn C", "12/2025", "14/12/2025", "20", "10", "1", ""],
]


def messages(outcome) -> list[tuple[int | None, str | None, str]]:
    return [(error.row, error.column, error.key) for error in outcome.errors]


def test_a_monthly_csv_is_loaded_and_updates_the_villages_report(tiny_warehouse):
    outcome = upload(tiny_warehouse, csv_text([MONTHLY_HEADER, *GOOD_ROWS]))
    assert outcome.status == "accepted", outcome.errors
    assert outcome.kind == "monthly" and outcome.rows == 3 and outcome.upload_id == 1
    # Thôn A's December figures of the file's columns are replaced; indicators the file has no column for stay.
    assert values_of(tiny_warehouse, "99999-01", "2025-12") == {
        "ho_da_huong_dan": 90, "ho_vneid": 75, "luot_tuyen_truyen": 4, "ho_dvc_truc_tuyen": 50,
        "ho_ung_dung_chinh_quyen": 30}
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {
        "ho_da_huong_dan": 20, "ho_vneid": 10, "luot_tuyen_truyen": 1}
    note = Warehouse.open(tiny_warehouse).row(
        "SELECT note, reported_on, upload_id FROM reports WHERE village_code = '99999-01' AND period = '2025-12'"
    )
    assert note[0] == "Đã hướng dẫn thêm" and note[1].isoformat() == "2025-12-10" and note[2] == 1


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "windows-1258"])
@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_csv_in_every_encoding_and_separator_staff_use_is_read(tiny_warehouse, encoding, separator):
    rows = [["Mã thôn", "Kỳ báo cáo", "Ngày báo cáo", "Số hộ đã được Tổ hướng dẫn", "Ghi chú"],
            ["Thôn B", "Tháng 12/2025", "12/12/2025", "150", "Tổ đã đến từng hộ người cao tuổi"]]
    outcome = upload(tiny_warehouse, encode(csv_text(rows, separator), encoding))
    assert outcome.status == "accepted", [error.key for error in outcome.errors]
    assert values_of(tiny_warehouse, "99999-02", "2025-12") == {"ho_da_huong_dan": 150}
    note = Warehouse.open(tiny_warehouse).scalar(
        "SELECT note FROM reports WHERE village_code = '99999-02' AND period = '2025-12'")
    assert note == "Tổ đã đến từng hộ người cao tuổi"


def test_excel_with_title_rows_merged_cells_blank_rows_and_a_totals_row_is_read(tiny_warehouse):
    workbook = xlsx([
        ["BÁO CÁO KẾT QUẢ HOẠT ĐỘNG CỦA TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG"],
        ["Tháng 12 năm 2025"],
        [],
        ["STT", "Tên thôn", "Kỳ báo cáo", "Ngày báo cáo", "SO HO DA DUOC TO HUONG DAN", "  VNeID   mức 2 "],
        [1, "thon a", "12/2025", "10/12/2025", 90, "75"],
        [],
        [2, "THÔN B", "12/2025", "12/12/2025", "1.50", 120],
        [3, "Thôn C", "12/2025", "14/12/2025", "20", 10],
        ["Tổng cộng", None, None, None, 260, 205],
    ], merge="A1:F1")
    outcome = upload(tiny_warehouse, workbook, "bao_cao.xlsx")
    # "1.50" is neither a whole number nor thousands: refused at its row (7) and column as written.
    assert messages(outcome) == [(7, "SO HO DA DUOC TO HUONG DAN", "import.error.count")]
    assert "«1.50»" in outcome.document()["errors"][0]["message"]


def test_excel_numbers_with_thousands_separators_are_read(warehouse_path):

    replace_communes(Warehouse.open(warehouse_path), _big_village())
    workbook = xlsx([["Mã thôn", "Kỳ", "Số hộ đã được hướng dẫn"], ["88888-01", "2025-09", "1.234"],
                     ["88888-02", "2025-09", "2,345"], ["88888-03", "2025-09", 3456]])
    outcome = upload(warehouse_path, workbook, "t9.xlsx")
    assert outcome.status == "accepted", outcome.errors
    assert [values_of(warehouse_path, f"88888-0{n}", "2025-09")["ho_da_huong_dan"] for n in (1, 2, 3)] == [
        1234, 2345, 3456]


def _big_village():
    import pandas as pd

    return {
        "communes": pd.DataFrame([{"code": "88888", "name": "Xã Lớn", "province": "P", "is_demo": False}]),
        "villages": pd.DataFrame([{"code": f"88888-0{n}", "commune_code": "88888", "name": f"Thôn Lớn {n}",
                                   "households": 5000, "population": 20000} for n in (1, 2, 3)]),
    }


@pytest.mark.parametrize("written", ["2025-09", "09/2025", "9/2025", "Tháng 9/2025", "T9/2025", "tháng 9 năm 2025"])
def test_every_way_staff_write_a_period_is_understood(tiny_warehouse, written):
    outcome = upload(tiny_warehouse, csv_text([["ma_thon", "ky_bao_cao", "ho_da_huong_dan"],
                                               ["99999-03", written, "12"]]))
    assert outcome.status == "accepted", outcome.errors
    assert values_of(tiny_warehouse, "99999-03", "2025-09") == {"ho_da_huong_dan": 12}


@pytest.mark.parametrize("header", [
    ["ma_thon", "ky_bao_cao", "ho_da_huong_dan"],
    ["Mã thôn", "Kỳ báo cáo", "Số hộ đã được Tổ hướng dẫn"],
    ["MA THON", "ky bao cao", "so ho da duoc to huong dan"],
    ["  Mã   Thôn ", "KỲ BÁO CÁO", "Hộ đã được hướng dẫn"],
])
def test_headers_are_recognised_as_codes_or_labels_with_or_without_diacritics(tiny_warehouse, header):
    outcome = upload(tiny_warehouse, csv_text([header, ["99999-03", "2025-10", "7"]]))
    assert outcome.status == "accepted" and outcome.kind == "monthly", outcome.errors


def test_an_unknown_village_is_refused_with_a_suggestion_and_changes_nothing(tiny_warehouse):
    before = contents(tiny_warehouse)
    outcome = upload(tiny_warehouse, csv_text([MONTHLY_HEADER, GOOD_ROWS[0],
                                               ["Thôn Bb", "12/2025", "12/12/2025", "150", "", "", ""]]))
    assert outcome.status == "refused" and outcome.upload_id is None
    assert messages(outcome) == [(3, "Mã thôn", "import.error.unknown_village_suggest")]
    assert "Có phải ý bạn là Thôn B?" in outcome.document()["errors"][0]["message"]
    assert "Did you mean Thôn B?" in outcome.document("en")["errors"][0]["message"]
    assert contents(tiny_warehouse) == before


def test_a_missing_required_column_is_refused_naming_it_and_the_expected_columns(tiny_warehouse):
    outcome = upload(tiny_warehouse, csv_text([["Mã thôn", "Kỳ báo cáo", "ho_vneid"], ["99999-01", "12/2025", "5"]]))
    assert messages(outcome) == [(1, "Số hộ đã được Tổ hướng dẫn", "import.error.missing_column")]
    assert "Mã thôn, Kỳ báo cáo, Số hộ đã được Tổ hướng dẫn" in outcome.document()["errors"][0]["message"]


def test_every_bad_value_is_listed_at_once_with_its_row_and_column(tiny_warehouse):
    before = contents(tiny_warehouse)
    rows = [
        ["Báo cáo tháng 12"],
        MONTHLY_HEADER,
        ["99999-01", "12/2025", "10/12/2025", "12,5", "70", "3", ""],  # 3: not a whole number
        ["99999-02", "12/2025", "10/12/2025", "-3", "5", "2", ""],     # 4: negative
        ["99999-03", "12/2025", "10/12/2025", "51", "5", "2", ""],     # 5: Thôn C has 50 households
        ["99999-01", "13/2025", "10/12/2025", "1", "5", "2", ""],      # 6: no month 13
        ["99999-01", "12/2019", "10/12/2025", "1", "5", "2", ""],      # 7: before 2020
        ["99999-02", "2025-12", "31/02/2025", "1", "5", "2", ""],      # 8: repeats row 4, impossible date
        ["99999-03", "12/2025", "10/12/2025", "", "5", "2", ""],       # 9: required value empty (and repeats 5)
    ]
    outcome = upload(tiny_warehouse, csv_text(rows, ";"))
    assert messages(outcome) == [
        (3, "Số hộ đã được Tổ hướng dẫn", "import.error.count"),
        (4, "Số hộ đã được Tổ hướng dẫn", "import.error.negative"),
        (5, "Số hộ đã được Tổ hướng dẫn", "import.error.above_households"),
        (6, "Kỳ báo cáo", "import.error.period"),
        (7, "Kỳ báo cáo", "import.error.period_range"),
        (8, "Ngày báo cáo", "import.error.date"),
        (8, "Mã thôn", "import.error.duplicate"),
        (9, "Số hộ đã được Tổ hướng dẫn", "import.error.empty_cell"),
        (9, "Mã thôn", "import.error.duplicate"),
    ]
    words = [error["message"] for error in outcome.document()["errors"]]
    assert "Giá trị 51 lớn hơn số hộ của thôn (50 hộ)." in words
    assert "với dòng 4" in words[6]
    assert contents(tiny_warehouse) == before


@pytest.mark.parametrize(("data", "name", "key"), [
    (b"", "trong.csv", "import.read.empty"),
    (b"   \n\n", "trong.csv", "import.read.empty"),
    (b"ma_thon,ky_bao_cao,ho_da_huong_dan\n,,\n", "chi_tieu_de.csv", "import.error.no_rows"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "anh.png", "import.read.not_text"),
    (b"PK\x03\x04 not really a workbook", "hong.xlsx", "import.read.broken_excel"),
    ("Họ tên,Quê quán\nAn,Hà Nội\n".encode(), "khac.csv", "import.error.no_header"),
])
def test_files_that_are_empty_or_not_a_report_are_refused_with_the_reason(tiny_warehouse, data, name, key):
    before = contents(tiny_warehouse)
    outcome = upload(tiny_warehouse, data, name)
    assert outcome.status == "refused"
    assert [error.key for error in outcome.errors] == [key]
    assert contents(tiny_warehouse) == before


def test_an_unrecognisable_header_lists_the_columns_each_kind_expects(tiny_warehouse):
    outcome = upload(tiny_warehouse, "Họ tên,Quê quán\nAn,Hà Nội\n")
    words = outcome.document()["errors"][0]["message"]
    assert "Báo cáo tháng: Mã thôn, Kỳ báo cáo, Số hộ đã được Tổ hướng dẫn" in words
    assert "Danh mục thôn: Mã xã, Mã thôn, Tên thôn, Số hộ" in words
    assert "Monthly report: Mã thôn" in outcome.document("en")["errors"][0]["message"]


def test_warnings_are_shown_but_the_file_is_accepted(tiny_warehouse):
    rows = [[*MONTHLY_HEADER, "Người lập"],
            ["99999-02", "12/2025", "16/12/2025", "80", "80", "40", "", "Lan"]]
    outcome = upload(tiny_warehouse, csv_text(rows))
    assert outcome.status == "accepted"
    found = {(warning.row, warning.column, warning.key) for warning in outcome.warnings}
    assert found == {
        (1, "Người lập", "import.warning.extra_column"),
        (2, "Số hộ đã được Tổ hướng dẫn", "import.warning.decrease"),  # Thôn B had 90 in November
        (2, "Ngày báo cáo", "import.warning.late"),  # after 15/12/2025
    }
    words = [warning["message"] for warning in outcome.document()["warnings"]]
    assert "Số lũy kế 80 thấp hơn tháng trước (90 ở kỳ Tháng 11/2025). Hãy kiểm tra lại." in words


def test_a_value_far_above_the_villages_own_history_is_flagged(tiny_warehouse):
    # Thôn A held 2 and 3 information sessions in November and December.
    outcome = upload(tiny_warehouse, csv_text([["ma_thon", "ky_bao_cao", "ngay_bao_cao", "ho_da_huong_dan",
                                                "luot_tuyen_truyen"], ["99999-01", "2026-01", "05/01/2026", "90",
                                                                       "40"]]), today=date(2026, 1, 20))
    assert outcome.status == "accepted"
    assert [(w.row, w.column, w.key) for w in outcome.warnings] == [
        (2, "luot_tuyen_truyen", "import.warning.outlier")]


def test_a_file_without_report_date_uses_the_upload_date_and_says_so(tiny_warehouse):
    outcome = upload(tiny_warehouse, csv_text([["ma_thon", "ky_bao_cao", "ho_da_huong_dan"],
                                               ["99999-03", "2025-12", "30"]]))
    assert outcome.status == "accepted"
    assert "ngày tải lên (20/12/2025)" in outcome.document()["warnings"][0]["message"]
    reported_on = Warehouse.open(tiny_warehouse).scalar(
        "SELECT reported_on FROM reports WHERE village_code = '99999-03'")
    assert reported_on.isoformat() == "2025-12-20"


def test_a_dry_run_reports_the_outcome_and_writes_nothing(tiny_warehouse):
    before = contents(tiny_warehouse)
    outcome = upload(tiny_warehouse, csv_text([MONTHLY_HEADER, *GOOD_ROWS]), dry_run=True)
    assert outcome.status == "accepted" and outcome.upload_id is None and outcome.rows == 3
    assert contents(tiny_warehouse) == before
    assert not (tiny_warehouse.parent / "uploads").exists()


def test_a_file_with_villages_outside_the_users_communes_is_refused_and_changes_nothing(tiny_warehouse):
    before = contents(tiny_warehouse)
    outcome = upload(tiny_warehouse, csv_text([MONTHLY_HEADER, *GOOD_ROWS]), allowed_communes={"10999"})
    assert outcome.status == "refused"
    assert [(error.row, error.column) for error in outcome.errors] == [(2, "Mã thôn"), (3, "Mã thôn"), (4, "Mã thôn")]
    assert "không nằm trong các xã bạn được phép cập nhật" in outcome.document()["errors"][0]["message"]
    assert contents(tiny_warehouse) == before
    allowed = upload(tiny_warehouse, csv_text([MONTHLY_HEADER, *GOOD_ROWS]), allowed_communes={"99999"})
    assert allowed.status == "accepted"


def test_an_old_xls_workbook_with_a_merged_title_and_date_cells_is_read(tiny_warehouse):
    from datetime import date

    from tests.upload_files import xls

    workbook = xls([
        ["BÁO CÁO THÁNG 12/2025"],
        ["Mã thôn", "Kỳ báo cáo", "Ngày báo cáo", "Số hộ đã được Tổ hướng dẫn", "ho_vneid"],
        ["99999-01", "12/2025", date(2025, 12, 10), 92, 71.0],
        ["Thôn C", "Tháng 12/2025", date(2025, 12, 11), "30", 12],
        ["Cộng", None, None, 122, 83],
    ], merge_title_over=5)
    outcome = upload(tiny_warehouse, workbook, "bao_cao.xls")
    assert outcome.status == "accepted", outcome.errors
    assert values_of(tiny_warehouse, "99999-01", "2025-12") == {
        "ho_da_huong_dan": 92, "ho_vneid": 71, "ho_dvc_truc_tuyen": 50, "ho_ung_dung_chinh_quyen": 30,
        "luot_tuyen_truyen": 3}
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {"ho_da_huong_dan": 30, "ho_vneid": 12}
    reported = Warehouse.open(tiny_warehouse).scalar(
        "SELECT reported_on FROM reports WHERE village_code = '99999-03' AND period = '2025-12'")
    assert reported.isoformat() == "2025-12-11"


def test_a_damaged_xls_is_refused_with_the_reason(tiny_warehouse):
    damaged = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    outcome = upload(tiny_warehouse, damaged, "hong.xls")
    assert [error.key for error in outcome.errors] == ["import.read.broken_excel"]
    assert "Không mở được tệp Excel" in outcome.document()["errors"][0]["message"]


def test_a_csv_whose_encoding_cannot_be_recognised_is_refused_rather_than_guessed(tiny_warehouse):
    undecidable = b"ma_thon,ky_bao_cao,ho_da_huong_dan\n" + bytes(range(128, 256)) * 3
    outcome = upload(tiny_warehouse, undecidable)
    assert [error.key for error in outcome.errors] == ["import.read.unknown_encoding"]
    assert "UTF-8" in outcome.document()["errors"][0]["message"]


def test_a_comma_inside_a_note_does_not_change_the_separator_of_a_semicolon_file(tiny_warehouse):
    rows = [["ma_thon", "ky_bao_cao", "ho_da_huong_dan", "ghi_chu"],
            ["99999-01", "12/2025", "91", "Đã đến nhà văn hóa, chợ, trường học, trạm y tế, chùa, đình"]]
    outcome = upload(tiny_warehouse, csv_text(rows, ";"))
    assert outcome.status == "accepted", outcome.errors
    assert values_of(tiny_warehouse, "99999-01", "2025-12")["ho_da_huong_dan"] == 91


def test_a_village_name_shared_by_two_communes_asks_for_the_code(tiny_warehouse):
    import pandas as pd


    replace_communes(Warehouse.open(tiny_warehouse), {
        "communes": pd.DataFrame([{"code": "88888", "name": "Xã Khác", "province": "P", "is_demo": False}]),
        "villages": pd.DataFrame([{"code": "88888-01", "commune_code": "88888", "name": "Thôn A",
                                   "households": 90, "population": 300}]),
    })
    outcome = upload(tiny_warehouse, csv_text([["Tên thôn", "Kỳ báo cáo", "ho_da_huong_dan"],
                                               ["Thôn A", "12/2025", "50"]]))
    assert [(error.row, error.column, error.key) for error in outcome.errors] == [
        (2, "Tên thôn", "import.error.ambiguous_village")]
    # Next to a coded village of one commune, the name is looked up in that commune.
    outcome = upload(tiny_warehouse, csv_text([["Tên thôn", "Kỳ báo cáo", "ho_da_huong_dan"],
                                               ["99999-02", "12/2025", "150"], ["Thôn A", "12/2025", "90"]]))
    assert outcome.status == "accepted", outcome.errors
    assert values_of(tiny_warehouse, "99999-01", "2025-12")["ho_da_huong_dan"] == 90


def test_numbers_in_messages_use_the_languages_thousands_separator(warehouse_path):

    replace_communes(Warehouse.open(warehouse_path), _big_village())
    outcome = upload(warehouse_path, csv_text([["ma_thon", "ky_bao_cao", "ho_da_huong_dan"],
                                               ["88888-01", "2025-09", "6.000"]], ";"))
    assert outcome.document()["errors"][0]["message"] == "Giá trị 6.000 lớn hơn số hộ của thôn (5.000 hộ)."
    assert outcome.document("en")["errors"][0]["message"] == (
        "Value 6,000 is larger than the village's households (5,000).")


def test_a_workbook_starting_with_an_instructions_sheet_is_read_from_its_report_sheet(tiny_warehouse):
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Hướng dẫn"
    workbook.active.append(["Điền số liệu vào trang tính Báo cáo, mỗi thôn một dòng."])
    workbook.create_sheet("Trống")
    report = workbook.create_sheet("Báo cáo")
    for row in [["Mã thôn", "Kỳ báo cáo", "Số hộ đã được Tổ hướng dẫn"], ["99999-03", "12/2025", 33]]:
        report.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = upload(tiny_warehouse, buffer.getvalue(), "bao_cao.xlsx")
    assert outcome.status == "accepted", outcome.errors
    assert "đã đọc trang tính «Báo cáo»" in outcome.document()["warnings"][0]["message"]
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {"ho_da_huong_dan": 33}
