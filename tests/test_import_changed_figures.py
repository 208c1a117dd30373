"""A correction writes only the figures it changes: the undo copy holds just the figures it replaced, and undo gives
back every figure exactly as it was, also the figures and copies of uploads made before figures remembered their
upload (migration 0020).

Thôn A reported December (85 guided, VNeID 70, online services 50, the app 30, 3 information sessions, dated
15/12/2025, with a note), loaded with the commune (no upload wrote them).
"""

from datetime import date

from etl.load import undo
from tests.upload_files import MONTHLY_HEADER, contents, csv_text, upload, values_of
from warehouse import uploads
from warehouse.database import Warehouse
from warehouse.write import migrations
from warehouse.write.upload_scopes import match_replaced_tables

NOTE = "Đã hướng dẫn tại nhà văn hóa"
FIGURES = ("reports", "report_values", "replaced_reports", "replaced_report_values")


def a_december(guided: int = 85, vneid: int = 70, sessions: int = 3, day: str = "15/12/2025",
               separator: str = ",") -> str:
    return csv_text([MONTHLY_HEADER, ["99999-01", "12/2025", day, guided, vneid, sessions, NOTE]], separator)


def copies(db: Warehouse, upload_id: int) -> dict[str, list[tuple]]:
    return {table: db.rows(f"SELECT * EXCLUDE (replaced_by_upload) FROM replaced_{table} "
                           "WHERE replaced_by_upload = ? ORDER BY ALL", [upload_id])
            for table in ("reports", "report_values")}


def figures(warehouse) -> dict[str, list[tuple]]:
    stored = contents(warehouse)
    return {table: stored[table] for table in FIGURES}


def test_a_correction_keeps_a_copy_of_the_figures_it_changed_alone_and_undo_gives_every_figure_back(tiny_warehouse):
    db = Warehouse.open(tiny_warehouse)
    before = figures(tiny_warehouse)

    first = upload(tiny_warehouse, a_december(guided=88), "sua_1.csv")
    assert first.status == "accepted", first.errors
    assert first.changes == {"new": 0, "raised": 1, "lowered": 0, "cleared": 0, "unchanged": 2}
    assert values_of(tiny_warehouse, "99999-01", "2025-12") == {
        "ho_da_huong_dan": 88, "ho_vneid": 70, "ho_dvc_truc_tuyen": 50, "ho_ung_dung_chinh_quyen": 30,
        "luot_tuyen_truyen": 3}
    # The one figure changed; the report's date and note did not.
    assert copies(db, first.upload_id) == {
        "reports": [], "report_values": [("99999-01", "2025-12", "ho_da_huong_dan", 85, None)]}
    preview = uploads.undo_preview(db, first.upload_id).set_index("table")
    assert preview.loc["report_values"].tolist() == [1, 1] and preview.loc["reports"].tolist() == [0, 0]

    # A second correction of another figure and of the report's date, on top of the first.
    second = upload(tiny_warehouse, a_december(guided=88, sessions=4, day="16/12/2025"), "sua_2.csv")
    assert second.changes == {"new": 0, "raised": 1, "lowered": 0, "cleared": 0, "unchanged": 2}
    assert copies(db, second.upload_id) == {
        "reports": [("99999-01", "2025-12", date(2025, 12, 15), NOTE, None)],
        "report_values": [("99999-01", "2025-12", "luot_tuyen_truyen", 3, None)]}
    assert values_of(tiny_warehouse, "99999-01", "2025-12")["ho_da_huong_dan"] == 88

    undo(db, second.upload_id, "can_bo")
    assert values_of(tiny_warehouse, "99999-01", "2025-12")["luot_tuyen_truyen"] == 3
    assert values_of(tiny_warehouse, "99999-01", "2025-12")["ho_da_huong_dan"] == 88
    undo(db, first.upload_id, "can_bo")
    assert figures(tiny_warehouse) == before
    assert db.rows("SELECT action, detail FROM audit_log WHERE action IN ('upload', 'undo') ORDER BY id") == [
        ("upload", f"#{first.upload_id} sua_1.csv"), ("upload", f"#{second.upload_id} sua_2.csv"),
        ("undo", f"#{second.upload_id}"), ("undo", f"#{first.upload_id}")]


def test_the_stored_figures_sent_again_in_another_file_write_nothing_and_undoing_it_changes_nothing(tiny_warehouse):
    db = Warehouse.open(tiny_warehouse)
    before = figures(tiny_warehouse)
    again = upload(tiny_warehouse, a_december(separator=";"), "gui_lai.csv")
    assert again.status == "accepted", again.errors
    assert again.changes == {"new": 0, "raised": 0, "lowered": 0, "cleared": 0, "unchanged": 3}
    assert figures(tiny_warehouse) == before
    assert uploads.undo_preview(db, again.upload_id)[["removed", "restored"]].to_numpy().sum() == 0
    undo(db, again.upload_id, "can_bo")
    assert figures(tiny_warehouse) == before


def test_uploads_copied_before_figures_remembered_their_upload_are_still_undone_exactly(tmp_path):
    path = tmp_path / "old.duckdb"
    with Warehouse.inspect(path) as old:
        migrations.upgrade(old, up_to=19)
        match_replaced_tables(old)
        with old.transaction() as cursor:
            cursor.execute("INSERT INTO communes (code, name) VALUES ('12345', 'Xã Cũ')")
            cursor.execute("INSERT INTO villages VALUES ('12345-01', '12345', 'Thôn Cũ', 321, 1000)")
            # Upload 1 reported October; upload 2 corrected it, replacing the report and every figure.
            for upload_id, name in ((1, "thang10.csv"), (2, "sua_thang10.csv")):
                cursor.execute("INSERT INTO uploads (id, file_name, checksum, kind, commune_code, uploaded_by, "
                               "status) VALUES (?, ?, ?, 'monthly', '12345', 'lan', 'accepted')",
                               [upload_id, name, name])
                cursor.execute("INSERT INTO upload_scope VALUES (?, 'village_period', '12345-01', '2025-10')",
                               [upload_id])
                cursor.execute("INSERT INTO upload_communes VALUES (?, '12345')", [upload_id])
            cursor.execute("INSERT INTO reports VALUES ('12345-01', '2025-10', DATE '2025-10-09', 'Sửa', 2)")
            cursor.execute("INSERT INTO report_values VALUES ('12345-01', '2025-10', 'ho_da_huong_dan', 130), "
                           "('12345-01', '2025-10', 'ho_vneid', 90)")
            cursor.execute("INSERT INTO replaced_reports VALUES (2, '12345-01', '2025-10', DATE '2025-10-05', "
                           "NULL, 1)")
            cursor.execute("INSERT INTO replaced_report_values VALUES (2, '12345-01', '2025-10', "
                           "'ho_da_huong_dan', 120), (2, '12345-01', '2025-10', 'ho_vneid', 90)")

    db = Warehouse.open(path)
    assert db.rows("SELECT indicator_code, value, upload_id FROM report_values ORDER BY 1") == [
        ("ho_da_huong_dan", 130, 2), ("ho_vneid", 90, 2)]
    undo(db, 2, "lan")
    assert db.rows("SELECT reported_on, upload_id FROM reports") == [(date(2025, 10, 5), 1)]
    assert db.rows("SELECT indicator_code, value, upload_id FROM report_values ORDER BY 1") == [
        ("ho_da_huong_dan", 120, 1), ("ho_vneid", 90, 1)]
    undo(db, 1, "lan")
    assert db.rows("SELECT * FROM reports") == [] and db.rows("SELECT * FROM report_values") == []
