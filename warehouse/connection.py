"""One cached DuckDB connection per warehouse file; every read and write takes its own cursor from it."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pandas as pd

_connections: dict[Path, duckdb.DuckDBPyConnection] = {}
_lock = threading.Lock()


class WarehouseUnavailable(RuntimeError):
    """The warehouse file cannot be opened (locked by another program, unreadable, not a database)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def shared_connection(path: Path | str) -> duckdb.DuckDBPyConnection:
    """The process's connection to the warehouse at `path`, opened on first use."""
    key = Path(path).resolve()
    with _lock:
        connection = _connections.get(key)
        if connection is None:
            key.parent.mkdir(parents=True, exist_ok=True)
            try:
                connection = duckdb.connect(str(key))
            except duckdb.Error as error:
                raise WarehouseUnavailable(key, str(error)) from error
            _connections[key] = connection
    return connection


def read_frame(con: duckdb.DuckDBPyConnection, sql: str, parameters: dict | None = None) -> pd.DataFrame:
    """The result of one read, on a cursor of its own (cursors are safe across the app's threads)."""
    return con.cursor().execute(sql, parameters or {}).df()


def close(path: Path | str) -> None:
    """Close the cached connection to `path`, if any (before the file is replaced or removed)."""
    with _lock:
        connection = _connections.pop(Path(path).resolve(), None)
    if connection is not None:
        connection.close()


def close_all() -> None:
    with _lock:
        connections = list(_connections.values())
        _connections.clear()
    for connection in connections:
        connection.close()
