"""A sign-in prompt instead of Streamlit's English "Page not found" at a restricted address (the home page at its own
address, and a Vietnamese "no such page" at an address naming no page), and sign-ins that survive a reload, a
bookmark or a copied link (on when the dashboard is served by `asgi.py`, see `server.sessions`).

`access` wraps `auth.access`: before it, a session bound to a token ends when the token was revoked (signed out in
another tab, account removed) and a new session signs in from the browser's cookie; after it, a fresh sign-in gets a
token and the browser a one-time code for its cookie, and a sign-out revokes the token and clears the cookie.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from functools import partial

import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.scriptrunner import get_script_run_ctx

from operations import accounts as account_operations
from server import sessions
from server.routes import FORGET_PATH, REMEMBER_PATH
from ui import auth
from ui.context import settings
from ui.language import tr
from warehouse import accounts
from warehouse.database import Warehouse

TOKEN_KEY = "remembered_token"  # the session's token; stays on the server, never sent to the browser
CODE_KEY = "remembered_code"
FORGET_KEY = "remembered_forget"
PROMPT_USERNAME, PROMPT_PASSWORD, PROMPT_OUTCOME = "prompt_username", "prompt_password", "prompt_outcome"
SIGNED_IN_KEYS = (auth.ROLE_KEY, auth.USERNAME_KEY, auth.COMMUNES_KEY, auth.PROVINCES_KEY, auth.LAST_ACTIVE_KEY)


class HomePage(StreamlitPage):
    """The default page, served at "/", which keeps an address of its own (`PromptingAccess` answers there)."""

    def __init__(self, page: str, *, address: str, title: str, icon: str) -> None:
        # Streamlit names a page after its declared address: "" here, so that a page may take `address`.
        super().__init__(page, title=title, icon=icon, url_path="", default=True)
        self.address = address


def home_page(page: str, *, address: str, title: str, icon: str, default: bool) -> StreamlitPage:
    """The page at "/" (and at `address` too) if it is the default, else at `address`."""
    if default:
        return HomePage(page, address=address, title=title, icon=icon)
    return st.Page(page, title=title, icon=icon, url_path=address)


def address_of(page: StreamlitPage) -> str:
    """The page's own address: a home page's too, although Streamlit serves it at "/"."""
    return page.address if isinstance(page, HomePage) else page.url_path


class PromptingAccess(auth.Access):
    """An Access whose navigation also holds, hidden, a stand-in for each page the session may not open, the home
    page at its own address, and a page saying that the address asked for names no page."""

    def pages(self, pages: list[tuple[StreamlitPage, Collection[str | None]]]) -> list[StreamlitPage]:
        """The allowed pages, then for each other one a hidden page at its address that asks to sign in, a hidden
        page at the allowed home page's address that opens it, and one at an unknown address asked for (Streamlit
        would say "Page not found" in English at each)."""
        allowed = super().pages(pages)
        stand_ins = [st.Page(partial(prompt, page.title, roles), title=page.title, icon=page.icon,
                             url_path=address_of(page), visibility="hidden")
                     for page, roles in pages if self.role not in roles and address_of(page)]
        aliases = [st.Page(partial(_open, page), title=page.title, icon=page.icon, url_path=page.address,
                           visibility="hidden")
                   for page in allowed if isinstance(page, HomePage)]
        listed = allowed + stand_ins + aliases
        asked = _unknown_address_asked({address_of(page) for page in listed} | {page.url_path for page in listed})
        if asked is None:
            return listed
        home = next((page for page in allowed if isinstance(page, HomePage)), allowed[0])  # Streamlit's default
        return listed + [st.Page(partial(no_such_page, asked, home), title=tr("remembered.missing.nav"),
                                 icon=":material/search_off:", url_path=asked, visibility="hidden")]


def _unknown_address_asked(known: set[str]) -> str | None:
    """The address this run was asked for by name (a typed, bookmarked or mistyped link) if it names no page."""
    context = get_script_run_ctx()
    if context is None or context.pages_manager.intended_page_script_hash:
        return None  # a page chosen in the menu, or a rerun of the page shown
    asked = (context.pages_manager.intended_page_name or "").strip().strip("/")
    # Streamlit takes an address with a "/" for no page's: it says "Page not found" there, whatever is listed.
    return asked if asked and asked not in known and "/" not in asked else None


def no_such_page(address: str, home: StreamlitPage) -> None:
    """What an address naming no page shows: that it names none, and the way to the home page."""
    st.title(tr("remembered.missing.title"))
    st.caption(tr("remembered.missing.caption", address=f"/{address}"))
    st.page_link(home, label=tr("remembered.missing.home", page=home.title), icon=home.icon)


def _open(page: StreamlitPage) -> None:
    st.switch_page(page, query_params=st.query_params.to_dict())


def access(db: Warehouse) -> auth.Access:
    """`auth.access`, with sign-in prompts at restricted addresses, and the session's sign-in kept in step with the
    browser's cookie when `asgi.py` serves."""
    remembering = sessions.installed()
    if remembering is None:
        user = auth.access(db)
    else:
        _follow_token(db, remembering, timedelta(minutes=settings().idle_minutes))
        user = auth.access(db)
        _bind_token(db, remembering, user)
        _send_to_browser(remembering)
    return PromptingAccess(user.role, user.username, user.communes, user.provinces)


