"""Names from files are text on every page: no Markdown or HTML link or image to another site, no bare address that
the Markdown renderer would turn into a link, whatever a village, member, commune or file is called."""

import html
import json
import re
from pathlib import Path

import pytest
from google.protobuf.message import Message
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from tests import analysis_fixture as fixture
from tests import hostile, signin
from tests.upload_files import MONTHLY_HEADER, csv_text
from ui.language import markdown_text
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

# Streamlit renders these fields of its elements as Markdown (titles, captions, messages, metrics, labels, help).
MARKDOWN_FIELDS = {"body", "label", "help", "delta", "placeholder", "caption"}
# Elements whose text is not Markdown (tables, charts, the options of a choice).
PLAIN_ELEMENTS = {"arrow_data_frame", "plotly_chart", "json", "selectbox", "multiselect"}
# The program's own markup, made from no data (ui/document.py: the document's language, the uploader's texts).
OWN_HTML = re.compile(r'^(<style>|<span class="cds-document-language"></span><script>)')
# The Markdown of Streamlit's renderer, with raw HTML let through, so that any HTML the page sends would show.
RENDERER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
# The tags Markdown's own structure makes (lists, headings, emphasis); any other tag is a link, an image or HTML.
MARKDOWN_TAGS = "p|em|strong|code|del|s|br|ol|ul|li|h[1-6]|blockquote|hr|pre|table|thead|tbody|tr|th|td"
# What GFM links in plain text, after escapes are resolved (remark-gfm's autolink literals).
BARE_ADDRESS = re.compile(r"(?i)(?<![\w])(https?://|www\.)[-.\w]+")
BARE_EMAIL = re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+")
PAGES = ["pages/overview.py", "pages/map.py", "pages/domains.py", "pages/village.py", "pages/training.py",
         "pages/reporting.py", "pages/trends.py", "pages/upload.py", "pages/export_report.py", "pages/audit.py",
         "pages/sign_in.py"]


def outside_references(source: str) -> list[str]:
    """Every link, image, HTML tag or bare address that `source`, rendered as Markdown, would show."""
    rendered = RENDERER.render(source)
    found = re.findall(rf"<(?!/?(?:{MARKDOWN_TAGS})\b)[^>]+>", rendered)
    shown = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    return found + BARE_ADDRESS.findall(shown) + BARE_EMAIL.findall(shown)


def shown_text(source: str) -> str:
    """What a reader sees of `source` rendered as Markdown (the invisible word joiners left out)."""
    return html.unescape(re.sub(r"<[^>]+>", "", RENDERER.render(source))).strip().replace("\u2060", "")


def markdown_texts(app: AppTest) -> list[tuple[str, str]]:
    """(element type, text) for every string of the page that Streamlit renders as Markdown."""
    texts = []
    for node in app._tree:
        proto = getattr(node, "proto", None)
        # st.html is not Markdown: its own check is in html_tags.
        if proto is None or getattr(node, "type", "") in (*PLAIN_ELEMENTS, "html"):
            continue
        stack = [proto]
        while stack:
            message = stack.pop()
            for field, value in message.ListFields():
                if field.message_type is not None:
                    stack += [value] if isinstance(value, Message) else list(value)
                elif field.name in MARKDOWN_FIELDS and isinstance(value, str):
                    texts.append((node.type, value))
    return texts


@pytest.fixture
def hostile_warehouse(warehouse_path: Path) -> Path:
    replace_communes(Warehouse.open(warehouse_path), hostile.tables())
    return warehouse_path


