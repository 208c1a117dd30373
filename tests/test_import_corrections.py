"""Correcting a month already reported: the template holds what is stored, the file's changes are counted and shown,
and nothing stored is lowered or cleared without an explicit confirmation.

Thôn A reported December (85 guided, VNeID 70, online services 50, the app 30, 3 information sessions, dated
15/12/2025, with a note); Thôn B and C did not.
"""

import io
import json

import openpyxl
import pandas as pd
import pytest

from cli import main
from etl import templates
from etl.load import undo
from tests.upload_files import contents, csv_text, upload, values_of
from warehouse.database import Warehouse

A_DECEMBER = {"ho_da_huong_dan": 85, "ho_vneid": 70, "ho_dvc_truc_tuyen": 50, "ho_ung_dung_chinh_quyen": 30,
              "luot_tuyen_truyen": 3}
GUIDED = "Số hộ đã được Tổ hướng dẫn"


def template(warehouse, period: str = "2025-12") -> pd.DataFrame:
    return templates.template_frame(Warehouse.open(warehouse), "monthly", "99999", period)


def as_xlsx(frame: pd.DataFrame) -> bytes:
    return templates.template_bytes(frame, "Báo cáo tháng", "xlsx")


def report_row(warehouse, village: str, period: str = "2025-12") -> tuple | None:
    return Warehouse.open(warehouse).row(
        "SELECT reported_on, note FROM reports WHERE village_code = ? AND period = ?", [village, period])


def figures(warehouse) -> dict[str, list[tuple]]:
    """Every stored figure, report date and note (not which upload wrote them)."""
    db = Warehouse.open(warehouse)
    return {
        "reports": db.rows("SELECT village_code, period, reported_on, note FROM reports ORDER BY ALL"),
        "values": db.rows("SELECT * FROM report_values ORDER BY ALL"),
    }


def test_the_template_of_a_month_already_reported_holds_the_stored_figures_dates_and_notes(tiny_warehouse):
    frame = template(tiny_warehouse).set_index("Mã thôn")
    assert frame.loc["99999-01", GUIDED] == 85
    assert frame.loc["99999-01", "Số hộ có thành viên kích hoạt tài khoản VNeID mức 2"] == 70
    assert frame.loc["99999-01", "Ngày báo cáo"] == "15/12/2025"
    assert frame.loc["99999-01", "Ghi chú"] == "Đã hướng dẫn tại nhà văn hóa"
    assert frame.loc["99999-02", GUIDED] == "" and frame.loc["99999-02", "Ngày báo cáo"] == ""
    assert (frame["Kỳ báo cáo"] == "12/2025").all()
    # A month nobody reported gives an empty template.
    assert (template(tiny_warehouse, "2026-01")[GUIDED] == "").all()


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_pre_filled_template_uploaded_as_it_is_changes_no_figure_and_lists_the_villages_it_skips(
        tiny_warehouse, file_format):
    before = figures(tiny_warehouse)
    data = templates.template_bytes(template(tiny_warehouse), "Báo cáo tháng", file_format)
    outcome = upload(tiny_warehouse, data, f"mau.{file_format}")
    assert outcome.status == "accepted", outcome.errors
    assert outcome.rows == 1
    assert outcome.changes == {"new": 0, "raised": 0, "lowered": 0, "cleared": 0, "unchanged": 5}
    assert figures(tiny_warehouse) == before
    skipped = [warning for warning in outcome.warnings if warning.key == "import.warning.skipped_rows"]
    assert len(skipped) == 1 and skipped[0].row is None
    words = outcome.document()["warnings"][0]["message"]
    first = 5 if file_format == "xlsx" else 3  # the workbook has a title row and a blank row above the header
    assert "2 dòng không có số liệu nào" in words
    assert f"dòng {first} (99999-02), dòng {first + 1} (99999-03)" in words


def test_correcting_only_the_households_guided_keeps_every_other_figure_and_the_report_date(tiny_warehouse):
    frame = template(tiny_warehouse)
    frame[GUIDED] = [88, 150, 20]
    outcome = upload(tiny_warehouse, as_xlsx(frame), "sua_thang_12.xlsx")
    assert outcome.status == "accepted", outcome.errors
    assert outcome.changes == {"new": 2, "raised": 1, "lowered": 0, "cleared": 0, "unchanged": 4}
    assert values_of(tiny_warehouse, "99999-01", "2025-12") == {**A_DECEMBER, "ho_da_huong_dan": 88}
    assert report_row(tiny_warehouse, "99999-01") == (pd.Timestamp("2025-12-15").date(), "Đã hướng dẫn tại nhà văn hóa")
    # New reports without a date take the upload's, and the preview says so.
    assert report_row(tiny_warehouse, "99999-02")[0].isoformat() == "2025-12-20"
    words = " ".join(warning["message"] for warning in outcome.document()["warnings"])
    assert "ngày tải lên (20/12/2025)" in words and "dòng 5, 6" in words
    changed = outcome.changed_cells
    assert changed[["row", "village_code", "indicator_code", "old", "new", "change"]].values.tolist() == [
        [4, "99999-01", "ho_da_huong_dan", 85, 88, "raised"]]


