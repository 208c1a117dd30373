"""Sentences for what can go wrong with the warehouse file itself: damaged, held by another process, busy, disk full.

Shared by the command line and the dashboard, so that both name the same restore command and snapshot.
"""

from __future__ import annotations

import errno
from pathlib import Path

import duckdb

import i18n
from warehouse import backup
from warehouse.errors import WarehouseBusy, WarehouseDamaged, WarehouseLocked, is_damage

_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)


def disk_full(error: BaseException) -> bool:
    """Whether the error says that the disk (or the user's quota) is full."""
    if isinstance(error, OSError):
        return error.errno in _FULL_ERRNOS
    return isinstance(error, duckdb.Error) and "no space left on device" in str(error).lower()


def damaged(warehouse: Path, language: str) -> str:
    """The warehouse is damaged: what to run to restore the newest snapshot (or a backup, when there is none)."""
    newest = backup.newest_snapshot(warehouse)
    if newest is None:
        placeholder = i18n.t("storage.backup_folder", language)
        return i18n.t("storage.damaged_no_snapshot", language, path=warehouse,
                      command=backup.restore_command(warehouse, placeholder))
    return i18n.t("storage.damaged", language, path=warehouse, snapshot=newest,
                  command=backup.restore_command(warehouse, newest))


def problem(error: BaseException, warehouse: Path, language: str, *, in_dashboard: bool) -> str | None:
    """The sentence for a problem of the warehouse file or the disk, or None when `error` is none of them."""
    if isinstance(error, WarehouseDamaged) or is_damage(error):
        return damaged(warehouse, language)
    if isinstance(error, WarehouseLocked):
        holder = (i18n.t("storage.holder_pid", language, pid=error.holder_pid) if error.holder_pid
                  else i18n.t("storage.holder", language))
        key = "storage.locked_dashboard" if in_dashboard else "storage.locked_command"
        return i18n.t(key, language, path=warehouse, holder=holder)
    if isinstance(error, WarehouseBusy):
        return i18n.t("storage.busy", language)
    if disk_full(error):
        return i18n.t("storage.disk_full", language, folder=warehouse.resolve().parent)
    return None
