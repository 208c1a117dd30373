import csv
import io

import openpyxl
import pandas as pd
import pytest

from ui.tables import csv_bytes, excel_bytes, neutralise_cell, neutralise_formulas


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+84 912", "'+84 912"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Thôn Đông", "Thôn Đông"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),
        (0.25, 0.25),
        (None, None),
    ],
)
def test_only_text_that_starts_like_a_formula_is_neutralised(cell, expected):
    assert neutralise_cell(cell) == expected


def test_neutralising_a_table_keeps_numbers_and_the_original_unchanged():
    table = pd.DataFrame({"Ghi chú": ["=HYPERLINK(\"x\")", "bình thường"], "Số hộ": [-3, 120]})
    safe = neutralise_formulas(table)
    assert safe["Ghi chú"].tolist() == ["'=HYPERLINK(\"x\")", "bình thường"]
    assert safe["Số hộ"].tolist() == [-3, 120]
    assert table["Ghi chú"][0].startswith("=")


def test_csv_export_has_a_bom_for_excel_and_neutralised_cells():
    data = csv_bytes(pd.DataFrame({"Thôn": ["Thôn Đông", "@cmd"], "Tỷ lệ": ["72,5%", "-1"]}))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Thôn", "Tỷ lệ"], ["Thôn Đông", "72,5%"], ["'@cmd", "'-1"]]


def test_excel_export_keeps_vietnamese_text_and_writes_no_formula():
    data = excel_bytes(pd.DataFrame({"Ghi chú": ["=1+1 cần kiểm tra"], "Số hộ": [85]}), "Báo cáo: quý IV/2025")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Báo cáo  quý IV 2025"
    assert [cell.value for cell in sheet[1]] == ["Ghi chú", "Số hộ"]
    assert sheet["A2"].value == "'=1+1 cần kiểm tra"
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 85
