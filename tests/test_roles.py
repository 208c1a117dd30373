"""Roles and personal data: no digit of a phone number for anyone but the commune's staff and admins (pages and
downloads), report texts saved only by them, text saves and exports audited, sign-in without keeping what was typed
for a name no account has, and slow-downs per client address and for the whole server."""

import io
import zipfile
from datetime import datetime, timedelta

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from operations import accounts as account_operations
from settings import Settings
from tests import signin, tiny_commune
from tests.signin import PASSWORD, add_account, open_app, sign_in
from ui import auth
from warehouse import accounts
from warehouse.database import Warehouse
from warehouse.report_queries import ReportTexts, report_texts
from warehouse.write import migrations
from warehouse.write.report_texts import save_report_texts

START = datetime(2025, 12, 1, 8, 0)
PHONE_START = "0912"  # every phone number of the tiny commune starts so


def authenticate(warehouse, *arguments, **options):
    """Sign in through the named operation, on the warehouse at `warehouse`."""
    return account_operations.sign_in(Warehouse.open(warehouse), *arguments, **options)
VIEWING_PAGES = ["pages/overview.py", "pages/map.py", "pages/domains.py", "pages/village.py", "pages/training.py",
                 "pages/reporting.py", "pages/trends.py"]
QUARTER = "2025-Q4"


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch):
    signin.use_cheap_hashing(monkeypatch)


@pytest.fixture
def real_warehouse(tiny_warehouse):
    """The tiny (real) commune with one account per role, and staff of another commune."""
    for role in accounts.ROLES:
        add_account(tiny_warehouse, role, role, [tiny_commune.CODE] if role in accounts.ROLES_WITH_COMMUNES else None)
    add_account(tiny_warehouse, "staff-elsewhere", "staff", ["10999"])
    return tiny_warehouse


@pytest.fixture
def downloads(monkeypatch, clicked_downloads) -> list[bytes]:
    """The bytes of every file the pages offer for download, as they are registered."""
    offered: list[bytes] = []
    add = MediaFileManager.add

    def recording_add(self, path_or_data, *args, **kwargs):
        offered.append(path_or_data if isinstance(path_or_data, bytes) else str(path_or_data).encode())
        return add(self, path_or_data, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", recording_add)
    return offered


def readable(data: bytes) -> str:
    """A download as text: a CSV, or every part of an Excel or Word file (zip archives of XML)."""
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return data.decode("utf-8-sig", "replace")


def shown(app: AppTest) -> str:
    """Everything the page shows as text, tables included."""
    parts = [element.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                                        "success", "error") for element in getattr(app, kind)]
    parts += [f"{metric.label} {metric.value}" for metric in app.metric]
    parts += [table.value.to_csv() for table in app.dataframe]
    return "\n".join(str(part) for part in parts)


def walk_viewing_pages(app: AppTest) -> str:
    """Every page a viewer may open, the village page once per village; all they show."""
    seen = []
    for page in VIEWING_PAGES:
        app.switch_page(page).run()
        assert not app.exception, page
        seen.append(shown(app))
        if page == "pages/village.py":
            for village in (f"{tiny_commune.CODE}-02", f"{tiny_commune.CODE}-03"):
                app.selectbox(key="village.vi").set_value(village).run()
                seen.append(shown(app))
    return "\n".join(seen)


@pytest.mark.parametrize("role", ["viewer", "reviewer", None])
def test_no_page_or_download_shows_any_digit_of_a_phone_number_but_to_the_communes_staff_and_admins(
        real_warehouse, monkeypatch, downloads, role):
    app = open_app(real_warehouse, monkeypatch, CDS_PUBLIC_VIEW="1")
    if role is not None:
        app = sign_in(app, role)
    text = walk_viewing_pages(app)
    if role == "reviewer":
        app.switch_page("pages/export_report.py").run()
        app.button[0].click().run()
        assert not app.exception
    assert "Thôn A" in text and len(downloads) >= 10, "the walk saw the pages and their downloads"
    assert PHONE_START not in text and "Số điện thoại" not in text and "***" not in text
    files = "\n".join(readable(data) for data in downloads)
    assert PHONE_START not in files and "Số điện thoại" not in files


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_the_communes_staff_and_admins_see_the_phone_numbers(real_warehouse, monkeypatch, role):
    app = sign_in(open_app(real_warehouse, monkeypatch), role)
    app.switch_page("pages/village.py").run()
    members = app.dataframe[0].value
    assert members["Số điện thoại"].tolist()[:1] == ["0912 000 001"]


