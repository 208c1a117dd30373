from datetime import datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from etl import demo
from tests import tiny_commune
from tests.conftest import ROOT
from tests.signin import PASSWORD, add_account, may_open, open_app, sign_in, use_cheap_hashing
from ui import auth
from warehouse import accounts
from warehouse.database import Warehouse
from warehouse.write.accounts import add_user
from warehouse.write.communes import replace_communes

PAGES = ["pages/overview.py", "pages/audit.py", "pages/sign_in.py"]


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch):
    use_cheap_hashing(monkeypatch)


def audit_actions(path):
    log = accounts.audit_log(Warehouse.open(path))
    return list(zip(log["username"], log["action"], strict=True))[::-1]


@pytest.fixture
def real_warehouse(tiny_warehouse):
    """The tiny (real, not demo) commune with one account per role, working for it where the role needs communes."""
    for role in accounts.ROLES:
        add_account(tiny_warehouse, role, role, [tiny_commune.CODE] if role in accounts.ROLES_WITH_COMMUNES else None)
    return tiny_warehouse


def test_a_real_warehouse_without_accounts_offers_only_sign_in_and_says_how_to_add_an_admin(tiny_warehouse,
                                                                                          monkeypatch):
    app = open_app(tiny_warehouse, monkeypatch)
    assert not app.exception
    assert app.title[0].value == "Đăng nhập"
    assert "python -m etl users add --role admin" in app.info[0].value
    assert [page for page in PAGES if may_open(app, page)] == ["pages/sign_in.py"]
    assert not app.sidebar.selectbox, "no commune nor period is shown before signing in"


@pytest.mark.parametrize(("role", "pages"), [
    ("viewer", ["pages/overview.py", "pages/sign_in.py"]),
    ("staff", ["pages/overview.py", "pages/sign_in.py"]),
    ("reviewer", ["pages/overview.py", "pages/sign_in.py"]),
    ("admin", PAGES),
])
def test_each_role_sees_its_pages_after_signing_in(real_warehouse, monkeypatch, role, pages):
    app = sign_in(open_app(real_warehouse, monkeypatch), role)
    assert not app.exception
    assert app.success[0].value.startswith(f"Đang đăng nhập: **{role}** – ")
    assert app.title[0].value == "Tài khoản", "signed in, the page is no longer titled Đăng nhập"
    assert "((" not in app.success[0].value and "))" not in app.success[0].value
    assert app.session_state["role"] == role
    assert [page for page in PAGES if may_open(app, page)] == pages
    app.switch_page("pages/overview.py").run()
    assert app.title[0].value == f"Tổng quan {tiny_commune.NAME}"


def test_the_audit_page_is_refused_to_a_viewer_even_when_opened_directly(real_warehouse, monkeypatch):
    viewer = sign_in(open_app(real_warehouse, monkeypatch), "viewer")
    assert not may_open(viewer, "pages/audit.py")
    # Run the page file itself, as if the navigation had been bypassed: the page checks the role on its own.
    page = AppTest.from_file(str(ROOT / "pages" / "audit.py"), default_timeout=30)
    page.session_state["role"] = viewer.session_state["role"]
    page.run()
    assert not page.exception
    assert "Quản trị viên" in page.error[0].value
    assert not page.dataframe


def test_an_admin_demoted_while_signed_in_loses_the_audit_page_at_the_next_action(real_warehouse, monkeypatch):
    app = sign_in(open_app(real_warehouse, monkeypatch), "admin")
    app.switch_page("pages/audit.py").run()
    assert app.title[0].value == "Nhật ký truy cập"
    assert app.dataframe[0].value["Hành động"].tolist()[:1] == ["Đăng nhập"]
    add_user(Warehouse.open(real_warehouse), "admin", "viewer", [tiny_commune.CODE], PASSWORD, replace=True)
    app.run()
    assert not app.exception
    assert app.session_state["role"] == "viewer"
    assert "Nhật ký truy cập" not in [title.value for title in app.title]
    assert not may_open(app, "pages/audit.py")


