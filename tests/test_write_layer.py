"""The write layer: what an upload may replace is listed once, and undo keeps working when a migration changes a
table (the `replaced_*` copies follow their tables without a hand-written change)."""

import shutil

import duckdb
import pandas as pd
import pytest

from etl.load import undo
from tests import tiny_commune
from tests.upload_files import csv_text, upload
from warehouse.database import Warehouse
from warehouse.write import migrations, tables
from warehouse.write.communes import replace_communes
from warehouse.write.upload_scopes import REPLACED_BY, UPLOAD_SCOPES, match_replaced_tables, replaced
from warehouse.write.uploads import load_upload

REGISTRY_HEADER = ["Mã xã", "Mã thôn", "Tên thôn", "Số hộ", "Dân số"]


def columns(db: Warehouse, table: str) -> dict[str, str]:
    return dict(db.rows("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?",
                        [table]))


def test_every_table_an_upload_replaces_has_a_copy_with_exactly_its_columns(warehouse_path):
    db = Warehouse.open(warehouse_path)
    for table in {table for scopes in UPLOAD_SCOPES.values() for table, _ in scopes}:
        assert columns(db, replaced(table)) == {REPLACED_BY: "INTEGER", **columns(db, table)}, table


def test_a_column_a_new_migration_adds_is_put_back_by_undo(tmp_path, monkeypatch):
    shipped = tmp_path / "migrations"
    shutil.copytree(migrations.MIGRATIONS_DIR, shipped)
    # A migration as a later issue would write it: the table only, never its replaced_* copy.
    (shipped / "9001_village_remarks.sql").write_text("ALTER TABLE villages ADD COLUMN remark VARCHAR;",
                                                       encoding="utf-8")
    monkeypatch.setattr(migrations, "MIGRATIONS_DIR", shipped)
    path = tmp_path / "warehouse.duckdb"
    db = Warehouse.open(path)
    replace_communes(db, tiny_commune.tables())
    with db.transaction() as cursor:
        cursor.execute("UPDATE villages SET remark = 'Đường vào thôn hay ngập' WHERE code = '99999-03'")
    before = db.rows("SELECT * FROM villages ORDER BY code")

    changed = upload(path, csv_text([REGISTRY_HEADER, ["99999", "99999-03", "Thôn C", "60", "190"]]))
    assert changed.status == "accepted", changed.errors
    assert db.row("SELECT households, remark FROM villages WHERE code = '99999-03'") == (60, None)

    undo(db, changed.upload_id, "can_bo")
    assert db.rows("SELECT * FROM villages ORDER BY code") == before


def test_a_copy_follows_its_table_when_a_column_is_added_retyped_or_dropped(warehouse_path):
    db = Warehouse.open(warehouse_path)
    with db.transaction() as cursor:
        cursor.execute("ALTER TABLE teams ALTER COLUMN established_on SET DATA TYPE TIMESTAMP")
        cursor.execute("ALTER TABLE members DROP COLUMN phone")
        cursor.execute("ALTER TABLE members ADD COLUMN email VARCHAR")
    match_replaced_tables(db)
    for table in ("teams", "members"):
        assert columns(db, replaced(table)) == {REPLACED_BY: "INTEGER", **columns(db, table)}, table


def test_a_kind_of_upload_outside_the_list_writes_nothing(tiny_warehouse):
    db = Warehouse.open(tiny_warehouse)
    before = db.rows("SELECT count(*) FROM uploads")
    with pytest.raises(ValueError, match="not a kind of upload"):
        load_upload(db, kind="users", upload={"uploaded_by": "x", "file_name": "x.csv"},
                    scope=pd.DataFrame(columns=["part", "key", "sub_key"]), rows={})
    assert db.rows("SELECT count(*) FROM uploads") == before


def test_a_table_or_column_name_that_is_not_a_plain_name_never_reaches_the_sql(tiny_warehouse):
    db = Warehouse.open(tiny_warehouse)
    with db.transaction() as cursor:
        with pytest.raises(ValueError, match="not a plain"):
            tables.insert(cursor, "villages; DROP TABLE users", pd.DataFrame({"code": ["x"]}))
        with pytest.raises(ValueError, match="not a plain"):
            tables.insert(cursor, "villages", pd.DataFrame({"code) SELECT 1; --": ["x"]}))
    assert db.scalar("SELECT count(*) FROM users") == 0


def test_the_dashboard_upgrades_the_warehouse_once_not_on_every_page(tiny_warehouse, monkeypatch):
    from tests.test_overview_page import open_dashboard

    Warehouse.close_all()
    upgrades = []
    original = migrations.upgrade
    monkeypatch.setattr(migrations, "upgrade", lambda db, *args: upgrades.append(db) or original(db, *args))
    app = open_dashboard(tiny_warehouse, monkeypatch)
    for page in ("pages/domains.py", "pages/village.py", "pages/overview.py"):
        app.switch_page(page).run()
        assert not app.exception
    assert len(upgrades) == 1


