"""Accounts: signing in (slowed down after failures, audited), signing out, and the admin page's add and remove."""

from __future__ import annotations

from collections.abc import Callable
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


def add_account(
    db: Warehouse, typed_username: str, role: str, communes: list[str], password: str, again: str,
    *, by: str | None, at: datetime, provinces: list[str] | None = None,
) -> Refusal | None:
    """Add an account (audited as `by`'s); the refusal when the name, scope or password does not do."""
    username = accounts.normalise_username(typed_username)
    if not accounts.USERNAME.match(username):
        return Refusal("auth.cli.bad_username", {"user": typed_username})
    if provinces and role not in accounts.PROVINCE_ROLES:
        return Refusal("auth.users.province_role", {})
    if role in accounts.SCOPED_ROLES and not communes:
        return Refusal("auth.users.scope_required", {"role": role})
    if accounts.account(db, username) is not None:
        return Refusal("auth.users.exists", {"user": username})
    if len(password) < accounts.MIN_PASSWORD_LENGTH:
        return Refusal("auth.cli.password_short", {"length": accounts.MIN_PASSWORD_LENGTH})
    if password != again:
        return Refusal("auth.cli.password_mismatch", {})
    account_writes.add_user(db, username, role, communes or None, password, provinces=provinces, at=at)
    audit.record(db, by, "user_added", username, at=at)
    return None


def remove_account(db: Warehouse, username: str, *, by: str | None, at: datetime) -> Refusal | None:
    """Remove an account (audited as `by`'s), never one's own."""
    if username == by:
        return Refusal("auth.users.not_yourself", {})
    account_writes.remove_user(db, username)
    audit.record(db, by, "user_removed", username, at=at)
    return None
