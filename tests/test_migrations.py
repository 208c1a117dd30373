import duckdb
import pytest

from warehouse import writer
from warehouse.connection import shared_connection

# The shipped migration numbers (a branch may lack numbers assigned to other branches).
OLDER_VERSIONS = [number for number, _ in writer.migrations()][:-1]


def test_new_warehouse_is_at_the_latest_version(warehouse_path):
    assert writer.schema_version(warehouse_path) == writer.latest_version()


@pytest.mark.parametrize("older", OLDER_VERSIONS)
def test_opening_an_older_warehouse_upgrades_it_and_keeps_its_rows(tmp_path, older):
    path = tmp_path / "old.duckdb"
    assert writer.upgrade(path, up_to=older) == older
    with writer.transaction(path) as cursor:
        cursor.execute("INSERT INTO communes (code, name, province) VALUES ('12345', 'Xã Cũ', 'Tỉnh Cũ')")
        cursor.execute("INSERT INTO villages VALUES ('12345-01', '12345', 'Thôn Cũ', 321, 1000)")
        cursor.execute("INSERT INTO reports VALUES ('12345-01', '2025-10', DATE '2025-10-09', 'ghi chú', NULL)")
        cursor.execute("INSERT INTO report_values VALUES ('12345-01', '2025-10', 'ho_da_huong_dan', 123)")

    writer.forget_prepared(path)
    writer.prepare(path)

    cursor = shared_connection(path).cursor()
    assert writer.schema_version(path) == writer.latest_version()
    assert cursor.execute("SELECT households FROM villages WHERE code = '12345-01'").fetchone() == (321,)
    assert cursor.execute("SELECT value FROM report_values").fetchall() == [(123,)]
    assert cursor.execute("SELECT note FROM reports").fetchall() == [("ghi chú",)]
    assert cursor.execute("SELECT count(*) FROM indicators").fetchone()[0] > 0


def test_a_warehouse_from_a_newer_program_is_refused(warehouse_path):
    with writer.transaction(warehouse_path) as cursor:
        cursor.execute("INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_future')")
    with pytest.raises(writer.WarehouseNewerThanProgram):
        writer.upgrade(warehouse_path)


def test_a_failing_load_changes_nothing(tiny_warehouse):
    from tests import tiny_commune

    broken = tiny_commune.tables()
    broken["report_values"].loc[0, "value"] = -1  # violates the CHECK constraint
    with pytest.raises(duckdb.ConstraintException):
        writer.replace_communes(tiny_warehouse, broken)
    count = shared_connection(tiny_warehouse).cursor().execute("SELECT count(*) FROM report_values").fetchone()[0]
    assert count == len(tiny_commune.tables()["report_values"])


def test_a_migration_numbered_below_the_highest_applied_one_is_still_applied(tmp_path):
    path = tmp_path / "gap.duckdb"
    # The last migration may alter the accounts tables (0005): the gap is what lies between them.
    base, last = 5, writer.latest_version()
    assert [number for number, _ in writer.migrations() if base < number < last], "needs a migration in between"
    writer.upgrade(path, up_to=base)
    with writer.transaction(path) as cursor:  # as if a branch had shipped only the last migration
        cursor.execute(writer.migrations()[-1][1].read_text(encoding="utf-8"))
        cursor.execute("INSERT INTO schema_migrations (version, name) VALUES (?, 'later')", [last])
    writer.upgrade(path)
    applied = shared_connection(path).cursor().execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    assert [number for (number,) in applied] == [number for number, _ in writer.migrations()]


def test_an_older_warehouses_training_sessions_become_their_communes_and_its_uploads_stay_undoable(tmp_path):
    from etl.load import undo

    path = tmp_path / "old.duckdb"
    writer.upgrade(path, up_to=7)
    with writer.transaction(path) as cursor:
        cursor.execute("INSERT INTO communes (code, name) VALUES ('12345', 'Xã Cũ')")
        cursor.execute("INSERT INTO villages VALUES ('12345-01', '12345', 'Thôn Cũ', 321, 1000)")
        cursor.execute("INSERT INTO teams VALUES ('TO-12345-01', '12345-01', NULL)")
        cursor.execute("INSERT INTO members VALUES ('TO-12345-01-1', 'TO-12345-01', 'An', 'thanh_vien', 'khac', NULL)")
        cursor.execute("INSERT INTO uploads (id, file_name, checksum, kind, commune_code, uploaded_by, status) "
                       "VALUES (1, 'tap_huan.csv', 'abc', 'training', '12345', 'lan', 'accepted')")
        cursor.execute("INSERT INTO upload_scope VALUES (1, 'session', 'TH-01', '')")
        cursor.execute("INSERT INTO training_sessions VALUES "
                       "('TH-01', '12345', DATE '2025-09-06', 'Mới', NULL, NULL, 1)")
        cursor.execute("INSERT INTO training_attendance VALUES ('TH-01', 'TO-12345-01-1', true)")
        cursor.execute("INSERT INTO replaced_training_sessions VALUES "
                       "(1, 'TH-01', '12345', DATE '2025-09-01', 'Cũ', NULL, NULL, NULL)")
        cursor.execute("INSERT INTO replaced_training_attendance VALUES (1, 'TH-01', 'TO-12345-01-1', false)")

    writer.forget_prepared(path)
    writer.prepare(path)
    cursor = shared_connection(path).cursor()
    assert cursor.execute("SELECT commune_code, code, topic FROM training_sessions").fetchall() == [
        ("12345", "TH-01", "Mới")]
    assert cursor.execute("SELECT * FROM training_attendance").fetchall() == [("12345", "TH-01", "TO-12345-01-1", True)]
    assert cursor.execute("SELECT commune_code FROM upload_communes").fetchall() == [("12345",)]

    undo(path, 1, "lan", allowed_communes={"12345"})
    assert cursor.execute("SELECT topic FROM training_sessions").fetchall() == [("Cũ",)]
    assert cursor.execute("SELECT attended FROM training_attendance").fetchall() == [(False,)]
