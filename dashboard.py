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
    st.Page("pages/domains.py", title=tr("analysis.nav.domains"), icon=":material/grid_view:", url_path="linh-vuc"),
    st.Page("pages/village.py", title=tr("analysis.nav.village"), icon=":material/home_pin:", url_path="thon"),
    st.Page("pages/training.py", title=tr("analysis.nav.training"), icon=":material/school:", url_path="tap-huan"),
    st.Page("pages/reporting.py", title=tr("analysis.nav.reporting"), icon=":material/event_available:",
            url_path="tien-do-bao-cao"),
    st.Page("pages/trends.py", title=tr("analysis.nav.trends"), icon=":material/trending_up:", url_path="xu-huong"),
])
try:
    navigation.run()
except Exception:
    # The user gets a sentence; the details go to the server log.
    logging.getLogger(__name__).exception("page failed")
    st.error(tr("error.unexpected"))
