"""Files built to exhaust the server are refused before they are parsed, with a sentence naming the limit and what
to do, and change nothing; the real national monthly file stays within the limits."""

import io

import openpyxl
import pytest

from cli import main
from etl.load import message
from etl.read import DEFAULT_LIMITS, ReadRefused, read_grid, read_sheets
from settings import SettingsError, UploadLimits, load_settings
from tests import hostile_files
from tests.test_upload_page import choose_file, open_upload_page
from tests.upload_files import MONTHLY_HEADER, contents, csv_text, upload, xls, xlsx


@pytest.fixture(scope="module")
def shared_string_bomb() -> bytes:
    return hostile_files.shared_string_bomb()


def refusal(data: bytes, name: str, limits: UploadLimits = DEFAULT_LIMITS) -> ReadRefused:
    with pytest.raises(ReadRefused) as refused:
        list(read_sheets(data, name, limits))
    return refused.value


def test_a_line_of_200000_commas_is_refused_for_its_columns_and_changes_nothing(tiny_warehouse):
    data = hostile_files.comma_line_csv()
    assert 190_000 < len(data) < 210_000
    before = contents(tiny_warehouse)
    outcome = upload(tiny_warehouse, data, "bom.csv")
    assert outcome.status == "refused"
    assert [(error.key, error.values["row"], error.values["found"]) for error in outcome.errors] == [
        ("import.limit.columns", 2, 200_001)]
    assert message(outcome.errors[0]) == (
        "Dòng 2 có 200.001 cột, nhiều hơn giới hạn 200 cột. Hãy kiểm tra dấu phân cách (dấu phẩy hoặc chấm phẩy), "
        "xóa các cột thừa rồi tải lên lại.")
    assert contents(tiny_warehouse) == before


def test_an_xlsx_holding_a_300_mb_shared_string_is_refused_for_its_cell(shared_string_bomb):
    assert len(shared_string_bomb) < 400_000
    refused = refusal(shared_string_bomb, "bom.xlsx")
    assert (refused.key, refused.values["limit"]) == ("import.limit.cell_in_workbook", 5_000)


def test_an_xlsx_declaring_every_cell_of_a_sheet_is_refused_for_its_dimension():
    data = hostile_files.dimension_bomb()
    assert len(data) < 5_000
    refused = refusal(data, "bom.xlsx")
    assert refused.key == "import.limit.dimension"
    assert (refused.values["range"], refused.values["rows"], refused.values["columns"]) == (
        "A1:XFD1048576", 1_048_576, 16_384)
    assert "1.048.576 dòng × 16.384 cột" in message(_problem(refused))


def test_a_zip_bomb_is_refused_from_its_directory_without_unpacking():
    data = hostile_files.zip_bomb()
    assert len(data) < 200_000
    refused = refusal(data, "bom.xlsx")
    assert (refused.key, refused.values["size"], refused.values["limit"]) == ("import.limit.unpacked", 10_001, 500)


def test_a_hand_made_workbook_within_the_limits_is_read():
    grid = read_grid(hostile_files.workbook(), "nho.xlsx")
    assert grid.cells.iloc[0, 0] == "Mã thôn"


@pytest.mark.parametrize(("width", "refused"), [(200, False), (201, True)])
def test_columns_are_counted_against_the_limit(width, refused):
    rows = [MONTHLY_HEADER + [f"Cột {number}" for number in range(width - len(MONTHLY_HEADER))]]
    for data, name in ((csv_text(rows).encode(), "rong.csv"), (xlsx(rows), "rong.xlsx"), (xls(rows), "rong.xls")):
        if refused:
            assert refusal(data, name).key in ("import.limit.columns", "import.limit.dimension"), name
        else:
            assert read_grid(data, name).cells.shape[1] == width, name


@pytest.mark.parametrize("name", ["dai.csv", "dai.xlsx", "dai.xls"])
def test_a_cell_longer_than_the_limit_is_refused_at_its_row(name):
    rows = [MONTHLY_HEADER, ["99999-01", "12/2025", "11/12/2025", "40", "", "", "x" * 5_001]]
    data = {"csv": csv_text(rows).encode(), "xlsx": xlsx(rows), "xls": xls(rows)}[name.split(".")[1]]
    refused = refusal(data, name)
    assert (refused.key, refused.values["row"], refused.values["found"]) == ("import.limit.cell", 2, 5_001)
    rows[1][-1] = "x" * 5_000
    data = {"csv": csv_text(rows).encode(), "xlsx": xlsx(rows), "xls": xls(rows)}[name.split(".")[1]]
    assert read_grid(data, name).cells.iloc[1, 6] == "x" * 5_000


