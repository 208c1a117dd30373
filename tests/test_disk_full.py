"""A full disk: the upload is refused with a sentence, nothing changes, no truncated copy of the file is left or
referenced, and the error handler itself needs no disk; refusals leave no conversion traceback in the server log."""

import errno
import logging
from pathlib import Path

import pytest

from cli import main
from tests.test_upload_page import button, choose_file, open_upload_page
from tests.upload_files import MONTHLY_HEADER, contents, csv_text, upload, values_of
from warehouse.database import Warehouse
from warehouse.write import uploads as upload_writes
from warehouse.write.uploads import undo_upload

MONTH = csv_text([MONTHLY_HEADER, ["99999-03", "12/2025", "11/12/2025", "40", "", "", ""]])
FULL = OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def full_disk(monkeypatch):
    """Every file written with Path.write_bytes gets half its bytes, then the disk is full."""

    def write_half(path: Path, data: bytes) -> int:
        with open(path, "wb") as file:
            file.write(data[: len(data) // 2])
        raise FULL

    monkeypatch.setattr(Path, "write_bytes", write_half)


def uploads_folder(warehouse: Path) -> list[str]:
    folder = warehouse.parent / "uploads"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_a_full_disk_refuses_the_upload_with_a_sentence_and_leaves_no_copy(tiny_warehouse, full_disk):
    before = contents(tiny_warehouse)
    outcome = upload(tiny_warehouse, MONTH)
    assert outcome.status == "refused"
    assert [problem.key for problem in outcome.errors] == ["storage.disk_full"]
    assert uploads_folder(tiny_warehouse) == [], "no truncated copy is left behind"
    assert contents(tiny_warehouse) == before


def test_a_full_disk_while_the_warehouse_writes_removes_the_copy_just_kept(tiny_warehouse, monkeypatch):
    def disk_full(*args, **kwargs):
        raise FULL

    monkeypatch.setattr(upload_writes, "load_upload", disk_full)
    outcome = upload(tiny_warehouse, MONTH)
    assert [problem.key for problem in outcome.errors] == ["storage.disk_full"]
    assert uploads_folder(tiny_warehouse) == []


def test_a_truncated_copy_from_an_earlier_full_disk_is_never_pointed_to(tiny_warehouse):
    assert upload(tiny_warehouse, MONTH).status == "accepted"
    kept = tiny_warehouse.parent / "uploads" / uploads_folder(tiny_warehouse)[0]
    undo_upload(Warehouse.open(tiny_warehouse), 1, "lan")
    kept.write_bytes(MONTH.encode()[:20])  # as an older version left it after a full disk
    assert upload(tiny_warehouse, MONTH).status == "accepted"
    assert kept.read_bytes() == MONTH.encode()


def test_the_command_line_says_the_disk_is_full_without_a_traceback(tiny_warehouse, tmp_path, full_disk, capsys):
    path = tmp_path / "thang12.csv"
    with open(path, "w", encoding="utf-8") as file:
        file.write(MONTH)
    assert main(["import", str(path), "--db", str(tiny_warehouse)]) == 1
    printed = capsys.readouterr()
    assert "Ổ đĩa chứa kho dữ liệu" in printed.out and "đã đầy" in printed.out
    assert "Traceback" not in printed.out + printed.err


def test_an_unexpected_error_is_told_even_when_its_log_cannot_be_written(tiny_warehouse, monkeypatch, capsys):
    from cli import uploads as upload_commands

    def broken(arguments):
        raise RuntimeError("bug")

    real_open = Path.open

    def no_log(path, *args, **kwargs):
        if path.name == "etl-errors.log":
            raise FULL
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(upload_commands, "_uploads", broken)
    monkeypatch.setattr(Path, "open", no_log)
    assert main(["uploads", "--db", str(tiny_warehouse)]) == 1
    printed = capsys.readouterr()
    assert "không ghi được nhật ký lỗi" in printed.err
    assert "Traceback" not in printed.out + printed.err


def test_the_upload_page_says_the_disk_is_full(tiny_warehouse, monkeypatch):
    app = choose_file(open_upload_page(tiny_warehouse, monkeypatch), "thang12.csv", MONTH.encode())
    monkeypatch.setattr(Path, "write_bytes", lambda path, data: (_ for _ in ()).throw(FULL))
    button(app, "Xác nhận nạp dữ liệu").click()
    app.run()
    assert not app.exception
    assert "chưa nạp được" in app.error[0].value
    problems = next(table.value for table in app.dataframe if "Cần sửa gì" in table.value)
    assert "đã đầy" in problems["Cần sửa gì"].iloc[0]
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {}


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_refused_file_shows_its_problems_without_a_conversion_traceback_in_the_server_log(tiny_warehouse,
                                                                                           monkeypatch):
    # No report date column (a problem of no row) and an unknown village (a problem of row 2).
    header = [column for column in MONTHLY_HEADER if column != "Ngày báo cáo"]
    refused = csv_text([header, ["Thôn Cc", "12/2025", "40", "", "", ""]]).encode()
    records = Records()
    logger = logging.getLogger("streamlit")
    monkeypatch.setattr(logger, "level", logging.DEBUG)
    logger.addHandler(records)
    try:
        app = choose_file(open_upload_page(tiny_warehouse, monkeypatch), "loi.csv", refused)
    finally:
        logger.removeHandler(records)
    assert not app.exception
    assert app.dataframe[0].value["Dòng"].tolist()[:1] == [2]
    assert [record.getMessage() for record in records.records if record.exc_info] == []
