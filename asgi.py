"""The dashboard as an ASGI app, as `make run` serves it: `streamlit run asgi.py` (same flags as for dashboard.py).

Adds to Streamlit's own server the routes that set and clear the sign-in cookie (`server.routes`), which turn on
remembered sign-ins in `dashboard.py` (`ui.remembered`), compressed, year-long cached static assets, smaller fonts,
pages whose HTML declares their language, and addresses of one level (docs/serving.md).
"""

import secrets
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from streamlit import file_util
from streamlit.runtime.pages_manager import PagesManager

import i18n
from server import sessions
from server.compression import BestCompressed, CompressedStaticAssets
from server.document import DocumentLanguage, OneLevelAddresses, preload_after_load
from server.fonts import FontSubsets, SmallerFonts, icons_in_use
from server.routes import session_routes
from settings import SettingsError, load_settings

try:
    configured = load_settings()
    secret = sessions.cookie_secret(configured.warehouse_path, configured.cookie_secret)
except SettingsError:
    secret = secrets.token_bytes(sessions.SECRET_BYTES)  # the dashboard says what is wrong with the settings
remembering = sessions.Remembering(sessions.CookieSigner(secret), sessions.CodeBook())
sessions.install(remembering)
# dashboard.py lists its pages with st.navigation, which tells Streamlit to ignore the `pages/` folder, but only when
# it first runs: the server's first session would take `pages/` for a multipage app's and say "Page not found" at
# any page's address.
PagesManager.uses_pages_directory = False
STATIC = Path(file_util.get_static_dir())
ROOT = Path(__file__).parent
# Made while the server starts, before the first visitor asks; kept for the next start, once per Streamlit version.
ASSET_CACHE = ROOT / ".cache" / f"streamlit-{st.__version__}"
font_subsets = FontSubsets(STATIC, icons_in_use(STATIC, ROOT), ASSET_CACHE)
best_compressed = BestCompressed(STATIC, ASSET_CACHE)

app = st.App(
    "dashboard.py",
    routes=session_routes(remembering),
    middleware=[Middleware(CompressedStaticAssets, directory=STATIC, best=best_compressed),
                Middleware(SmallerFonts, subsets=font_subsets),
                Middleware(DocumentLanguage, languages=tuple(i18n.LANGUAGES), default=i18n.DEFAULT_LANGUAGE,
                           head=b"".join(preload_after_load(f"./static/js/{path.name}")
                                         for path in (STATIC / "static" / "js").glob("PlotlyChart.*.js"))),
                Middleware(OneLevelAddresses)],
)
