"""State kept in the URL: selectboxes and the language switch whose choice a copied link reopens."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import i18n
from ui.language import language


def written_to_url(key: str) -> str:
    """The session's key for the value this session last wrote to the URL under `key`."""
    return f"_url_value_{key}"


def url_backed(key: str, options: list[str], default: str) -> None:
    """Start the widget `key` from the URL's value, if valid; the URL then follows the widget.

    A URL value other than the one this session last wrote comes from a link (e.g. the map opening a village):
    it wins over the value remembered from earlier in the session.
    """
    wanted = st.query_params.get(key)
    if wanted in options and wanted != st.session_state.get(written_to_url(key)):
        st.session_state[key] = wanted
    elif key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = wanted if wanted in options else default


def remember_in_url(key: str) -> None:
    """Keep the chosen value in the URL, so that a copied link reopens the same view."""
    st.query_params[key] = st.session_state[written_to_url(key)] = st.session_state[key]


def url_selectbox(
    label: str, options: list[str], key: str, default: str | None = None,
    format_func: Callable[[str], str] = str, container: DeltaGenerator | None = None,
) -> str:
    """A selectbox whose choice lives in the URL under `key`, so that a copied link reopens the same view."""
    url_backed(key, options, options[0] if default is None else default)
    # One widget per language: a selectbox keeps showing the option labels it was first drawn with.
    widget = f"{key}.{language()}"
    if st.session_state.get(widget) != st.session_state[key]:
        st.session_state[widget] = st.session_state[key]

    def keep_choice() -> None:
        st.session_state[key] = st.session_state[widget]

    (container or st).selectbox(label, options, key=widget, format_func=format_func, on_change=keep_choice)
    remember_in_url(key)
    return st.session_state[key]


def start_language() -> None:
    """Take the language from the URL before any widget is drawn (page titles need it)."""
    url_backed("language", list(i18n.LANGUAGES), i18n.DEFAULT_LANGUAGE)


def choose_language() -> str:
    """The language switch (Vietnamese first)."""
    options = list(i18n.LANGUAGES)
    url_backed("language", options, i18n.DEFAULT_LANGUAGE)
    st.sidebar.segmented_control(
        i18n.t("sidebar.language"), options, key="language", required=True,
        format_func=lambda code: i18n.t(f"language.{code}"),
    )
    remember_in_url("language")
    return language()
