"""Who uses the session and what they may open: sign-in with a slow-down, idle sign-out, and the role check pages run.

The navigation lists only the pages a role may open, and each restricted page also calls `require_role` first,
so that the check happens on the server whenever the page runs, however it was reached.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from operations import accounts as account_operations
from ui.cached import cached_call
from ui.context import settings, warehouse
from ui.language import tr
from warehouse import accounts
from warehouse.database import Warehouse

ROLE_KEY = "role"
USERNAME_KEY = "username"
COMMUNES_KEY = "user_communes"  # sorted commune codes, or None for every commune
PROVINCES_KEY = "user_provinces"  # sorted codes of the provinces a reviewer is scoped to; empty: none named
LAST_ACTIVE_KEY = "auth_last_active"
NOTICE_KEY = "auth_notice"
# The pseudo-role of a visitor who has not signed in, where viewing is public.
PUBLIC = "public"
VIEWING = (PUBLIC, *accounts.ROLES)
# Pages open even to a visitor who may do nothing but sign in.
ANYONE = (None, *VIEWING)
# Who may upload and undo uploads: the upload page's navigation entry and its `require_role(*UPLOADERS)`.
UPLOADERS = ("staff", "admin")
# Who may write the quarterly report: the office that sends it and the Department that receives it.
REPORTERS = ("staff", "reviewer", "admin")
# Who may see the city map, which shows every commune's figures: the Department's reviewers and admins.
CITY_VIEWER_ROLES = ("reviewer", "admin")
# The city page's navigation entry: those roles, and visitors where viewing is public (`sees_city_map` decides).
CITY_PAGE_ROLES = (PUBLIC, *CITY_VIEWER_ROLES)
# Who may see the national view (when they see every province, or several): visitors of a public warehouse too.
NATIONAL_VIEWERS = CITY_PAGE_ROLES

# Replaced by tests, so that the slow-down and the idle timeout are checked without waiting.
sleep: Callable[[float], None] = time.sleep
clock: Callable[[], datetime] = datetime.now


@dataclass(frozen=True)
class Access:
    role: str | None  # the signed-in role, PUBLIC, or None (may only sign in)
    username: str | None
    communes: frozenset[str] | None  # None: every commune
    provinces: frozenset[str] = frozenset()  # the provinces named in a reviewer's scope

    @property
    def may_view(self) -> bool:
        return self.role is not None

    @property
    def sees_provinces(self) -> bool:
        """Whether the national view is for this session: it sees every province, or several whole ones."""
        return self.role in NATIONAL_VIEWERS and (self.communes is None or len(self.provinces) > 1)

    def pages(self, pages: list[tuple[StreamlitPage, Collection[str | None]]]) -> list[StreamlitPage]:
        """The pages whose roles include this session's."""
        return [page for page, roles in pages if self.role in roles]


def public_view(db: Warehouse) -> bool:
    """Whether pages may be viewed without signing in: the setting, or else whether every commune is demo."""
    configured = settings().public_view
    return cached_call(accounts.every_commune_is_demo, db) if configured is None else configured


def access(db: Warehouse) -> Access:
    """Who uses this session, after ending it when idle or when its account is gone; role and communes read afresh."""
    username = st.session_state.get(USERNAME_KEY)
    if username is not None:
        now = clock()
        idle = now - st.session_state.get(LAST_ACTIVE_KEY, now)
        found = accounts.account(db, username)
        if idle > timedelta(minutes=settings().idle_minutes):
            sign_out("session_expired")
            st.session_state[NOTICE_KEY] = "auth.notice.idle"
        elif found is None:
            sign_out("account_removed")
        elif found.is_demo and not cached_call(accounts.every_commune_is_demo, db):
            # Real data has arrived: a published demo password must not keep a session open on it.
            sign_out("demo_account_withdrawn")
        else:
            _remember(found, now)
            return Access(found.role, username, found.communes, found.provinces)
    return Access(PUBLIC if public_view(db) else None, None, None)


def _remember(found: accounts.Account, now: datetime) -> None:
    st.session_state[ROLE_KEY] = found.role
    st.session_state[USERNAME_KEY] = found.username
    st.session_state[COMMUNES_KEY] = None if found.communes is None else sorted(found.communes)
    st.session_state[PROVINCES_KEY] = sorted(found.provinces)
    st.session_state[LAST_ACTIVE_KEY] = now


def signed_in_user() -> str | None:
    return st.session_state.get(USERNAME_KEY)


def client_address() -> str | None:
    """The address the session's browser connects from (None from the server itself); behind a reverse proxy on
    the same machine, the client's own address as the proxy forwards it (X-Forwarded-For)."""
    address = st.context.ip_address
    return address if isinstance(address, str) else None  # AppTest's stand-in connection has no real address