def test_the_issues_correction_from_a_blank_template_is_refused_naming_every_figure_it_would_clear(tiny_warehouse):
    # The old blank template of December, with only the households guided filled in.
    rows = [["Mã thôn", "Kỳ báo cáo", "Ngày báo cáo", GUIDED, "ho_vneid", "ho_dvc_truc_tuyen",
             "ho_ung_dung_chinh_quyen", "luot_tuyen_truyen", "Ghi chú"],
            ["99999-01", "12/2025", "", "85", "", "", "", "", ""],
            ["99999-02", "12/2025", "", "150", "", "", "", "", ""]]
    before = contents(tiny_warehouse)
    outcome = upload(tiny_warehouse, csv_text(rows))
    assert outcome.status == "refused"
    assert [(error.row, error.column, error.key) for error in outcome.errors] == [
        (2, "ho_vneid", "import.error.clears_stored"), (2, "ho_dvc_truc_tuyen", "import.error.clears_stored"),
        (2, "ho_ung_dung_chinh_quyen", "import.error.clears_stored"),
        (2, "luot_tuyen_truyen", "import.error.clears_stored")]
    assert "70" in outcome.document()["errors"][0]["message"]
    assert "--allow-lower" in outcome.document()["errors"][0]["message"]
    assert outcome.changes == {"new": 1, "raised": 0, "lowered": 0, "cleared": 4, "unchanged": 1}
    assert contents(tiny_warehouse) == before


def test_lowering_or_clearing_a_stored_figure_needs_an_explicit_confirmation_and_undo_restores_it(tiny_warehouse):
    rows = [["Mã thôn", "Kỳ báo cáo", GUIDED, "ho_vneid"], ["99999-01", "12/2025", "80", ""]]
    before = contents(tiny_warehouse)
    refused = upload(tiny_warehouse, csv_text(rows), dry_run=True)
    assert [(error.row, error.column, error.key) for error in refused.errors] == [
        (2, GUIDED, "import.error.lowers_stored"), (2, "ho_vneid", "import.error.clears_stored")]
    assert "85" in refused.document()["errors"][0]["message"] and "80" in refused.document()["errors"][0]["message"]

    confirmed = upload(tiny_warehouse, csv_text(rows), allow_lower=True)
    assert confirmed.status == "accepted", confirmed.errors
    assert confirmed.changes == {"new": 0, "raised": 0, "lowered": 1, "cleared": 1, "unchanged": 0}
    assert values_of(tiny_warehouse, "99999-01", "2025-12") == {
        "ho_da_huong_dan": 80, "ho_dvc_truc_tuyen": 50, "ho_ung_dung_chinh_quyen": 30, "luot_tuyen_truyen": 3}
    undo(Warehouse.open(tiny_warehouse), confirmed.upload_id, "can_bo")
    assert contents(tiny_warehouse)["report_values"] == before["report_values"]
    assert contents(tiny_warehouse)["reports"] == before["reports"]


def test_a_report_date_in_the_file_replaces_the_stored_one_and_a_blank_one_keeps_it(tiny_warehouse):
    rows = [["Mã thôn", "Kỳ báo cáo", "Ngày báo cáo", GUIDED, "Ghi chú"], ["99999-01", "12/2025", "", "86", ""],
            ["99999-02", "11/2025", "18/11/2025", "95", "Sửa số liệu"]]
    outcome = upload(tiny_warehouse, csv_text(rows))
    assert outcome.status == "accepted", outcome.errors
    assert report_row(tiny_warehouse, "99999-01") == (pd.Timestamp("2025-12-15").date(), "Đã hướng dẫn tại nhà văn hóa")
    assert report_row(tiny_warehouse, "99999-02", "2025-11") == (pd.Timestamp("2025-11-18").date(), "Sửa số liệu")
    assert not [warning for warning in outcome.warnings if warning.key == "import.warning.upload_date_used"]


