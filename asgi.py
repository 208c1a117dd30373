"""The dashboard as an ASGI app: `streamlit run asgi.py` (same flags as for dashboard.py), or uvicorn directly.

Adds to Streamlit's own server the routes that set and clear the sign-in cookie (`server.routes`), which turn on
remembered sign-ins in `dashboard.py` (`ui.remembered`), and compressed, year-long cached static assets.
"""

import os
import secrets
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from streamlit import file_util

from server import sessions
from server.compression import CompressedStaticAssets
from server.routes import session_routes

# The spike keeps sessions in memory, so a secret per process loses nothing; the warehouse-backed store needs one
# that survives restarts (docs/spike-18-asgi-auth.md).
remembering = sessions.Remembering(
    sessions.MemorySessionStore(),
    sessions.CookieSigner(os.environ.get("CDS_COOKIE_SECRET", "").encode() or secrets.token_bytes(32)),
    sessions.CodeBook(),
)
sessions.install(remembering)

app = st.App(
    "dashboard.py",
    routes=session_routes(remembering),
    middleware=[Middleware(CompressedStaticAssets, directory=Path(file_util.get_static_dir()))],
)
