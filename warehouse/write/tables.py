"""Rows of a frame into a table, and the check that every table or column name put into SQL text is a plain name."""

from __future__ import annotations

import re

import duckdb
import pandas as pd

_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def plain_name(name: str) -> str:
    """`name` itself when it is a plain lower-case SQL name; ValueError otherwise (it is never quoted into SQL)."""
    if not _PLAIN_NAME.fullmatch(name):
        raise ValueError(f"not a plain table or column name: {name!r}")
    return name


def insert(cursor: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Insert the frame's rows into `table`, column by name."""
    columns = ", ".join(plain_name(str(column)) for column in frame.columns)
    incoming_rows = frame  # noqa: F841 (read by DuckDB's replacement scan, by name)
    cursor.execute(f"INSERT INTO {plain_name(table)} ({columns}) SELECT {columns} FROM incoming_rows")
