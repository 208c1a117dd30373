"""Nhật ký: who signed in, out or failed, and uploads (admins only); the accounts, which admins add and remove here."""

import pandas as pd
import streamlit as st

import i18n
from ui import auth
from ui.context import warehouse
from ui.language import language, tr
from ui.tables import show_columns
from warehouse import accounts, queries, registry

auth.require_role("admin")
lang = language()
db = warehouse()
OUTCOME = "accounts_outcome"


def translated(prefix: str, code: str | None) -> str:
    """The translation of a stored code when the table has one, else the stored text itself."""
    if code is None or pd.isna(code):
        return ""
    key = f"{prefix}.{code}"
    return tr(key) if key in i18n.strings() else str(code)


def moment(at: pd.Timestamp) -> str:
    return f"{i18n.day(at.date(), lang)} {at:%H:%M:%S}"


def add_from_form() -> None:
    """Add the account before the run, so that the run shows it in the table."""
    state = st.session_state
    state[OUTCOME] = auth.add_account(state["new_username"], state["new_role"], state["new_communes"],
                                      state["new_password"], state["new_password_again"], state["new_provinces"])


def remove_from_form() -> None:
    if st.session_state["doomed_username"] is not None:
        st.session_state[OUTCOME] = auth.remove_account(st.session_state["doomed_username"])


st.title(tr("auth.audit.title"))
outcome = st.session_state.pop(OUTCOME, None)
if outcome is not None:
    done, message = outcome
    (st.success if done else st.error)(message)
st.caption(tr("auth.audit.caption"))
log = accounts.audit_log(db)
if log.empty:
    st.info(tr("auth.audit.empty"))
else:
    # On a phone when and what, cut at 160 pixels (with who too it was 512 pixels wide, without 420); every column
    # behind the expander.
    show_columns(pd.DataFrame({
        tr("auth.audit.column.at"): log["happened_at"].map(moment),
        tr("auth.audit.column.user"): [
            user if isinstance(user, str) else tr("auth.audit.unknown_user") if detail == "unknown_user" else ""
            for user, detail in zip(log["username"], log["detail"], strict=True)],
        tr("auth.audit.column.action"): [translated("auth.action", action) for action in log["action"]],
        tr("auth.audit.column.detail"): [translated("auth.detail", detail) for detail in log["detail"]],
        tr("auth.audit.column.address"): log["client_address"].fillna(""),
    }), [tr("auth.audit.column.at"), tr("auth.audit.column.action")], main_widths={tr("auth.audit.column.action"): 160})

st.subheader(tr("auth.users.title"))
users = accounts.users(db)
communes = queries.communes(db)
commune_names = dict(zip(communes["code"], communes["name"], strict=True))
unscoped = (users["communes"] == "") & (users["provinces"] == "")
# On a phone who and with which role; every column behind the expander.
show_columns(pd.DataFrame({
    tr("auth.username"): users["username"],
    tr("auth.users.column.role"): users["role"].map(auth.role_name),
    tr("auth.users.column.communes"): users["communes"].mask(unscoped, tr("auth.users.every_commune")),
    tr("auth.users.column.provinces"): users["provinces"],
    tr("auth.users.column.demo"): users["is_demo"].map({True: tr("auth.yes"), False: ""}),
}), [tr("auth.username"), tr("auth.users.column.role")])

adding, removing = st.columns(2)
with adding.form("add_account", clear_on_submit=True):
    st.markdown(f"**{tr('auth.users.add')}**")
    st.text_input(tr("auth.username"), key="new_username")
    st.selectbox(tr("auth.users.column.role"), accounts.ROLES, format_func=auth.role_name, key="new_role")
    st.multiselect(tr("auth.users.column.communes"), list(commune_names), format_func=commune_names.get,
                   placeholder=tr("e2e.audit.choose_communes"), help=tr("auth.users.scope_help"), key="new_communes")
    provinces = registry.provinces(db)
    province_names = dict(zip(provinces["code"], provinces["name"], strict=True))
    st.multiselect(tr("auth.users.column.provinces"), list(province_names), format_func=province_names.get,
                   placeholder=tr("auth.users.choose_provinces"), help=tr("auth.users.provinces_help"),
                   key="new_provinces")
    st.text_input(tr("auth.password"), type="password", key="new_password")
    st.text_input(tr("auth.users.password_again"), type="password", key="new_password_again")
    st.form_submit_button(tr("auth.users.add_submit"), on_click=add_from_form)
with removing.form("remove_account"):
    st.markdown(f"**{tr('auth.users.remove')}**")
    others = [username for username in users["username"] if username != auth.signed_in_user()]
    st.selectbox(tr("auth.username"), others, index=None, placeholder=tr("auth.users.choose"), key="doomed_username")
    st.form_submit_button(tr("auth.users.remove_submit"), on_click=remove_from_form)
st.caption(tr("auth.users.manage_hint"))
