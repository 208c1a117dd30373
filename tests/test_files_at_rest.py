"""Files at rest: the warehouse, raw uploads, snapshots and backups are readable by the server's user only, and raw
uploads are kept for CDS_RAW_UPLOAD_DAYS (undo does not need them)."""

import os
import time

from cli import main
from tests.upload_files import MONTHLY_HEADER, csv_text, upload, values_of
from warehouse import backup
from warehouse.database import Warehouse
from warehouse.write.uploads import undo_upload

MONTH = csv_text([MONTHLY_HEADER, ["99999-03", "12/2025", "11/12/2025", "40", "", "", ""]])
OTHER_VILLAGE = csv_text([MONTHLY_HEADER, ["99999-02", "12/2025", "11/12/2025", "150", "", "", ""]])


def mode(path) -> str:
    return oct(path.stat().st_mode & 0o777)


def stored_paths(warehouse) -> list:
    return [path for (path,) in Warehouse.open(warehouse).rows(
        "SELECT stored_path FROM uploads ORDER BY id")]


def test_the_warehouse_raw_uploads_snapshots_and_backups_are_readable_by_the_server_user_only(
        tiny_warehouse, tmp_path, capsys):
    assert upload(tiny_warehouse, MONTH).status == "accepted"
    uploads, snapshot = tiny_warehouse.parent / "uploads", backup.newest_snapshot(tiny_warehouse)
    assert main(["backup", "--out", str(tmp_path / "sao-luu"), "--db", str(tiny_warehouse)]) == 0
    folders = [uploads, snapshot, tmp_path / "sao-luu"]
    files = [tiny_warehouse, *uploads.iterdir(), *snapshot.iterdir(), *(tmp_path / "sao-luu").iterdir()]
    assert {str(path): mode(path) for path in folders} == {str(path): "0o700" for path in folders}
    assert {str(path): mode(path) for path in files} == {str(path): "0o600" for path in files}


def test_an_older_warehouse_file_open_to_everyone_is_made_private_when_opened(tmp_path):
    path = tmp_path / "cu.duckdb"
    Warehouse.open(path)
    Warehouse.close_all()
    os.chmod(path, 0o644)
    Warehouse.open(path)
    assert mode(path) == "0o600"


def test_raw_uploads_kept_open_to_everyone_by_an_older_version_are_made_private_at_the_next_upload(tiny_warehouse):
    folder = tiny_warehouse.parent / "uploads"
    folder.mkdir()
    older = folder / "0123abcd.csv"
    older.write_text("Mã thôn\n", encoding="utf-8")
    older.chmod(0o644)
    folder.chmod(0o755)
    assert upload(tiny_warehouse, MONTH).status == "accepted"
    assert (mode(folder), mode(older)) == ("0o700", "0o600")


def test_raw_uploads_are_removed_after_the_days_set_and_undo_still_works(tiny_warehouse, monkeypatch):
    monkeypatch.setenv("CDS_RAW_UPLOAD_DAYS", "30")
    first = upload(tiny_warehouse, MONTH)
    old_file = stored_paths(tiny_warehouse)[0]
    month_ago = time.time() - 31 * 24 * 3600
    os.utime(old_file, (month_ago, month_ago))
    second = upload(tiny_warehouse, OTHER_VILLAGE)
    assert not os.path.exists(old_file)
    assert stored_paths(tiny_warehouse)[0] is None, "no upload points to a removed file"
    assert os.path.exists(stored_paths(tiny_warehouse)[1])
    undo_upload(Warehouse.open(tiny_warehouse), first.upload_id, "lan")
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {}
    assert second.status == "accepted"


def test_uploading_the_same_file_again_keeps_its_copy_longer(tiny_warehouse, monkeypatch):
    monkeypatch.setenv("CDS_RAW_UPLOAD_DAYS", "30")
    upload(tiny_warehouse, MONTH)
    kept = stored_paths(tiny_warehouse)[0]
    undo_upload(Warehouse.open(tiny_warehouse), 1, "lan")
    month_ago = time.time() - 31 * 24 * 3600
    os.utime(kept, (month_ago, month_ago))
    assert upload(tiny_warehouse, MONTH).status == "accepted"
    assert os.path.exists(kept) and stored_paths(tiny_warehouse) == [kept, kept]


def test_raw_uploads_are_not_kept_when_the_setting_is_zero(tiny_warehouse, monkeypatch):
    monkeypatch.setenv("CDS_RAW_UPLOAD_DAYS", "0")
    assert upload(tiny_warehouse, MONTH).status == "accepted"
    assert stored_paths(tiny_warehouse) == [None]
    assert not list(tiny_warehouse.parent.glob("uploads/*"))
