"""Backups and restore (`python -m etl backup|restore`), the automatic snapshots before uploads and undos, and what
the command line and the dashboard say about a damaged warehouse."""

import json
import os

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from cli import main
from tests import tiny_commune
from tests.conftest import ROOT
from tests.other_process import held_by_another_process
from tests.upload_files import MONTHLY_HEADER, csv_text, upload, values_of
from warehouse import accounts, backup
from warehouse.database import Warehouse
from warehouse.write import audit
from warehouse.write.uploads import undo_upload

MONTH = csv_text([MONTHLY_HEADER, ["99999-03", "12/2025", "11/12/2025", "40", "", "", ""]])
LATER = MONTH.replace(",40,", ",45,")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def table_fingerprints(warehouse) -> dict[str, list]:
    return backup.fingerprints(Warehouse.open(warehouse))


def truncate_to_half(path) -> None:
    Warehouse.close_all()
    os.truncate(path, path.stat().st_size // 2)


@pytest.fixture
def loaded_warehouse(tiny_warehouse):
    """The tiny commune with one upload in force, so that upload history and replaced rows are not empty."""
    assert upload(tiny_warehouse, MONTH).status == "accepted"
    assert upload(tiny_warehouse, LATER).status == "accepted"
    return tiny_warehouse


def test_backup_damage_restore_gives_every_table_back_its_fingerprint(loaded_warehouse, tmp_path, capsys):
    original = table_fingerprints(loaded_warehouse)
    out = tmp_path / "sao-luu"
    status, printed, _ = run(capsys, "backup", "--out", str(out), "--db", str(loaded_warehouse))
    assert status == 0
    assert f"python -m etl restore {out} --db {loaded_warehouse} --force" in printed
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["tables"] == original
    assert accounts.audit_log(Warehouse.open(loaded_warehouse))["action"].iloc[0] == "backup"

    truncate_to_half(loaded_warehouse)
    status, _, error = run(capsys, "uploads", "--db", str(loaded_warehouse))
    assert status == 1 and "bị hỏng" in error and "Traceback" not in error

    status, _, error = run(capsys, "restore", str(out), "--db", str(loaded_warehouse))
    assert status == 1 and "--force" in error, "an existing warehouse is replaced only with --force"
    status, printed, _ = run(capsys, "restore", str(out), "--db", str(loaded_warehouse), "--force")
    assert status == 0
    assert "dấu vân tay của từng bảng khớp" in printed
    restored = table_fingerprints(loaded_warehouse)
    log = accounts.audit_log(Warehouse.open(loaded_warehouse))
    assert log["action"].tolist() == ["restore", "upload", "upload"]
    assert {table: found for table, found in restored.items() if table != "audit_log"} == {
        table: found for table, found in original.items() if table != "audit_log"}
    assert values_of(loaded_warehouse, "99999-03", "2025-12") == {"ho_da_huong_dan": 45}
    damaged = [path for path in loaded_warehouse.parent.iterdir() if ".before-restore-" in path.name]
    assert len(damaged) == 1, "the file replaced by the restore is kept, never deleted"


def test_a_backup_taken_while_another_process_writes_holds_its_last_commit(tiny_warehouse, tmp_path, capsys):
    out = tmp_path / "sao-luu"
    with held_by_another_process(tiny_warehouse, write=True) as fingerprints_there:
        status, printed, _ = run(capsys, "backup", "--out", str(out), "--db", str(tiny_warehouse))
        assert status == 0, printed
        assert (tiny_warehouse.parent / f"{tiny_warehouse.name}.audit-pending").exists()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"] == fingerprints_there
    assert manifest["tables"]["audit_log"][0] == 1, "the commit still in the write-ahead log is in the backup"
    audit.record(Warehouse.open(tiny_warehouse), "lan", "sign_in")
    log = accounts.audit_log(Warehouse.open(tiny_warehouse))
    assert log["action"].tolist() == ["sign_in", "backup", "sign_in"], "the queued backup row is written next"


def test_restore_is_refused_while_another_process_has_the_warehouse_open(loaded_warehouse, tmp_path, capsys):
    out = tmp_path / "sao-luu"
    assert run(capsys, "backup", "--out", str(out), "--db", str(loaded_warehouse))[0] == 0
    with held_by_another_process(loaded_warehouse) as before:
        status, _, error = run(capsys, "restore", str(out), "--db", str(loaded_warehouse), "--force")
    assert status == 1
    assert "đang mở kho dữ liệu" in error and "dừng bảng điều khiển" in error
    assert table_fingerprints(loaded_warehouse) == before


def test_restore_refuses_a_folder_that_is_not_a_backup_or_no_longer_as_written(loaded_warehouse, tmp_path, capsys):
    status, _, error = run(capsys, "restore", str(tmp_path), "--db", str(loaded_warehouse), "--force")
    assert status == 1 and "không phải bản sao lưu" in error
    out = tmp_path / "sao-luu"
    assert run(capsys, "backup", "--out", str(out), "--db", str(loaded_warehouse))[0] == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"]["report_values"][0] += 1
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    before = table_fingerprints(loaded_warehouse)
    status, _, error = run(capsys, "restore", str(out), "--db", str(loaded_warehouse), "--force")
    assert status == 1 and "report_values" in error
    assert table_fingerprints(loaded_warehouse) == before


def test_a_backup_never_writes_into_a_folder_that_holds_files(loaded_warehouse, tmp_path, capsys):
    out = tmp_path / "co-san"
    out.mkdir()
    (out / "ghi-chu.txt").write_text("giữ nguyên", encoding="utf-8")
    status, _, error = run(capsys, "backup", "--out", str(out), "--db", str(loaded_warehouse))
    assert status == 1 and "thư mục mới" in error
    assert sorted(path.name for path in out.iterdir()) == ["ghi-chu.txt"]


def test_every_upload_and_undo_keeps_a_snapshot_and_only_the_newest_are_kept(tiny_warehouse, monkeypatch, capsys):
    monkeypatch.setenv("CDS_SNAPSHOTS_KEPT", "2")
    first = upload(tiny_warehouse, MONTH)
    before_undo = upload(tiny_warehouse, LATER)
    expected = table_fingerprints(tiny_warehouse)
    undo_upload(Warehouse.open(tiny_warehouse), before_undo.upload_id, "lan")
    kept = backup.snapshots(tiny_warehouse)
    assert [path.name.split("-", 3)[-1] for path in kept] == [f"upload-{before_undo.upload_id}",
                                                               f"undo-{before_undo.upload_id}"]
    assert first.upload_id not in {json.loads((path / "manifest.json").read_text())["reason"] for path in kept}
    assert oct(kept[-1].stat().st_mode & 0o777) == "0o700"

    status, _, _ = run(capsys, "restore", str(kept[-1]), "--db", str(tiny_warehouse), "--force")
    assert status == 0
    restored = table_fingerprints(tiny_warehouse)
    assert {table: found for table, found in restored.items() if table != "audit_log"} == {
        table: found for table, found in expected.items() if table != "audit_log"}
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {"ho_da_huong_dan": 45}


def test_snapshots_can_be_switched_off(tiny_warehouse, monkeypatch):
    monkeypatch.setenv("CDS_SNAPSHOTS_KEPT", "0")
    assert upload(tiny_warehouse, MONTH).status == "accepted"
    assert backup.snapshots(tiny_warehouse) == []


def test_a_truncated_warehouse_names_the_restore_command_and_the_newest_snapshot_on_the_command_line(
        loaded_warehouse, capsys):
    newest = backup.newest_snapshot(loaded_warehouse)
    truncate_to_half(loaded_warehouse)
    status, _, error = run(capsys, "template", "monthly", "--commune", tiny_commune.CODE, "--out", "x.csv",
                           "--db", str(loaded_warehouse))
    assert status == 1
    assert f"python -m etl restore {newest} --db {loaded_warehouse} --force" in error
    assert "Traceback" not in error and "IO Error" not in error


def test_the_dashboard_shows_a_vietnamese_sentence_for_a_truncated_warehouse(loaded_warehouse, monkeypatch):
    newest = backup.newest_snapshot(loaded_warehouse)
    truncate_to_half(loaded_warehouse)
    monkeypatch.setenv("CDS_WAREHOUSE", str(loaded_warehouse))
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not app.exception
    message = app.error[0].value
    assert message.startswith(f"Kho dữ liệu {loaded_warehouse} bị hỏng")
    assert f"python -m etl restore {newest} --db {loaded_warehouse} --force" in message


def test_without_a_snapshot_the_message_says_to_restore_a_backup(tiny_warehouse, monkeypatch):
    truncate_to_half(tiny_warehouse)
    monkeypatch.setenv("CDS_WAREHOUSE", str(tiny_warehouse))
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert "python -m etl restore THƯ_MỤC_SAO_LƯU" in app.error[0].value


@pytest.mark.parametrize(("function", "error"), [
    ("reported_months", duckdb.IOException(
        'IO Error: Could not read enough bytes from file "w.duckdb": attempted to read 4096 bytes from location 8192')),
    ("commune_summary", duckdb.Error(
        "Corrupt database file: computed checksum 1 does not match stored checksum 2 in block at location 5")),
])
def test_damage_found_while_reading_gives_the_same_sentence(loaded_warehouse, monkeypatch, function, error):
    from warehouse import queries

    def damaged(*args, **kwargs):
        raise error

    monkeypatch.setattr(queries, function, damaged)
    monkeypatch.setenv("CDS_WAREHOUSE", str(loaded_warehouse))
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not app.exception
    assert f"python -m etl restore {backup.newest_snapshot(loaded_warehouse)}" in app.error[0].value


def test_a_boundary_upload_keeps_a_snapshot_too(tiny_warehouse, tmp_path, capsys):
    from tests.test_boundaries import import_boundaries, village_file

    path = village_file(tmp_path, ["thon a", "B"])
    status, result = import_boundaries(capsys, tiny_warehouse, path, "--level", "village", "--name-field",
                                       "ten_thon", "--commune", tiny_commune.CODE)
    assert status == 0
    # Boundary uploads are uploads like any other: the snapshot is named after the upload.
    snapshots = backup.snapshots(tiny_warehouse)
    assert len(snapshots) == 1 and snapshots[0].name.endswith(f"-upload-{result['upload_id']}")
