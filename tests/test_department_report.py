"""The Department's quarterly summary of a province (.docx and .xlsx): its numbers are the city view's
(warehouse/city.py) for the hand-made city of tests/city_fixture.py, from the command line as from the query layer."""

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from docx import Document

from cli import main
from cli.exit_codes import EXIT_OK, EXIT_REFUSED, EXIT_USAGE
from quarterly_report import department
from quarterly_report.__main__ import main as templates_main
from settings import Settings
from tests import city_fixture
from warehouse import city
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes
from warehouse.write.registry import register_provinces

QUARTER = "2025-Q4"
TODAY = city_fixture.AFTER_DEADLINE
DEADLINE_DAY = Settings().report_deadline_day


@pytest.fixture
def city_warehouse(warehouse_path: Path) -> Path:
    db = Warehouse.open(warehouse_path)
    replace_communes(db, city_fixture.tables())
    register_provinces(db, pd.DataFrame([{"code": city_fixture.PROVINCE, "name": "Tỉnh Thử Nghiệm",
                                          "unit_type": "tinh"}]))
    return warehouse_path


def make(path: Path, language: str = "vi") -> tuple[department.CityReport, bytes, bytes]:
    report = department.build_city_report(Warehouse.open(path), city_fixture.PROVINCE, QUARTER, Settings(), TODAY)
    return report, department.render_city_docx(report, language), department.render_city_xlsx(report, language)


def document_text(content: bytes) -> tuple[str, list[list[list[str]]]]:
    document = Document(io.BytesIO(content))
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return "\n".join(paragraph.text for paragraph in document.paragraphs), tables


def sheet_rows(content: bytes, index: int) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[index]
    return [list(row) for row in sheet.iter_rows(min_row=3, values_only=True)]


def test_the_summary_is_issued_by_the_department_in_the_decrees_layout(city_warehouse):
    _, docx, _ = make(city_warehouse)
    text, tables = document_text(docx)
    letterhead = "\n".join(cell for row in tables[0] for cell in row)
    assert "UBND TỈNH THỬ NGHIỆM" in letterhead and "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in letterhead
    assert "Số: …/BC-SKHCN" in letterhead and "Thử Nghiệm, ngày 10 tháng 01 năm 2026" in letterhead
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in letterhead
    assert "BÁO CÁO" in text and "quý IV năm 2025" in text
    assert [line.split(".")[0] for line in text.splitlines() if line[:3] in ("I. ", "II.", "III", "IV.", "V. ")] == [
        "I", "II", "III", "IV", "V"]


def test_the_documents_numbers_are_the_city_views_for_the_quarter(city_warehouse):
    report, docx, xlsx = make(city_warehouse)
    table = city.commune_table(Warehouse.open(city_warehouse), city_fixture.PROVINCE, QUARTER, DEADLINE_DAY, TODAY)
    totals = city.city_totals(table)
    # Hand-worked (tests/city_fixture.py): for 2025-Q4 each village's latest month: 170 + 60 + 180 = 410 of 750.
    assert (totals.households_guided, totals.households, totals.communes_meeting_target) == (410, 750, 1)
    text, tables = document_text(docx)
    assert "Toàn tỉnh Thử Nghiệm có 5 xã, phường, đặc khu, trong đó 3 đơn vị" in text
    assert "hướng dẫn 410/750 hộ, bằng 54,7% tổng số hộ" in text
    assert "Có 1 đơn vị đạt mục tiêu; tỷ lệ trung vị của các đơn vị có số liệu là 60,0%." in text
    assert "Có 2 đơn vị gửi đúng hạn, 1 đơn vị gửi muộn hoặc chưa đủ, 2 đơn vị chưa gửi" in text
    assert "Đơn vị chưa gửi báo cáo: Đặc khu Cồn Cỏ, Xã Đông Hải." in text

    ranking = next(rows for rows in tables if rows[0][0] == "Hạng")
    expected = table[table["has_data"]]
    assert [row[1] for row in ranking[1:]] == expected["commune_name"].tolist()
    assert [row[0] for row in ranking[1:]] == [str(rank) for rank in expected["rank"]]
    assert [row[2] for row in ranking[1:]] == ["85,0%", "60,0%", "45,0%"]

    # The workbook: every commune with the same values, shares as fractions.
    rows = sheet_rows(xlsx, 0)
    assert [row[1] for row in rows[:-1]] == table["commune_name"].tolist()
    shares = {row[1]: row[6] for row in rows[:-1]}
    for row in table.itertuples():
        assert shares[row.commune_name] == (None if pd.isna(row.guided_share) else pytest.approx(row.guided_share))
    assert rows[-1][1] == "Tổng cộng" and rows[-1][4:7] == [750, 410, pytest.approx(410 / 750)]
    assert report.totals == totals