def test_a_wrong_password_is_refused_slowed_down_and_audited(real_warehouse, monkeypatch):
    waits = []
    monkeypatch.setattr(auth, "sleep", waits.append)
    app = open_app(real_warehouse, monkeypatch, CDS_SIGNIN_FREE_ATTEMPTS="1", CDS_SIGNIN_DELAY_SECONDS="5")
    for _ in range(3):
        sign_in(app, "staff", "not-the-password")
        assert not app.exception
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in app.error[0].value
        assert "role" not in app.session_state
    assert waits == [0, 5, 10]
    assert audit_actions(real_warehouse) == [("staff", "sign_in_failed")] * 3


def test_sign_in_and_sign_out_are_audited_and_signing_out_closes_the_pages(real_warehouse, monkeypatch):
    app = sign_in(open_app(real_warehouse, monkeypatch), "staff")
    app.sidebar.button[0].click().run()
    assert not app.exception
    assert "role" not in app.session_state
    assert app.title[0].value == "Đăng nhập"
    assert not may_open(app, "pages/overview.py")
    assert audit_actions(real_warehouse) == [("staff", "sign_in"), ("staff", "sign_out")]


def test_an_idle_session_is_signed_out(real_warehouse, monkeypatch):
    now = [datetime(2025, 12, 1, 8, 0)]
    monkeypatch.setattr(auth, "clock", lambda: now[0])
    app = sign_in(open_app(real_warehouse, monkeypatch, CDS_IDLE_MINUTES="20"), "viewer")
    now[0] += timedelta(minutes=19)
    app.run()
    assert app.session_state["role"] == "viewer", "an action within the idle time keeps the session"
    now[0] += timedelta(minutes=21)
    app.run()
    assert not app.exception
    assert "role" not in app.session_state
    assert "sau 20 phút không thao tác" in app.info[0].value
    assert audit_actions(real_warehouse)[-1] == ("viewer", "session_expired")


def test_a_scoped_user_sees_only_their_communes_in_the_selector(real_warehouse, monkeypatch):
    replace_communes(Warehouse.open(real_warehouse), demo.generate())
    staff = sign_in(open_app(real_warehouse, monkeypatch), "staff").switch_page("pages/overview.py").run()
    assert [box.label for box in staff.sidebar.selectbox] == ["Kỳ báo cáo"], "one commune: no commune selector"
    assert staff.title[0].value == f"Tổng quan {tiny_commune.NAME}"
    reviewer = sign_in(open_app(real_warehouse, monkeypatch), "reviewer")
    assert reviewer.sidebar.selectbox[0].label == "Xã"
    assert reviewer.sidebar.selectbox[0].options == [demo.COMMUNE_NAME, tiny_commune.NAME]


@pytest.mark.parametrize(("role", "sees_phones"), [
    ("viewer", False), ("staff", True), ("reviewer", False), ("admin", True),
])
def test_member_phone_numbers_are_shown_only_to_staff_and_admins(real_warehouse, monkeypatch, role, sees_phones):
    signed = sign_in(open_app(real_warehouse, monkeypatch), role)

    def member_list():
        import streamlit as st

        from ui.auth import can_see_personal_data

        st.write("0912 000 001" if can_see_personal_data() else "—")

    page = AppTest.from_function(member_list)
    page.session_state["role"] = signed.session_state["role"]
    assert ("0912 000 001" in page.run().markdown[0].value) is sees_phones


def test_the_demo_warehouse_is_public_and_its_demo_accounts_sign_in(warehouse_path, monkeypatch):
    replace_communes(Warehouse.open(warehouse_path), demo.generate())
    for username, role, communes in demo.DEMO_ACCOUNTS:
        add_user(Warehouse.open(warehouse_path), username, role, communes, demo.DEMO_PASSWORD, is_demo=True)
    visitor = open_app(warehouse_path, monkeypatch)
    assert visitor.title[0].value == f"Tổng quan {demo.COMMUNE_NAME}"
    assert [page for page in PAGES if may_open(visitor, page)] == ["pages/overview.py", "pages/sign_in.py"]
    admin = sign_in(visitor, "demo-admin", demo.DEMO_PASSWORD)
    assert admin.session_state["role"] == "admin"
    # Once a real commune is loaded, the published demo password no longer keeps the session open.
    replace_communes(Warehouse.open(warehouse_path), tiny_commune.tables())
    admin.run()
    assert "role" not in admin.session_state
    assert audit_actions(warehouse_path)[-1] == ("demo-admin", "demo_account_withdrawn")


