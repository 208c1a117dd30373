"""The audit log: one row per sign-in, sign-out, failure, upload, undo, save, export, backup and restore.

A command that cannot open the warehouse (the dashboard has it) leaves its row in a file beside it,
`<warehouse>.audit-pending`; the next transaction of the process holding the warehouse writes it.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from warehouse.files import make_private, writing

if TYPE_CHECKING:
    from warehouse.database import Warehouse


def add(
    cursor: duckdb.DuckDBPyConnection, user: str | None, action: str, detail: str | None, at: datetime,
    address: str | None = None,
) -> None:
    """Append one audit row inside the cursor's transaction (the write it records is in the same one)."""
    cursor.execute(
        "INSERT INTO audit_log (happened_at, username, action, detail, client_address) VALUES (?, ?, ?, ?, ?)",
        [at, user, action, detail, address],
    )


def record(
    db: Warehouse, user: str | None, action: str, detail: str | None = None, at: datetime | None = None,
    address: str | None = None,
) -> None:
    """Append one row to the audit log (action: sign_in, sign_out, sign_in_failed, session_expired, upload, …)."""
    with db.transaction(changes_data=False) as cursor:
        add(cursor, user, action, detail, at or datetime.now(), address)


def pending_path(warehouse: Path | str) -> Path:
    """Where audit rows wait while another process has the warehouse open."""
    key = Path(warehouse).resolve()
    return key.with_name(key.name + ".audit-pending")


def keep_for_later(warehouse: Path | str, user: str | None, action: str, detail: str | None = None) -> None:
    """Leave an audit row beside the warehouse, for the next write of the process that has it open."""
    pending = pending_path(warehouse)
    row = {"at": datetime.now().isoformat(), "user": user, "action": action, "detail": detail}
    with writing(warehouse), pending.open("a", encoding="utf-8") as file:
        file.write(json.dumps(row, ensure_ascii=False) + "\n")
    make_private(pending)


def take_pending(cursor: duckdb.DuckDBPyConnection, warehouse: Path) -> Path | None:
    """Write the waiting audit rows inside the cursor's transaction; the file to remove once it commits."""
    pending = pending_path(warehouse)
    if not pending.exists():
        return None
    for line in pending.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            add(cursor, row["user"], row["action"], row["detail"], datetime.fromisoformat(row["at"]))
    return pending
