"""The dashboard's side of remembered sign-ins (ui.remembered), run by AppTest as when `asgi.py` serves it.

AppTest has no browser cookie: a reload that signs in from the cookie is checked in tests/e2e/test_asgi_walk.py.
"""

from datetime import datetime, timedelta

import pytest

from operations import accounts as account_operations
from server import sessions
from server.routes import FORGET_PATH, REMEMBER_PATH
from tests.signin import add_account, open_app, sign_in, use_cheap_hashing
from tests.tiny_commune import CODE
from ui import auth, remembered
from warehouse.database import Warehouse
from warehouse.write import accounts as account_writes

IDLE = timedelta(minutes=30)


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch):
    use_cheap_hashing(monkeypatch)


@pytest.fixture
def remembering():
    """Remembered sign-ins turned on in this process, as `asgi.py` does, and off again afterwards."""
    installed = sessions.Remembering(sessions.CookieSigner(b"test"), sessions.CodeBook())
    sessions.install(installed)
    yield installed
    sessions.uninstall()


@pytest.fixture
def clock(monkeypatch):
    now = [datetime(2025, 12, 1, 8, 0)]
    monkeypatch.setattr(auth, "clock", lambda: now[0])
    return now


@pytest.fixture
def staff_warehouse(tiny_warehouse):
    add_account(tiny_warehouse, "lan.vhxh", "staff", [CODE])
    return tiny_warehouse


def stored_sign_in(path, token: str, now: datetime):
    """The token's sign-in as the warehouse has it, when still valid (a look-up also records its use)."""
    return account_operations.remembered_sign_in(Warehouse.open(path), token, now, IDLE)


def browser_scripts(app) -> list[str]:
    """The sidebar's scripts that set or clear the cookie (the routes of `server.routes`)."""
    return [element.proto.body for element in app.sidebar.get("html") if "/_cds/" in element.proto.body]


def test_signing_in_gives_the_session_a_token_and_the_browser_a_one_time_code_for_its_cookie(
        staff_warehouse, monkeypatch, remembering, clock):
    app = sign_in(open_app(staff_warehouse, monkeypatch), "lan.vhxh")
    assert not app.exception
    token = app.session_state[remembered.TOKEN_KEY]
    assert stored_sign_in(staff_warehouse, token, clock[0]).username == "lan.vhxh"
    code = app.session_state[remembered.CODE_KEY]
    assert remembering.codes.pending(code, clock[0])
    [script] = browser_scripts(app)
    assert REMEMBER_PATH in script and code in script and token not in script


def test_once_the_browser_has_its_cookie_the_page_stops_sending_the_code(staff_warehouse, monkeypatch, remembering,
                                                                         clock):
    app = sign_in(open_app(staff_warehouse, monkeypatch), "lan.vhxh")
    assert remembering.codes.redeem(app.session_state[remembered.CODE_KEY], clock[0]) is not None
    app.run()
    assert browser_scripts(app) == []
    assert app.session_state[auth.USERNAME_KEY] == "lan.vhxh"


def test_signing_out_revokes_the_token_and_has_the_browser_clear_its_cookie(staff_warehouse, monkeypatch,
                                                                            remembering, clock):
    app = sign_in(open_app(staff_warehouse, monkeypatch), "lan.vhxh")
    token = app.session_state[remembered.TOKEN_KEY]
    app.sidebar.button[0].click().run()
    assert not app.exception
    assert auth.USERNAME_KEY not in app.session_state
    assert stored_sign_in(staff_warehouse, token, clock[0]) is None
    [script] = browser_scripts(app)
    assert FORGET_PATH in script


def test_a_sign_out_in_another_tab_ends_this_session_at_its_next_action(staff_warehouse, monkeypatch, remembering,
                                                                       clock):
    app = sign_in(open_app(staff_warehouse, monkeypatch), "lan.vhxh")
    token = app.session_state[remembered.TOKEN_KEY]
    account_operations.forget_sign_in(Warehouse.open(staff_warehouse), token, clock[0])  # signed out in another tab
    app.run()
    assert not app.exception
    assert auth.USERNAME_KEY not in app.session_state
    assert any("Phiên đăng nhập đã kết thúc" in info.value for info in app.info)


def test_activity_in_another_tab_of_the_browser_keeps_this_one_signed_in(staff_warehouse, monkeypatch, remembering,
                                                                        clock):
    app = sign_in(open_app(staff_warehouse, monkeypatch, CDS_IDLE_MINUTES="30"), "lan.vhxh")
    token = app.session_state[remembered.TOKEN_KEY]
    clock[0] += timedelta(minutes=25)
    stored_sign_in(staff_warehouse, token, clock[0])  # the other tab's action
    clock[0] += timedelta(minutes=15)
    app.run()
    assert app.session_state[auth.USERNAME_KEY] == "lan.vhxh"
    clock[0] += timedelta(minutes=31)
    app.run()
    assert auth.USERNAME_KEY not in app.session_state, "idle in every tab: the session ends"
    assert stored_sign_in(staff_warehouse, token, clock[0]) is None


def test_served_without_asgi_a_sign_in_is_not_remembered(staff_warehouse, monkeypatch):
    app = sign_in(open_app(staff_warehouse, monkeypatch), "lan.vhxh")
    assert app.session_state[auth.USERNAME_KEY] == "lan.vhxh"
    assert remembered.TOKEN_KEY not in app.session_state
    assert browser_scripts(app) == []


def test_removing_the_account_ends_its_session_at_the_next_action_and_revokes_the_token(
        staff_warehouse, monkeypatch, remembering, clock):
    app = sign_in(open_app(staff_warehouse, monkeypatch), "lan.vhxh")
    token = app.session_state[remembered.TOKEN_KEY]
    account_writes.remove_user(Warehouse.open(staff_warehouse), "lan.vhxh")  # an admin's removal, in another session
    app.run()
    assert not app.exception
    assert auth.USERNAME_KEY not in app.session_state
    assert stored_sign_in(staff_warehouse, token, clock[0]) is None
