"""The warehouse: one DuckDB file (or an in-memory database) behind one object, the only place DuckDB is opened.

Like Datasette's `Database`: reads and writes are different things. A read runs on a cursor of its own (cursors are
safe across the dashboard's threads) and returns a frame, a row or a value; a write is a `transaction()`, holding
the write lock, committed whole or not at all; only the write layer (`warehouse/write/`) opens transactions.
`Warehouse.open(path)` opens each file once per process and, that first time, brings its schema up to date and
syncs the indicator catalogue, so that no page or command ever migrates while it works.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import pandas as pd

from settings import DEFAULT_CATALOGUE
from warehouse.catalogue import read_catalogue
from warehouse.errors import unavailable
from warehouse.files import PRIVATE_UMASK, busy, make_private, wal_path, writing
from warehouse.write import audit, catalogue, migrations, upload_scopes

Parameters = Sequence[object] | Mapping[str, object] | None
_HAS_DATA_VERSION = "SELECT count(*) FROM information_schema.tables WHERE table_name = 'data_version'"
_NEW_DATA_VERSION = "UPDATE data_version SET version = version + 1, token = gen_random_uuid(), changed_at = now()"


class Warehouse:
    """One warehouse: its file (None in memory) and its connection; reads with `read`, writes with `transaction`."""

    _opened: ClassVar[dict[Path, Warehouse]] = {}
    _opening: ClassVar[threading.Lock] = threading.Lock()
    # Transactions committed by this process, any warehouse: a cheap sign that a data version read earlier is stale.
    commits: ClassVar[int] = 0

    def __init__(self, connection: duckdb.DuckDBPyConnection, path: Path | None) -> None:
        self.path = path
        self._connection = connection
        # Audit rows that commands left beside the file are written with the first transaction once the schema
        # has the audit log (see write/audit.py).
        self._takes_pending_audit = False
        self._memory_writes = threading.RLock()

    def __repr__(self) -> str:
        return f"Warehouse({str(self.path) if self.path else ':memory:'})"

    # --- Opening and closing ---------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, catalogue_file: Path | str = DEFAULT_CATALOGUE) -> Warehouse:
        """The process's warehouse at `path`, opened on first use: schema upgraded, indicator catalogue synced from
        `catalogue_file`.

        Raises WarehouseUnavailable (locked, damaged), WarehouseNewerThanProgram or CatalogueError.
        """
        key = Path(path).resolve()
        found = cls._opened.get(key)
        if found is not None:
            return found
        with cls._opening:
            found = cls._opened.get(key)
            if found is None:
                # Opening replays and checkpoints the write-ahead log: no copy may be taken meanwhile.
                with writing(key):
                    os.umask(PRIVATE_UMASK)  # DuckDB's own files (the log, spill files) are then private too
                    found = cls._connect(key)
                    make_private(key)
                    make_private(wal_path(key))
                try:
                    migrations.upgrade(found)
                    found._takes_pending_audit = True
                    upload_scopes.match_replaced_tables(found)
                    catalogue.sync(found, read_catalogue(catalogue_file))
                except BaseException:
                    found._connection.close()
                    raise
                cls._opened[key] = found
        return found

    @classmethod
    @contextmanager
    def inspect(cls, path: Path | str) -> Iterator[Warehouse]:
        """The file at `path` opened as it is (no migration, not shared with the process), closed when the block
        ends: to check a copy (a backup, a restore's staging) or to build a warehouse step by step."""
        warehouse = cls._connect(Path(path).resolve())
        try:
            yield warehouse
        finally:
            warehouse._connection.close()

    @classmethod
    def in_memory(cls) -> Warehouse:
        """An empty database in memory, without a schema (for DuckDB's functions, e.g. its collations)."""
        return cls._connect(None)

    @classmethod
    def _connect(cls, path: Path | None) -> Warehouse:
        """The one place DuckDB is opened: the file at `path`, or a database in memory."""
        target = ":memory:" if path is None else str(path)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return cls(duckdb.connect(target), path)
        except duckdb.Error as error:
            raise unavailable(Path(target), error) from error

    def close(self) -> None:
        """Close the connection (the process then opens the file afresh): before the file is replaced or removed."""
        if self.path is None or Warehouse._opened.get(self.path) is not self:
            self._connection.close()
            return
        with Warehouse._opening:
            Warehouse._opened.pop(self.path, None)
        # Closing checkpoints the log into the file: no copy may be taken meanwhile.
        with writing(self.path):
            self._connection.close()

    @classmethod
    def close_if_open(cls, path: Path | str) -> None:
        """Close the process's warehouse at `path`, if it has it open."""
        found = cls._opened.get(Path(path).resolve())
        if found is not None:
            found.close()

    @classmethod
    def close_all(cls) -> None:
        """Close every warehouse the process has open (tests, benchmarks)."""
        for warehouse in list(cls._opened.values()):
            warehouse.close()

    # --- Reads -----------------------------------------------------------------------------------------------------

    def _cursor(self, frames: Mapping[str, pd.DataFrame] | None) -> duckdb.DuckDBPyConnection:
        cursor = self._connection.cursor()
        for name, frame in (frames or {}).items():
            cursor.register(name, frame)
        return cursor

    def read(self, sql: str, parameters: Parameters = None, *,
             frames: Mapping[str, pd.DataFrame] | None = None) -> pd.DataFrame:
        """The result of one query as a frame (`frames`: data frames the query reads by name)."""
        return self._cursor(frames).execute(sql, parameters or {}).df()

    def rows(self, sql: str, parameters: Parameters = None) -> list[tuple]:
        """The result of one query as a list of rows."""
        return self._cursor(None).execute(sql, parameters or {}).fetchall()

    def row(self, sql: str, parameters: Parameters = None) -> tuple | None:
        """The first row of one query's result, or None when there is none."""
        return self._cursor(None).execute(sql, parameters or {}).fetchone()

    def scalar(self, sql: str, parameters: Parameters = None) -> Any:
        """The first value of one query's first row (None when there is no row)."""
        found = self.row(sql, parameters)
        return None if found is None else found[0]

    def data_version(self) -> str | None:
        """What names the warehouse's data as it is now (changed by every committed write, by any process); None for
        a warehouse older than the data version."""
        try:
            return str(self.scalar("SELECT token FROM data_version"))
        except duckdb.CatalogException:
            return None

    # --- Writes ----------------------------------------------------------------------------------------------------

    def writing(self, wait: float | None = None) -> AbstractContextManager[Any]:
        """Hold the write lock (re-entrant): one write at a time, and no copy of the file meanwhile."""
        return self._memory_writes if self.path is None else writing(self.path, wait)

    def busy(self) -> bool:
        """Whether another thread of this process is writing right now."""
        return self.path is not None and busy(self.path)

    @contextmanager
    def transaction(self, *, changes_data: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside one transaction, holding the write lock: committed when the block ends, rolled back if
        it raises. Only the write layer (`warehouse/write/`) calls it. `changes_data=False` for the frequent writes
        no cached read depends on (sign-ins, remembered sign-ins, the audit log): the data version stays, and with
        it every session's cached reads."""
        with self.writing():
            cursor = self._connection.cursor()
            cursor.execute("BEGIN TRANSACTION")
            try:
                pending = (audit.take_pending(cursor, self.path)
                           if self._takes_pending_audit and self.path is not None else None)
                yield cursor
                # Every change to the data ends here: a new data version, committed with the change.
                if changes_data and cursor.execute(_HAS_DATA_VERSION).fetchone() != (0,):
                    cursor.execute(_NEW_DATA_VERSION)
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
            Warehouse.commits += 1
            if pending is not None:
                pending.unlink(missing_ok=True)


def only_row(found: tuple | None) -> tuple:
    """The row of a query that always returns one (an aggregate without GROUP BY, `nextval`)."""
    if found is None:
        raise LookupError("the query returned no row")
    return found
