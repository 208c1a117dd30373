"""The quarterly report and the analysis pages show the same numbers: both come from warehouse/analysis.py."""

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from etl import demo
from quarterly_report import build_quarterly_report, render_docx, render_xlsx
from settings import Settings
from tests import analysis_fixture
from warehouse import analysis
from warehouse.codes import ON_TIME
from warehouse.database import Warehouse
from warehouse.periods import quarter_of
from warehouse.write.communes import replace_communes

TODAY = date(2026, 1, 10)
DEADLINE_DAY = Settings().report_deadline_day
PROJECTION_SHEET, TRAINING_SHEET, TEAM_SHEET = "PL8. Dự báo đến 31-12", "PL3. Tập huấn", "PL4. Tập huấn theo tổ"
PROJECTED_SHARE = "Dự báo tỷ lệ đến 31/12/2025"


@pytest.fixture
def analysis_commune(warehouse_path: Path) -> tuple[Path, str]:
    """The analysis pages' hand-made commune, whose answers are worked out in tests/analysis_fixture.py."""
    replace_communes(Warehouse.open(warehouse_path), analysis_fixture.tables())
    return warehouse_path, analysis_fixture.CODE


@pytest.fixture(params=["demo", "analysis"])
def commune(request, warehouse_path: Path) -> tuple[Path, str]:
    """The demo commune and the analysis pages' hand-made commune, each in its own warehouse."""
    if request.param == "demo":
        replace_communes(Warehouse.open(warehouse_path), demo.generate())
        return warehouse_path, demo.COMMUNE_CODE
    return request.getfixturevalue("analysis_commune")


def report_files(path: Path, code: str, quarter: str = "2025-Q4"):
    report = build_quarterly_report(Warehouse.open(path), code, quarter, Settings(), TODAY)
    return (report, Document(io.BytesIO(render_docx(report))),
            openpyxl.load_workbook(io.BytesIO(render_xlsx(report))))


def sheet_column(sheet, header: str) -> dict[str, object]:
    """The first column's value → the value under `header`, for every data row (not the totals row)."""
    position = [cell.value for cell in sheet[2]].index(header)
    return {row[0].value: row[position].value for row in sheet.iter_rows(min_row=3) if row[0].value != "Tổng cộng"}


def test_the_reports_villages_at_risk_and_their_projection_are_the_trends_pages(commune):
    path, code = commune
    page = analysis.projected_coverage(Warehouse.open(path), code)
    page_at_risk = page[page["at_risk"]]
    report, document, workbook = report_files(path, code)

    assert sorted(report.villages_at_risk["village_name"]) == sorted(page_at_risk["village_name"])
    at_risk_table = next(table for table in document.tables
                         if PROJECTED_SHARE in [cell.text for cell in table.rows[0].cells])
    assert sorted(row.cells[0].text for row in at_risk_table.rows[1:]) == sorted(page_at_risk["village_name"])
    assert f"có {len(page_at_risk)} thôn có nguy cơ" in "\n".join(paragraph.text for paragraph in document.paragraphs)
    projected = sheet_column(workbook[PROJECTION_SHEET], PROJECTED_SHARE)
    assert projected == pytest.approx(dict(zip(page["village_name"], page["coverage"], strict=True)))


def test_the_analysis_communes_at_risk_villages_are_the_hand_worked_ones(analysis_commune):
    path, code = analysis_commune
    report, _, _ = report_files(path, code)
    # Đông 90% on track; Tây 50%, Nam 26%, Bắc (never reports) 0% at risk: the fixture's own worked answers.
    assert report.villages_at_risk["village_name"].tolist() == ["Thôn Bắc", "Thôn Nam", "Thôn Tây"]
    assert report.villages_at_risk["coverage"].tolist() == pytest.approx([0, 0.26, 0.5])


