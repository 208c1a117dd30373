"""Uploads: one validated file loaded in one transaction, keeping the rows it replaced; undo puts them back.

What an upload of each kind may replace is listed once, in write/upload_scopes.py. Before every upload and undo a
snapshot of the warehouse is kept (warehouse/backup.py).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, TypeGuard

import duckdb
import pandas as pd

from warehouse import backup
from warehouse.database import only_row
from warehouse.uploads import LATER_OVERLAPPING_UPLOADS
from warehouse.write import audit, tables
from warehouse.write.tables import plain_name
from warehouse.write.upload_scopes import (
    REPLACED_BY,
    REPLACED_WHERE_CHANGED,
    TABLES_WITH_UPLOAD_ID,
    UPLOAD_SCOPES,
    replaced,
    tables_replaced_by,
    written_by_upload,
)

if TYPE_CHECKING:
    from warehouse.database import Warehouse

# Boundary uploads recorded before migration 0010 kept no scope: undoing one would restore nothing.
_KINDS_SCOPED_SINCE_0010 = {"boundaries_village", "boundaries_commune"}


class UndoRefused(ValueError):
    """The upload cannot be undone (unknown, already undone, or a later upload replaced its rows)."""

    def __init__(self, reason: str, **details: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


def load_upload(
    db: Warehouse, *, kind: str, upload: Mapping[str, object], scope: pd.DataFrame,
    rows: Mapping[str, pd.DataFrame], communes: Collection[str] = (),
) -> int:
    """Record an upload of the `communes` it touches and replace the rows in its `scope` (part, key, sub_key) by
    `rows`, in one transaction. Members without a code get their team's next number (`<team>-<n>`)."""
    replaced_tables = tables_replaced_by(kind)
    with db.transaction() as cursor:
        upload_id = only_row(cursor.execute("SELECT nextval('upload_ids')").fetchone())[0]
        backup.snapshot_before_write(db, f"upload-{upload_id}")
        tables.insert(cursor, "uploads", pd.DataFrame([{**upload, "id": upload_id}]))
        tables.insert(cursor, "upload_communes",
                      pd.DataFrame({"upload_id": upload_id, "commune_code": sorted(communes)}))
        tables.insert(cursor, "upload_scope",
                      scope.assign(upload_id=upload_id)[["upload_id", "part", "key", "sub_key"]])
        if "members" in rows:
            rows = {**rows, "members": _number_new_members(cursor, rows["members"])}
        # Tables replaced where changed keep the stored rows the upload leaves as they are (see below).
        whole = [(table, condition) for table, condition in replaced_tables
                 if table not in REPLACED_WHERE_CHANGED or not _has_rows(rows.get(table))]
        for table, condition in whole:
            cursor.execute(f"INSERT INTO {replaced(table)} BY NAME SELECT $upload AS replaced_by_upload, * "
                           f"FROM {table} WHERE {condition}", {"upload": upload_id})
        for table, condition in reversed(whole):
            cursor.execute(f"DELETE FROM {table} WHERE {condition}", {"upload": upload_id})
        for table, condition in replaced_tables:
            frame = rows.get(table)
            if _has_rows(frame):
                if table in TABLES_WITH_UPLOAD_ID:
                    frame = frame.assign(upload_id=upload_id)
                if (table, condition) in whole:
                    tables.insert(cursor, table, frame)
                else:
                    _replace_where_changed(cursor, table, condition, frame, upload_id)
        audit.add(cursor, str(upload["uploaded_by"]), "upload", f"#{upload_id} {upload['file_name']}", datetime.now())
    return upload_id


def _has_rows(frame: pd.DataFrame | None) -> TypeGuard[pd.DataFrame]:
    return frame is not None and len(frame) > 0


