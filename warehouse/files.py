"""The warehouse file on disk, without opening it: private file modes, DuckDB's log beside it, and the write lock.

`writing` lets one write happen at a time inside a process and, through a lock file beside the warehouse, keeps
other processes from copying the file while a write is under way: a copy taken while holding it is a consistent
snapshot (see warehouse/backup.py). It works on a path, so that a process that cannot open the file (the dashboard
has it) may still copy it.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from warehouse.errors import WarehouseBusy

# Files the program writes (the warehouse, its log, raw uploads, snapshots) are readable by the server's user only.
PRIVATE_UMASK = 0o077
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
# How long a write waits for another one (an upload by someone else) before it is refused.
WRITE_WAIT_SECONDS = 120.0
_LOCK_POLL_SECONDS = 0.05


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
