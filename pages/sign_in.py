"""Đăng nhập: the sign-in form, or who is signed in."""

import streamlit as st

from ui import auth
from ui.context import connection, tr
from warehouse import accounts

JUST_SIGNED_IN = "auth_just_signed_in"

# The sign-in's own run still had the visitor's navigation; this run has the user's, with the overview in it.
if st.session_state.pop(JUST_SIGNED_IN, False):
    st.switch_page("pages/overview.py")

st.title(tr("auth.sign_in.title"))
username = auth.signed_in_user()
if username is not None:
    st.success(tr("auth.signed_in_as", user=username, role=auth.role_name(st.session_state[auth.ROLE_KEY])))
    st.stop()

if accounts.account_count(connection()) == 0:
    st.info(tr("auth.no_accounts"), icon=":material/person_add:")
with st.form("sign_in", clear_on_submit=True):
    typed_username = st.text_input(tr("auth.username"), autocomplete="username")
    password = st.text_input(tr("auth.password"), type="password", autocomplete="current-password")
    submitted = st.form_submit_button(tr("auth.sign_in.submit"), type="primary")
if submitted:
    if not typed_username.strip() or not password:
        st.error(tr("auth.sign_in.incomplete"))
    elif auth.sign_in(typed_username, password):
        st.session_state[JUST_SIGNED_IN] = True
        st.rerun()
    else:
        st.error(tr("auth.sign_in.refused"))
