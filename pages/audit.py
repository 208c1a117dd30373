"""Nhật ký: who signed in, out or failed, and uploads (admins only); the accounts."""

import pandas as pd
import streamlit as st

import i18n
from ui import auth
from ui.context import connection, language, tr
from warehouse import accounts

auth.require_role("admin")
lang = language()
con = connection()


def translated(prefix: str, code: str | None) -> str:
    """The translation of a stored code when the table has one, else the stored text itself."""
    if code is None or pd.isna(code):
        return ""
    key = f"{prefix}.{code}"
    return tr(key) if key in i18n.strings() else str(code)


def moment(at: pd.Timestamp) -> str:
    return f"{i18n.day(at.date(), lang)} {at:%H:%M:%S}"


st.title(tr("auth.audit.title"))
st.caption(tr("auth.audit.caption"))
log = accounts.audit_log(con)
if log.empty:
    st.info(tr("auth.audit.empty"))
else:
    st.dataframe(pd.DataFrame({
        tr("auth.audit.column.at"): log["happened_at"].map(moment),
        tr("auth.audit.column.user"): log["username"].fillna(""),
        tr("auth.audit.column.action"): [translated("auth.action", action) for action in log["action"]],
        tr("auth.audit.column.detail"): [translated("auth.detail", detail) for detail in log["detail"]],
    }), hide_index=True, width="stretch")

st.subheader(tr("auth.users.title"))
users = accounts.users(con)
st.dataframe(pd.DataFrame({
    tr("auth.username"): users["username"],
    tr("auth.users.column.role"): users["role"].map(auth.role_name),
    tr("auth.users.column.communes"): users["communes"].replace("", tr("auth.users.every_commune")),
    tr("auth.users.column.demo"): users["is_demo"].map({True: tr("auth.yes"), False: ""}),
}), hide_index=True, width="stretch")
st.caption(tr("auth.users.manage_hint"))
