"""What every page needs: the language, the warehouse the entry file opened and the shared filters, kept in the URL."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import i18n
from settings import Settings, load_settings
from ui.cached import data_version, queries, read_data_version
from warehouse.database import Warehouse
from warehouse.periods import is_month, quarter_of, quarters_of

FILTERS_KEY = "filters"
# More communes than this, in several provinces, are offered province by province (a city's 114 in one list).
PROVINCE_STEP_ABOVE = 150
WAREHOUSE_KEY = "warehouse"
# Characters that start Markdown (and Streamlit's own `:red[…]`, `:material/…:`, `$…$`) syntax, escaped anywhere;
# the signs that start a list are escaped at the start of a value, where they would start one.
MARKDOWN_SYNTAX = re.compile(r"([\\`*_~\[\]<>&#|$:@!])")
LIST_START = re.compile(r"^\s*(?:(?=[-+])|\d+(?=[.)]))")
LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
# GFM links a bare `http://…`, `www.…` or `name@host.tld` found in the text even when escaped: an invisible word
# joiner after `:` before `//`, after `www` and after `@` stops it.
WORD_JOINER = "\u2060"
BARE_LINK_STARTS = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)")


@dataclass(frozen=True)
class Filters:
    commune: str
    commune_name: str
    is_demo: bool
    period: str | None  # None while the commune has no report


def language() -> str:
    return st.session_state.get("language", i18n.DEFAULT_LANGUAGE)


def markdown_text(value: object) -> str:
    """`value` as Markdown that shows exactly its text: never a link, an image, HTML, emphasis or a heading.

    Streamlit reads Markdown in titles, captions, messages, metrics and widget labels, and names come from
    uploaded files: their Markdown characters are escaped, line breaks become spaces and bare addresses are
    broken by an invisible word joiner.
    """
    text = LINE_BREAKS.sub(" ", str(value))
    text = BARE_LINK_STARTS.sub(WORD_JOINER, text)
    text = MARKDOWN_SYNTAX.sub(r"\\\1", text)
    return LIST_START.sub(lambda start: start.group(0) + "\\", text, count=1)


def tr(key: str, **values: object) -> str:
    """The translation of `key` in the chosen language, for a Markdown element: its values shown as plain text."""
    return i18n.t(key, language(), **{name: value if isinstance(value, int | float) else markdown_text(value)
                                      for name, value in values.items()})


def tr_plain(key: str, **values: object) -> str:
    """The translation of `key` with its values as they are, for plain text: charts, table headers, choices."""
    return i18n.t(key, language(), **values)


def settings() -> Settings:
    return load_settings()


def use_warehouse(db: Warehouse) -> None:
    """Hand the warehouse the entry file opened to this run's pages (and to the callbacks of the next run), and read
    its data version: cached reads made this run are those of the data as it is now."""
    st.session_state[WAREHOUSE_KEY] = db
    read_data_version(db)


def warehouse() -> Warehouse:
    """The warehouse the entry file opened for this session."""
    return st.session_state[WAREHOUSE_KEY]


def works_for_commune(commune: str | None = None) -> bool:
    """Whether the session is an admin's or a member of staff of `commune` (sign-in sets the role and communes)."""
    role, communes = st.session_state.get("role"), st.session_state.get("user_communes")
    if role == "admin":
        return True
    return role == "staff" and (commune is None or communes is None or commune in communes)


def can_see_personal_data(commune: str | None = None) -> bool:
    """Whether member names and phone numbers may be shown: to admins and to staff of the commune; nobody else sees
    any digit of a phone number."""
    return works_for_commune(commune)


def _written_to_url(key: str) -> str:
    return f"_url_value_{key}"


def _url_backed(key: str, options: list[str], default: str) -> None:
    """Start the widget `key` from the URL's value, if valid; the URL then follows the widget.

    A URL value other than the one this session last wrote comes from a link (e.g. the map opening a village):
    it wins over the value remembered from earlier in the session.
    """
    wanted = st.query_params.get(key)
    if wanted in options and wanted != st.session_state.get(_written_to_url(key)):
        st.session_state[key] = wanted
    elif key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = wanted if wanted in options else default


def _remember_in_url(key: str) -> None:
    """Keep the chosen value in the URL, so that a copied link reopens the same view."""
    st.query_params[key] = st.session_state[_written_to_url(key)] = st.session_state[key]


def url_selectbox(
    label: str, options: list[str], key: str, default: str | None = None,
    format_func: Callable[[str], str] = str, container: DeltaGenerator | None = None,
) -> str:
    """A selectbox whose choice lives in the URL under `key`, so that a copied link reopens the same view."""
    _url_backed(key, options, options[0] if default is None else default)
    # One widget per language: a selectbox keeps showing the option labels it was first drawn with.
    widget = f"{key}.{language()}"
    if st.session_state.get(widget) != st.session_state[key]:
        st.session_state[widget] = st.session_state[key]

    def keep_choice() -> None:
        st.session_state[key] = st.session_state[widget]

    (container or st).selectbox(label, options, key=widget, format_func=format_func, on_change=keep_choice)
    _remember_in_url(key)
    return st.session_state[key]


def start_language() -> None:
    """Take the language from the URL before any widget is drawn (page titles need it)."""
    _url_backed("language", list(i18n.LANGUAGES), i18n.DEFAULT_LANGUAGE)


def choose_language() -> str:
    """The language switch (Vietnamese first)."""
    options = list(i18n.LANGUAGES)
    _url_backed("language", options, i18n.DEFAULT_LANGUAGE)
    st.sidebar.segmented_control(
        i18n.t("sidebar.language"), options, key="language", required=True,
        format_func=lambda code: i18n.t(f"language.{code}"),
    )
    _remember_in_url("language")
    return language()


def period_options(months: list[str]) -> list[str]:
    """Each quarter followed by its months, newest first."""
    options = []
    for quarter in reversed(quarters_of(months)):
        options.append(quarter)
        options += sorted((month for month in months if quarter_of(month) == quarter), reverse=True)
    return options


def default_commune(communes: pd.DataFrame) -> str:
    """The commune to show first: the one with the newest reports; on a tie the demo commune, then the one with the
    most villages (the demo city's Gia Lộc), then the first listed (`queries.communes` lists them in Vietnamese
    alphabetical order)."""
    ranked = communes.assign(reported=communes["latest_report"].notna()).sort_values(
        ["reported", "latest_report", "is_demo", "villages"], ascending=False, kind="stable")
    return ranked["code"].iloc[0]


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
    if communes.empty:
        return None
    provinces = communes.drop_duplicates("province_name").sort_values("province_rank")["province_name"].tolist()
    grouped = {province: rows for province, rows in communes.groupby("province_name", sort=False)}
    return CommuneChoices(
        provinces=tuple(provinces),
        communes={province: tuple(grouped[province]["code"]) for province in provinces},
        first={"": default_commune(communes)} | {province: default_commune(grouped[province])
                                                 for province in provinces},
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
    if linked in choices.province_of and linked != st.session_state.get(_written_to_url("commune")):
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
        _url_backed("commune", codes, codes[0])
        _remember_in_url("commune")
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
