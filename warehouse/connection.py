"""One cached DuckDB connection per warehouse file; every read and write takes its own cursor from it.

DuckDB lets one process open a file for writing. Inside that process, `writing` lets one write happen at a time
and, through a lock file beside the warehouse, keeps other processes from copying the file while a write is under
way: a copy taken while holding `writing` is a consistent snapshot (see warehouse/backup.py).
"""

from __future__ import annotations

import fcntl
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import duckdb
import pandas as pd

# Files the program writes (the warehouse, its log, raw uploads, snapshots) are readable by the server's user only.
PRIVATE_UMASK = 0o077
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
# How long a write waits for another one (an upload by someone else) before it is refused.
WRITE_WAIT_SECONDS = 120.0
_LOCK_POLL_SECONDS = 0.05
# DuckDB's words for a file that is not a readable database (truncated, overwritten, not DuckDB at all).
_DAMAGE_SIGNS = ("not a valid duckdb database file", "could not read enough bytes", "corrupt database file",
                 "does not match stored checksum")
_LOCK_SIGN = "could not set lock on file"
_HOLDER_PID = re.compile(r"\(PID (\d+)\)")

_connections: dict[Path, duckdb.DuckDBPyConnection] = {}
_lock = threading.Lock()


class WarehouseUnavailable(RuntimeError):
    """The warehouse file cannot be opened (locked by another program, unreadable, not a database)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class WarehouseLocked(WarehouseUnavailable):
    """Another process (the dashboard, or a command still running) has the warehouse open for writing."""

    def __init__(self, path: Path, reason: str, holder_pid: int | None = None) -> None:
        super().__init__(path, reason)
        self.holder_pid = holder_pid


class WarehouseDamaged(WarehouseUnavailable):
    """The warehouse file is damaged: truncated, partly overwritten, or not a DuckDB database."""


class WarehouseBusy(RuntimeError):
    """Another write to the warehouse did not end within the wait allowed."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: another write is still under way")
        self.path = path


def is_damage(error: BaseException) -> bool:
    """Whether a DuckDB error says that the file itself is damaged (not a lock, not a bad query)."""
    text = str(error).lower()
    return isinstance(error, duckdb.Error) and _LOCK_SIGN not in text and any(sign in text for sign in _DAMAGE_SIGNS)


def unavailable(path: Path, error: duckdb.Error) -> WarehouseUnavailable:
    """The error of opening or reading the warehouse, as the kind the user must act on."""
    text = str(error)
    if _LOCK_SIGN in text.lower():
        holder = _HOLDER_PID.search(text)
        return WarehouseLocked(path, text, int(holder.group(1)) if holder else None)
    if is_damage(error):
        return WarehouseDamaged(path, text)
    return WarehouseUnavailable(path, text)


def make_private(path: Path) -> None:
    """Let only the server's user read or write the file (or folder) at `path`, when it exists."""
    if path.exists():
        path.chmod(PRIVATE_FOLDER if path.is_dir() else PRIVATE_FILE)


def private_folder(path: Path) -> Path:
    """The folder at `path`, created if missing, readable by the server's user only."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    make_private(path)
    return path


def wal_path(path: Path) -> Path:
    """DuckDB's write-ahead log of the warehouse at `path`."""
    return path.with_name(path.name + ".wal")


@dataclass
class _WriteLock:
    threads: threading.RLock
    depth: int = 0
    file: IO[bytes] | None = None


_write_locks: dict[Path, _WriteLock] = {}
_write_locks_guard = threading.Lock()


def _write_lock(key: Path) -> _WriteLock:
    with _write_locks_guard:
        return _write_locks.setdefault(key, _WriteLock(threading.RLock()))


def _lock_file(key: Path, deadline: float) -> IO[bytes]:
    """The lock file beside the warehouse, locked exclusively (waiting until `deadline` for another process)."""
    key.parent.mkdir(parents=True, exist_ok=True)
    file = os.fdopen(os.open(key.with_name(key.name + ".write-lock"), os.O_RDWR | os.O_CREAT, PRIVATE_FILE), "rb")
    while True:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return file
        except BlockingIOError:
            if time.monotonic() >= deadline:
                file.close()
                raise WarehouseBusy(key) from None
            time.sleep(_LOCK_POLL_SECONDS)


@contextmanager
def writing(path: Path | str, wait: float | None = None) -> Iterator[None]:
    """Hold the warehouse's write lock (re-entrant): one write at a time, and no copy of the file meanwhile.

    Raises WarehouseBusy when another write does not end within `wait` seconds (default WRITE_WAIT_SECONDS).
    """
    key = Path(path).resolve()
    wait = WRITE_WAIT_SECONDS if wait is None else wait
    state = _write_lock(key)
    deadline = time.monotonic() + wait
    if not state.threads.acquire(timeout=wait):
        raise WarehouseBusy(key)
    try:
        if state.depth == 0:
            state.file = _lock_file(key, deadline)
        state.depth += 1
        try:
            yield
        finally:
            state.depth -= 1
            if state.depth == 0 and state.file is not None:
                state.file.close()
                state.file = None
    finally:
        state.threads.release()


def busy(path: Path | str) -> bool:
    """Whether another thread of this process is writing to the warehouse right now."""
    state = _write_lock(Path(path).resolve())
    if not state.threads.acquire(blocking=False):
        return True
    state.threads.release()
    return False


def held_by_another_process(path: Path | str) -> bool:
    """Whether another process has the warehouse open (DuckDB locks the file); call it with the file closed here."""
    try:
        descriptor = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(descriptor)  # also releases the test lock
    return False


def shared_connection(path: Path | str) -> duckdb.DuckDBPyConnection:
    """The process's connection to the warehouse at `path`, opened on first use."""
    key = Path(path).resolve()
    connection = _connections.get(key)
    if connection is not None:
        return connection
    # Opening replays and checkpoints the write-ahead log: no copy may be taken meanwhile.
    with writing(key), _lock:
        connection = _connections.get(key)
        if connection is None:
            os.umask(PRIVATE_UMASK)  # DuckDB's own files (the log, spill files) are then private too
            key.parent.mkdir(parents=True, exist_ok=True)
            try:
                connection = duckdb.connect(str(key))
            except duckdb.Error as error:
                raise unavailable(key, error) from error
            make_private(key)
            make_private(wal_path(key))
            _connections[key] = connection
    return connection


def read_frame(con: duckdb.DuckDBPyConnection, sql: str, parameters: dict | None = None) -> pd.DataFrame:
    """The result of one read, on a cursor of its own (cursors are safe across the app's threads)."""
    return con.cursor().execute(sql, parameters or {}).df()


def close(path: Path | str) -> None:
    """Close the cached connection to `path`, if any (before the file is replaced or removed)."""
    key = Path(path).resolve()
    # Closing checkpoints the log into the file: no copy may be taken meanwhile.
    with writing(key):
        with _lock:
            connection = _connections.pop(key, None)
        if connection is not None:
            connection.close()


def close_all() -> None:
    with _lock:
        paths = list(_connections)
    for path in paths:
        close(path)
