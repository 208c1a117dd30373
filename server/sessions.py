"""Remembered sign-ins, the web server's half: the signed cookie that carries a token, and the one-time codes that
hand a token from a Streamlit session to the browser.

A Streamlit script talks to the browser over a WebSocket and cannot set a cookie; an HTTP route of `asgi.py` can.
So after a sign-in the script creates the token (stored in the warehouse as its hash, `operations.accounts`), keeps
it in the session and shows the browser a one-time code, which the browser exchanges at `POST /_cds/remember` for the
cookie. On a reload the new session reads the cookie from its WebSocket handshake (`st.context.cookies`) and finds
the token's user in the warehouse.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from itsdangerous import BadSignature, Signer

from warehouse.accounts import SIGN_IN_LIFETIME
from warehouse.files import PRIVATE_FILE

COOKIE_NAME = "cds_session"
# The cookie's own lifetime is the sign-in's longest; the idle window (CDS_IDLE_MINUTES) is enforced server-side,
# because a Streamlit session's actions are WebSocket messages that cannot renew a cookie.
LIFETIME = SIGN_IN_LIFETIME
# A one-time code is exchanged by the page within a second; a minute covers a slow line.
CODE_LIFETIME = timedelta(seconds=60)
SECRET_BYTES = 32


def cookie_secret(warehouse_path: Path, configured: str = "") -> bytes:
    """The key that signs cookies: `configured` (CDS_COOKIE_SECRET), else a random one kept beside the warehouse
    (readable by the server's user only), so that a restart keeps everyone signed in; deleting it signs all out."""
    if configured:
        return configured.encode()
    path = warehouse_path.with_name(warehouse_path.name + ".cookie-secret")
    try:
        return bytes.fromhex(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_bytes(SECRET_BYTES)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        with os.fdopen(descriptor, "w") as file:
            file.write(secret.hex())
        return secret


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


def _code_key(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class CodeBook:
    """One-time codes that stand for a token on its way to the browser: the token itself never enters the page."""

    def __init__(self) -> None:
        self._codes: dict[str, tuple[str, datetime]] = {}
        self._lock = threading.Lock()

    def issue(self, token: str, now: datetime) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes = {key: entry for key, entry in self._codes.items() if entry[1] > now}
            self._codes[_code_key(code)] = (token, now + CODE_LIFETIME)
        return code

    def redeem(self, code: str, now: datetime) -> str | None:
        """The token the code stands for, once, within CODE_LIFETIME; else None."""
        with self._lock:
            entry = self._codes.pop(_code_key(code), None)
        return entry[0] if entry is not None and entry[1] > now else None

    def pending(self, code: str, now: datetime) -> bool:
        """Whether the code still waits for the browser to exchange it."""
        with self._lock:
            entry = self._codes.get(_code_key(code))
        return entry is not None and entry[1] > now


@dataclass(frozen=True)
class Remembering:
    """What the routes and the script share: the cookie signer and the one-time codes."""

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