def test_a_file_of_rows_without_any_figure_is_refused_as_holding_nothing(tiny_warehouse):
    outcome = upload(tiny_warehouse, csv_text([["Mã thôn", "Kỳ báo cáo", GUIDED, "ho_vneid"],
                                               ["99999-01", "12/2025", "", ""], ["99999-02", "12/2025", "", ""]]))
    assert [error.key for error in outcome.errors] == ["import.error.no_values"]


def test_the_command_line_refuses_a_lowering_naming_the_cells_unless_allowed(tiny_warehouse, tmp_path, capsys):
    path = tmp_path / "sua.csv"
    path.write_text(csv_text([["Mã thôn", "Kỳ báo cáo", GUIDED], ["99999-01", "12/2025", "80"],
                              ["99999-03", "12/2025", "30"]]), encoding="utf-8")
    status = main(["import", str(path), "--db", str(tiny_warehouse), "--json"])
    document = json.loads(capsys.readouterr().out)["files"][0]
    assert status == 1 and document["status"] == "refused"
    assert document["changes"] == {"new": 1, "raised": 0, "lowered": 1, "cleared": 0, "unchanged": 0}
    assert [(error["row"], error["column"]) for error in document["errors"]] == [(2, GUIDED)]

    status = main(["import", str(path), "--db", str(tiny_warehouse)])
    out = capsys.readouterr().out
    assert status == 1 and "dòng 2, cột «Số hộ đã được Tổ hướng dẫn»" in out and "85" in out

    status = main(["import", str(path), "--db", str(tiny_warehouse), "--allow-lower"])
    out = capsys.readouterr().out
    assert status == 0
    assert "1 mới, 0 tăng, 1 giảm, 0 xóa, 0 không đổi" in out
    assert values_of(tiny_warehouse, "99999-01", "2025-12")["ho_da_huong_dan"] == 80


def test_reimporting_a_file_after_a_later_correction_restores_its_figures(tiny_warehouse):
    original = csv_text([["Mã thôn", "Kỳ báo cáo", GUIDED], ["99999-03", "12/2025", "30"]])
    first = upload(tiny_warehouse, original)
    upload(tiny_warehouse, csv_text([["Mã thôn", "Kỳ báo cáo", GUIDED], ["99999-03", "12/2025", "35"]]))
    again = upload(tiny_warehouse, original, allow_lower=True)
    assert again.status == "accepted" and again.upload_id != first.upload_id
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {"ho_da_huong_dan": 30}


def test_a_workbook_without_a_column_leaves_that_indicator_as_stored(tiny_warehouse):
    workbook = openpyxl.Workbook()
    for row in [["Mã thôn", "Kỳ báo cáo", GUIDED], ["99999-01", "12/2025", 90]]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = upload(tiny_warehouse, buffer.getvalue(), "chi_so_ho.xlsx")
    assert outcome.changes == {"new": 0, "raised": 1, "lowered": 0, "cleared": 0, "unchanged": 0}
    assert values_of(tiny_warehouse, "99999-01", "2025-12") == {**A_DECEMBER, "ho_da_huong_dan": 90}


def test_a_registry_lowering_households_or_clearing_population_needs_the_confirmation_too(tiny_warehouse):
    rows = [["Mã xã", "Mã thôn", "Tên thôn", "Số hộ", "Dân số"], ["99999", "99999-01", "Thôn A", "100", "380"],
            ["99999", "99999-02", "Thôn B", "195", ""], ["99999", "99999-03", "Thôn C", "55", "170"]]
    refused = upload(tiny_warehouse, csv_text(rows))
    assert [(error.row, error.column, error.key) for error in refused.errors] == [
        (3, "Số hộ", "import.error.lowers_stored"), (3, "Dân số", "import.error.clears_stored")]
    accepted = upload(tiny_warehouse, csv_text(rows), allow_lower=True)
    assert accepted.changes == {"new": 0, "raised": 1, "lowered": 1, "cleared": 1, "unchanged": 3}


def test_an_empty_required_cell_is_refused_once_not_also_as_clearing_the_stored_figure(tiny_warehouse):
    outcome = upload(tiny_warehouse, csv_text([["Mã thôn", "Kỳ báo cáo", GUIDED, "ho_vneid"],
                                               ["99999-01", "12/2025", "", "70"]]), dry_run=True)
    assert [(error.row, error.column, error.key) for error in outcome.errors] == [
        (2, GUIDED, "import.error.empty_cell")]
