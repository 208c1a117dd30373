"""What can stop the program from using the warehouse: the file is locked, damaged, busy, newer, or its catalogue is
unusable. Every command and page turns these into a sentence (`etl/storage.py`, the entry file)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

# DuckDB's words for a file that is not a readable database (truncated, overwritten, not DuckDB at all).
_DAMAGE_SIGNS = ("not a valid duckdb database file", "could not read enough bytes", "corrupt database file",
                 "does not match stored checksum")
_LOCK_SIGN = "could not set lock on file"
_HOLDER_PID = re.compile(r"\(PID (\d+)\)")


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


class WarehouseNewerThanProgram(RuntimeError):
    """The database was written by a newer version of this program."""


class CatalogueError(ValueError):
    """The indicator catalogue file is unusable; the message says which row and why."""


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
