"""Đăng nhập: the sign-in form, or who is signed in."""

import streamlit as st

from operations.accounts import SignInPaused
from ui import auth
from ui.context import warehouse
from ui.language import tr
from warehouse import accounts

USERNAME_FIELD, PASSWORD_FIELD, OUTCOME = "sign_in_username", "sign_in_password", "sign_in_outcome"


def submit() -> None:
    """Check the form before the run, so that this very run already has the user's navigation."""
    typed_username, password = st.session_state[USERNAME_FIELD], st.session_state[PASSWORD_FIELD]
    st.session_state[PASSWORD_FIELD] = ""
    if not typed_username.strip() or not password:
        st.session_state[OUTCOME] = "auth.sign_in.incomplete"
        return
    try:
        if not auth.sign_in(typed_username, password):
            st.session_state[OUTCOME] = "auth.sign_in.refused"
    except SignInPaused:
        st.session_state[OUTCOME] = "auth.sign_in.paused"


outcome = st.session_state.pop(OUTCOME, None)
username = auth.signed_in_user()
# Signed in, this is the account's page, named as in the menu.
st.title(tr("nav.account" if username is not None else "auth.sign_in.title"))
if username is not None:
    st.success(tr("auth.signed_in_as", user=username, role=auth.role_name(st.session_state[auth.ROLE_KEY])))
    st.page_link("pages/overview.py", label=tr("nav.overview"), icon=":material/dashboard:")
    st.stop()

if accounts.account_count(warehouse()) == 0:
    st.info(tr("auth.no_accounts"), icon=":material/person_add:")
with st.form("sign_in"):
    st.text_input(tr("auth.username"), key=USERNAME_FIELD, autocomplete="username")
    st.text_input(tr("auth.password"), key=PASSWORD_FIELD, type="password", autocomplete="current-password")
    st.form_submit_button(tr("auth.sign_in.submit"), type="primary", on_click=submit)
if outcome is not None:
    st.error(tr(outcome))
