"""Shared helpers for tests of sign-in and roles: accounts in a test warehouse, and signing in through the form."""

from pathlib import Path

from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from warehouse import accounts
from warehouse.database import Warehouse
from warehouse.write.accounts import add_user

DASHBOARD = str(ROOT / "dashboard.py")
PASSWORD = "mat-khau-thu-1"


def use_cheap_hashing(monkeypatch) -> None:
    """Argon2 with the smallest cost, so that tests do not spend seconds hashing (the program keeps the defaults)."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def add_account(path: Path, username: str, role: str, communes: list[str] | None = None) -> None:
    add_user(Warehouse.open(path), username, role, communes, PASSWORD)


def open_app(warehouse: Path, monkeypatch, **env: str) -> AppTest:
    """The dashboard on `warehouse`, with extra CDS_* settings, after its first run."""
    monkeypatch.setenv("CDS_WAREHOUSE", str(warehouse))
    # Public view is decided from the warehouse unless a test says otherwise (even if the environment has a value).
    for name, value in {"CDS_PUBLIC_VIEW": "", **env}.items():
        monkeypatch.setenv(name, value)
    return AppTest.from_file(DASHBOARD, default_timeout=60).run()


def sign_in(app: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    """Fill in and submit the sign-in form, as a user would."""
    app.switch_page("pages/sign_in.py").run()
    app.text_input[0].input(username)
    app.text_input[1].input(password)
    return app.form_submit_button[0].click().run()


def may_open(app: AppTest, page: str) -> bool:
    """Whether the session's navigation offers `page` (a page it leaves out cannot be opened, not even by URL)."""
    try:
        app.switch_page(page)
    except ValueError:
        return False
    return True