def test_staff_of_another_commune_do_not_see_its_members(real_warehouse, monkeypatch):
    def members_shown():
        import streamlit as st

        from ui.auth import can_see_personal_data

        st.write(f"{can_see_personal_data('99999')} {can_see_personal_data('10999')}")

    page = AppTest.from_function(members_shown)
    page.session_state["role"] = "staff"
    page.session_state["user_communes"] = ["10999"]
    assert page.run().markdown[0].value == "False True"


def open_report_page(warehouse, monkeypatch, role: str) -> AppTest:
    app = sign_in(open_app(warehouse, monkeypatch), role)
    return app.switch_page("pages/export_report.py").run()


def audit_rows(warehouse) -> list[tuple]:
    log = accounts.audit_log(Warehouse.open(warehouse))
    return [(user, action, detail) for user, action, detail in zip(log["username"], log["action"], log["detail"],
                                                                  strict=True)][::-1]


def test_a_reviewer_makes_the_report_with_the_communes_saved_text_and_cannot_change_it(real_warehouse, monkeypatch):
    save_report_texts(Warehouse.open(real_warehouse), tiny_commune.CODE, QUARTER,
                             ReportTexts(difficulties="Thiếu máy tính.", signatory="Nguyễn Văn An"), "staff")
    app = open_report_page(real_warehouse, monkeypatch, "reviewer")
    assert all(area.disabled for area in app.text_area) and all(field.disabled for field in app.text_input)
    assert any("do cán bộ của xã" in caption.value for caption in app.caption)
    app.button[0].click().run()
    assert not app.exception
    assert "với nội dung xã đã lưu" in app.success[0].value
    assert len(app.get("download_button")) == 2
    saved = report_texts(Warehouse.open(real_warehouse), tiny_commune.CODE, QUARTER)
    assert (saved.difficulties, saved.signatory) == ("Thiếu máy tính.", "Nguyễn Văn An")
    assert audit_rows(real_warehouse)[-1] == ("reviewer", "report_exported", f"{tiny_commune.CODE} {QUARTER}")
    assert [row for row in audit_rows(real_warehouse) if row[1] == "report_texts_saved"] == [
        ("staff", "report_texts_saved", f"{tiny_commune.CODE} {QUARTER}")]


def test_the_communes_staff_save_the_text_and_both_the_save_and_the_export_are_audited(real_warehouse, monkeypatch):
    app = open_report_page(real_warehouse, monkeypatch, "staff")
    app.text_area[0].input("Thiếu điện thoại thông minh.")
    app.button[0].click().run()
    assert not app.exception
    assert audit_rows(real_warehouse)[-2:] == [
        ("staff", "report_texts_saved", f"{tiny_commune.CODE} {QUARTER}"),
        ("staff", "report_exported", f"{tiny_commune.CODE} {QUARTER}"),
    ]


def everything_stored(warehouse) -> str:
    db = Warehouse.open(warehouse)
    tables = [name for (name,) in db.rows("SELECT table_name FROM information_schema.tables")]
    return repr([db.rows(f'SELECT * FROM "{table}"') for table in tables])


def test_what_was_typed_as_a_user_name_no_account_has_is_never_stored(real_warehouse):
    typed = "MatKhauBiGoNham!2025"
    assert authenticate(real_warehouse, typed, "anything", Settings(), sleep=lambda _: None,
                        now=lambda: START, address="203.0.113.7") is None
    assert typed.lower() not in everything_stored(real_warehouse).lower()
    row = Warehouse.open(real_warehouse).rows(
        "SELECT happened_at, username, action, detail, client_address FROM audit_log")[-1]
    assert row == (START, None, "sign_in_failed", "unknown_user", "203.0.113.7")