@pytest.mark.parametrize("name", ["dai.csv", "dai.xlsx", "dai.xls"])
def test_rows_beyond_the_limit_are_refused(name):
    rows = [MONTHLY_HEADER] + [["99999-01", "12/2025", "", "1", "", "", ""]] * 150
    data = {"csv": csv_text(rows).encode(), "xlsx": xlsx(rows), "xls": xls(rows)}[name.split(".")[1]]
    assert refusal(data, name, UploadLimits(rows=100)).key in ("import.limit.rows", "import.limit.dimension")
    assert len(read_grid(data, name, UploadLimits(rows=151)).cells) == 151


def test_a_workbook_with_more_sheets_than_the_limit_is_refused():
    workbook = openpyxl.Workbook()
    for number in range(3):
        workbook.create_sheet(f"Trang {number}")["A1"] = "Mã thôn"
    buffer = io.BytesIO()
    workbook.save(buffer)
    refused = refusal(buffer.getvalue(), "nhieu.xlsx", UploadLimits(sheets=3))
    assert (refused.key, refused.values["found"]) == ("import.limit.sheets", 4)


def test_a_file_larger_than_the_limit_is_refused_from_its_size(tiny_warehouse, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CDS_UPLOAD_MAX_MB", "1")
    big = tmp_path / "lon.csv"
    big.write_bytes(csv_text([MONTHLY_HEADER]).encode() + b"99999-01,12/2025,,1,,,\n" * 60_000)
    assert main(["import", str(big), "--db", str(tiny_warehouse)]) == 1
    out = capsys.readouterr().out
    assert "Tệp lớn 2 MB, vượt giới hạn 1 MB cho một lần tải lên." in out
    assert main(["import", str(big), "--db", str(tiny_warehouse), "--lang", "en"]) == 1
    assert "The file is 2 MB, over the 1 MB limit for one upload." in capsys.readouterr().out


def test_the_upload_page_refuses_a_bomb_with_the_limit_in_words(tiny_warehouse, monkeypatch):
    app = choose_file(open_upload_page(tiny_warehouse, monkeypatch), "bom.csv", hostile_files.comma_line_csv())
    assert not app.exception
    assert "Tệp bom.csv chưa nạp được: có 1 lỗi" in app.error[0].value
    problems = app.dataframe[0].value
    assert "nhiều hơn giới hạn 200 cột" in problems["Cần sửa gì"].iloc[0]
    assert not [found for found in app.button if found.label == "Xác nhận nạp dữ liệu"]


def test_the_national_monthly_file_is_within_the_default_limits():
    header = MONTHLY_HEADER + [f"Chỉ tiêu {number}" for number in range(13)]
    row = ",".join(["00001-01", "10/2025", "10/10/2025"] + ["1.234"] * (len(header) - 3))
    data = (",".join(header) + "\n" + "\n".join([row] * 100_000) + "\n").encode()
    assert read_grid(data, "toan_quoc.csv").cells.shape == (100_001, 20)


def test_the_limits_are_settings_with_defaults_and_checked_values():
    assert load_settings({}).upload_limits == UploadLimits(megabytes=50, rows=500_000, columns=200,
                                                           cell_characters=5_000, sheets=30, unpacked_megabytes=500)
    chosen = load_settings({"CDS_UPLOAD_MAX_MB": "20", "CDS_UPLOAD_MAX_ROWS": "1000", "CDS_UPLOAD_MAX_COLUMNS": "50",
                            "CDS_UPLOAD_MAX_CELL_CHARS": "200", "CDS_UPLOAD_MAX_SHEETS": "2",
                            "CDS_UPLOAD_MAX_UNPACKED_MB": "100"}).upload_limits
    assert chosen == UploadLimits(20, 1000, 50, 200, 2, 100)
    with pytest.raises(SettingsError, match="CDS_UPLOAD_MAX_COLUMNS"):
        load_settings({"CDS_UPLOAD_MAX_COLUMNS": "5"})


def _problem(refused: ReadRefused):
    from etl.validate import Problem

    return Problem(None, None, refused.key, refused.values)


def test_a_file_read_in_a_process_of_its_own_gives_the_same_sheets_and_refusals():
    from etl.read import read_sheets_elsewhere

    data = xlsx([MONTHLY_HEADER, ["99999-01", "12/2025", "11/12/2025", "40", "", "", "Đã họp"]])
    elsewhere, here = read_sheets_elsewhere(data, "a.xlsx"), list(read_sheets(data, "a.xlsx"))
    assert [(grid.cells.values.tolist(), list(grid.row_numbers), grid.sheet) for grid in elsewhere] == [
        (grid.cells.values.tolist(), list(grid.row_numbers), grid.sheet) for grid in here]
    with pytest.raises(ReadRefused) as refused:
        read_sheets_elsewhere(hostile_files.dimension_bomb(), "bom.xlsx")
    assert (refused.value.key, refused.value.values["range"]) == ("import.limit.dimension", "A1:XFD1048576")
