"""While the dashboard has the warehouse open, commands that only read still work (from a copy, and say so) and
commands that write are refused with a sentence; inside the server, two uploads at once are loaded one after the
other, never failing with an error."""

import threading
import time

import pytest

from cli import main
from tests import signin, tiny_commune
from tests.other_process import held_by_another_process
from tests.test_upload_page import GOOD, button, choose_file, open_upload_page
from tests.upload_files import MONTHLY_HEADER, csv_text, upload, values_of
from warehouse import backup, files
from warehouse.database import Warehouse
from warehouse.write import tables
from warehouse.write.uploads import undo_upload

MONTH = csv_text([MONTHLY_HEADER, ["99999-03", "12/2025", "11/12/2025", "40", "", "", ""]])
LATER = MONTH.replace(",40,", ",45,")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def loaded_warehouse(tiny_warehouse):
    assert upload(tiny_warehouse, MONTH).status == "accepted"
    signin.add_account(tiny_warehouse, "lan.vhxh", "staff", [tiny_commune.CODE])
    return tiny_warehouse


def test_reading_commands_work_while_the_dashboard_holds_the_warehouse_and_say_they_read_a_copy(
        loaded_warehouse, tmp_path, capsys):
    db = ["--db", str(loaded_warehouse)]
    with held_by_another_process(loaded_warehouse, write=True) as before:
        status, out, error = run(capsys, "uploads", "--json", *db)
        assert status == 0 and '"file_name": "bao_cao.csv"' in out
        assert "đọc từ một bản sao chụp lúc" in error
        status, out, _ = run(capsys, "users", "list", *db)
        assert status == 0 and "lan.vhxh" in out
        status, _, _ = run(capsys, "template", "monthly", "--commune", tiny_commune.CODE, "--period", "2025-12",
                           "--out", str(tmp_path / "mau.xlsx"), *db)
        assert status == 0 and (tmp_path / "mau.xlsx").stat().st_size > 0
        status, _, _ = run(capsys, "report", "--commune", tiny_commune.CODE, "--quarter", "2025-Q4",
                           "--out", str(tmp_path / "bao_cao.docx"), *db)
        assert status == 0 and (tmp_path / "bao_cao.xlsx").exists()
        (tmp_path / "thang12.csv").write_text(LATER, encoding="utf-8")
        status, _, error = run(capsys, "import", str(tmp_path / "thang12.csv"), "--dry-run", *db)
        assert status == 0 and "bản sao" in error
    assert backup.fingerprints(Warehouse.open(loaded_warehouse)) | {"audit_log": None} == before | {
        "audit_log": None}, "reading changed nothing"
    assert not list(loaded_warehouse.parent.glob(".read-copy-*")), "the copies are removed"


@pytest.mark.parametrize("command", [
    ["import", "{file}"], ["undo", "1"], ["users", "remove", "--username", "lan.vhxh"], ["demo"],
])
def test_writing_commands_are_refused_in_vietnamese_while_the_dashboard_holds_the_warehouse(
        loaded_warehouse, tmp_path, capsys, command):
    (tmp_path / "thang12.csv").write_text(LATER, encoding="utf-8")
    argv = [part.format(file=tmp_path / "thang12.csv") for part in command]
    with held_by_another_process(loaded_warehouse) as before:
        status, out, error = run(capsys, *argv, "--db", str(loaded_warehouse))
    assert status == 1
    assert "đang mở kho dữ liệu" in error + out and "dừng bảng điều khiển rồi chạy lại lệnh" in error + out
    assert "lock" not in (error + out).lower() and "IO Error" not in error + out
    assert backup.fingerprints(Warehouse.open(loaded_warehouse)) == before


def slow_loads(monkeypatch) -> threading.Event:
    """Make each load stay a moment inside its transaction; the event is set when the first one is inside."""
    inside = threading.Event()
    insert = tables.insert

    def slow_insert(cursor, table, frame):
        if table == "uploads":
            inside.set()
            time.sleep(0.5)
        insert(cursor, table, frame)

    monkeypatch.setattr(tables, "insert", slow_insert)
    return inside


def upload_both_at_once(warehouse, first: str, second: str, inside: threading.Event) -> list:
    outcomes = [None, None]

    def load(position: int, text: str) -> None:
        outcomes[position] = upload(warehouse, text, name=f"tep{position}.csv")

    threads = [threading.Thread(target=load, args=(0, first)), threading.Thread(target=load, args=(1, second))]
    threads[0].start()
    assert inside.wait(timeout=30)
    threads[1].start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_uploads_at_once_are_loaded_one_after_the_other(tiny_warehouse, monkeypatch):
    first, second = upload_both_at_once(tiny_warehouse, MONTH, LATER, slow_loads(monkeypatch))
    assert [first.status, second.status] == ["accepted", "accepted"]
    assert [first.upload_id, second.upload_id] == [1, 2]
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {"ho_da_huong_dan": 45}
    undo_upload(Warehouse.open(tiny_warehouse), second.upload_id, "lan")
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {"ho_da_huong_dan": 40}


def test_the_same_file_uploaded_twice_at_once_is_loaded_once(tiny_warehouse, monkeypatch):
    first, second = upload_both_at_once(tiny_warehouse, MONTH, MONTH, slow_loads(monkeypatch))
    assert [first.status, second.status] == ["accepted", "unchanged"]
    assert second.upload_id == first.upload_id
    uploads = Warehouse.open(tiny_warehouse).scalar("SELECT count(*) FROM uploads")
    assert uploads == 1


def test_an_upload_that_waits_too_long_for_another_is_refused_with_a_sentence(tiny_warehouse, monkeypatch):
    app = choose_file(open_upload_page(tiny_warehouse, monkeypatch), "thang12.csv", GOOD)
    monkeypatch.setattr(files, "WRITE_WAIT_SECONDS", 0.3)
    holding, release = threading.Event(), threading.Event()

    def someone_else_uploading() -> None:
        with files.writing(tiny_warehouse):
            holding.set()
            release.wait(timeout=60)

    other = threading.Thread(target=someone_else_uploading)
    other.start()
    try:
        assert holding.wait(timeout=30)
        button(app, "Xác nhận nạp dữ liệu").click()
        app.run()
    finally:
        release.set()
        other.join()
    assert not app.exception
    assert any("chưa xong sau thời gian chờ" in found.value for found in app.error)
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {}
