"""The one list of what an upload may replace: for each kind of upload, its tables and which of their rows.

Every table and condition that the upload and undo SQL is built from comes from `UPLOAD_SCOPES`, checked by
`tables_replaced_by`. Each such table has a copy, `replaced_<table>`, holding the rows uploads replaced so that
undo can put them back; the copies are made from the tables themselves each time a warehouse is opened, after its
migrations, so that a migration adding or changing a column needs nothing more for undo to keep working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from warehouse.write.tables import plain_name

if TYPE_CHECKING:
    from warehouse.database import Warehouse

# The rows of each table that an upload of a kind replaces, as a condition on its scope (table upload_scope,
# parts named after what the key is). Tables are listed parents first; deletes run in the reverse order.
_SCOPE = "SELECT key FROM upload_scope WHERE upload_id = $upload AND part = '{part}'"
_MONTHS_SCOPE = "SELECT key, sub_key FROM upload_scope WHERE upload_id = $upload AND part = 'village_period'"
# A session is its commune (key) and its code (sub_key): codes are unique within a commune only.
_SESSIONS_SCOPE = "SELECT key, sub_key FROM upload_scope WHERE upload_id = $upload AND part = 'commune_session'"
UPLOAD_SCOPES: dict[str, list[tuple[str, str]]] = {
    "monthly": [
        ("reports", f"(village_code, period) IN ({_MONTHS_SCOPE})"),
        ("report_values", f"(village_code, period) IN ({_MONTHS_SCOPE})"),
    ],
    "villages": [
        ("communes", f"code IN ({_SCOPE.format(part='new_commune')})"),
        ("villages", f"code IN ({_SCOPE.format(part='village')})"),
    ],
    "roster": [
        ("teams", f"village_code IN ({_SCOPE.format(part='village')})"),
        ("members", f"team_code IN (SELECT code FROM teams WHERE village_code IN ({_SCOPE.format(part='village')}))"),
    ],
    "training": [
        ("training_sessions", f"(commune_code, code) IN ({_SESSIONS_SCOPE})"),
        ("training_attendance", f"(commune_code, session_code) IN ({_SESSIONS_SCOPE})"),
    ],
    "boundaries_village": [
        ("boundaries", f"level = 'village' AND commune_code IN ({_SCOPE.format(part='village_boundaries')})"),
    ],
    "boundaries_commune": [
        ("communes", f"code IN ({_SCOPE.format(part='new_commune')})"),
        ("boundaries", f"level = 'commune' AND code IN ({_SCOPE.format(part='commune_boundary')})"),
    ],
}
# Tables whose rows remember the upload that wrote them.
TABLES_WITH_UPLOAD_ID = {"reports", "report_values", "training_sessions", "boundaries"}
# Tables an upload changes only where its rows differ from the stored ones (compared by their key,
# tables.UNIQUE_KEYS): a correction of a few figures of a national month writes and keeps a copy of those alone, and
# undo takes out the rows the upload wrote (its `upload_id`), not its whole scope.
REPLACED_WHERE_CHANGED = {"reports", "report_values"}
REPLACED_BY = "replaced_by_upload"
# How a copy fills a column its table gained for the rows it already holds (NULL otherwise): figures copied before
# they remembered their upload (migration 0020) were written with their report, whose copy names that upload.
FILLED_WHEN_ADDED = {
    ("report_values", "upload_id"): (
        "UPDATE replaced_report_values copy SET upload_id = report.upload_id FROM replaced_reports report "
        "WHERE report.replaced_by_upload = copy.replaced_by_upload AND report.village_code = copy.village_code "
        "AND report.period = copy.period"),
}


def tables_replaced_by(kind: str) -> list[tuple[str, str]]:
    """The tables an upload of `kind` replaces rows of, parents first, each with the condition on its scope."""
    if kind not in UPLOAD_SCOPES:
        raise ValueError(f"not a kind of upload: {kind!r}")
    return [(plain_name(table), condition) for table, condition in UPLOAD_SCOPES[kind]]


def written_by_upload(table: str, condition: str) -> str:
    """The condition on the rows of `table` in an upload's scope that the upload wrote (those undo takes out)."""
    return f"({condition}) AND upload_id = $upload" if table in REPLACED_WHERE_CHANGED else condition


def replaced(table: str) -> str:
    """The name of the table keeping the rows of `table` that uploads replaced."""
    return f"replaced_{plain_name(table)}"


def match_replaced_tables(db: Warehouse) -> None:
    """Give every table an upload may replace a copy table with exactly its columns and types, plus the upload
    that replaced each row: created when missing, columns added, retyped or dropped as the table's are."""
    columns = db.read("SELECT table_name, column_name, data_type FROM information_schema.columns "
                      "WHERE table_schema = 'main' AND table_catalog = current_database() ORDER BY ordinal_position")
    by_table = {table: dict(zip(rows["column_name"], rows["data_type"], strict=True))
                for table, rows in columns.groupby("table_name", sort=False)}
    statements = []
    for table in sorted({table for kind in UPLOAD_SCOPES for table, _ in tables_replaced_by(kind)}):
        wanted, copy = by_table[table], replaced(table)
        if copy not in by_table:
            statements.append(f"CREATE TABLE {copy} AS SELECT CAST(NULL AS INTEGER) AS {REPLACED_BY}, * "
                              f"FROM {table} LIMIT 0")
            continue
        kept = {name: data_type for name, data_type in by_table[copy].items() if name != REPLACED_BY}
        for name, data_type in wanted.items():
            if name not in kept:
                statements.append(f"ALTER TABLE {copy} ADD COLUMN {plain_name(name)} {data_type}")
                if (table, name) in FILLED_WHEN_ADDED:
                    statements.append(FILLED_WHEN_ADDED[table, name])
            elif kept[name] != data_type:
                statements.append(f"ALTER TABLE {copy} ALTER COLUMN {plain_name(name)} SET DATA TYPE {data_type}")
        statements += [f"ALTER TABLE {copy} DROP COLUMN {plain_name(name)}" for name in kept if name not in wanted]
    if statements:
        with db.transaction() as cursor:
            for statement in statements:
                cursor.execute(statement)
