"""Snapshots of the warehouse: automatic ones before every upload and undo, backups on request, and restore.

A snapshot is a folder holding `warehouse.duckdb` (with DuckDB's write-ahead log when it had one) copied while
holding the write lock, so that no write is half done in it, and `manifest.json`: when, why, from which file, and
each table's row count and fingerprint. Restore checks the fingerprints on a scratch copy before it replaces
anything, and keeps the file it replaces. Copying needs no DuckDB connection, so that it works while the dashboard
has the warehouse open; the copies are checked through `Warehouse.inspect`.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from settings import load_settings
from warehouse.database import Warehouse, only_row
from warehouse.errors import WarehouseUnavailable, unavailable
from warehouse.files import held_by_another_process, make_private, private_folder, wal_path, writing
from warehouse.write.migrations import schema_version

SNAPSHOT_FILE = "warehouse.duckdb"
MANIFEST_FILE = "manifest.json"
SNAPSHOTS_FOLDER = "snapshots"
STAMP = "%Y%m%d-%H%M%S-%f"


class BackupRefused(ValueError):
    """A backup or restore that cannot be done; `key` names the sentence that says why."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Restored:
    created_at: datetime  # when the backup or snapshot was taken
    tables: dict[str, list]  # table → [rows, fingerprint], as checked in the restored file
    kept_aside: Path | None  # where the replaced warehouse file was moved, if there was one


def fingerprints(db: Warehouse) -> dict[str, list]:
    """Every table's row count and a fingerprint of its rows (a sum of row hashes: independent of row order)."""
    tables = [name for (name,) in db.rows(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_catalog = current_database() AND table_type = 'BASE TABLE' ORDER BY table_name"
    )]
    found = {}
    for table in tables:
        rows, fingerprint = only_row(db.row(
            f'SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR FROM "{table}" AS t'
        ))
        found[table] = [rows, fingerprint]
    return found


def snapshots_folder(warehouse: Path | str) -> Path:
    """Where the automatic snapshots of the warehouse are kept: `snapshots/` beside it."""
    return Path(warehouse).resolve().parent / SNAPSHOTS_FOLDER


def snapshots(warehouse: Path | str) -> list[Path]:
    """The automatic snapshots of the warehouse, oldest first."""
    folder = snapshots_folder(warehouse)
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if (path / MANIFEST_FILE).is_file())


def newest_snapshot(warehouse: Path | str) -> Path | None:
    found = snapshots(warehouse)
    return found[-1] if found else None


def _copy_files(warehouse: Path, destination: Path) -> Path:
    """Copy the warehouse and its log into the folder `destination` (made private) while no write is under way.

    Nothing is left behind when the copy fails (a full disk): the caller gets the error.
    """
    private_folder(destination)
    copy = destination / SNAPSHOT_FILE
    try:
        with writing(warehouse):
            shutil.copyfile(warehouse, copy)
            if wal_path(warehouse).exists():
                shutil.copyfile(wal_path(warehouse), wal_path(copy))
    except BaseException:
        shutil.rmtree(destination, ignore_errors=True)
        raise
    make_private(copy)
    make_private(wal_path(copy))
    return copy


