"""Remembered sign-ins: tokens in the warehouse, their idle window and revocation, the signed cookie, the codes."""

import threading
from datetime import datetime, timedelta

import pytest

from operations import accounts as accounts_ops
from server.sessions import CODE_LIFETIME, LIFETIME, CodeBook, CookieSigner, cookie_secret
from warehouse.database import Warehouse
from warehouse.write import accounts as account_writes

START = datetime(2025, 12, 1, 8, 0)
IDLE = timedelta(minutes=30)


@pytest.fixture
def db(warehouse_path):
    return Warehouse.open(warehouse_path)


def test_a_token_opens_its_users_session_and_its_stored_hash_opens_nothing(db):
    token = accounts_ops.remember_sign_in(db, "lan.vhxh", START)
    assert accounts_ops.remembered_sign_in(db, token, START, IDLE).username == "lan.vhxh"
    assert db.scalar("SELECT count(*) FROM sign_in_sessions WHERE token_hash = ?", [token]) == 0, \
        "the warehouse keeps only the token's hash"
    stored = db.scalar("SELECT token_hash FROM sign_in_sessions")
    assert accounts_ops.remembered_sign_in(db, stored, START, IDLE) is None, "a copy of the store opens nothing"
    assert accounts_ops.remembered_sign_in(db, "made-up", START, IDLE) is None


def test_a_session_ends_after_the_idle_window_unless_it_is_used(db):
    idle_token = accounts_ops.remember_sign_in(db, "a", START)
    used_token = accounts_ops.remember_sign_in(db, "b", START)
    assert accounts_ops.remembered_sign_in(db, used_token, START + timedelta(minutes=25), IDLE) is not None
    later = START + IDLE + timedelta(minutes=1)
    assert accounts_ops.remembered_sign_in(db, idle_token, later, IDLE) is None
    assert accounts_ops.remembered_sign_in(db, used_token, later, IDLE) is not None


def test_a_session_in_daily_use_still_ends_with_the_cookies_lifetime(db):
    token = accounts_ops.remember_sign_in(db, "a", START)
    for minutes in range(0, int(LIFETIME.total_seconds() // 60) - 1, 20):
        assert accounts_ops.remembered_sign_in(db, token, START + timedelta(minutes=minutes), IDLE) is not None
    assert accounts_ops.remembered_sign_in(db, token, START + LIFETIME - timedelta(minutes=1), IDLE) is not None
    assert accounts_ops.remembered_sign_in(db, token, START + LIFETIME + timedelta(minutes=1), IDLE) is None


def test_a_busy_warehouse_skips_recording_use_instead_of_waiting(db):
    token = accounts_ops.remember_sign_in(db, "a", START)
    later = START + timedelta(minutes=5)
    held, release = threading.Event(), threading.Event()

    def upload() -> None:
        with db.writing():
            held.set()
            release.wait(10)

    writer_thread = threading.Thread(target=upload)
    writer_thread.start()
    held.wait(10)
    try:
        assert accounts_ops.remembered_sign_in(db, token, later, IDLE) is not None
    finally:
        release.set()
        writer_thread.join()
    assert db.scalar("SELECT last_seen_at FROM sign_in_sessions") == START


def test_signing_out_ends_one_session_and_removing_the_account_or_its_password_ends_all_of_theirs(db):
    for name in ("a", "b"):
        account_writes.add_user(db, name, "staff", ["10999"], "password-1", at=START)
    first, second = (accounts_ops.remember_sign_in(db, "a", START) for _ in range(2))
    other = accounts_ops.remember_sign_in(db, "b", START)
    accounts_ops.forget_sign_in(db, first, START)
    assert accounts_ops.remembered_sign_in(db, first, START, IDLE) is None
    assert accounts_ops.remembered_sign_in(db, second, START, IDLE) is not None
    accounts_ops.remove_account(db, "a", by="admin", at=START)
    assert accounts_ops.remembered_sign_in(db, second, START, IDLE) is None
    assert accounts_ops.remembered_sign_in(db, other, START, IDLE) is not None
    account_writes.set_password(db, "b", "password-2", at=START)
    assert accounts_ops.remembered_sign_in(db, other, START, IDLE) is None
    assert db.rows("SELECT revoked_why FROM sign_in_sessions ORDER BY revoked_why") == [
        ("account_removed",), ("password_changed",), ("sign_out",)]


def test_the_cookie_secret_is_kept_beside_the_warehouse_privately_unless_configured(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    secret = cookie_secret(warehouse)
    assert cookie_secret(warehouse) == secret, "a restart keeps everyone signed in"
    kept = tmp_path / "warehouse.duckdb.cookie-secret"
    assert kept.stat().st_mode & 0o777 == 0o600
    assert cookie_secret(warehouse, "configured") == b"configured"


def test_a_signed_cookie_gives_back_its_token_and_an_altered_or_foreign_one_gives_nothing():
    signer = CookieSigner(b"secret-one")
    cookie = signer.sign("token-123")
    assert signer.token(cookie) == "token-123"
    assert signer.token(cookie.replace("token-123", "token-124")) is None
    assert CookieSigner(b"secret-two").token(cookie) is None
    assert signer.token("token-123") is None, "an unsigned token is refused"
    assert signer.token(None) is None
    assert signer.token("") is None


def test_a_one_time_code_is_exchanged_once_and_only_within_its_lifetime():
    codes = CodeBook()
    code = codes.issue("token-1", START)
    assert codes.pending(code, START)
    assert codes.redeem(code, START + timedelta(seconds=1)) == "token-1"
    assert not codes.pending(code, START)
    assert codes.redeem(code, START + timedelta(seconds=2)) is None, "a code is good for one exchange"
    late = codes.issue("token-2", START)
    assert codes.redeem(late, START + CODE_LIFETIME + timedelta(seconds=1)) is None
