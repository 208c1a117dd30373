"""Rows of a frame into a table, the uniqueness the largest tables keep without an index, and the check that names
put into SQL are plain names."""

from __future__ import annotations

import re

import duckdb
import pandas as pd
import pyarrow as pa

_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")
# Tables too large for DuckDB to keep an index on (migration 0016) and the columns that identify a row: every write
# to them checks the rows it wrote, and refuses a duplicate as the primary key did (duckdb.ConstraintException).
UNIQUE_KEYS: dict[str, tuple[str, ...]] = {
    "reports": ("village_code", "period"),
    "report_values": ("village_code", "period", "indicator_code"),
    "training_attendance": ("commune_code", "session_code", "member_code"),
}


def plain_name(name: str) -> str:
    """`name` itself when it is a plain lower-case SQL name; ValueError otherwise (it is never quoted into SQL)."""
    if not _PLAIN_NAME.fullmatch(name):
        raise ValueError(f"not a plain table or column name: {name!r}")
    return name


def insert(cursor: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Insert the frame's rows into `table`, column by name (refusing a duplicate of a UNIQUE_KEYS table's key)."""
    columns = ", ".join(plain_name(str(column)) for column in frame.columns)
    incoming_rows = as_arrow(frame)  # noqa: F841 (read by DuckDB's replacement scan, by name, in this function)
    cursor.execute(f"INSERT INTO {plain_name(table)} ({columns}) SELECT {columns} FROM incoming_rows")
    if table in UNIQUE_KEYS:
        written = "SELECT * FROM incoming_rows"
        if cursor.execute(_duplicate_hashes(table, written)).fetchall()[0][0]:
            _refuse(table, cursor.execute(_duplicate_keys(table, written)).fetchone())


def refuse_duplicates(cursor: duckdb.DuckDBPyConnection, table: str, written: str,
                      parameters: dict[str, object] | None = None) -> None:
    """Raise duckdb.ConstraintException when `table` holds two rows with the key of a row of `written` (a query of
    the rows just written: only their keys are looked at, so that the check costs what the write did)."""
    if cursor.execute(_duplicate_hashes(table, written), parameters or {}).fetchall()[0][0]:
        _refuse(table, cursor.execute(_duplicate_keys(table, written), parameters or {}).fetchone())


def refuse_repeated_keys(cursor: duckdb.DuckDBPyConnection, table: str, rows: str) -> None:
    """Raise duckdb.ConstraintException when `rows` (a query of rows about to be written to `table`) hold two rows
    with one key."""
    key = ", ".join(plain_name(column) for column in UNIQUE_KEYS[table])
    if cursor.execute(f"SELECT count(*) FROM (SELECT hash({key}) FROM ({rows}) GROUP BY ALL "
                      "HAVING count(*) > 1)").fetchall()[0][0]:
        _refuse(table, cursor.execute(f"SELECT {key} FROM ({rows}) GROUP BY ALL HAVING count(*) > 1 "
                                      "LIMIT 1").fetchone())


def as_arrow(frame: pd.DataFrame) -> object:
    """The frame as an Arrow table, which DuckDB reads without converting each text cell; the frame itself when
    a column mixes types Arrow cannot hold."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return frame


def _written_rows(table: str, written: str) -> str:
    """The rows of `table` sharing the first two key columns with a row of `written`: the written rows'
    villages and months (or sessions), which narrows the table at once."""
    narrow = ", ".join(plain_name(column) for column in UNIQUE_KEYS[table][:2])
    return f"FROM {plain_name(table)} WHERE ({narrow}) IN (SELECT DISTINCT {narrow} FROM ({written}))"


def _duplicate_hashes(table: str, written: str) -> str:
    # Grouping on one 64-bit hash of the key costs a fraction of grouping on its text; a match is then confirmed.
    key = ", ".join(plain_name(column) for column in UNIQUE_KEYS[table])
    return (f"SELECT count(*) FROM (SELECT hash({key}) {_written_rows(table, written)} "
            "GROUP BY ALL HAVING count(*) > 1)")


def _duplicate_keys(table: str, written: str) -> str:
    key = ", ".join(plain_name(column) for column in UNIQUE_KEYS[table])
    return f"SELECT {key} {_written_rows(table, written)} GROUP BY ALL HAVING count(*) > 1 LIMIT 1"


def _refuse(table: str, duplicate: tuple | None) -> None:
    if duplicate is not None:
        shown = ", ".join(f"{column}: {value}" for column, value in zip(UNIQUE_KEYS[table], duplicate, strict=True))
        raise duckdb.ConstraintException(f'Duplicate key "{shown}" violates the unique key of {table}')
