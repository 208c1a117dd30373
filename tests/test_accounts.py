from datetime import datetime, timedelta

import pytest

from etl import demo
from operations import accounts as account_operations
from settings import Settings, SettingsError, load_settings
from tests import tiny_commune
from tests.signin import PASSWORD, add_account, use_cheap_hashing
from warehouse import accounts
from warehouse.database import Warehouse
from warehouse.write.accounts import add_user
from warehouse.write.communes import replace_communes

START = datetime(2025, 12, 1, 8, 0)


def authenticate(warehouse, *arguments, **options):
    """Sign in through the named operation, on the warehouse at `warehouse`."""
    return account_operations.sign_in(Warehouse.open(warehouse), *arguments, **options)


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch):
    use_cheap_hashing(monkeypatch)


def audit_actions(path):
    """(user, action, detail) of every audit row, oldest first."""
    log = accounts.audit_log(Warehouse.open(path)).astype(object)
    return list(log[["username", "action", "detail"]].where(log.notna(), None).itertuples(index=False, name=None))[::-1]


def test_passwords_are_stored_as_argon2_hashes_never_in_plain(warehouse_path):
    add_account(warehouse_path, "lan", "staff", ["10999"])
    stored = Warehouse.open(warehouse_path).scalar("SELECT password_hash FROM users")
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    found = accounts.account(Warehouse.open(warehouse_path), "lan")
    assert accounts.password_matches(found.password_hash, PASSWORD)
    assert not accounts.password_matches(found.password_hash, PASSWORD.upper())
    assert PASSWORD not in repr(found)


def test_a_staff_user_of_commune_a_may_not_import_into_commune_b(warehouse_path):
    # The import code asks `user_communes` and refuses a file of a commune outside it (allowed_communes).
    add_account(warehouse_path, "staff-a", "staff", ["11111"])
    add_account(warehouse_path, "reviewer", "reviewer")
    con = Warehouse.open(warehouse_path)
    scope = accounts.user_communes(con, "staff-a")
    assert scope == {"11111"}
    assert accounts.user_communes(con, "reviewer") is None  # every commune
    assert accounts.user_communes(con, "nobody") == set()


def test_the_wait_doubles_after_the_free_attempts_and_is_capped():
    policy = Settings(sign_in_free_attempts=3, sign_in_delay_seconds=2)
    assert [account_operations.sign_in_delay(failures, policy) for failures in range(8)] == [0, 0, 0, 2, 4, 8, 16, 30]
    assert account_operations.sign_in_delay(10_000, policy) == account_operations.MAX_DELAY_SECONDS


def test_repeated_wrong_passwords_are_refused_slowed_down_and_audited(warehouse_path):
    add_account(warehouse_path, "lan", "staff", ["10999"])
    policy = Settings(sign_in_free_attempts=2, sign_in_delay_seconds=1)
    waits = []
    for minute in range(4):
        refused = authenticate(warehouse_path, "lan", "wrong password", policy, sleep=waits.append,
                               now=lambda minute=minute: START + timedelta(minutes=minute))
        assert refused is None
    assert waits == [0, 0, 1, 2]
    # The right password still waits (the attacker cannot tell), then opens and forgets the failures.
    signed = authenticate(warehouse_path, " LAN ", PASSWORD, policy, sleep=waits.append,
                          now=lambda: START + timedelta(minutes=5))
    assert signed.username == "lan" and signed.role == "staff" and signed.communes == {"10999"}
    assert waits[-1] == 4
    authenticate(warehouse_path, "lan", "wrong again", policy, sleep=waits.append,
                 now=lambda: START + timedelta(minutes=6))
    assert waits[-1] == 0
    assert audit_actions(warehouse_path) == [
        *[("lan", "sign_in_failed", "wrong_password")] * 4, ("lan", "sign_in", None),
        ("lan", "sign_in_failed", "wrong_password"),
    ]


def test_failures_older_than_an_hour_no_longer_slow_down(warehouse_path):
    policy = Settings(sign_in_free_attempts_per_address=1, sign_in_delay_seconds=1)
    waits = []
    for at in (START, START + timedelta(minutes=1), START + timedelta(hours=2)):
        authenticate(warehouse_path, "ghost", "guess-guess", policy, sleep=waits.append, now=lambda at=at: at,
                     address="203.0.113.7")
    assert waits == [0, 1, 0]
    assert audit_actions(warehouse_path)[0] == (None, "sign_in_failed", "unknown_user")


def test_demo_accounts_do_not_open_a_warehouse_with_real_communes(warehouse_path):
    replace_communes(Warehouse.open(warehouse_path), demo.generate())
    username, role, communes = demo.DEMO_ACCOUNTS[-1]
    add_user(Warehouse.open(warehouse_path), username, role, communes, demo.DEMO_PASSWORD, is_demo=True)
    policy = Settings()
    assert authenticate(warehouse_path, username, demo.DEMO_PASSWORD, policy, sleep=lambda _: None,
                        now=lambda: START) is not None
    replace_communes(Warehouse.open(warehouse_path), tiny_commune.tables())
    assert authenticate(warehouse_path, username, demo.DEMO_PASSWORD, policy, sleep=lambda _: None,
                        now=lambda: START) is None
    assert audit_actions(warehouse_path)[-1] == (username, "sign_in_failed", "demo_account_in_real_warehouse")


def test_public_view_idle_time_and_slow_down_are_read_from_the_environment():
    assert load_settings({}).public_view is None
    assert load_settings({"CDS_PUBLIC_VIEW": "off"}).public_view is False
    assert load_settings({"CDS_PUBLIC_VIEW": "1"}).public_view is True
    configured = load_settings({"CDS_IDLE_MINUTES": "10", "CDS_SIGNIN_FREE_ATTEMPTS": "5",
                                "CDS_SIGNIN_DELAY_SECONDS": "3"})
    assert (configured.idle_minutes, configured.sign_in_free_attempts, configured.sign_in_delay_seconds) == (10, 5, 3)
    with pytest.raises(SettingsError, match="CDS_PUBLIC_VIEW"):
        load_settings({"CDS_PUBLIC_VIEW": "maybe"})
    with pytest.raises(SettingsError, match="CDS_IDLE_MINUTES"):
        load_settings({"CDS_IDLE_MINUTES": "0"})
