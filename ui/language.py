"""The page's language and text for Streamlit: translations, with values that are shown exactly as they are."""

from __future__ import annotations

import re

import streamlit as st

import i18n

# Characters that start Markdown (and Streamlit's own `:red[…]`, `:material/…:`, `$…$`) syntax, escaped anywhere;
# the signs that start a list are escaped at the start of a value, where they would start one.
MARKDOWN_SYNTAX = re.compile(r"([\\`*_~\[\]<>&#|$:@!])")
LIST_START = re.compile(r"^\s*(?:(?=[-+])|\d+(?=[.)]))")
LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
# GFM links a bare `http://…`, `www.…` or `name@host.tld` found in the text even when escaped: an invisible word
# joiner after `:` before `//`, after `www` and after `@` stops it.
WORD_JOINER = "\u2060"
BARE_LINK_STARTS = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)")


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