def test_the_reports_training_attendance_is_the_training_pages(commune):
    path, code = commune
    con = Warehouse.open(path)
    sessions = analysis.training_attendance_by_session(con, code)
    teams = analysis.training_attendance_by_team(con, code)
    _, _, workbook = report_files(path, code)

    in_q4 = sessions[sessions["held_on"].astype(str) >= "2025-10-01"]
    shown = sheet_column(workbook[TRAINING_SHEET], "Tỷ lệ tham dự")
    assert len(shown) == len(in_q4) > 0
    assert list(shown.values()) == pytest.approx(in_q4["rate"].tolist())
    by_team = sheet_column(workbook[TEAM_SHEET], "Tỷ lệ tham dự")
    assert by_team == pytest.approx(dict(zip(teams["village_name"], teams["rate"], strict=True)))


def test_the_reports_never_trained_count_is_the_training_pages(commune):
    path, code = commune
    never = analysis.members_never_trained(Warehouse.open(path), code)
    _, document, _ = report_files(path, code)
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    if never.empty:
        assert "mọi thành viên các Tổ đã dự ít nhất một buổi tập huấn" in text
    else:
        assert f"có {len(never)} thành viên chưa dự buổi tập huấn nào" in text


def test_the_analysis_communes_training_figures_are_the_hand_worked_ones(analysis_commune):
    path, code = analysis_commune
    _, document, workbook = report_files(path, code)
    # Q4 holds session 2 only: 3 of the commune's 7 members; teams over both sessions: Đông 3/6, Tây 2/4, Nam 2/2,
    # Bắc 0/2; never trained: one member of Đông and one of Bắc.
    assert list(sheet_column(workbook[TRAINING_SHEET], "Tỷ lệ tham dự").values()) == pytest.approx([3 / 7])
    assert sheet_column(workbook[TEAM_SHEET], "Tỷ lệ tham dự") == pytest.approx(
        {"Thôn Bắc": 0, "Thôn Đông": 0.5, "Thôn Nam": 1, "Thôn Tây": 0.5})
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "có 2 thành viên chưa dự buổi tập huấn nào (theo thôn: Thôn Bắc 1, Thôn Đông 1)" in text


def test_the_reports_on_time_count_is_the_reporting_pages(commune):
    path, code = commune
    rates = analysis.reporting_rates(Warehouse.open(path), code, DEADLINE_DAY, TODAY).set_index("period")
    # The latest quarter whose last month the Reporting page shows (demo: Q4; analysis fixture: Q3, as no village
    # has reported December there).
    last_month = rates.index[rates["closes_quarter"]].max()
    report, document, _ = report_files(path, code, quarter_of(last_month))

    assert report.timeliness_counts[ON_TIME] == rates.loc[last_month, "on_time"]
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert f"Có {rates.loc[last_month, 'on_time']} thôn gửi đúng hạn" in text
    page_rate = f"{rates.loc[last_month, 'timeliness'] * 100:.1f}".replace(".", ",") + "%"
    assert f"(như trang Tiến độ báo cáo): {page_rate}." in text


def test_the_analysis_communes_september_reports_are_the_hand_worked_ones(analysis_commune):
    path, code = analysis_commune
    report, _, _ = report_files(path, code, "2025-Q3")
    # September closes Q3 (due 15/9): Đông 14/9 and Tây 15/9 on time, Nam 16/9 late, Bắc missing; 2 of 4 = 50%.
    assert report.timeliness_counts == {"on_time": 2, "late": 1, "missing": 1, "not_due": 0}
    assert report.timeliness_rate == pytest.approx(0.5)


def test_without_a_reporting_page_column_for_the_quarters_last_month_the_report_states_no_rate(analysis_commune):
    path, code = analysis_commune
    report, document, _ = report_files(path, code, "2025-Q4")
    # No village reported December, so the Reporting page has no December column and no rate to repeat.
    assert report.timeliness_rate is None
    assert "Tiến độ báo cáo" not in "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert report.timeliness_counts == {"on_time": 0, "late": 0, "missing": 4, "not_due": 0}