def _write_manifest(folder: Path, manifest: dict) -> None:
    try:
        (folder / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    make_private(folder / MANIFEST_FILE)


def read_manifest(folder: Path | str) -> dict:
    """The manifest of a snapshot or backup folder; BackupRefused when the folder is not one."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        datetime.fromisoformat(manifest["created_at"])
        if not (folder / SNAPSHOT_FILE).is_file() or not isinstance(manifest["tables"], dict):
            raise ValueError(folder)
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupRefused("storage.restore.not_a_backup", folder=folder) from None
    return manifest


def _manifest(warehouse: Path, reason: str, tables: dict[str, list], schema_version: int) -> dict:
    return {"created_at": datetime.now().isoformat(timespec="seconds"), "reason": reason,
            "source": str(warehouse), "schema_version": schema_version, "tables": tables}


def snapshot_before_write(db: Warehouse, reason: str) -> Path | None:
    """Keep a snapshot of the warehouse as it is now, before a write, and prune the oldest beyond the setting.

    Called by the write layer inside its transaction; returns the snapshot's folder (None when snapshots are off).
    """
    kept = load_settings().snapshots_kept
    if kept == 0 or db.path is None:
        return None
    warehouse = db.path
    folder = private_folder(snapshots_folder(warehouse)) / f"{datetime.now():{STAMP}}-{reason}"
    with db.writing():
        _copy_files(warehouse, folder)
        _write_manifest(folder, _manifest(warehouse, reason, fingerprints(db), schema_version(db)))
    for old in snapshots(warehouse)[:-kept]:
        shutil.rmtree(old, ignore_errors=True)
    return folder


def backup(warehouse: Path | str, out: Path | str) -> dict:
    """Write a checked, self-contained backup of the warehouse into the new or empty folder `out`; its manifest.

    Works while another process (the dashboard) has the warehouse open: the file is copied, never opened.
    """
    warehouse, out = Path(warehouse).resolve(), Path(out)
    if not warehouse.is_file():
        raise BackupRefused("storage.backup.no_warehouse", path=warehouse)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupRefused("storage.backup.out_not_empty", out=out)
    copy = _copy_files(warehouse, out)
    try:
        # Opening the copy replays its log and checks it is readable; closing folds the log into the file.
        with Warehouse.inspect(copy) as checked:
            manifest = _manifest(warehouse, "backup", fingerprints(checked), schema_version(checked))
    except WarehouseUnavailable as error:  # the copy cannot be opened: said of the warehouse it was copied from
        shutil.rmtree(out, ignore_errors=True)
        raise type(error)(warehouse, error.reason) from error
    except duckdb.Error as error:
        shutil.rmtree(out, ignore_errors=True)
        raise unavailable(warehouse, error) from error
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    make_private(copy)
    _write_manifest(out, manifest)
    return manifest


@contextmanager
def readable_copy(warehouse: Path | str) -> Iterator[Path]:
    """A private copy of the warehouse taken now (while no write is under way), removed when the block ends."""
    warehouse = Path(warehouse).resolve()
    with tempfile.TemporaryDirectory(prefix=".read-copy-", dir=warehouse.parent) as folder:
        copy = _copy_files(warehouse, Path(folder) / "copy")
        try:
            yield copy
        finally:
            Warehouse.close_if_open(copy)


def restore(folder: Path | str, warehouse: Path | str, *, force: bool, latest_version: int) -> Restored:
    """Replace the warehouse by the snapshot or backup in `folder`, after checking every table's fingerprint.

    Refused while another process has the warehouse open, and, unless `force`, when a warehouse file exists.
    The replaced file is moved aside, never deleted.
    """
    folder, warehouse = Path(folder), Path(warehouse).resolve()
    manifest = read_manifest(folder)
    Warehouse.close_if_open(warehouse)
    if held_by_another_process(warehouse):
        raise BackupRefused("storage.restore.in_use", path=warehouse)
    if warehouse.exists() and not force:
        raise BackupRefused("storage.restore.exists", path=warehouse)
    if manifest.get("schema_version", 0) > latest_version:
        raise BackupRefused("storage.restore.newer", folder=folder)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=warehouse.parent) as scratch:
        staged = Path(scratch) / SNAPSHOT_FILE
        shutil.copyfile(folder / SNAPSHOT_FILE, staged)
        if wal_path(folder / SNAPSHOT_FILE).exists():
            shutil.copyfile(wal_path(folder / SNAPSHOT_FILE), wal_path(staged))
        try:
            with Warehouse.inspect(staged) as checked:
                tables = fingerprints(checked)
        except (WarehouseUnavailable, duckdb.Error):
            raise BackupRefused("storage.restore.unreadable", folder=folder) from None
        differing = sorted(name for name in manifest["tables"].keys() | tables.keys()
                           if manifest["tables"].get(name) != tables.get(name))
        if differing:
            raise BackupRefused("storage.restore.mismatch", folder=folder, tables=", ".join(differing))
        with writing(warehouse):
            kept_aside = None
            if warehouse.exists():
                kept_aside = warehouse.with_name(f"{warehouse.name}.before-restore-{datetime.now():{STAMP}}")
                warehouse.replace(kept_aside)
                if wal_path(warehouse).exists():
                    wal_path(warehouse).replace(wal_path(kept_aside))
            staged.replace(warehouse)
    make_private(warehouse)
    return Restored(datetime.fromisoformat(manifest["created_at"]), tables, kept_aside)


def restore_command(warehouse: Path | str, source: Path | str) -> str:
    """The command that restores the snapshot or backup `source` over the warehouse."""
    return f"python -m etl restore {source} --db {Path(warehouse)} --force"