def test_public_view_can_be_switched_off_for_the_demo(warehouse_path, monkeypatch):
    replace_communes(Warehouse.open(warehouse_path), demo.generate())
    app = open_app(warehouse_path, monkeypatch, CDS_PUBLIC_VIEW="0")
    assert app.title[0].value == "Đăng nhập"
    assert not may_open(app, "pages/overview.py")


@pytest.mark.parametrize(("role", "may_upload"), [
    (None, False), ("viewer", False), ("reviewer", False), ("staff", True), ("admin", True),
])
def test_the_upload_guard_refuses_everyone_but_staff_and_admins(role, may_upload):
    def upload_page():
        import streamlit as st

        from ui import auth

        auth.require_role(*auth.UPLOADERS)
        st.file_uploader("upload")

    page = AppTest.from_function(upload_page)
    if role is not None:
        page.session_state["role"] = role
    page.run()
    assert not page.exception
    assert bool(page.get("file_uploader")) is may_upload
    assert bool(page.error) is not may_upload


def test_an_admin_adds_and_removes_an_account_on_the_audit_page(real_warehouse, monkeypatch):
    app = sign_in(open_app(real_warehouse, monkeypatch), "admin").switch_page("pages/audit.py").run()
    app.text_input(key="new_username").input("Lan.VHXH")
    app.selectbox(key="new_role").set_value("staff")
    app.multiselect(key="new_communes").set_value([tiny_commune.CODE])
    app.text_input(key="new_password").input("mat-khau-lan-1")
    app.text_input(key="new_password_again").input("mat-khau-lan-1")
    app.form_submit_button[0].click().run()
    assert not app.exception
    assert app.success[0].value == "Đã tạo tài khoản lan.vhxh (Cán bộ Phòng Văn hóa – Xã hội)."
    assert "lan.vhxh" in app.dataframe[2].value["Tên đăng nhập"].tolist()
    assert accounts.user_communes(Warehouse.open(real_warehouse), "lan.vhxh") == {tiny_commune.CODE}

    app.selectbox(key="doomed_username").set_value("lan.vhxh")
    app.form_submit_button[1].click().run()
    assert app.success[0].value == "Đã xóa tài khoản lan.vhxh."
    assert "lan.vhxh" not in app.dataframe[2].value["Tên đăng nhập"].tolist()
    assert app.selectbox(key="doomed_username").options == ["reviewer", "staff", "viewer"], "never oneself"
    assert audit_actions(real_warehouse)[-2:] == [("admin", "user_added"), ("admin", "user_removed")]


def test_a_staff_account_without_a_commune_is_refused_on_the_audit_page(real_warehouse, monkeypatch):
    app = sign_in(open_app(real_warehouse, monkeypatch), "admin").switch_page("pages/audit.py").run()
    app.text_input(key="new_username").input("lan")
    app.selectbox(key="new_role").set_value("staff")
    app.text_input(key="new_password").input("mat-khau-lan-1")
    app.text_input(key="new_password_again").input("mat-khau-lan-1")
    app.form_submit_button[0].click().run()
    assert "cần ít nhất một xã" in app.error[0].value
    assert accounts.account(Warehouse.open(real_warehouse), "lan") is None


def test_a_demoted_admin_cannot_use_a_form_left_open(real_warehouse, monkeypatch):
    app = sign_in(open_app(real_warehouse, monkeypatch), "admin").switch_page("pages/audit.py").run()
    add_user(Warehouse.open(real_warehouse), "admin", "viewer", [tiny_commune.CODE], PASSWORD, replace=True)
    app.selectbox(key="doomed_username").set_value("staff")
    app.form_submit_button[1].click().run()
    assert not app.exception
    assert accounts.account(Warehouse.open(real_warehouse), "staff") is not None


def test_the_accounts_table_names_each_accounts_communes(real_warehouse, monkeypatch):
    app = sign_in(open_app(real_warehouse, monkeypatch), "admin")
    app.switch_page("pages/audit.py").run()
    accounts_table = app.dataframe[3].value  # every column, behind the expander
    scopes = dict(zip(accounts_table["Tên đăng nhập"], accounts_table["Xã được phân quyền"], strict=True))
    assert scopes["viewer"] == f"{tiny_commune.NAME} ({tiny_commune.CODE})", "the commune's name beside its code"
    assert scopes["admin"] == "Tất cả các xã"
