"""Loading is atomic and undoable: undo restores the exact previous values, a re-import is `unchanged`."""

import hashlib

import pytest

from etl.load import undo
from tests.upload_files import MONTHLY_HEADER, contents, csv_text, upload, values_of
from warehouse.database import Warehouse
from warehouse.write import tables
from warehouse.write.uploads import UndoRefused

DECEMBER = csv_text([MONTHLY_HEADER,
                     ["99999-01", "12/2025", "10/12/2025", "95", "90", "6", "Tháng cuối"],
                     ["99999-03", "12/2025", "11/12/2025", "40", "", "", ""]])


def test_undo_restores_exactly_what_the_upload_replaced(tiny_warehouse):
    before = contents(tiny_warehouse)
    outcome = upload(tiny_warehouse, DECEMBER)
    assert values_of(tiny_warehouse, "99999-01", "2025-12")["ho_da_huong_dan"] == 95
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {"ho_da_huong_dan": 40}

    sentence = undo(Warehouse.open(tiny_warehouse), outcome.upload_id, "can_bo")

    assert sentence == "Đã hoàn tác lần tải lên số 1 (Báo cáo tháng); số liệu trước đó đã được khôi phục."
    after = contents(tiny_warehouse)
    for table in ("reports", "report_values", "villages", "teams", "members"):
        assert after[table] == before[table], table
    assert values_of(tiny_warehouse, "99999-01", "2025-12") == {
        "ho_da_huong_dan": 85, "ho_vneid": 70, "ho_dvc_truc_tuyen": 50, "ho_ung_dung_chinh_quyen": 30,
        "luot_tuyen_truyen": 3}
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {}
    status = Warehouse.open(tiny_warehouse).row(
        "SELECT status, undone_by FROM uploads WHERE id = 1")
    assert status == ("undone", "can_bo")


def test_re_importing_the_same_file_is_unchanged_and_writes_nothing(tiny_warehouse):
    first = upload(tiny_warehouse, DECEMBER)
    before = contents(tiny_warehouse)
    again = upload(tiny_warehouse, DECEMBER, "ban_sao.csv")
    assert (again.status, again.upload_id) == ("unchanged", first.upload_id)
    assert contents(tiny_warehouse) == before


def test_after_undo_the_same_file_can_be_loaded_again(tiny_warehouse):
    first = upload(tiny_warehouse, DECEMBER)
    undo(Warehouse.open(tiny_warehouse), first.upload_id, "can_bo")
    again = upload(tiny_warehouse, DECEMBER)
    assert again.status == "accepted" and again.upload_id == 2
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {"ho_da_huong_dan": 40}


def test_the_raw_file_is_kept_by_checksum_with_who_uploaded_it(tiny_warehouse):
    upload(tiny_warehouse, DECEMBER, "thang12.csv", uploaded_by="nguyen_lan")
    checksum = hashlib.sha256(DECEMBER.encode()).hexdigest()
    kept = tiny_warehouse.parent / "uploads" / f"{checksum}.csv"
    assert kept.read_text(encoding="utf-8") == DECEMBER
    row = Warehouse.open(tiny_warehouse).row(
        "SELECT file_name, uploaded_by, stored_path, rows_accepted, commune_code FROM uploads")
    assert row == ("thang12.csv", "nguyen_lan", str(kept), 2, "99999")


def test_undo_is_refused_while_a_later_upload_replaced_the_same_figures(tiny_warehouse):
    first = upload(tiny_warehouse, DECEMBER)
    second = upload(tiny_warehouse, DECEMBER.replace("95", "99"))
    with pytest.raises(UndoRefused) as refused:
        undo(Warehouse.open(tiny_warehouse), first.upload_id, "can_bo")
    assert "Hãy hoàn tác lần 2 trước" in refused.value.reason
    undo(Warehouse.open(tiny_warehouse), second.upload_id, "can_bo")
    assert values_of(tiny_warehouse, "99999-01", "2025-12")["ho_da_huong_dan"] == 95
    undo(Warehouse.open(tiny_warehouse), first.upload_id, "can_bo")
    assert values_of(tiny_warehouse, "99999-01", "2025-12")["ho_da_huong_dan"] == 85


@pytest.mark.parametrize("upload_id", [1, 42])
def test_undoing_an_unknown_or_undone_upload_is_refused(tiny_warehouse, upload_id):
    outcome = upload(tiny_warehouse, DECEMBER)
    undo(Warehouse.open(tiny_warehouse), outcome.upload_id, "can_bo")
    before = contents(tiny_warehouse)
    with pytest.raises(UndoRefused):
        undo(Warehouse.open(tiny_warehouse), upload_id, "can_bo")
    assert contents(tiny_warehouse) == before


def test_a_failure_while_loading_leaves_the_warehouse_as_it_was(tiny_warehouse, monkeypatch):
    before = contents(tiny_warehouse)
    original = tables.refuse_duplicates

    def fail_once_values_are_written(cursor, table, written, parameters=None):
        if table == "report_values":
            raise RuntimeError("disk full")
        original(cursor, table, written, parameters)

    monkeypatch.setattr(tables, "refuse_duplicates", fail_once_values_are_written)
    with pytest.raises(RuntimeError):
        upload(tiny_warehouse, DECEMBER)
    assert contents(tiny_warehouse) == before


def test_undo_keeps_no_copy_of_what_it_put_back_and_earlier_uploads_stay_undoable(tiny_warehouse):
    db = Warehouse.open(tiny_warehouse)
    before = contents(tiny_warehouse)
    first = upload(tiny_warehouse, DECEMBER)
    second = upload(tiny_warehouse, DECEMBER.replace("95", "99"))

    def copies(upload_id: int) -> int:
        return db.scalar("SELECT (SELECT count(*) FROM replaced_reports WHERE replaced_by_upload = $u) + "
                         "(SELECT count(*) FROM replaced_report_values WHERE replaced_by_upload = $u)",
                         {"u": upload_id})

    assert copies(first.upload_id) > 0 and copies(second.upload_id) > 0
    undo(db, second.upload_id, "can_bo")
    # The rows the second upload replaced are back in the tables: their copies are gone, the first's stay.
    assert copies(second.upload_id) == 0 and copies(first.upload_id) > 0
    assert values_of(tiny_warehouse, "99999-01", "2025-12")["ho_da_huong_dan"] == 95
    undo(db, first.upload_id, "can_bo")
    after = contents(tiny_warehouse)
    for table in ("reports", "report_values"):
        assert after[table] == before[table], table