def test_the_annexes_list_the_communes_behind_and_those_not_reporting(city_warehouse):
    _, _, xlsx = make(city_warehouse)
    names = [sheet.title for sheet in openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets]
    assert names == ["PL1. Xếp hạng", "PL2. Chưa đạt mục tiêu", "PL3. Chưa báo cáo", "PL4. Dự báo"]
    behind = sheet_rows(xlsx, 1)
    # Lowest first; households short of 80 %: Bình Yên 320 − 180 = 140, Chợ Mới 80 − 60 = 20.
    assert [(row[1], row[3]) for row in behind] == [("Xã Bình Yên", 140), ("Phường Chợ Mới", 20)]
    assert [row[0] for row in sheet_rows(xlsx, 2)] == ["Đặc khu Cồn Cỏ", "Xã Đông Hải"]
    at_risk = [row[0] for row in sheet_rows(xlsx, 3) if row[4] == "Có"]
    assert at_risk == ["Đặc khu Cồn Cỏ", "Xã Bình Yên", "Phường Chợ Mới"]


def test_the_summary_is_written_by_the_command_line(city_warehouse, tmp_path, capsys):
    out = tmp_path / "bao-cao-so"
    status = main(["report", "--province", city_fixture.PROVINCE, "--quarter", QUARTER, "--db", str(city_warehouse),
                   "--out", str(out)])
    assert status == EXIT_OK
    assert "Đã tạo báo cáo quý IV năm 2025 của Tỉnh Thử Nghiệm" in capsys.readouterr().out
    text, _ = document_text((tmp_path / "bao-cao-so.docx").read_bytes())
    assert "hướng dẫn 410/750 hộ" in text
    assert sheet_rows((tmp_path / "bao-cao-so.xlsx").read_bytes(), 0)[0][1] == "Phường Ánh Sáng"


@pytest.mark.parametrize(("arguments", "status", "sentence"), [
    (["--province", "31", "--quarter", QUARTER], EXIT_REFUSED,
     "Kho dữ liệu chưa đăng ký tỉnh, thành phố mã 31; không tạo báo cáo (không ghi tệp nào)."),
    (["--province", city_fixture.PROVINCE, "--quarter", "2025-Q3"], EXIT_REFUSED,
     "Chưa xã, phường, đặc khu nào của Tỉnh Thử Nghiệm có báo cáo tháng trong quý III năm 2025"),
    (["--province", city_fixture.PROVINCE, "--quarter", "2025-13"], EXIT_USAGE, "Kỳ báo cáo 2025-13 không hợp lệ"),
])
def test_a_summary_that_cannot_be_made_is_refused_with_a_sentence_and_writes_nothing(
        city_warehouse, tmp_path, capsys, arguments, status, sentence):
    out = tmp_path / "out" / "so.docx"
    out.parent.mkdir()
    assert main(["report", *arguments, "--db", str(city_warehouse), "--out", str(out)]) == status
    assert sentence in capsys.readouterr().err
    assert list(out.parent.iterdir()) == []


def test_the_summary_can_be_written_in_english_with_the_same_numbers(city_warehouse):
    _, docx, _ = make(city_warehouse, "en")
    text, tables = document_text(docx)
    assert "DEPARTMENT OF SCIENCE AND TECHNOLOGY" in "\n".join(cell for row in tables[0] for cell in row)
    assert "guided 410 of 750 households, 54.7%" in text


def test_the_department_template_passes_its_check(tmp_path, capsys):
    assert templates_main(["check-template", str(department.CITY_REPORT.path("vi")), "--kind",
                           department.CITY_REPORT.stem, "--out", str(tmp_path / "thu.docx")]) == 0
    text, tables = document_text((tmp_path / "thu.docx").read_bytes())
    assert "[province_upper]" in "\n".join(cell for row in tables[0] for cell in row)


def test_a_demo_citys_summary_says_it_is_made_from_demo_data(city_warehouse):
    db = Warehouse.open(city_warehouse)
    with db.transaction() as cursor:
        cursor.execute("UPDATE communes SET is_demo = TRUE")
    _, docx, _ = make(city_warehouse)
    assert "DỮ LIỆU MINH HỌA" in document_text(docx)[0]
