"""Read queries about accounts, their commune scope, failed sign-ins and the audit log; argon2 password checks.

A user's scope is the set of communes they may see and act on; `None` means every commune (reviewers, admins).
Writes (adding users, recording sign-ins) are in `warehouse/write/accounts.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from warehouse.database import Warehouse, only_row

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


def account(db: Warehouse, username: str) -> Account | None:
    """The account named `username`, with its communes, or None when there is none."""
    row = db.row("SELECT role, password_hash, is_demo FROM users WHERE username = ?", [username])
    if row is None:
        return None
    role, password_hash, is_demo = row
    return Account(username, role, _scope(db, username), is_demo, password_hash)


def _scope(db: Warehouse, username: str) -> frozenset[str] | None:
    codes = db.rows("SELECT commune_code FROM user_communes WHERE username = ?", [username])
    return frozenset(code for (code,) in codes) or None


def user_communes(db: Warehouse, username: str) -> set[str] | None:
    """The communes `username` may see and import into: None for every commune, an empty set for an unknown user."""
    found = account(db, username)
    if found is None:
        return set()
    return None if found.communes is None else set(found.communes)


def account_count(db: Warehouse) -> int:
    """How many accounts exist (a new real warehouse has none until an admin is added)."""
    return db.scalar("SELECT count(*) FROM users")


def admin_count(db: Warehouse) -> int:
    """How many admin accounts exist."""
    return db.scalar("SELECT count(*) FROM users WHERE role = 'admin'")


def users(db: Warehouse) -> pd.DataFrame:
    """Every account (never the hash) with its communes joined by commas, by name."""
    return db.read("""
        SELECT u.username, u.role, coalesce(string_agg(c.commune_code, ', ' ORDER BY c.commune_code), '') AS communes,
               u.is_demo, u.created_at, u.password_changed_at
        FROM users u LEFT JOIN user_communes c USING (username)
        GROUP BY ALL ORDER BY u.username
    """)


@dataclass(frozen=True)
class RecentFailures:
    by_name: int  # with the user name (0 for a name no account has: such names are not kept)
    by_address: int  # from the client address (None, the server itself, counts as one address)
    everywhere: int


def failed_sign_ins_since(
    db: Warehouse, username: str | None, address: str | None, since: datetime
) -> RecentFailures:
    """Failed sign-ins since `since`: with this user name, from this client address, and in all."""
    return RecentFailures(*only_row(db.row(
        "SELECT count(*) FILTER (WHERE username = $name), "
        "count(*) FILTER (WHERE client_address IS NOT DISTINCT FROM $address), count(*) "
        "FROM sign_in_failures WHERE failed_at >= $since",
        {"name": username, "address": address, "since": since},
    )))


def audit_log(db: Warehouse, limit: int = 1000) -> pd.DataFrame:
    """The latest audit rows (sign-ins, sign-outs, failures, uploads, saves, exports, backups), newest first."""
    return db.read(
        "SELECT happened_at, username, action, detail, client_address FROM audit_log "
        "ORDER BY happened_at DESC, id DESC LIMIT ?",
        [limit],
    )


def every_commune_is_demo(db: Warehouse) -> bool:
    """Whether every commune holding data (villages) is demo, and at least one does.

    A commune only registered (official name, no village) is neither demo nor real: the demo warehouse registers its
    whole city without making it a real warehouse, and a warehouse holding nothing but registered communes is empty.
    """
    with_data, demo = only_row(db.row(
        "SELECT count(*), count(*) FILTER (WHERE is_demo) FROM communes c "
        "WHERE EXISTS (SELECT 1 FROM villages v WHERE v.commune_code = c.code)"
    ))
    return with_data > 0 and with_data == demo
