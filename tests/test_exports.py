"""Every file the program writes keeps text as text: no formula cell in any workbook, every CSV field that a
spreadsheet would run starts with the neutralising apostrophe, and the Word report holds any name."""

import csv
import io
import tomllib
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from docx import Document

import exports
from etl import templates
from quarterly_report import build_quarterly_report, render_docx, render_xlsx
from settings import Settings
from tests import analysis_fixture as fixture
from tests import hostile, signin
from tests.conftest import ROOT
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

AFTER_Q4 = date(2026, 1, 5)


@pytest.fixture
def hostile_warehouse(warehouse_path: Path) -> Path:
    replace_communes(Warehouse.open(warehouse_path), hostile.tables())
    return warehouse_path


def workbook_cells(data: bytes) -> list:
    """Every cell of every sheet of the workbook."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_text_only_workbook(data: bytes, hostile_texts: set[str]) -> None:
    """No cell is a formula, each hostile text is a string cell holding exactly it, marked as text for Excel."""
    cells = workbook_cells(data)
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    # openpyxl reads a formula from the XML's <f> element: none may exist at all.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert not any(b"<f>" in archive.read(name) or b"<f " in archive.read(name)
                       for name in archive.namelist() if name.startswith("xl/worksheets/"))
    found = {cell.value: cell for cell in cells if isinstance(cell.value, str)}
    for text in hostile_texts:
        assert text in found, text
        assert found[text].data_type == "s" and found[text].quotePrefix, text


def assert_neutralised_csv(data: bytes, hostile_texts: set[str]) -> None:
    """Every field that looks like a formula starts with the apostrophe; each hostile text is there, neutralised."""
    assert data.startswith(b"\xef\xbb\xbf")
    fields = [field for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for field in row]
    assert [field for field in fields if exports.looks_like_formula(field)] == []
    for text in hostile_texts:
        assert "'" + text in fields, text


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+84 912", "'+84 912"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        (hostile.DDE, "'" + hostile.DDE),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("  =1+1", "'  =1+1"),
        ("＝1+1", "'＝1+1"),
        ("Thôn Đông", "Thôn Đông"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),
        (0.25, 0.25),
        (None, None),
    ],
)
def test_only_text_that_starts_like_a_formula_is_neutralised(cell, expected):
    assert exports.neutralise_cell(cell) == expected


def test_neutralising_a_table_keeps_numbers_and_the_original_unchanged():
    table = pd.DataFrame({"Ghi chú": ["=HYPERLINK(\"x\")", "bình thường"], "Số hộ": [-3, 120]})
    safe = exports.neutralise_formulas(table)
    assert safe["Ghi chú"].tolist() == ["'=HYPERLINK(\"x\")", "bình thường"]
    assert safe["Số hộ"].tolist() == [-3, 120]
    assert table["Ghi chú"][0].startswith("=")


def test_csv_export_has_a_bom_for_excel_and_neutralised_cells():
    data = exports.csv_bytes(pd.DataFrame({"Thôn": ["Thôn Đông", "@cmd"], "Tỷ lệ": ["72,5%", "-1"]}))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Thôn", "Tỷ lệ"], ["Thôn Đông", "72,5%"], ["'@cmd", "'-1"]]


def test_excel_export_keeps_vietnamese_text_exactly_and_writes_no_formula():
    data = exports.xlsx_bytes(pd.DataFrame({"Ghi chú": ["=1+1 cần kiểm tra", "Thôn Đông"], "Số hộ": [85, 90],
                                            "Ngày": [date(2025, 12, 15), None]}), "Báo cáo: quý IV/2025")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Báo cáo  quý IV 2025"
    assert [cell.value for cell in sheet[1]] == ["Ghi chú", "Số hộ", "Ngày"]
    assert (sheet["A2"].value, sheet["A2"].data_type, sheet["A2"].quotePrefix) == ("=1+1 cần kiểm tra", "s", True)
    assert (sheet["A3"].value, sheet["A3"].quotePrefix) == ("Thôn Đông", False)
    assert (sheet["B2"].value, sheet["C2"].value.date(), sheet["C3"].value) == (85, date(2025, 12, 15), None)


def test_text_a_word_document_cannot_hold_is_dropped():
    assert exports.document_text("Thôn\x0bĐông\x00 A\tB\n") == "ThônĐông A\tB\n"


@pytest.mark.parametrize("kind", ["monthly", "roster", "villages", "training"])
def test_every_template_keeps_hostile_names_as_text(hostile_warehouse, kind):
    con = Warehouse.open(hostile_warehouse)
    frame = templates.template_frame(con, kind, fixture.CODE, "2025-12" if kind == "monthly" else None)
    title = templates.template_title(kind, hostile.COMMUNE_NAME, None)
    names = {hostile.MEMBER_FORMULA, hostile.AT_FORMULA, hostile.DDE} if kind == "training" \
        else {hostile.VILLAGE_FORMULA, hostile.DDE}
    assert_text_only_workbook(templates.template_bytes(frame, title, "xlsx"), names)
    assert_neutralised_csv(templates.template_bytes(frame, title, "csv"), names)


def test_the_quarterly_annexes_keep_hostile_names_as_text_and_the_document_holds_them(hostile_warehouse):
    tables = hostile.tables()
    tables["villages"].loc[3, "name"] = "Thôn\x0b Bắc"  # a control character Excel files can carry
    replace_communes(Warehouse.open(hostile_warehouse), tables)
    report = build_quarterly_report(Warehouse.open(hostile_warehouse), fixture.CODE, "2025-Q4", Settings(),
                                    AFTER_Q4)
    assert_text_only_workbook(render_xlsx(report), {hostile.VILLAGE_FORMULA, hostile.DDE})
    document = Document(io.BytesIO(render_docx(report)))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert {hostile.VILLAGE_FORMULA, hostile.DDE, "Thôn Bắc"} <= cells


def test_page_downloads_keep_hostile_names_as_text(hostile_warehouse, monkeypatch, clicked_downloads):
    written: dict[str, list[bytes]] = {"csv_bytes": [], "xlsx_bytes": []}
    def recorded(make, files: list[bytes]):
        def recording(*arguments) -> bytes:
            files.append(make(*arguments))
            return files[-1]
        return recording

    for name, files in written.items():
        monkeypatch.setattr(exports, name, recorded(getattr(exports, name), files))
    signin.use_cheap_hashing(monkeypatch)
    signin.add_account(hostile_warehouse, "can-bo", "staff", [fixture.CODE])
    app = signin.sign_in(signin.open_app(hostile_warehouse, monkeypatch), "can-bo")
    for page in ("pages/village.py", "pages/training.py", "pages/reporting.py", "pages/trends.py", "pages/map.py"):
        app.switch_page(page).run()
        assert not app.exception, page
    assert len(written["csv_bytes"]) >= 10 and len(written["csv_bytes"]) == len(written["xlsx_bytes"])
    for data in written["csv_bytes"]:
        assert_neutralised_csv(data, set())
    for data in written["xlsx_bytes"]:
        assert_text_only_workbook(data, set())
    names = {hostile.VILLAGE_FORMULA, hostile.DDE, hostile.MEMBER_FORMULA}
    fields = {field for data in written["csv_bytes"] for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))
              for field in row}
    assert {"'" + name for name in names} <= fields
    cells = {cell.value: cell for data in written["xlsx_bytes"] for cell in workbook_cells(data)}
    assert all(cells[name].data_type == "s" and cells[name].quotePrefix for name in names)


def test_streamlits_own_table_toolbar_offers_no_download():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_registry_template_uploaded_as_downloaded_keeps_hostile_names(hostile_warehouse, file_format):
    from tests.upload_files import contents, upload

    con = Warehouse.open(hostile_warehouse)
    frame = templates.template_frame(con, "villages", fixture.CODE, None)
    data = templates.template_bytes(frame, templates.template_title("villages", "Xã", None), file_format)
    before = contents(hostile_warehouse)["villages"]
    outcome = upload(hostile_warehouse, data, f"danh_muc.{file_format}")
    assert (outcome.status, outcome.rows) == ("accepted", 4), outcome.errors
    assert contents(hostile_warehouse)["villages"] == before


def test_a_page_draws_its_download_buttons_without_writing_the_files(hostile_warehouse, monkeypatch):
    written = []
    for name in ("csv_bytes", "xlsx_bytes"):
        monkeypatch.setattr(exports, name, lambda *arguments, name=name: written.append(name) or b"")
    signin.use_cheap_hashing(monkeypatch)
    signin.add_account(hostile_warehouse, "can-bo", "staff", [fixture.CODE])
    app = signin.sign_in(signin.open_app(hostile_warehouse, monkeypatch), "can-bo")
    app.switch_page("pages/training.py").run()
    assert not app.exception
    assert len(app.get("download_button")) >= 4
    assert written == [], "a file is written only when its button is clicked"