def _monthly(db: Warehouse, reports: pd.DataFrame, values: pd.DataFrame, scope: list[tuple[str, str]]) -> int:
    return load_upload(db, kind="monthly", upload={"file_name": "t.csv", "checksum": "x", "kind": "monthly",
                                                   "uploaded_by": "lan", "status": "accepted"},
                       scope=pd.DataFrame([("village_period", key, sub_key) for key, sub_key in scope],
                                          columns=["part", "key", "sub_key"]),
                       rows={"reports": reports, "report_values": values})


def _everything(db: Warehouse) -> list[list[tuple]]:
    return [db.rows(f"SELECT * FROM {table} ORDER BY ALL") for table in (
        "uploads", "upload_scope", "reports", "report_values", "replaced_reports", "replaced_report_values")]


REPORT = pd.DataFrame([{"village_code": "99999-02", "period": "2025-12", "reported_on": pd.Timestamp("2025-12-10"),
                        "note": None}])
FIGURE = {"village_code": "99999-02", "period": "2025-12", "indicator_code": "ho_da_huong_dan", "value": 120}


def test_reports_and_their_figures_are_unique_without_an_index_a_duplicate_in_a_load_is_refused(tiny_warehouse):
    db = Warehouse.open(tiny_warehouse)
    assert db.scalar("SELECT count(*) FROM duckdb_constraints() WHERE table_name IN "
                     "('reports', 'report_values', 'training_attendance') AND constraint_type = 'PRIMARY KEY'") == 0
    before = _everything(db)
    twice = pd.DataFrame([FIGURE, {**FIGURE, "value": 130}])
    with pytest.raises(duckdb.ConstraintException, match="report_values"):
        _monthly(db, REPORT, twice, [("99999-02", "2025-12")])
    assert _everything(db) == before
    # The same report as one the warehouse holds, outside the upload's scope: the second copy is refused.
    stored = pd.DataFrame([{**REPORT.iloc[0].to_dict(), "period": "2025-11"}])
    with pytest.raises(duckdb.ConstraintException, match="reports"):
        _monthly(db, stored, pd.DataFrame([{**FIGURE, "period": "2025-11"}]), [("99999-02", "2025-12")])
    assert _everything(db) == before
    assert _monthly(db, REPORT, pd.DataFrame([FIGURE]), [("99999-02", "2025-12")])
    assert db.rows("SELECT value FROM report_values WHERE village_code = '99999-02' AND period = '2025-12'") == [(120,)]


def test_a_correction_giving_a_stored_figure_twice_is_refused_even_when_one_of_them_is_as_stored(tiny_warehouse):
    db = Warehouse.open(tiny_warehouse)
    _monthly(db, REPORT, pd.DataFrame([FIGURE]), [("99999-02", "2025-12")])
    before = _everything(db)
    with pytest.raises(duckdb.ConstraintException, match="report_values"):
        _monthly(db, REPORT, pd.DataFrame([FIGURE, {**FIGURE, "value": 130}]), [("99999-02", "2025-12")])
    assert _everything(db) == before


def test_an_undo_that_would_put_back_a_duplicate_is_refused_and_changes_nothing(tiny_warehouse):
    db = Warehouse.open(tiny_warehouse)
    figures = pd.DataFrame([{**FIGURE, "period": "2025-11", "value": 95}])
    upload_id = _monthly(db, pd.DataFrame([{**REPORT.iloc[0].to_dict(), "period": "2025-11"}]), figures,
                         [("99999-02", "2025-11")])
    with db.transaction() as cursor:  # a copy damaged by hand: two figures for one indicator
        for value in (1, 2):
            cursor.execute("INSERT INTO replaced_report_values (replaced_by_upload, village_code, period, "
                           f"indicator_code, value) VALUES ({upload_id}, '99999-02', '2025-11', 'ho_da_huong_dan', "
                           f"{value})")
    before = _everything(db)
    with pytest.raises(duckdb.ConstraintException, match="report_values"):
        undo(db, upload_id, "lan")
    assert _everything(db) == before


def test_a_commune_whose_training_attendance_names_a_member_twice_for_a_session_is_refused(warehouse_path):
    db = Warehouse.open(warehouse_path)
    commune = tiny_commune.tables()
    session = {"code": "TH-01", "commune_code": tiny_commune.CODE, "held_on": pd.Timestamp("2025-10-01"),
               "topic": "VNeID"}
    attendance = {"commune_code": tiny_commune.CODE, "session_code": "TH-01", "member_code": "TO-99999-01-1",
                  "attended": True}
    with pytest.raises(duckdb.ConstraintException, match="training_attendance"):
        replace_communes(db, {**commune, "training_sessions": pd.DataFrame([session]),
                              "training_attendance": pd.DataFrame([attendance, {**attendance, "attended": False}])})
    assert db.scalar("SELECT count(*) FROM communes") == 0
    replace_communes(db, {**commune, "training_sessions": pd.DataFrame([session]),
                          "training_attendance": pd.DataFrame([attendance])})
    assert db.scalar("SELECT count(*) FROM training_attendance") == 1