def chart_tags(app: AppTest) -> list[str]:
    """Every link or image tag in the text of the page's charts (Plotly reads `<a href>` in titles and labels)."""
    found, stack = [], [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack += value.values()
        elif isinstance(value, list):
            stack += value
        elif isinstance(value, str):
            found += re.findall(r"(?i)<(?:a|img)\b[^>]*>", value)
    return found


def html_tags(app: AppTest) -> list[str]:
    """Every link, image or script tag of the page's own HTML (the headline card, chart keys), but the menu's script
    and the program's own markup: names reach it escaped, so none may appear."""
    bodies = [element.proto.body for element in app.get("html")
              if "window.cdsMenuClosesAfterChoice" not in element.proto.body and not OWN_HTML.match(element.proto.body)]
    return [tag for body in bodies for tag in re.findall(r"(?i)<(?:a|img|script|iframe)\b[^>]*>", body)]


def assert_only_text(app: AppTest, where: str) -> list[tuple[str, str]]:
    assert not app.exception, where
    assert html_tags(app) == [], where
    texts = markdown_texts(app)
    leaks = [(kind, text, outside_references(text)) for kind, text in texts
             if outside_references(text) and not (kind == "html" and OWN_HTML.match(text))]
    assert not leaks, f"{where}: {leaks}"
    assert chart_tags(app) == [], where
    return texts


@pytest.mark.parametrize("value", [
    hostile.MARKDOWN_LINK, hostile.MARKDOWN_IMAGE, hostile.HTML_IMAGE, hostile.HTML_LINK, hostile.BARE_ADDRESS,
    hostile.VILLAGE_FORMULA,
    "http://evil.example/x", "thu@evil.example", "**đậm** _nghiêng_ `mã` ~~gạch~~ $x^2$ :red[đỏ] :material/home:",
    "# tiêu đề", "- một", "+84 912", "12. mười hai", "> trích", "a | b", "&lt;img&gt; \\[x\\]", "dòng 1\ndòng 2",
])
def test_escaped_text_shows_exactly_as_written_and_links_nothing(value):
    escaped = markdown_text(value)
    assert outside_references(escaped) == []
    assert shown_text(escaped) == value.replace("\n", " ")


def test_the_checker_finds_what_an_unescaped_name_would_show():
    for value in (hostile.MARKDOWN_LINK, hostile.MARKDOWN_IMAGE, hostile.HTML_IMAGE, hostile.BARE_ADDRESS,
                  f"Thôn \\{hostile.MARKDOWN_LINK}"):
        assert outside_references(f"Tổng quan {value}"), value


def test_every_page_shows_hostile_names_as_text_to_staff_and_admins(hostile_warehouse, monkeypatch):
    signin.use_cheap_hashing(monkeypatch)
    signin.add_account(hostile_warehouse, "can-bo", "staff", [fixture.CODE])
    signin.add_account(hostile_warehouse, "quan-tri", "admin")
    for username in ("can-bo", "quan-tri"):
        app = signin.sign_in(signin.open_app(hostile_warehouse, monkeypatch), username)
        for page in PAGES:
            if signin.may_open(app, page):
                assert_only_text(app.switch_page(page).run(), f"{username} {page}")
        app.switch_page("pages/overview.py").run()
        titles = [shown_text(text) for kind, text in markdown_texts(app) if kind == "title"]
        assert any(hostile.COMMUNE_NAME in title for title in titles), titles


def test_the_village_page_shows_each_hostile_village_name_as_its_title(hostile_warehouse, monkeypatch):
    app = signin.open_app(hostile_warehouse, monkeypatch, CDS_PUBLIC_VIEW="1")
    for code, name in hostile.VILLAGE_NAMES.items():
        app.query_params["village"] = code
        texts = assert_only_text(app.switch_page("pages/village.py").run(), name)
        assert any(name in shown_text(text) for kind, text in texts if kind == "title"), name


def test_a_hostile_file_name_and_contents_are_text_on_the_upload_page(hostile_warehouse, monkeypatch):
    signin.use_cheap_hashing(monkeypatch)
    signin.add_account(hostile_warehouse, "can-bo", "staff", [fixture.CODE])
    app = signin.sign_in(signin.open_app(hostile_warehouse, monkeypatch), "can-bo")
    app.switch_page("pages/upload.py").run()
    name = f"{hostile.MARKDOWN_IMAGE}{hostile.MARKDOWN_LINK}.csv"
    rows = [MONTHLY_HEADER, [hostile.MARKDOWN_LINK, "12/2025", "11/12/2025", "40", "", "", hostile.HTML_IMAGE],
            [fixture.DONG, "12/2025", "12/12/2025", "90", "", "", hostile.MARKDOWN_IMAGE]]
    app.file_uploader[0].set_value((name, csv_text(rows).encode(), "text/csv")).run()
    texts = assert_only_text(app, "upload")
    assert any(name in shown_text(text) for kind, text in texts if kind == "error"), texts
