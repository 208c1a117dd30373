"""Remembered sign-ins: a random token per signed-in browser, kept server-side only as its hash, carried by a signed
HttpOnly cookie, and handed from a Streamlit session to the browser through a one-time code.

A Streamlit script talks to the browser over a WebSocket and cannot set a cookie; an HTTP route of `asgi.py` can.
So after a sign-in the script creates the token, keeps it in the session and shows the browser a one-time code,
which the browser exchanges at `POST /_cds/remember` for the cookie. On a reload the new session reads the cookie
from its WebSocket handshake (`st.context.cookies`) and finds the token's user here.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from itsdangerous import BadSignature, Signer

COOKIE_NAME = "cds_session"
# A working day: the cookie's own lifetime. The idle window (CDS_IDLE_MINUTES) is enforced here, server-side,
# because a Streamlit session's actions are WebSocket messages that cannot renew a cookie.
LIFETIME = timedelta(hours=12)
# A one-time code is exchanged by the page within a second; a minute covers a slow line.
CODE_LIFETIME = timedelta(seconds=60)
# Writing last-seen on every rerun would be one warehouse write per click; once a minute is precise enough.
TOUCH_EVERY = timedelta(minutes=1)


def token_hash(token: str) -> str:
    """What the store keeps instead of the token: a stolen copy of the store opens no session."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class RememberedSession:
    username: str
    created_at: datetime
    last_seen_at: datetime
    revoked_at: datetime | None = None

    def valid_at(self, now: datetime, idle: timedelta) -> bool:
        """Not revoked, used within the idle window and younger than the cookie's lifetime."""
        return (self.revoked_at is None and now - self.last_seen_at <= idle
                and now - self.created_at <= LIFETIME)


class SessionStore(Protocol):
    """Where remembered sign-ins live; the warehouse's table `sign_in_sessions` in the real implementation."""

    def create(self, username: str, now: datetime) -> str: ...

    def find(self, token: str, now: datetime, idle: timedelta) -> RememberedSession | None: ...

    def touch(self, token: str, now: datetime) -> None: ...

    def revoke(self, token: str, now: datetime) -> None: ...

    def revoke_user(self, username: str, now: datetime) -> None: ...


class MemorySessionStore:
    """A process-local SessionStore (the spike's; sessions end when the server restarts)."""

    def __init__(self) -> None:
        self._sessions: dict[str, RememberedSession] = {}
        self._lock = threading.Lock()  # script threads and the server's event loop share it

    def create(self, username: str, now: datetime) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[token_hash(token)] = RememberedSession(username, now, now)
        return token

    def find(self, token: str, now: datetime, idle: timedelta) -> RememberedSession | None:
        """The token's session while it is valid, else None."""
        with self._lock:
            found = self._sessions.get(token_hash(token))
        return found if found is not None and found.valid_at(now, idle) else None

    def touch(self, token: str, now: datetime) -> None:
        """Record use of the token, at most once per TOUCH_EVERY."""
        key = token_hash(token)
        with self._lock:
            found = self._sessions.get(key)
            if found is not None and now - found.last_seen_at >= TOUCH_EVERY:
                self._sessions[key] = replace(found, last_seen_at=now)

    def revoke(self, token: str, now: datetime) -> None:
        key = token_hash(token)
        with self._lock:
            found = self._sessions.get(key)
            if found is not None and found.revoked_at is None:
                self._sessions[key] = replace(found, revoked_at=now)

    def revoke_user(self, username: str, now: datetime) -> None:
        """End every remembered sign-in of `username` (account removed, password changed)."""
        with self._lock:
            for key, found in self._sessions.items():
                if found.username == username and found.revoked_at is None:
                    self._sessions[key] = replace(found, revoked_at=now)


class CookieSigner:
    """Signs the token carried by the cookie, so that a forged or altered cookie is refused before any look-up."""

    def __init__(self, secret: bytes) -> None:
        self._signer = Signer(secret, salt="cds-session-cookie")

    def sign(self, token: str) -> str:
        return self._signer.sign(token).decode()

    def token(self, cookie: str | None) -> str | None:
        """The token of a cookie value whose signature holds, else None."""
        if not cookie:
            return None
        try:
            return self._signer.unsign(cookie).decode()
        except (BadSignature, UnicodeError):
            return None


class CodeBook:
    """One-time codes that stand for a token on its way to the browser: the token itself never enters the page."""

    def __init__(self) -> None:
        self._codes: dict[str, tuple[str, datetime]] = {}
        self._lock = threading.Lock()

    def issue(self, token: str, now: datetime) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes = {key: entry for key, entry in self._codes.items() if entry[1] > now}
            self._codes[token_hash(code)] = (token, now + CODE_LIFETIME)
        return code

    def redeem(self, code: str, now: datetime) -> str | None:
        """The token the code stands for, once, within CODE_LIFETIME; else None."""
        with self._lock:
            entry = self._codes.pop(token_hash(code), None)
        return entry[0] if entry is not None and entry[1] > now else None

    def pending(self, code: str, now: datetime) -> bool:
        """Whether the code still waits for the browser to exchange it."""
        with self._lock:
            entry = self._codes.get(token_hash(code))
        return entry is not None and entry[1] > now


@dataclass(frozen=True)
class Remembering:
    """Everything the routes and the script share: the store, the cookie signer and the one-time codes."""

    store: SessionStore
    signer: CookieSigner
    codes: CodeBook


_installed: Remembering | None = None


def install(remembering: Remembering) -> None:
    """Turn remembered sign-ins on in this process (done by `asgi.py`, which serves the routes they need)."""
    global _installed
    _installed = remembering


def uninstall() -> None:
    global _installed
    _installed = None


def installed() -> Remembering | None:
    """The process's Remembering, or None when served without `asgi.py` (plain `streamlit run`, AppTest)."""
    return _installed
