"""The server-side half of remembered sign-ins: tokens, their idle window and revocation, the signed cookie, codes."""

from datetime import datetime, timedelta

from server.sessions import CODE_LIFETIME, LIFETIME, CodeBook, CookieSigner, MemorySessionStore, token_hash

START = datetime(2025, 12, 1, 8, 0)
IDLE = timedelta(minutes=30)


def test_a_token_opens_its_users_session_and_its_stored_hash_opens_nothing():
    store = MemorySessionStore()
    token = store.create("lan.vhxh", START)
    assert store.find(token, START, IDLE).username == "lan.vhxh"
    assert store.find(token_hash(token), START, IDLE) is None, "a copy of the store must not open a session"
    assert store.find("made-up", START, IDLE) is None


def test_a_session_ends_after_the_idle_window_unless_it_is_used():
    store = MemorySessionStore()
    idle_token, used_token = store.create("a", START), store.create("b", START)
    store.touch(used_token, START + timedelta(minutes=25))
    later = START + IDLE + timedelta(minutes=1)
    assert store.find(idle_token, later, IDLE) is None
    assert store.find(used_token, later, IDLE) is not None


def test_a_session_in_daily_use_still_ends_with_the_cookies_lifetime():
    store = MemorySessionStore()
    token = store.create("a", START)
    for minutes in range(0, int(LIFETIME.total_seconds() // 60) + 20, 20):
        store.touch(token, START + timedelta(minutes=minutes))
    assert store.find(token, START + LIFETIME - timedelta(minutes=1), IDLE) is not None
    assert store.find(token, START + LIFETIME + timedelta(minutes=1), IDLE) is None


def test_revoking_ends_one_session_and_revoking_a_user_ends_all_of_theirs_only():
    store = MemorySessionStore()
    first, second, other = store.create("a", START), store.create("a", START), store.create("b", START)
    store.revoke(first, START)
    assert store.find(first, START, IDLE) is None
    assert store.find(second, START, IDLE) is not None
    store.revoke_user("a", START)
    assert store.find(second, START, IDLE) is None
    assert store.find(other, START, IDLE) is not None


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
