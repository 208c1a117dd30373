"""The sidebar's filters: the commune (province by province when there are many) and the period, kept in the URL."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd
import streamlit as st

import i18n
from ui.cached import data_version, queries
from ui.language import language, tr
from ui.url_state import remember_in_url, url_backed, url_selectbox, written_to_url
from warehouse.database import Warehouse
from warehouse.periods import is_month, quarter_of, quarters_of

FILTERS_KEY = "filters"
# More communes than this, in several provinces, are offered province by province (a city's 114 in one list).
PROVINCE_STEP_ABOVE = 150


@dataclass(frozen=True)
class Filters:
    commune: str
    commune_name: str
    is_demo: bool
    period: str | None  # None while the commune has no report


def period_options(months: list[str]) -> list[str]:
    """Each quarter followed by its months, newest first."""
    options = []
    for quarter in reversed(quarters_of(months)):
        options.append(quarter)
        options += sorted((month for month in months if quarter_of(month) == quarter), reverse=True)
    return options


def _ranked(communes: pd.DataFrame) -> pd.DataFrame:
    """The communes best first to be shown first: the newest reports; on a tie the demo commune, then the most
    villages (the demo city's Gia Lộc), then as listed (`queries.communes` lists them in Vietnamese alphabetical
    order)."""
    return communes.assign(reported=communes["latest_report"].notna()).sort_values(
        ["reported", "latest_report", "is_demo", "villages"], ascending=False, kind="stable")


def default_commune(communes: pd.DataFrame) -> str:
    """The commune to show first (see `_ranked`)."""
    return _ranked(communes)["code"].iloc[0]


@dataclass(frozen=True)
class CommuneChoices:
    """What the sidebar offers, worked out once per data version and set of communes (3,321 of them nationally)."""

    provinces: tuple[str, ...]  # in Vietnamese alphabetical order
    communes: dict[str, tuple[str, ...]]  # each province's commune codes, by name
    first: dict[str, str]  # the commune each province opens on (default_commune), "" for all of them
    names: dict[str, str]  # every commune offered, by name
    province_of: dict[str, str]
    demo: frozenset[str]


@st.cache_resource(max_entries=256, show_spinner=False)
def _commune_choices(_db: Warehouse, path: str, version: str | None,
                     allowed: tuple[str, ...] | None) -> CommuneChoices | None:
    communes = queries.communes(_db)
    if allowed is not None:
        communes = communes[communes["code"].isin(allowed)]
    return choices_of(communes)


def choices_of(communes: pd.DataFrame) -> CommuneChoices | None:
    """What the sidebar offers of `communes` (rows of `queries.communes`), None when there is none."""
    if communes.empty:
        return None
    provinces = communes.drop_duplicates("province_name").sort_values("province_rank")["province_name"].tolist()
    grouped = {province: rows for province, rows in communes.groupby("province_name", sort=False)}
    # One stable sort for the whole country: each province's first is its first row in it (35 sorts took 70 ms).
    ranked = _ranked(communes)
    first_of_province = ranked.drop_duplicates("province_name").set_index("province_name")["code"]
    return CommuneChoices(
        provinces=tuple(provinces),
        communes={province: tuple(grouped[province]["code"]) for province in provinces},
        first={"": ranked["code"].iloc[0]} | {province: first_of_province[province] for province in provinces},
        names=dict(zip(communes["code"], communes["name"], strict=True)),
        province_of=dict(zip(communes["code"], communes["province_name"], strict=True)),
        demo=frozenset(communes.loc[communes["is_demo"].astype(bool), "code"]),
    )


def commune_choices(db: Warehouse, allowed: Collection[str] | None = None) -> CommuneChoices | None:
    """The communes the sidebar offers (only `allowed` ones; None: all), None when there is none."""
    return _commune_choices(db, str(db.path), data_version(db), None if allowed is None else tuple(sorted(allowed)))


def _province_choice(choices: CommuneChoices) -> tuple[str, ...]:
    """The communes of the province chosen in the sidebar, when more than PROVINCE_STEP_ABOVE communes of several
    provinces are offered (a list of 3,321 is slow to send and to search); all of them otherwise. A link to a
    commune of another province opens that province."""
    if len(choices.provinces) < 2 or len(choices.names) <= PROVINCE_STEP_ABOVE:
        return tuple(choices.names)
    linked = st.query_params.get("commune")
    if linked in choices.province_of and linked != st.session_state.get(written_to_url("commune")):
        st.query_params["province"] = choices.province_of[linked]
    current = st.session_state.get("commune")
    default = choices.province_of[current if current in choices.province_of else choices.first[""]]
    province = url_selectbox(tr("sidebar.province"), list(choices.provinces), "province", default=default,
                             container=st.sidebar)
    return choices.communes[province]


def choose_filters(db: Warehouse, allowed: Collection[str] | None = None) -> Filters | None:
    """The commune (when there are several) and period selectors, offering only `allowed` communes (None: all);
    None when there is no commune to offer."""
    choices = commune_choices(db, allowed)
    if choices is None:
        st.session_state[FILTERS_KEY] = None
        return None
    if len(choices.names) > 1:
        shown = _province_choice(choices)
        province = choices.province_of[shown[0]] if len(shown) < len(choices.names) else ""
        url_selectbox(tr("sidebar.commune"), list(shown), "commune", default=choices.first[province],
                      format_func=choices.names.get, container=st.sidebar)
    else:
        codes = list(choices.names)
        url_backed("commune", codes, codes[0])
        remember_in_url("commune")
    commune = st.session_state["commune"]
    periods = period_options(queries.reported_months(db, commune))
    period = None
    if periods:
        # The language is fixed when the widget is made: its labels must not depend on when they are read.
        chosen_language = language()
        period = url_selectbox(
            tr("sidebar.period"), periods, "period", default=next(option for option in periods if is_month(option)),
            format_func=lambda option: i18n.period_label(option, chosen_language), container=st.sidebar,
        )
    filters = Filters(commune, choices.names[commune], commune in choices.demo, period)
    st.session_state[FILTERS_KEY] = filters
    return filters


def stop_unless_reported(chosen: Filters) -> str:
    """The chosen period; a page that needs reports stops here, saying what to do, while the commune has none."""
    if chosen.period is None:
        st.info(tr("empty.no_reports", commune=chosen.commune_name))
        st.stop()
    return chosen.period


def filters() -> Filters:
    """The filters chosen in the sidebar by the entry file; a page needing a commune stops here if there is none."""
    chosen = st.session_state.get(FILTERS_KEY)
    if chosen is None:
        st.info(tr("empty.no_communes"))
        st.stop()
    return chosen
