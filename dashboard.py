"""Entry point: warehouse, sign-in state, navigation, then language and filters; each page lays itself out."""

import logging

import streamlit as st

from etl import storage
from settings import SettingsError
from ui import auth, remembered
from ui.context import settings, use_warehouse
from ui.document import describe_document
from ui.favicon import favicon
from ui.filters import choose_filters
from ui.language import language, tr
from ui.menu import close_menu_after_choice
from ui.url_state import choose_language, start_language
from warehouse.database import Warehouse
from warehouse.errors import CatalogueError, WarehouseNewerThanProgram, WarehouseUnavailable


def stop_for_storage_problem(error: Exception) -> None:
    """A damaged or busy warehouse, or a full disk: a sentence saying what to do, never the exception box."""
    sentence = storage.problem(error, settings().warehouse_path, language(), in_dashboard=True)
    if sentence is None and isinstance(error, WarehouseUnavailable):
        sentence = tr("error.warehouse_unavailable", path=error.path, reason=error.reason)
    if sentence is None:
        raise error
    st.error(sentence)
    st.stop()


start_language()
st.set_page_config(page_title=tr("app.title"), page_icon=favicon(), layout="wide")
st.sidebar.title(tr("app.title"))
st.sidebar.caption(tr("app.subtitle"))

try:
    # Opened once per process (schema upgraded, catalogue synced there); each page gets it from ui.context.
    db = Warehouse.open(settings().warehouse_path)
    use_warehouse(db)
    user = remembered.access(db)
except SettingsError as error:
    st.error(tr("error.settings", reason=error))
    st.stop()
except (CatalogueError, WarehouseNewerThanProgram) as error:
    st.error(tr("error.warehouse_unusable", reason=error))
    st.stop()
except Exception as error:
    stop_for_storage_problem(error)

# The Department's reviewers (of every commune, or of whole provinces) start on the city's communes side by side.
city_first = user.role == "reviewer" and (user.communes is None or bool(user.provinces))
city_pages = (
    remembered.home_page("pages/city.py", title=tr("city.nav"), icon=":material/location_city:", address="thanh-pho",
                         default=city_first),
    st.Page("pages/city_trends.py", title=tr("city.trends.nav"), icon=":material/monitoring:",
            url_path="xu-huong-thanh-pho"),
)
# Each page with the roles that may open it; a page left out cannot be opened at all, even by its URL.
navigation = st.navigation(user.pages([
    (remembered.home_page("pages/overview.py", title=tr("nav.overview"), icon=":material/dashboard:",
                          address="tong-quan", default=not city_first), auth.VIEWING),
    *((page, auth.CITY_PAGE_ROLES) for page in city_pages),
    (st.Page("pages/map.py", title=tr("maps.nav"), icon=":material/map:", url_path="ban-do"), auth.VIEWING),
    (st.Page("pages/domains.py", title=tr("analysis.nav.domains"), icon=":material/grid_view:",
             url_path="linh-vuc"), auth.VIEWING),
    (st.Page("pages/village.py", title=tr("analysis.nav.village"), icon=":material/home_pin:", url_path="thon"),
     auth.VIEWING),
    (st.Page("pages/training.py", title=tr("analysis.nav.training"), icon=":material/school:",
             url_path="tap-huan"), auth.VIEWING),
    (st.Page("pages/reporting.py", title=tr("analysis.nav.reporting"), icon=":material/event_available:",
             url_path="tien-do-bao-cao"), auth.VIEWING),
    (st.Page("pages/trends.py", title=tr("analysis.nav.trends"), icon=":material/trending_up:",
             url_path="xu-huong"), auth.VIEWING),
    (st.Page("pages/upload.py", title=tr("import.page.nav"), icon=":material/upload_file:",
             url_path="tai-du-lieu-len"), auth.UPLOADERS),
    (st.Page("pages/export_report.py", title=tr("report.nav"), icon=":material/description:",
             url_path="xuat-bao-cao"), auth.REPORTERS),
    (st.Page("pages/national.py", title=tr("national.nav"), icon=":material/public:", url_path="toan-quoc"),
     auth.NATIONAL_VIEWERS if user.sees_provinces else ()),
    (st.Page("pages/city_report.py", title=tr("report.city.nav"), icon=":material/summarize:", url_path="bao-cao-so"),
     auth.CITY_VIEWER_ROLES),
    (st.Page("pages/audit.py", title=tr("nav.audit"), icon=":material/history:", url_path="nhat-ky"), ["admin"]),
    (st.Page("pages/sign_in.py", title=tr("nav.account" if user.username else "nav.sign_in"),
             icon=":material/login:", url_path="dang-nhap"), auth.ANYONE),
]))

# Widgets come after the navigation: before it, the first run of a new server's first session gives them other
# ids than the runs after it, and that session's first click is lost.
choose_language()
describe_document(navigation.title)
# A visitor who may only sign in sees no commune, not even in the sidebar.
try:
    chosen = choose_filters(db, user.communes) if user.may_view else None
except Exception as error:
    stop_for_storage_problem(error)
auth.account_sidebar(user)
close_menu_after_choice()
# The city pages say themselves whether their communes' figures are invented.
if chosen is not None and chosen.is_demo and not any(navigation is page for page in city_pages):
    st.warning(tr("demo.banner", commune=chosen.commune_name), icon=":material/science:")

try:
    navigation.run()
except Exception as error:
    # The user gets a sentence; the details go to the server log (one line for a known storage problem).
    sentence = storage.problem(error, settings().warehouse_path, language(), in_dashboard=True)
    if sentence is None:
        logging.getLogger(__name__).exception("page failed")
        st.error(tr("error.unexpected"))
    else:
        logging.getLogger(__name__).warning("page stopped: %s", error)
        st.error(sentence)
