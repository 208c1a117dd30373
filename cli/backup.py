"""`python -m etl backup|restore`: a checked copy of the warehouse, and putting one back."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

import i18n
from cli.common import AddCommand, audit_soon
from cli.exit_codes import EXIT_OK, EXIT_REFUSED
from warehouse import backup
from warehouse.database import Warehouse
from warehouse.write import audit
from warehouse.write.migrations import latest_version


def add_commands(command: AddCommand) -> None:
    """Declare `backup` and `restore`."""
    backup_command = command("backup", _backup, "write a checked copy of the warehouse (also while the dashboard runs)")
    backup_command.add_argument("--out", required=True, metavar="DIR", help="a new or empty folder")
    restore_command = command("restore", _restore, "replace the warehouse by a backup or snapshot (dashboard stopped)")
    restore_command.add_argument("folder", metavar="DIR", help="a folder written by backup, or one in snapshots/")
    restore_command.add_argument("--force", action="store_true",
                                 help="replace an existing warehouse (it is kept beside, renamed)")


def _backup(arguments: argparse.Namespace) -> int:
    lang, path, out = arguments.lang, Path(arguments.db), Path(arguments.out)
    try:
        manifest = backup.backup(path, out)
    except backup.BackupRefused as refused:
        print(i18n.t(refused.key, lang, **refused.values), file=sys.stderr)
        return EXIT_REFUSED
    audit_soon(path, "backup", str(out.resolve()))
    print(i18n.t("storage.backup.done", lang, path=path, out=out, tables=len(manifest["tables"]),
                 rows=i18n.number(sum(rows for rows, _ in manifest["tables"].values()), lang),
                 command=backup.restore_command(path, out)))
    return EXIT_OK


def _restore(arguments: argparse.Namespace) -> int:
    lang, path, folder = arguments.lang, Path(arguments.db), Path(arguments.folder)
    try:
        restored = backup.restore(folder, path, force=arguments.force, latest_version=latest_version())
    except backup.BackupRefused as refused:
        print(i18n.t(refused.key, lang, **refused.values), file=sys.stderr)
        return EXIT_REFUSED
    # Opening upgrades a snapshot taken before a migration.
    audit.record(Warehouse.open(path), getpass.getuser(), "restore", str(folder.resolve()))
    rows = sum(count for count, _ in restored.tables.values())
    taken = restored.created_at
    print(i18n.t("storage.restore.done", lang, path=path, folder=folder,
                 created_at=f"{i18n.day(taken.date(), lang)} {taken:%H:%M}",
                 tables=len(restored.tables), rows=i18n.number(rows, lang)))
    if restored.kept_aside is not None:
        print(i18n.t("storage.restore.kept_aside", lang, aside=restored.kept_aside))
    return EXIT_OK
