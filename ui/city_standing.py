"""A commune against its city, as small blocks of its own pages: the overview's headline next to the city's median
and its rank, and the domains page's city median per indicator (the same numbers as the city page)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import i18n
from ui.cached import cached_call, city, registry
from ui.filters import Filters
from ui.language import language, tr
from warehouse import city as city_queries
from warehouse.database import Warehouse


def _province_name(db: Warehouse, province: str) -> str | None:
    names = registry.provinces(db).set_index("code")["name"]
    return names.get(province)


def standing_in_city(db: Warehouse, commune: str, period: str) -> tuple[str, city_queries.CommuneStanding] | None:
    """The commune's province name and its standing there, None without a city or a median."""
    province = city.commune_province(db, commune)
    name = None if province is None else _province_name(db, province)
    if name is None:
        return None
    # Every commune's standing, read once per province, period and data version: the first visitor of each of the
    # province's communes finds it read.
    standing = city.standings_in_province(db, province, period).get(commune)
    return None if standing is None or standing.median_share is None else (name, standing)


def show_city_standing(db: Warehouse, chosen: Filters) -> None:
    """The commune's headline, the city's median and its rank ("xếp thứ 37/114"); nothing without a city."""
    if chosen.period is None:
        return
    # One lookup per run once cached (the standings of the province inside it are shared by its communes).
    found = cached_call(standing_in_city, db, chosen.commune, chosen.period)
    if found is None:
        return
    name, standing = found
    lang = language()
    with st.container(border=True):
        st.markdown(f"**{tr('city.standing.title', province=name)}**")
        share, median, rank = st.columns(3)
        share.metric(tr("city.standing.commune"), i18n.percent(standing.guided_share, lang))
        median.metric(tr("city.standing.median"), i18n.percent(standing.median_share, lang))
        rank.metric(tr("city.standing.rank"),
                    i18n.MISSING_VALUE if standing.rank is None
                    else tr("city.standing.rank_value", rank=standing.rank, communes=standing.communes))
        st.caption(tr("city.standing.caption", communes=standing.communes))


def show_city_medians(db: Warehouse, chosen: Filters, domain: str, short_names: dict[str, str]) -> None:
    """Each indicator of the domain: the commune's coverage next to the city's median; nothing without a city."""
    province = city.commune_province(db, chosen.commune)
    if province is None or _province_name(db, province) is None or chosen.period is None:
        return
    shares = city.indicator_shares_by_commune(db, province, chosen.period)
    shares = shares[shares["domain"] == domain]
    if shares["commune_code"].nunique() < 2:
        return
    medians = shares.groupby("indicator_code")["share"].median()
    own = shares[shares["commune_code"] == chosen.commune].set_index("indicator_code")["share"]
    lang = language()
    st.subheader(tr("city.medians.title"))
    st.dataframe(pd.DataFrame({
        tr("analysis.indicator"): [short_names.get(code, code) for code in medians.index],
        tr("city.medians.commune"): [i18n.percent(own.get(code), lang) for code in medians.index],
        tr("city.medians.median"): [i18n.percent(median, lang) for median in medians],
    }), hide_index=True)
    st.caption(tr("city.medians.caption", communes=shares["commune_code"].nunique()))
