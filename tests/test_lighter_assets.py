"""A lighter first visit: Streamlit's fonts cut to what the app draws, the charting library at brotli's best quality,
both made once and kept (`server.fonts`, `server.compression`); docs/serving.md."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from fontTools.ttLib import TTFont
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from streamlit import file_util

from server.compression import BestCompressed, CompressedStaticAssets, kept
from server.fonts import FontSubsets, SmallerFonts, icon_font_subset, icons_in_use, text_font_subset
from tests.e2e.browser import ROOT
from tests.test_asgi_routes import request, served

STREAMLIT_STATIC = Path(file_util.get_static_dir())
MEDIA = STREAMLIT_STATIC / "static" / "media"
ICON_FONT = next(MEDIA.glob("MaterialSymbols-Rounded.*.woff2"))
TEXT_FONT = next(MEDIA.glob("SourceSansVF-Upright.ttf.*.woff2"))
CHARTS = "/static/js/PlotlyChart.AbCd1234.js"
SCRIPT = "Plotly.newPlot(document.body, [{y: [1, 2, 3]}]);\n" * 5000


def icons_drawn(font_file: bytes) -> set[str]:
    """The icon names whose ligatures the font holds."""
    font = TTFont(io.BytesIO(font_file))
    letter_of = {glyph: chr(code) for code, glyph in font.getBestCmap().items()}
    names = set()
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = table.ExtSubTable if lookup.LookupType == 7 else table
            for first, ligatures in getattr(table, "ligatures", {}).items():
                names.update("".join(letter_of[glyph] for glyph in (first, *ligature.Component))
                             for ligature in ligatures)
    return names


def characters(font_file: bytes) -> set[str]:
    return {chr(code) for code in TTFont(io.BytesIO(font_file)).getBestCmap()}


def test_the_icons_in_use_are_the_menus_and_streamlits_own():
    icons = icons_in_use(STREAMLIT_STATIC, ROOT)
    # The menu's (dashboard.py), an alert's (pages), Streamlit's sidebar and expander arrows.
    assert {"dashboard", "upload_file", "science", "keyboard_double_arrow_left", "expand_more"} <= icons
    assert "rocket_launch" not in icons


def test_the_icon_font_keeps_the_named_icons_and_nothing_else():
    whole = ICON_FONT.read_bytes()
    assert {"dashboard", "map", "rocket_launch"} <= icons_drawn(whole)
    smaller = icon_font_subset(whole, {"dashboard", "map"})
    assert icons_drawn(smaller) == {"dashboard", "map"}
    assert set("abcdefghijklmnopqrstuvwxyz_") <= characters(smaller), "an icon is drawn from its name's letters"
    assert len(smaller) < len(whole) / 20


def test_the_text_font_keeps_every_vietnamese_letter_and_drops_greek_and_cyrillic():
    whole = TEXT_FONT.read_bytes()
    smaller = text_font_subset(whole)
    vietnamese = set("ĐđĂăÂâÊêÔôƠơƯưÀÁẢÃẠằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
    assert vietnamese | set("0123456789,.%–…•→") <= characters(smaller)
    assert {"Ω", "Ж"} <= characters(whole) and not {"Ω", "Ж"} & characters(smaller)
    assert "fvar" in TTFont(io.BytesIO(smaller)), "still a variable font: every weight"
    assert len(smaller) < len(whole) * 0.6


def test_what_is_made_once_is_kept_and_read_back_the_next_time(tmp_path):
    made = []

    def make() -> bytes:
        made.append(1)
        return b"subset"

    assert kept(tmp_path / "cache", "font.woff2.abc", make) == b"subset"
    assert kept(tmp_path / "cache", "font.woff2.abc", make) == b"subset"
    assert len(made) == 1
    assert kept(None, "font.woff2.abc", make) == b"subset" and len(made) == 2
    (tmp_path / "read-only").write_text("a file where the folder should be")
    assert kept(tmp_path / "read-only", "x", make) == b"subset", "a cache that cannot be written is not needed"


@pytest.fixture(scope="module")
def static_folder(tmp_path_factory) -> Path:
    """Streamlit's static folder in small: its icon font and text font, and a charting library."""
    folder = tmp_path_factory.mktemp("static")
    (folder / "static" / "media").mkdir(parents=True)
    (folder / "static" / "js").mkdir()
    for font in (ICON_FONT, TEXT_FONT):
        (folder / "static" / "media" / font.name).write_bytes(font.read_bytes())
    (folder / "static" / "js" / Path(CHARTS).name).write_text(SCRIPT)
    return folder


def made(condition, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "made in time"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def server(static_folder: Path, tmp_path_factory) -> Iterator[str]:
    """The asset middleware of asgi.py in uvicorn, once the fonts and the best compression are made."""
    cache = tmp_path_factory.mktemp("cache")
    subsets = FontSubsets(static_folder, {"dashboard"}, cache)
    best = BestCompressed(static_folder, cache)
    made(lambda: all(subsets.subset(url_path) for url_path in subsets.files) and best.body(CHARTS))
    app = Starlette(routes=[Route("/{rest:path}", lambda request: PlainTextResponse("streamlit"))],
                    middleware=[Middleware(CompressedStaticAssets, directory=static_folder, best=best),
                                Middleware(SmallerFonts, subsets=subsets)])
    with served(app) as url:
        yield url


def test_the_fonts_are_answered_cut_and_the_icon_font_is_checked_again_at_each_visit(server):
    icons = request(f"{server}/static/media/{ICON_FONT.name}")
    assert icons.headers["content-type"] == "font/woff2"
    assert icons_drawn(icons.body) == {"dashboard"}
    # An icon added to the code must reach a browser that kept the old subset.
    assert icons.headers["cache-control"] == "no-cache"
    again = request(f"{server}/static/media/{ICON_FONT.name}", If_None_Match=icons.headers["etag"])
    assert (again.status, again.body) == (304, b"")
    text = request(f"{server}/static/media/{TEXT_FONT.name}")
    assert "Ж" not in characters(text.body) and "ữ" in characters(text.body)
    assert text.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert request(f"{server}/static/media/KaTeX_Main-Regular.AbCd1234.woff2").body == b"streamlit"


def test_the_charting_library_comes_at_brotlis_best_quality(server):
    answer = request(server + CHARTS, Accept_Encoding="gzip, br")
    assert answer.headers["content-encoding"] == "br"
    assert brotli.decompress(answer.body).decode() == SCRIPT
    assert answer.body == brotli.compress(SCRIPT.encode(), quality=11)