def _replace_where_changed(cursor: duckdb.DuckDBPyConnection, table: str, condition: str, frame: pd.DataFrame,
                           upload_id: int) -> None:
    """Replace the rows of `table` in the upload's scope by `frame`'s, writing only where they differ: a stored row
    that the frame changes or lacks is copied to `replaced_<table>` and deleted; a row of the frame not stored as it
    is gets inserted. Rows are matched by their key (tables.UNIQUE_KEYS) and compared on every column but the
    upload that wrote them."""
    parameters = {"upload": upload_id}
    if only_row(cursor.execute(f"SELECT count(*) FROM {table} WHERE {condition}", parameters).fetchone())[0] == 0:
        tables.insert(cursor, table, frame)  # nothing stored in the scope (a new month): every row is new
        return
    key = tables.UNIQUE_KEYS[table]
    stored_columns = [name for (name,) in cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' "
        "AND table_catalog = current_database() AND table_name = $table", {"table": table}).fetchall()]
    same = " AND ".join(f"stored.{name} = incoming.{name}" if name in key
                        else f"stored.{name} IS NOT DISTINCT FROM incoming.{name}" if name in frame
                        else f"stored.{name} IS NULL"
                        for name in map(plain_name, stored_columns) if name != "upload_id")
    on_key = " AND ".join(f"stored.{name} = incoming.{name}" for name in map(plain_name, key))
    # Registered on the transaction's own cursor (a failed check ends both before it is unregistered).
    cursor.register("incoming", tables.as_arrow(frame))
    # Two incoming rows with one key would meet the same stored row: refused before anything is compared.
    tables.refuse_repeated_keys(cursor, table, "SELECT * FROM incoming")
    # One comparison: the stored rows to replace (row_id) and the incoming rows to write (key given), together.
    cursor.execute(f"CREATE TEMP TABLE differing AS SELECT stored.row_id, incoming.* "
                   f"FROM (SELECT rowid AS row_id, * FROM {table} WHERE {condition}) stored "
                   f"FULL JOIN incoming ON {on_key} "
                   f"WHERE stored.row_id IS NULL OR incoming.{plain_name(key[0])} IS NULL OR NOT ({same})",
                   parameters)
    replaced_rows = "SELECT row_id FROM differing WHERE row_id IS NOT NULL"
    cursor.execute(f"INSERT INTO {replaced(table)} BY NAME SELECT $upload AS {REPLACED_BY}, * FROM {table} "
                   f"WHERE rowid IN ({replaced_rows})", parameters)
    cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({replaced_rows})")
    cursor.execute(f"INSERT INTO {table} BY NAME SELECT * EXCLUDE (row_id) FROM differing "
                   f"WHERE {plain_name(key[0])} IS NOT NULL")
    cursor.execute("DROP TABLE differing")
    tables.refuse_duplicates(cursor, table, "SELECT * FROM incoming")
    cursor.unregister("incoming")


def forget_raw_files(db: Warehouse, removed: list[str]) -> None:
    """Clear where uploads kept their raw file, for the files removed (kept longer than CDS_RAW_UPLOAD_DAYS)."""
    with db.transaction() as cursor:
        cursor.execute("UPDATE uploads SET stored_path = NULL WHERE stored_path IN (SELECT unnest($paths))",
                       {"paths": removed})


def _number_new_members(cursor: duckdb.DuckDBPyConnection, members: pd.DataFrame) -> pd.DataFrame:
    """The members with a code each: those without one get the next numbers of their team, above every number the
    team's codes ever had (in members, replaced members or attendance) and above `member_numbers`."""
    new = members["code"].isna()
    if not new.any():
        return members
    members = members.copy()
    for team, rows in members[new].groupby("team_code", sort=True):
        used = only_row(cursor.execute(
            """
            SELECT greatest(
                coalesce((SELECT last_number FROM member_numbers WHERE team_code = $team), 0),
                coalesce((SELECT max(TRY_CAST(substr(code, length($team) + 2) AS INTEGER)) FROM (
                    SELECT code FROM members UNION ALL SELECT code FROM replaced_members
                    UNION ALL SELECT member_code FROM training_attendance
                    UNION ALL SELECT member_code FROM replaced_training_attendance
                ) WHERE starts_with(code, $team || '-')), 0))
            """, {"team": team}).fetchone())[0]
        numbers = range(used + 1, used + 1 + len(rows))
        members.loc[rows.index, "code"] = [f"{team}-{number}" for number in numbers]
        cursor.execute("INSERT OR REPLACE INTO member_numbers VALUES ($team, $last)",
                       {"team": team, "last": numbers[-1]})
    return members


