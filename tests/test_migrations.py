import duckdb
import pytest

from warehouse.database import Warehouse
from warehouse.errors import WarehouseNewerThanProgram
from warehouse.write import migrations
from warehouse.write.communes import replace_communes

# The shipped migration numbers (a branch may lack numbers assigned to other branches).
OLDER_VERSIONS = [number for number, _ in migrations.migrations()][:-1]


def test_new_warehouse_is_at_the_latest_version(warehouse_path):
    assert migrations.schema_version(Warehouse.open(warehouse_path)) == migrations.latest_version()


@pytest.mark.parametrize("older", OLDER_VERSIONS)
def test_opening_an_older_warehouse_upgrades_it_and_keeps_its_rows(tmp_path, older):
    path = tmp_path / "old.duckdb"
    with Warehouse.inspect(path) as old:
        assert migrations.upgrade(old, up_to=older) == older
        with old.transaction() as cursor:
            cursor.execute("INSERT INTO communes (code, name, province) VALUES ('12345', 'Xã Cũ', 'Tỉnh Cũ')")
            cursor.execute("INSERT INTO villages VALUES ('12345-01', '12345', 'Thôn Cũ', 321, 1000)")
            cursor.execute("INSERT INTO reports VALUES ('12345-01', '2025-10', DATE '2025-10-09', 'ghi chú', NULL)")
            cursor.execute("INSERT INTO report_values VALUES ('12345-01', '2025-10', 'ho_da_huong_dan', 123)")

    db = Warehouse.open(path)

    assert migrations.schema_version(db) == migrations.latest_version()
    assert db.row("SELECT households FROM villages WHERE code = '12345-01'") == (321,)
    assert db.rows("SELECT value FROM report_values") == [(123,)]
    assert db.rows("SELECT note FROM reports") == [("ghi chú",)]
    assert db.scalar("SELECT count(*) FROM indicators") > 0


def test_a_warehouse_from_a_newer_program_is_refused(warehouse_path):
    with Warehouse.open(warehouse_path).transaction() as cursor:
        cursor.execute("INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_future')")
    with pytest.raises(WarehouseNewerThanProgram):
        migrations.upgrade(Warehouse.open(warehouse_path))


def test_a_failing_load_changes_nothing(tiny_warehouse):
    from tests import tiny_commune

    broken = tiny_commune.tables()
    broken["report_values"].loc[0, "value"] = -1  # violates the CHECK constraint
    with pytest.raises(duckdb.ConstraintException):
        replace_communes(Warehouse.open(tiny_warehouse), broken)
    count = Warehouse.open(tiny_warehouse).scalar("SELECT count(*) FROM report_values")
    assert count == len(tiny_commune.tables()["report_values"])


def test_a_migration_numbered_below_the_highest_applied_one_is_still_applied(tmp_path):
    path = tmp_path / "gap.duckdb"
    # The last migration may alter the accounts tables (0005): the gap is what lies between them.
    base, last = 5, migrations.latest_version()
    assert [number for number, _ in migrations.migrations() if base < number < last], "needs a migration in between"
    with Warehouse.inspect(path) as db:
        migrations.upgrade(db, up_to=base)
        with db.transaction() as cursor:  # as if a branch had shipped only the last migration
            cursor.execute(migrations.migrations()[-1][1].read_text(encoding="utf-8"))
            cursor.execute("INSERT INTO schema_migrations (version, name) VALUES (?, 'later')", [last])
        migrations.upgrade(db)
        applied = db.rows("SELECT version FROM schema_migrations ORDER BY 1")
    assert [number for (number,) in applied] == [number for number, _ in migrations.migrations()]


def test_an_older_warehouses_training_sessions_become_their_communes_and_its_uploads_stay_undoable(tmp_path):
    from etl.load import undo

    path = tmp_path / "old.duckdb"
    with Warehouse.inspect(path) as old:
        migrations.upgrade(old, up_to=7)
        with old.transaction() as cursor:
            cursor.execute("INSERT INTO communes (code, name) VALUES ('12345', 'Xã Cũ')")
            cursor.execute("INSERT INTO villages VALUES ('12345-01', '12345', 'Thôn Cũ', 321, 1000)")
            cursor.execute("INSERT INTO teams VALUES ('TO-12345-01', '12345-01', NULL)")
            cursor.execute(
                "INSERT INTO members VALUES ('TO-12345-01-1', 'TO-12345-01', 'An', 'thanh_vien', 'khac', NULL)")
            cursor.execute("INSERT INTO uploads (id, file_name, checksum, kind, commune_code, uploaded_by, status) "
                           "VALUES (1, 'tap_huan.csv', 'abc', 'training', '12345', 'lan', 'accepted')")
            cursor.execute("INSERT INTO upload_scope VALUES (1, 'session', 'TH-01', '')")
            cursor.execute("INSERT INTO training_sessions VALUES "
                           "('TH-01', '12345', DATE '2025-09-06', 'Mới', NULL, NULL, 1)")
            cursor.execute("INSERT INTO training_attendance VALUES ('TH-01', 'TO-12345-01-1', true)")
            cursor.execute("INSERT INTO replaced_training_sessions VALUES "
                           "(1, 'TH-01', '12345', DATE '2025-09-01', 'Cũ', NULL, NULL, NULL)")
            cursor.execute("INSERT INTO replaced_training_attendance VALUES (1, 'TH-01', 'TO-12345-01-1', false)")

    db = Warehouse.open(path)
    assert db.rows("SELECT commune_code, code, topic FROM training_sessions") == [("12345", "TH-01", "Mới")]
    assert db.rows("SELECT * FROM training_attendance") == [("12345", "TH-01", "TO-12345-01-1", True)]
    assert db.rows("SELECT commune_code FROM upload_communes") == [("12345",)]

    undo(db, 1, "lan", allowed_communes={"12345"})
    assert db.rows("SELECT topic FROM training_sessions") == [("Cũ",)]
    assert db.rows("SELECT attended FROM training_attendance") == [(False,)]
