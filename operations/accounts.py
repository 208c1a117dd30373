"""Accounts: signing in (slowed down after failures, audited), signing out, remembered sign-ins (a token per
browser, stored as its hash), and the admin page's add and remove."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from functools import cache
from typing import NamedTuple

from settings import Settings
from warehouse import accounts
from warehouse.database import Warehouse
from warehouse.write import accounts as account_writes
from warehouse.write import audit

MAX_DELAY_SECONDS = 30
# Failures older than this no longer slow a user name down.
FAILURE_WINDOW = timedelta(hours=1)
# Writing last-seen on every click would be one warehouse write per click; once a minute is precise enough.
TOUCH_EVERY = timedelta(minutes=1)


class SignInPaused(RuntimeError):
    """Too many failed sign-ins on the server within the hour (CDS_SIGNIN_HOURLY_CEILING): no password is checked."""


class Refusal(NamedTuple):
    """Why an account was not changed: the translation key of the sentence and its values."""

    key: str
    values: dict[str, object]


def sign_in_delay(failures: int, policy: Settings, free_attempts: int | None = None) -> float:
    """Seconds to wait before checking a password after `failures` recent failures: doubling past the free ones
    (`free_attempts`, by default those of a user name)."""
    beyond = failures - (policy.sign_in_free_attempts if free_attempts is None else free_attempts)
    if beyond < 0:
        return 0.0
    return float(min(MAX_DELAY_SECONDS, policy.sign_in_delay_seconds * 2 ** min(beyond, 16)))


@cache
def _unused_hash() -> str:
    return accounts.hash_password("no account has this password")


def sign_in(
    db: Warehouse, typed_username: str, password: str, policy: Settings,
    *, sleep: Callable[[float], None], now: Callable[[], datetime], address: str | None = None,
) -> accounts.Account | None:
    """The account when the password is right, after the slow-down (per user name and per client address); every
    failure is counted and audited, without the name typed when no such user exists (it may be a password).

    Raises SignInPaused, checking nothing, past the hourly ceiling of failures on the whole server.
    """
    username = accounts.normalise_username(typed_username)
    at = now()
    found = accounts.account(db, username)
    recent = accounts.failed_sign_ins_since(db, None if found is None else username, address, at - FAILURE_WINDOW)
    if recent.everywhere >= policy.sign_in_hourly_ceiling:
        raise SignInPaused
    sleep(max(sign_in_delay(recent.by_name, policy),
              sign_in_delay(recent.by_address, policy, policy.sign_in_free_attempts_per_address)))
    if found is None:
        accounts.password_matches(_unused_hash(), password)  # same work as for a real name: no timing hint
        reason = "unknown_user"
    elif not accounts.password_matches(found.password_hash, password):
        reason = "wrong_password"
    elif found.is_demo and not accounts.every_commune_is_demo(db):
        # Demo passwords are published: they must not open a warehouse holding real communes.
        reason = "demo_account_in_real_warehouse"
    else:
        account_writes.record_sign_in(db, username, at, address)
        return found
    account_writes.record_failed_sign_in(db, None if found is None else username, at, reason, address)
    return None


def sign_out(db: Warehouse, username: str, action: str, at: datetime) -> None:
    """Record the end of a session: `sign_out`, or why it ended (`session_expired`, `account_removed`, …)."""
    audit.record(db, username, action, at=at)


# The rules of a new account, for the admin page and `python -m etl users` alike (the command line words two of the
# refusals its own way: cli/users.py).


def new_account_refusal(
    typed_username: str, role: str, communes: Collection[str], provinces: Collection[str] | None = None,
) -> Refusal | None:
    """Why the name, role, communes and provinces cannot make an account (None: they can)."""
    if not accounts.USERNAME.match(accounts.normalise_username(typed_username)):
        return Refusal("auth.cli.bad_username", {"user": typed_username})
    for code in sorted(set(communes)):
        if not accounts.COMMUNE_CODE.match(code):
            return Refusal("auth.cli.bad_commune", {"code": code})
    if provinces and role not in accounts.PROVINCE_ROLES:
        return Refusal("auth.users.province_role", {"role": role})
    if role in accounts.ROLES_WITH_COMMUNES and not communes:
        return Refusal("auth.users.scope_required", {"role": role})
    return None


def existing_account_refusal(db: Warehouse, username: str) -> Refusal | None:
    """The refusal when an account of this (normalised) name exists."""
    return None if accounts.account(db, username) is None else Refusal("auth.users.exists", {"user": username})


def password_refusal(password: str) -> Refusal | None:
    """The refusal when the password is too short."""
    if len(password) < accounts.MIN_PASSWORD_LENGTH:
        return Refusal("auth.cli.password_short", {"length": accounts.MIN_PASSWORD_LENGTH})
    return None


def add_account(
    db: Warehouse, typed_username: str, role: str, communes: list[str], password: str, again: str,
    *, by: str | None, at: datetime, provinces: list[str] | None = None,
) -> Refusal | None:
    """Add an account (audited as `by`'s); the refusal when the name, communes or password does not do."""
    username = accounts.normalise_username(typed_username)
    refusal = (new_account_refusal(typed_username, role, communes, provinces)
               or existing_account_refusal(db, username) or password_refusal(password))
    if refusal is not None:
        return refusal
    if password != again:
        return Refusal("auth.cli.password_mismatch", {})
    account_writes.add_user(db, username, role, communes or None, password, provinces=provinces, at=at)
    audit.record(db, by, "user_added", username, at=at)
    return None


def remove_account(db: Warehouse, username: str, *, by: str | None, at: datetime) -> Refusal | None:
    """Remove an account (audited as `by`'s), never one's own."""
    if username == by:
        return Refusal("auth.users.not_yourself", {})
    account_writes.remove_user(db, username, at)
    audit.record(db, by, "user_removed", username, at=at)
    return None


def token_hash(token: str) -> str:
    """What the warehouse keeps instead of a remembered sign-in's token: a stolen copy of it opens no session."""
    return hashlib.sha256(token.encode()).hexdigest()


def remember_sign_in(db: Warehouse, username: str, at: datetime) -> str:
    """A new token (32 random bytes) standing for `username`'s sign-in in one browser; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    account_writes.add_sign_in_session(db, token_hash(token), username, at)
    return token


def remembered_sign_in(db: Warehouse, token: str, at: datetime, idle: timedelta) -> accounts.SignInSession | None:
    """The token's sign-in while it is valid (not revoked, not idle, not too old), its use recorded; else None."""
    key = token_hash(token)
    found = accounts.sign_in_session(db, key)
    if found is None or not found.valid_at(at, idle):
        return None
    if at - found.last_seen_at >= TOUCH_EVERY:
        account_writes.touch_sign_in_session(db, key, at)
    return found


def forget_sign_in(db: Warehouse, token: str, at: datetime, why: str = "sign_out") -> None:
    """Revoke the token's remembered sign-in at once (signed out, idle, account gone)."""
    account_writes.revoke_sign_in_session(db, token_hash(token), at, why)