def undo_upload(db: Warehouse, upload_id: int, undone_by: str, allowed_communes: Collection[str] | None = None) -> str:
    """Put back exactly what upload `upload_id` replaced and mark it undone, in one transaction; return its kind."""
    with db.transaction() as cursor:
        found = cursor.execute(
            "SELECT kind, status FROM uploads WHERE id = $upload", {"upload": upload_id}
        ).fetchone()
        if found is None:
            raise UndoRefused("unknown", upload=upload_id)
        kind, status = found
        if status != "accepted":
            raise UndoRefused("not_accepted", upload=upload_id)
        scoped = only_row(cursor.execute("SELECT count(*) FROM upload_scope WHERE upload_id = $upload",
                                         {"upload": upload_id}).fetchone())[0]
        if kind not in UPLOAD_SCOPES or (kind in _KINDS_SCOPED_SINCE_0010 and not scoped):
            raise UndoRefused("not_undoable", upload=upload_id)
        if allowed_communes is not None:
            communes = [code for (code,) in cursor.execute(
                "SELECT commune_code FROM upload_communes WHERE upload_id = $upload ORDER BY 1",
                {"upload": upload_id}).fetchall()]
            outside = [code for code in communes if code not in allowed_communes]
            if outside:
                raise UndoRefused("other_communes", upload=upload_id, communes=", ".join(outside))
        later = only_row(cursor.execute(f"SELECT min(upload_id) FROM ({LATER_OVERLAPPING_UPLOADS})",
                                        {"upload": upload_id}).fetchone())[0]
        if later is not None:
            raise UndoRefused("replaced_later", upload=upload_id, later=later)
        if kind == "villages":
            _refuse_undoing_a_registry_others_rely_on(cursor, upload_id)
        backup.snapshot_before_write(db, f"undo-{upload_id}")
        replaced_tables = tables_replaced_by(kind)
        for table, condition in reversed(replaced_tables):
            cursor.execute(f"DELETE FROM {table} WHERE {written_by_upload(table, condition)}", {"upload": upload_id})
        for table, _ in replaced_tables:
            put_back = (f"SELECT * EXCLUDE ({REPLACED_BY}) FROM {replaced(table)} "
                        f"WHERE {REPLACED_BY} = $upload")
            cursor.execute(f"INSERT INTO {table} BY NAME {put_back}", {"upload": upload_id})
            if table in tables.UNIQUE_KEYS:
                tables.refuse_duplicates(cursor, table, put_back, {"upload": upload_id})
        # What the copies held is back in the tables, and an undone upload is never undone again.
        for table, _ in replaced_tables:
            cursor.execute(f"DELETE FROM {replaced(table)} WHERE {REPLACED_BY} = $upload", {"upload": upload_id})
        cursor.execute(
            "UPDATE uploads SET status = 'undone', undone_at = current_timestamp, undone_by = $user WHERE id = $upload",
            {"upload": upload_id, "user": undone_by},
        )
        audit.add(cursor, undone_by, "undo", f"#{upload_id}", datetime.now())
    return kind


def _refuse_undoing_a_registry_others_rely_on(cursor: duckdb.DuckDBPyConnection, upload_id: int) -> None:
    """A registry upload cannot be undone while later uploads use the villages it added, nor when the households it
    replaced are fewer than household figures reported since."""
    added = ("SELECT key FROM upload_scope WHERE upload_id = $upload AND part = 'village' AND key NOT IN "
             "(SELECT code FROM replaced_villages WHERE replaced_by_upload = $upload)")
    users = only_row(cursor.execute(
        f"""
        SELECT list(DISTINCT u.id ORDER BY u.id), list(DISTINCT scope.key ORDER BY scope.key)
        FROM upload_scope scope JOIN uploads u ON u.id = scope.upload_id
        WHERE u.id > $upload AND u.status = 'accepted' AND scope.part IN ('village', 'village_period')
          AND scope.key IN ({added})
        """, {"upload": upload_id}).fetchone())
    if users[0]:
        raise UndoRefused("registry_in_use", upload=upload_id, later=", ".join(map(str, users[0])),
                          villages=", ".join(users[1]))
    above = cursor.execute(
        """
        SELECT old.code, rv.period, max(rv.value), any_value(old.households)
        FROM replaced_villages old
        JOIN report_values rv ON rv.village_code = old.code
        JOIN indicators i ON i.code = rv.indicator_code AND i.kind = 'cumulative'
        WHERE old.replaced_by_upload = $upload AND rv.value > old.households
        GROUP BY ALL ORDER BY ALL
        """, {"upload": upload_id}).fetchall()
    if above:
        raise UndoRefused("registry_households", upload=upload_id,
                          figures=[(village, period, int(value), int(households))
                                   for village, period, value, households in above])
