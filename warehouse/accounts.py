"""Read queries about accounts, their communes, failed sign-ins and the audit log; argon2 password checks.

A user's communes are those they may see and act on; `None` means every commune (reviewers, admins). A reviewer
may be given provinces: their communes are then every commune the warehouse holds in them. ("Scope" is an
upload's: the rows it may replace, `warehouse/write/upload_scopes.py`.)
Writes (adding users, recording sign-ins) are in `warehouse/write/accounts.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from warehouse.database import Warehouse, only_row

ROLES = ("viewer", "staff", "reviewer", "admin")
# These roles work for named communes only; reviewers and admins may work for every commune.
ROLES_WITH_COMMUNES = ("viewer", "staff")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
COMMUNE_CODE = re.compile(r"^\d{5}$")
# Only the Department's reviewers may be scoped to whole provinces.
PROVINCE_ROLES = ("reviewer",)
MIN_PASSWORD_LENGTH = 8
# A remembered sign-in lasts a working day at most, however busy; the idle window (CDS_IDLE_MINUTES) ends it sooner.
SIGN_IN_LIFETIME = timedelta(hours=12)

_hasher = PasswordHasher()


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    communes: frozenset[str] | None  # None: every commune; else those named and those of `provinces`
    is_demo: bool
    password_hash: str = field(repr=False)
    provinces: frozenset[str] = frozenset()  # the provinces named (two-digit codes); empty: none named


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
    provinces = frozenset(code for (code,) in db.rows(
        "SELECT province_code FROM user_provinces WHERE username = ?", [username]))
    return Account(username, role, _communes(db, username, provinces), is_demo, password_hash, provinces)


def _communes(db: Warehouse, username: str, provinces: frozenset[str]) -> frozenset[str] | None:
    """The communes named, and every commune of the provinces named; None when neither is named (every commune)."""
    named = frozenset(code for (code,) in db.rows(
        "SELECT commune_code FROM user_communes WHERE username = ?", [username]))
    if not named and not provinces:
        return None
    of_provinces = db.rows("SELECT code FROM communes WHERE province IN (SELECT unnest(?::VARCHAR[]))",
                           [sorted(provinces)]) if provinces else []
    return named | frozenset(code for (code,) in of_provinces)


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
    """Every account (never the hash) by name, with the communes and provinces it is scoped to, each as
    `Name (code)` joined by commas (the code alone for one the warehouse does not know); both empty: every commune."""
    return db.read("""
        SELECT u.username, u.role,
               coalesce((SELECT string_agg(coalesce(c.name || ' (' || s.commune_code || ')', s.commune_code), ', '
                                           ORDER BY s.commune_code)
                         FROM user_communes s LEFT JOIN communes c ON c.code = s.commune_code
                         WHERE s.username = u.username), '') AS communes,
               coalesce((SELECT string_agg(coalesce(p.name || ' (' || s.province_code || ')', s.province_code), ', '
                                           ORDER BY s.province_code)
                         FROM user_provinces s LEFT JOIN provinces p ON p.code = s.province_code
                         WHERE s.username = u.username), '') AS provinces,
               u.is_demo, u.created_at, u.password_changed_at
        FROM users u ORDER BY u.username
    """)


@dataclass(frozen=True)
class SignInSession:
    """A remembered sign-in: the browser whose cookie carries the token, stored only as its hash."""

    username: str
    created_at: datetime
    last_seen_at: datetime
    revoked_at: datetime | None

    def valid_at(self, now: datetime, idle: timedelta) -> bool:
        """Not revoked, used within the idle window and younger than SIGN_IN_LIFETIME."""
        return (self.revoked_at is None and now - self.last_seen_at <= idle
                and now - self.created_at <= SIGN_IN_LIFETIME)


def sign_in_session(db: Warehouse, token_hash: str) -> SignInSession | None:
    """The remembered sign-in stored under `token_hash`, revoked or not, or None."""
    found = db.row("SELECT username, created_at, last_seen_at, revoked_at FROM sign_in_sessions "
                   "WHERE token_hash = ?", [token_hash])
    return None if found is None else SignInSession(*found)


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
    A demo commune that an accepted upload by anyone but a demo account touched holds real figures too: it counts
    as real (the demo's own staff account uploading into it is part of the demo).
    """
    with_data, demo = only_row(db.row(
        "SELECT count(*), count(*) FILTER (WHERE is_demo AND NOT EXISTS ("
        "    SELECT 1 FROM upload_communes uc JOIN uploads u ON u.id = uc.upload_id"
        "    WHERE uc.commune_code = c.code AND u.status = 'accepted'"
        "    AND coalesce(u.uploaded_by, '') NOT IN (SELECT username FROM users WHERE is_demo))) FROM communes c "
        "WHERE EXISTS (SELECT 1 FROM villages v WHERE v.commune_code = c.code)"
    ))
    return with_data > 0 and with_data == demo
