"""Entry point: language, warehouse, shared filters, navigation; each page then lays itself out."""

import logging

import streamlit as st

from settings import SettingsError
from ui.context import choose_filters, choose_language, connection, tr
from warehouse.connection import WarehouseUnavailable

st.set_page_config(page_title="Chuyển đổi số cộng đồng", page_icon=":material/hub:", layout="wide")
choose_language()
st.sidebar.title(tr("app.title"))
st.sidebar.caption(tr("app.subtitle"))

try:
    chosen = choose_filters(connection())
except SettingsError as error:
    st.error(tr("error.settings", reason=error))
    st.stop()
except WarehouseUnavailable as error:
    st.error(tr("error.warehouse_unavailable", path=error.path, reason=error.reason))
    st.stop()

if chosen is None:
    st.info(tr("empty.no_communes"))
    st.stop()
if chosen.is_demo:
    st.warning(tr("demo.banner", commune=chosen.commune_name), icon=":material/science:")

navigation = st.navigation([
    st.Page("pages/overview.py", title=tr("nav.overview"), icon=":material/dashboard:", url_path="tong-quan",
            default=True),
    st.Page("pages/upload.py", title=tr("import.page.nav"), icon=":material/upload_file:", url_path="tai-du-lieu-len"),
])
try:
    navigation.run()
except Exception:
    # The user gets a sentence; the details go to the server log.
    logging.getLogger(__name__).exception("page failed")
    st.error(tr("error.unexpected"))
