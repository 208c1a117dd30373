"""The dashboard as an ASGI app, as `make run` serves it: `streamlit run asgi.py` (same flags as for dashboard.py).

Adds to Streamlit's own server the routes that set and clear the sign-in cookie (`server.routes`), which turn on
remembered sign-ins in `dashboard.py` (`ui.remembered`), compressed, year-long cached static assets, and pages whose
HTML declares their language (docs/serving.md).
"""

import secrets
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from streamlit import file_util

import i18n
from server import sessions
from server.compression import CompressedStaticAssets
from server.document import DocumentLanguage
from server.routes import session_routes
from settings import SettingsError, load_settings

try:
    configured = load_settings()
    secret = sessions.cookie_secret(configured.warehouse_path, configured.cookie_secret)
except SettingsError:
    secret = secrets.token_bytes(sessions.SECRET_BYTES)  # the dashboard says what is wrong with the settings
remembering = sessions.Remembering(sessions.CookieSigner(secret), sessions.CodeBook())
sessions.install(remembering)

app = st.App(
    "dashboard.py",
    routes=session_routes(remembering),
    middleware=[Middleware(CompressedStaticAssets, directory=Path(file_util.get_static_dir())),
                Middleware(DocumentLanguage, languages=tuple(i18n.LANGUAGES), default=i18n.DEFAULT_LANGUAGE)],
)