def sign_in(typed_username: str, password: str) -> bool:
    """Sign the session in when the password is right (slowed down after repeated failures).

    Raises SignInPaused past the server's hourly ceiling of failed sign-ins.
    """
    found = account_operations.sign_in(warehouse(), typed_username, password, settings(), sleep=sleep, now=clock,
                                       address=client_address())
    if found is None:
        return False
    _remember(found, clock())
    return True


def sign_out(action: str = "sign_out") -> None:
    """End the session's sign-in and write `action` to the audit log."""
    username = st.session_state.get(USERNAME_KEY)
    if username is not None:
        account_operations.sign_out(warehouse(), username, action, clock())
    for key in (ROLE_KEY, USERNAME_KEY, COMMUNES_KEY, PROVINCES_KEY, LAST_ACTIVE_KEY):
        st.session_state.pop(key, None)


def _still_admin(db: Warehouse) -> bool:
    """Whether the session is an admin's right now: form callbacks run before the page's own role check."""
    username, last_active = signed_in_user(), st.session_state.get(LAST_ACTIVE_KEY)
    found = None if username is None else accounts.account(db, username)
    return (found is not None and found.role == "admin" and last_active is not None
            and clock() - last_active <= timedelta(minutes=settings().idle_minutes))


def add_account(typed_username: str, role: str, communes: list[str], password: str, again: str,
                provinces: list[str] | None = None) -> tuple[bool, str]:
    """Add an account from the admin page: whether it was added, and the sentence saying so or why not."""
    db = warehouse()
    if not _still_admin(db):
        return False, tr("auth.refused", roles=role_name("admin"))
    refusal = account_operations.add_account(db, typed_username, role, communes, password, again,
                                             by=signed_in_user(), at=clock(), provinces=provinces)
    if refusal is not None:
        return False, tr(refusal.key, **{name: role_name(value) if name == "role" else value
                                         for name, value in refusal.values.items()})
    return True, tr("auth.users.added", user=accounts.normalise_username(typed_username), role=role_name(role))


def remove_account(username: str) -> tuple[bool, str]:
    """Remove an account from the admin page, never one's own: whether it was removed, and the sentence saying so."""
    db = warehouse()
    if not _still_admin(db):
        return False, tr("auth.refused", roles=role_name("admin"))
    refusal = account_operations.remove_account(db, username, by=signed_in_user(), at=clock())
    if refusal is not None:
        return False, tr(refusal.key, **refusal.values)
    return True, tr("auth.cli.removed", user=username)


def role_name(role: str) -> str:
    return tr(f"auth.role.{role}")


def require_role(*roles: str) -> None:
    """Stop the page with a translated refusal unless the signed-in role is one of `roles` (a server-side check)."""
    if st.session_state.get(ROLE_KEY) not in roles:
        st.error(tr("auth.refused", roles=", ".join(role_name(role) for role in roles)), icon=":material/lock:")
        st.stop()


def sees_city_map(db: Warehouse) -> bool:
    """Whether this session may see the city map: reviewers and admins of every commune or of whole provinces, and
    visitors where viewing is public (they already see every commune); not viewers or staff, nor anyone limited to
    some communes."""
    role = st.session_state.get(ROLE_KEY)
    if role is None:
        return public_view(db)
    return role in CITY_VIEWER_ROLES and city_provinces() != []


def city_provinces() -> list[str] | None:
    """The provinces whose city view this session may see: None for every province (admins, reviewers of every
    commune, visitors of a public warehouse), a reviewer's provinces, or none for anyone limited to some communes."""
    if st.session_state.get(ROLE_KEY) is None or st.session_state.get(COMMUNES_KEY) is None:
        return None
    return list(st.session_state.get(PROVINCES_KEY, []))


def account_sidebar(current: Access) -> None:
    """The signed-in user and a sign-out button in the sidebar; the notice of a session ended for idleness."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice is not None:
        st.info(tr(notice, minutes=settings().idle_minutes))
    if current.username is None:
        return
    st.sidebar.caption(tr("auth.signed_in_as", user=current.username, role=role_name(current.role)))
    st.sidebar.button(tr("auth.sign_out"), on_click=sign_out, icon=":material/logout:")


def works_for_commune(commune: str | None = None) -> bool:
    """Whether the session is an admin's or a member of staff of `commune`."""
    role, communes = st.session_state.get(ROLE_KEY), st.session_state.get(COMMUNES_KEY)
    if role == "admin":
        return True
    return role == "staff" and (commune is None or communes is None or commune in communes)


def can_see_personal_data(commune: str | None = None) -> bool:
    """Whether member names and phone numbers may be shown: to admins and to staff of the commune; nobody else sees
    any digit of a phone number."""
    return works_for_commune(commune)
