"""Read queries about accounts, their commune scope, failed sign-ins and the audit log; argon2 password checks.

A user's scope is the set of communes they may see and act on; `None` means every commune (reviewers, admins).
Writes (adding users, recording sign-ins) are in `warehouse/writer.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("viewer", "staff", "reviewer", "admin")
# These roles work for named communes only; reviewers and admins may be unscoped.
SCOPED_ROLES = ("viewer", "staff")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
COMMUNE_CODE = re.compile(r"^\d{5}$")
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    communes: frozenset[str] | None  # None: every commune
    is_demo: bool
    password_hash: str = field(repr=False)


def normalise_username(typed: str) -> str:
    """The user name as stored: trimmed and lower case (sign-in is not case sensitive)."""
    return typed.strip().lower()[:64]


def hash_password(password: str) -> str:
    """The argon2id hash of `password` (salted; never the password itself)."""
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    """Whether `password` is the one hashed in `password_hash`."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def account(con: duckdb.DuckDBPyConnection, username: str) -> Account | None:
    """The account named `username`, with its communes, or None when there is none."""
    row = con.cursor().execute(
        "SELECT role, password_hash, is_demo FROM users WHERE username = ?", [username]
    ).fetchone()
    if row is None:
        return None
    role, password_hash, is_demo = row
    return Account(username, role, _scope(con, username), is_demo, password_hash)


def _scope(con: duckdb.DuckDBPyConnection, username: str) -> frozenset[str] | None:
    codes = con.cursor().execute(
        "SELECT commune_code FROM user_communes WHERE username = ?", [username]
    ).fetchall()
    return frozenset(code for (code,) in codes) or None


def user_communes(con: duckdb.DuckDBPyConnection, username: str) -> set[str] | None:
    """The communes `username` may see and import into: None for every commune, an empty set for an unknown user."""
    found = account(con, username)
    if found is None:
        return set()
    return None if found.communes is None else set(found.communes)


def may_use_commune(scope: set[str] | frozenset[str] | None, commune_code: str) -> bool:
    """Whether a user with this scope may see or import into the commune."""
    return scope is None or commune_code in scope


def account_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many accounts exist (a new real warehouse has none until an admin is added)."""
    return con.cursor().execute("SELECT count(*) FROM users").fetchone()[0]


def admin_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many admin accounts exist."""
    return con.cursor().execute("SELECT count(*) FROM users WHERE role = 'admin'").fetchone()[0]


def users(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every account (never the hash) with its communes joined by commas, by name."""
    return con.cursor().execute("""
        SELECT u.username, u.role, coalesce(string_agg(c.commune_code, ', ' ORDER BY c.commune_code), '') AS communes,
               u.is_demo, u.created_at, u.password_changed_at
        FROM users u LEFT JOIN user_communes c USING (username)
        GROUP BY ALL ORDER BY u.username
    """).df()


@dataclass(frozen=True)
class RecentFailures:
    by_name: int  # with the user name (0 for a name no account has: such names are not kept)
    by_address: int  # from the client address (None, the server itself, counts as one address)
    everywhere: int


def failed_sign_ins_since(
    con: duckdb.DuckDBPyConnection, username: str | None, address: str | None, since: datetime
) -> RecentFailures:
    """Failed sign-ins since `since`: with this user name, from this client address, and in all."""
    return RecentFailures(*con.cursor().execute(
        "SELECT count(*) FILTER (WHERE username = $name), "
        "count(*) FILTER (WHERE client_address IS NOT DISTINCT FROM $address), count(*) "
        "FROM sign_in_failures WHERE failed_at >= $since",
        {"name": username, "address": address, "since": since},
    ).fetchone())


def audit_log(con: duckdb.DuckDBPyConnection, limit: int = 1000) -> pd.DataFrame:
    """The latest audit rows (sign-ins, sign-outs, failures, uploads, saves, exports, backups), newest first."""
    return con.cursor().execute(
        "SELECT happened_at, username, action, detail, client_address FROM audit_log "
        "ORDER BY happened_at DESC, id DESC LIMIT ?",
        [limit],
    ).df()


def every_commune_is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse holds only demo communes (and at least one)."""
    communes, demo = con.cursor().execute(
        "SELECT count(*), count(*) FILTER (WHERE is_demo) FROM communes"
    ).fetchone()
    return communes > 0 and communes == demo
