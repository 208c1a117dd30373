"""The schema: numbered SQL files in `warehouse/migrations/`, each applied once, in its own transaction.

`Warehouse.open` applies the missing ones. A migration never touches a `replaced_*` table: those copies are made
to match their tables after the migrations (write/upload_scopes.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from warehouse.errors import WarehouseNewerThanProgram

if TYPE_CHECKING:
    from warehouse.database import Warehouse

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, Path]]:
    """The numbered migrations shipped with the program, oldest first."""
    found = []
    for path in MIGRATIONS_DIR.glob("*.sql"):
        match = MIGRATION_NAME.match(path.name)
        if match is None:
            raise RuntimeError(f"migration file name must look like 0001_name.sql: {path.name}")
        found.append((int(match.group(1)), path))
    return sorted(found)


def latest_version() -> int:
    """The highest migration number the program ships."""
    return migrations()[-1][0]


def schema_version(db: Warehouse) -> int:
    """The highest migration applied to the warehouse (0 for a new file)."""
    if not db.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"):
        return 0
    return db.scalar("SELECT coalesce(max(version), 0) FROM schema_migrations")


def upgrade(db: Warehouse, up_to: int | None = None) -> int:
    """Apply the migrations the warehouse lacks (up to `up_to`), each in its own transaction; return the version."""
    version = schema_version(db)
    if version > latest_version():
        raise WarehouseNewerThanProgram(
            f"{db.path} has schema version {version}; this program knows up to {latest_version()}."
        )
    if version == 0:  # a new file; opening one already migrated writes nothing (its data version stays)
        with db.transaction() as cursor:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
            )
    # Every missing number is applied, not only those above the highest: a warehouse may predate a lower one.
    applied = {number for (number,) in db.rows("SELECT version FROM schema_migrations")}
    for number, migration in migrations():
        if number in applied or (up_to is not None and number > up_to):
            continue
        with db.transaction() as cursor:
            cursor.execute(migration.read_text(encoding="utf-8"))
            cursor.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [number, migration.stem])
    return schema_version(db)
