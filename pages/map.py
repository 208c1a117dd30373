"""Bản đồ: the villages coloured by coverage; for the Department, the communes of the city side by side."""

import pandas as pd
import streamlit as st

import i18n
from ui import auth
from ui.cached import city, geography, queries
from ui.charts import CHART_CONFIG, coverage_class
from ui.context import warehouse
from ui.filters import filters
from ui.language import language, tr, tr_plain
from ui.maps import city_map_figure, clicked_location, village_map_figure
from ui.tables import show_table
from ui.url_state import url_selectbox
from ui.village_links import open_village
from warehouse.codes import DIGITAL_DOMAINS, HEADLINE_INDICATOR

chosen = filters()
lang = language()
db = warehouse()
st.title(tr("maps.title", commune=chosen.commune_name))

# The city view shows every commune's figures: checked here, whenever the page runs, not only by hiding the choice.
may_see_city = auth.sees_city_map(db)
views = ["villages", "city"] if may_see_city and geography.has_commune_boundaries(db) else ["villages"]
view = views[0]
if len(views) > 1:
    view = url_selectbox(tr("maps.view"), views, "map_view", format_func=lambda option: tr(f"maps.view.{option}"))
elif st.query_params.get("map_view") == "city" and not may_see_city:
    st.info(tr("maps.city.refused", roles=", ".join(auth.role_name(role) for role in auth.CITY_VIEWER_ROLES)),
            icon=":material/lock:")
tiles = st.toggle(tr("maps.tiles"), key="map_tiles", help=tr("maps.tiles_help"))
# The city map compares communes, so it needs a period even when the chosen commune has no report yet.
period = chosen.period or (geography.latest_reported_month(db) if view == "city" else None)
if period is None:
    st.info(tr("empty.no_reports", commune=chosen.commune_name))
    st.stop()
period_name = i18n.period_in_sentence(period, lang)


def class_name(share: float | None, empty_key: str, target_share: float) -> str:
    item = coverage_class(share, target_share)
    return tr(empty_key) if item is None else item.label(lang)


def show_city() -> None:
    # The chosen commune's province only: a reviewer of a province sees no other's communes, and no page sends the
    # whole country's communes at once.
    layer = geography.city_map(db, period, city.commune_province(db, chosen.commune))
    if layer.is_demo:
        st.warning(tr("maps.city.demo_label"), icon=":material/science:")
    st.caption(tr("maps.city.caption", period=period_name))
    event = st.plotly_chart(city_map_figure(layer, lang, tiles), on_select="rerun", selection_mode="points",
                            key="city_map", width="stretch", config=CHART_CONFIG)
    clicked = clicked_location(event)
    # A selection stays on the chart across reruns: act on a new click only.
    if clicked and clicked != st.session_state.get("map_city_click"):
        st.session_state["map_city_click"] = clicked
        if clicked != chosen.commune:
            st.session_state.pop("commune", None)
            st.query_params["commune"] = clicked
            st.rerun()
    if st.session_state.get("map_city_click") == chosen.commune:
        st.success(tr("maps.city.selected", commune=chosen.commune_name))
    rows = layer.rows
    st.subheader(tr("maps.city.table.title"))
    shares = rows["share_meeting_target"]
    table = pd.DataFrame({
        tr("maps.city.column.commune"): rows["commune_name"],
        tr("maps.city.column.villages"): rows["villages"],
        tr("maps.city.column.reported"): rows["villages_reported"],
        tr("maps.city.column.meeting"): rows["villages_meeting_target"],
        tr("maps.legend.share"): [i18n.percent(share, lang) for share in shares],
        tr("maps.column.class"): [class_name(share, "maps.city.no_data", layer.target_share) for share in shares],
    })
    # On a phone the commune and its share (with its class too it was 389 pixels wide); the rest behind the expander.
    show_table(table, f"ban-do-cac-xa-{period}", tr("maps.city.table.title"),
               export=table.assign(**{tr("maps.legend.share"): shares.astype(float).round(4)}),
               main_columns=[tr("maps.city.column.commune"), tr("maps.legend.share")])


def measure_name(measure: str, short_names: dict[str, str]) -> str:
    if measure in DIGITAL_DOMAINS:
        return tr_plain("maps.measure.domain", name=tr(f"domain.{measure}"))
    return short_names[measure]


def show_villages() -> None:
    catalogue = queries.indicator_catalogue(db)
    household = catalogue[catalogue["kind"] == "cumulative"]
    short_names = dict(zip(household["code"], household[f"short_{lang}"], strict=True))
    measure = url_selectbox(tr("maps.measure"), [*household["code"], *DIGITAL_DOMAINS], "measure",
                            default=HEADLINE_INDICATOR, format_func=lambda option: measure_name(option, short_names))
    layer = geography.village_map(db, chosen.commune, period, measure)
    counted = household.set_index("code")[f"name_{lang}"].get(measure) if measure not in DIGITAL_DOMAINS else None
    if layer.rows.empty:
        # A demo warehouse made before the maps existed gets its demo boundaries by recreating the demo.
        key = "maps.empty.no_demo_boundaries" if chosen.is_demo else "maps.empty.no_village_boundaries"
        st.info(tr(key, commune=chosen.commune_name, code=chosen.commune))
        return
    if layer.is_demo:
        st.warning(tr("maps.demo_label"), icon=":material/science:")
        st.caption(tr("maps.demo_caption"))
    st.caption(tr("maps.caption", period=period_name))
    if measure in DIGITAL_DOMAINS:
        st.caption(tr("maps.domain_caption"))
    event = st.plotly_chart(village_map_figure(layer, lang, tiles, value_label=counted), on_select="rerun",
                            selection_mode="points", key="village_map", width="stretch", config=CHART_CONFIG)
    clicked = clicked_location(event)
    if clicked:
        open_village(clicked)
    all_villages = queries.villages(db, chosen.commune)
    without_boundary = all_villages.loc[~all_villages["village_code"].isin(layer.rows["village_code"]), "village_name"]
    if not without_boundary.empty:
        st.caption(tr("maps.missing_boundaries", villages=", ".join(without_boundary)))

    st.subheader(tr("maps.table.title"))
    rows = layer.rows
    # The value's column is named after what it counts (a domain's villages have a share only).
    columns = [tr("village.label"), counted or tr_plain("coverage.value"), tr("coverage.households"),
               tr("coverage.axis")]
    table = pd.DataFrame({
        columns[0]: rows["village_name"],
        columns[1]: [i18n.number(value, lang) for value in rows["value"].astype(object)],
        columns[2]: [i18n.number(value, lang) for value in rows["households"]],
        columns[3]: [i18n.percent(share, lang) for share in rows["coverage"]],
        tr("maps.column.class"): [class_name(share, "coverage.not_reported", layer.target_share)
                                  for share in rows["coverage"]],
    })
    # The downloads carry the numbers as numbers, so that a spreadsheet can add them up.
    exported = table.assign(**{columns[1]: rows["value"], columns[2]: rows["households"],
                               columns[3]: rows["coverage"].astype(float).round(4)})
    if measure in DIGITAL_DOMAINS:
        table, exported = table.drop(columns=columns[1]), exported.drop(columns=columns[1])
    # On a phone the village, its share and its class; the counts behind the expander.
    show_table(table, f"ban-do-{chosen.commune}-{measure}-{period}", tr("maps.table.title"), export=exported,
               main_columns=[columns[0], columns[3], tr("maps.column.class")])


if view == "city":
    show_city()
else:
    show_villages()
