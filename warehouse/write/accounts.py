"""Accounts and sign-ins: users with their communes (argon2 hashes only), and failed sign-ins for the slow-down."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING

import duckdb

from warehouse import accounts
from warehouse.write import audit

if TYPE_CHECKING:
    from warehouse.database import Warehouse


def add_user(
    db: Warehouse, username: str, role: str, communes: Collection[str] | None, password: str,
    *, provinces: Collection[str] | None = None, is_demo: bool = False, replace: bool = False,
    at: datetime | None = None,
) -> None:
    """Store an account with its communes and provinces (neither: every commune); `replace` overwrites one of the
    same name."""
    at = at or datetime.now()
    with db.transaction() as cursor:
        if replace:
            _delete_user(cursor, username, at)
        cursor.execute(
            "INSERT INTO users (username, role, password_hash, is_demo, created_at, password_changed_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [username, role, accounts.hash_password(password), is_demo, at, at],
        )
        for code in sorted(set(communes or ())):
            cursor.execute("INSERT INTO user_communes VALUES (?, ?)", [username, code])
        for code in sorted(set(provinces or ())):
            cursor.execute("INSERT INTO user_provinces VALUES (?, ?)", [username, code])


def set_password(db: Warehouse, username: str, password: str, at: datetime | None = None) -> bool:
    """Replace the user's password (and forget their failed sign-ins); False when there is no such user."""
    with db.transaction() as cursor:
        found = cursor.execute(
            "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE username = ? RETURNING username",
            [accounts.hash_password(password), at or datetime.now(), username],
        ).fetchall()
        cursor.execute("DELETE FROM sign_in_failures WHERE username = ?", [username])
        _revoke_sessions_of(cursor, username, at or datetime.now(), "password_changed")
    return bool(found)


def remove_user(db: Warehouse, username: str, at: datetime | None = None) -> bool:
    """Delete the account and its communes, ending its remembered sign-ins; False when there is no such user."""
    with db.transaction() as cursor:
        return _delete_user(cursor, username, at or datetime.now())


def _delete_user(cursor: duckdb.DuckDBPyConnection, username: str, at: datetime) -> bool:
    cursor.execute("DELETE FROM user_communes WHERE username = ?", [username])
    cursor.execute("DELETE FROM user_provinces WHERE username = ?", [username])
    _revoke_sessions_of(cursor, username, at, "account_removed")
    return bool(cursor.execute("DELETE FROM users WHERE username = ? RETURNING username", [username]).fetchall())


def record_failed_sign_in(
    db: Warehouse, username: str | None, at: datetime, detail: str | None = None, address: str | None = None,
) -> None:
    """Count a failed sign-in for the slow-down and write it to the audit log, in one transaction.

    `username` is None when no such user exists: what was typed is not kept (it may be a password).
    """
    with db.transaction(changes_data=False) as cursor:
        cursor.execute("INSERT INTO sign_in_failures (username, failed_at, client_address) VALUES (?, ?, ?)",
                       [username, at, address])
        audit.add(cursor, username, "sign_in_failed", detail, at, address)


def record_sign_in(db: Warehouse, username: str, at: datetime, address: str | None = None) -> None:
    """Forget the user's failed sign-ins and write the sign-in to the audit log, in one transaction."""
    with db.transaction(changes_data=False) as cursor:
        cursor.execute("DELETE FROM sign_in_failures WHERE username = ?", [username])
        audit.add(cursor, username, "sign_in", None, at, address)


def _revoke_sessions_of(cursor: duckdb.DuckDBPyConnection, username: str, at: datetime, why: str) -> None:
    cursor.execute("UPDATE sign_in_sessions SET revoked_at = ?, revoked_why = ? "
                   "WHERE username = ? AND revoked_at IS NULL", [at, why, username])


def add_sign_in_session(db: Warehouse, token_hash: str, username: str, at: datetime) -> None:
    """Store a remembered sign-in under the hash of its token."""
    with db.transaction(changes_data=False) as cursor:
        cursor.execute("INSERT INTO sign_in_sessions (token_hash, username, created_at, last_seen_at) "
                       "VALUES (?, ?, ?, ?)", [token_hash, username, at, at])


def touch_sign_in_session(db: Warehouse, token_hash: str, at: datetime) -> bool:
    """Record that the remembered sign-in was used at `at`; skipped (False) rather than waiting while another
    write, such as an upload, holds the warehouse."""
    if db.busy():
        return False
    with db.transaction(changes_data=False) as cursor:
        cursor.execute("UPDATE sign_in_sessions SET last_seen_at = greatest(last_seen_at, ?) WHERE token_hash = ?",
                       [at, token_hash])
    return True


def revoke_sign_in_session(db: Warehouse, token_hash: str, at: datetime, why: str) -> None:
    """End one remembered sign-in (`why`: sign_out, session_expired, …), if it has not ended yet."""
    with db.transaction(changes_data=False) as cursor:
        cursor.execute("UPDATE sign_in_sessions SET revoked_at = ?, revoked_why = ? "
                       "WHERE token_hash = ? AND revoked_at IS NULL", [at, why, token_hash])