def test_many_names_tried_from_one_address_are_slowed_down_and_another_address_is_not(real_warehouse):
    policy = Settings(sign_in_free_attempts_per_address=3, sign_in_delay_seconds=1)
    waits = []
    for number in range(6):
        authenticate(real_warehouse, f"ten-{number}", "guess-guess", policy, sleep=waits.append,
                     now=lambda number=number: START + timedelta(minutes=number), address="203.0.113.7")
    assert waits == [0, 0, 0, 1, 2, 4]
    signed = authenticate(real_warehouse, "viewer", PASSWORD, policy, sleep=waits.append,
                          now=lambda: START + timedelta(minutes=7), address="198.51.100.2")
    assert signed is not None and waits[-1] == 0


def test_past_the_hourly_ceiling_sign_in_pauses_without_checking_any_password(real_warehouse, monkeypatch):
    policy = Settings(sign_in_hourly_ceiling=3)
    for number in range(3):
        authenticate(real_warehouse, "viewer", "wrong-guess", policy, sleep=lambda _: None,
                     now=lambda: START, address=f"203.0.113.{number}")
    checked = []
    monkeypatch.setattr(accounts, "password_matches", lambda *args: checked.append(args) or True)
    with pytest.raises(account_operations.SignInPaused):
        authenticate(real_warehouse, "admin", PASSWORD, policy, sleep=lambda _: None,
                     now=lambda: START + timedelta(minutes=1), address="198.51.100.2")
    assert checked == [] and len(audit_rows(real_warehouse)) == 3
    assert authenticate(real_warehouse, "admin", PASSWORD, policy, sleep=lambda _: None,
                        now=lambda: START + timedelta(hours=1, minutes=1), address="198.51.100.2")


def test_the_sign_in_page_says_when_sign_in_is_paused(real_warehouse, monkeypatch):
    app = sign_in(open_app(real_warehouse, monkeypatch, CDS_SIGNIN_HOURLY_CEILING="1"), "viewer", "sai-mat-khau")
    assert "không đúng" in app.error[0].value
    app = sign_in(app, "admin")
    assert not app.exception
    assert "Đăng nhập đang tạm dừng" in app.error[0].value
    assert "role" not in app.session_state, "the right password was not even checked"


def test_the_audit_page_shows_an_unknown_name_without_it_and_the_address(real_warehouse, monkeypatch):
    monkeypatch.setattr(auth, "client_address", lambda: "203.0.113.7")
    app = sign_in(open_app(real_warehouse, monkeypatch), "ai-do-la", "sai-mat-khau")
    app = sign_in(app, "admin")
    app.switch_page("pages/audit.py").run()
    log = app.dataframe[1].value  # every column, behind the expander
    assert log[["Người dùng", "Hành động", "Địa chỉ"]].values.tolist()[-1] == [
        "(tên không tồn tại)", "Đăng nhập thất bại", "203.0.113.7"]
    assert "ai-do-la" not in log.to_csv()


def test_names_typed_before_this_version_are_scrubbed_when_the_warehouse_is_upgraded(tmp_path):
    path = tmp_path / "cu.duckdb"
    with Warehouse.inspect(path) as db:
        migrations.upgrade(db, up_to=10)  # before 0011, which remembers addresses and scrubs typed names
        with db.transaction() as cursor:
            cursor.execute("INSERT INTO sign_in_failures VALUES ('matkhau-go-nham', ?)", [START])
            cursor.execute("INSERT INTO audit_log (happened_at, username, action, detail) "
                           "VALUES (?, 'matkhau-go-nham', 'sign_in_failed', 'unknown_user')", [START])
        migrations.upgrade(db)
    assert "matkhau-go-nham" not in everything_stored(path)