def _follow_token(db: Warehouse, remembering: sessions.Remembering, idle: timedelta) -> None:
    now = auth.clock()
    token = st.session_state.get(TOKEN_KEY)
    if token is not None and auth.signed_in_user() is None:
        _forget(db, token)  # signed out by the sidebar's button, whose callback ran before this run
    elif token is not None:
        found = account_operations.remembered_sign_in(db, token, now, idle)
        if found is None or found.username != auth.signed_in_user():
            # Signed out in another tab, idle in every tab, or the account removed: that was audited where it
            # happened, so this session only ends.
            for key in (TOKEN_KEY, *SIGNED_IN_KEYS):
                st.session_state.pop(key, None)
            st.session_state[auth.NOTICE_KEY] = "remembered.notice.ended"
            return
        # Activity in another tab of the same browser keeps this one open too: the idle window is the browser's.
        if found.last_seen_at > st.session_state.get(auth.LAST_ACTIVE_KEY, found.last_seen_at):
            st.session_state[auth.LAST_ACTIVE_KEY] = found.last_seen_at
    elif auth.signed_in_user() is None:
        token = remembering.signer.token(st.context.cookies.get(sessions.COOKIE_NAME))
        found = None if token is None else account_operations.remembered_sign_in(db, token, now, idle)
        if found is not None:
            st.session_state[TOKEN_KEY] = token
            st.session_state[auth.USERNAME_KEY] = found.username  # auth.access reads the account's role afresh
            st.session_state[auth.LAST_ACTIVE_KEY] = now


def _bind_token(db: Warehouse, remembering: sessions.Remembering, user: auth.Access) -> None:
    now = auth.clock()
    token = st.session_state.get(TOKEN_KEY)
    if user.username is None and token is not None:
        # Signed out by `auth.access`: idle, account removed, demo account withdrawn.
        _forget(db, token, "session_ended")
    elif user.username is not None and token is None:
        token = account_operations.remember_sign_in(db, user.username, now)
        st.session_state[TOKEN_KEY] = token
        st.session_state[CODE_KEY] = remembering.codes.issue(token, now)


def _forget(db: Warehouse, token: str, why: str = "sign_out") -> None:
    account_operations.forget_sign_in(db, token, auth.clock(), why)
    st.session_state.pop(TOKEN_KEY)
    st.session_state.pop(CODE_KEY, None)
    st.session_state[FORGET_KEY] = True


def _send_to_browser(remembering: sessions.Remembering) -> None:
    """A script that has the browser exchange the one-time code for its cookie, or clear the cookie."""
    code = st.session_state.get(CODE_KEY)
    if code is not None and not remembering.codes.pending(code, auth.clock()):
        st.session_state.pop(CODE_KEY)  # exchanged (or, after a minute, given up: the sign-in then lasts one tab)
        code = None
    if code is not None:
        # The code is URL-safe base64: nothing in it can end the string or the script.
        request = f'fetch("{REMEMBER_PATH}", {{method: "POST", body: "{code}", credentials: "same-origin"}});'
    elif st.session_state.pop(FORGET_KEY, False):
        request = f'fetch("{FORGET_PATH}", {{method: "POST", credentials: "same-origin"}});'
    else:
        return
    st.sidebar.html(f"<script>{request}</script>", unsafe_allow_javascript=True)


def _submit() -> None:
    """The prompt's form, checked before the run, so that this very run already shows the page asked for."""
    typed_username, password = st.session_state[PROMPT_USERNAME], st.session_state[PROMPT_PASSWORD]
    st.session_state[PROMPT_PASSWORD] = ""
    if not typed_username.strip() or not password:
        st.session_state[PROMPT_OUTCOME] = "auth.sign_in.incomplete"
        return
    try:
        if not auth.sign_in(typed_username, password):
            st.session_state[PROMPT_OUTCOME] = "auth.sign_in.refused"
    except auth.SignInPaused:
        st.session_state[PROMPT_OUTCOME] = "auth.sign_in.paused"


def prompt(title: str, roles: Collection[str | None]) -> None:
    """The stand-in of a page the session may not open: a sign-in form, or, signed in, who may open it."""
    names = ", ".join(auth.role_name(role) for role in accounts.ROLES if role in roles)
    if auth.signed_in_user() is not None:
        st.error(tr("auth.refused", roles=names), icon=":material/lock:")
        return
    outcome = st.session_state.pop(PROMPT_OUTCOME, None)
    st.title(tr("remembered.prompt.title"))
    st.caption(tr("remembered.prompt.caption", page=title, roles=names))
    with st.form("sign_in_prompt"):
        st.text_input(tr("auth.username"), key=PROMPT_USERNAME, autocomplete="username")
        st.text_input(tr("auth.password"), key=PROMPT_PASSWORD, type="password", autocomplete="current-password")
        st.form_submit_button(tr("auth.sign_in.submit"), type="primary", on_click=_submit)
    if outcome is not None:
        st.error(tr(outcome))
