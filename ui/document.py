"""The browser's view of the page: the tab's title names the page, the document's `lang` is the chosen language (so
that screen readers read Vietnamese as Vietnamese and the browser offers no translation of it), and Streamlit's own
English texts inside widgets are replaced by ours."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

import i18n
from ui.context import settings
from ui.language import language, tr_plain

# Hides the sidebar element that only carries the script below, so that it takes no room. On a phone, a table's
# toolbar (search, full screen: 44 pixels above the table) covered the heading above it: the table makes room.
_PAGE_STYLE = ('<style>[data-testid="stElementContainer"]:has(.cds-document-language){display: none;}'
               '@media (max-width: 640px) {[data-testid="stElementContainer"]:has(> [data-testid="stFullScreenFrame"]'
               ' > [data-testid="stDataFrame"]){margin-top: 2rem;}}</style>')


def describe_document(page_title: str) -> None:
    """Title the browser tab after the page (then the dashboard) and mark the document's language."""
    st.set_page_config(page_title=f"{page_title} · {tr_plain('app.title')}")
    lang = language() if language() in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE  # never anything but a known code
    st.html(_PAGE_STYLE)
    st.sidebar.html(f'<span class="cds-document-language"></span>'
                    f'<script>document.documentElement.lang = "{lang}";</script>', unsafe_allow_javascript=True)


def _css_string(text: str) -> str:
    """`text` as a CSS string: quotes and backslashes escaped, and no `<` that could end the style element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ").replace("\n", " ")
    return f'"{escaped}"'


def uploader_texts(key: str, types: Sequence[str]) -> None:
    """The texts Streamlit 1.67 draws in English inside the file uploader `key` ("Upload", "200MB per file",
    "Drag and drop a file here") in the page's language; the uploader has no options for them, so a style puts
    ours in their place. The limit shown is the upload limit the import enforces (CDS_UPLOAD_MAX_MB)."""
    zone = f'.st-key-{key} [data-testid="stFileUploaderDropzone"]'
    limit = tr_plain("document.uploader.limit", megabytes=settings().upload_limits.megabytes,
                     types=", ".join(extension.upper() for extension in types))
    button, drop = tr_plain("document.uploader.button"), tr_plain("document.uploader.drop")
    st.html(f"""<style>
{zone} button [data-testid="stMarkdownContainer"] p {{display: none;}}
{zone} button [data-testid="stMarkdownContainer"]::after {{content: {_css_string(button)};}}
{zone} [data-testid="stFileUploaderDropzoneInstructions"] span {{font-size: 0;}}
{zone} [data-testid="stFileUploaderDropzoneInstructions"] span::after {{content: {_css_string(limit)};
    font-size: 0.875rem;}}
{zone} > div:not([data-testid]) > * {{font-size: 0;}}
{zone} > div:not([data-testid]) > *::after {{content: {_css_string(drop)};
    font-size: 1rem;}}
</style>""")
