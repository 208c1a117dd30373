"""Streamlit's fonts made smaller for a slow line: the icon font holds only the icons the app can draw, the text
fonts only the Latin and Vietnamese letters and common signs (docs/serving.md).

Streamlit's icon font (Material Symbols, 0.38 MB) draws an icon for its name written in it (`dashboard` through a
ligature), so a subset keeps the letters, digits and `_`, and the ligatures of the icons named as `:material/NAME:`
in Streamlit's scripts and in the project's code; its text font (Source Sans, 0.17 MB) also holds Greek and Cyrillic.
The subsets are made from the files Streamlit ships, in a thread started with the server (5 s of CPU; the whole fonts
are answered until then), and kept in a cache folder for the next start.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections.abc import Iterable
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from server.compression import CACHE_CONTROL, kept

ICON_NAME = re.compile(r":material/([a-z0-9_]+):")
ICON_FONT = re.compile(r"^MaterialSymbols-Rounded\.[A-Za-z0-9_-]{8}\.woff2$")
TEXT_FONT = re.compile(r"^SourceSansVF-(Upright|Italic)\.ttf\.[A-Za-z0-9_-]{8}\.woff2$")
LIGATURE_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"
# Latin with its extensions, combining accents, Vietnamese, punctuation, currency, arrows, maths, shapes and dingbats:
# everything but Greek, Cyrillic and the rarer Latin letters.
TEXT_RANGES = ((0x0020, 0x024F), (0x0300, 0x036F), (0x1EA0, 0x1EF9), (0x2000, 0x27BF))
# An icon added to the code must reach a browser that cached the old subset: asked again every visit (a 304).
ICON_CACHE_CONTROL = "no-cache"
FOLDERS_SKIPPED = {".venv", ".git", ".cache", "node_modules", "tests"}


def icons_named(texts: Iterable[str]) -> set[str]:
    """The icon names written as `:material/NAME:` in the texts."""
    return {name for text in texts for name in ICON_NAME.findall(text)}


def icons_in_use(static_directory: Path, project: Path) -> set[str]:
    """Every icon Streamlit's scripts and the project's Python files name."""
    scripts = (path.read_text(errors="ignore") for path in (static_directory / "static" / "js").glob("*.js"))
    sources = (path.read_text(errors="ignore") for path in project.rglob("*.py")
               if not FOLDERS_SKIPPED.intersection(path.relative_to(project).parts))
    return icons_named(scripts) | icons_named(sources)


def _save(font: TTFont) -> bytes:
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()


def _options() -> subset.Options:
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    return options


def icon_font_subset(font_file: bytes, icons: set[str]) -> bytes:
    """The icon font with only the ligatures (and their glyphs) that draw the named icons."""
    font = TTFont(io.BytesIO(font_file))
    letter_of = {glyph: chr(code) for code, glyph in font.getBestCmap().items()}
    kept: set[str] = set()
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = table.ExtSubTable if lookup.LookupType == 7 else table
            for first, ligatures in getattr(table, "ligatures", {}).items():
                # A ligature replaces the letters of a name; the others go, so the subset keeps only these glyphs.
                wanted = [ligature for ligature in ligatures
                          if "".join(letter_of.get(glyph, "") for glyph in (first, *ligature.Component)) in icons]
                table.ligatures[first] = wanted
                kept.update(ligature.LigGlyph for ligature in wanted)
    subsetter = subset.Subsetter(_options())
    subsetter.populate(text=LIGATURE_LETTERS, glyphs=sorted(kept))
    subsetter.subset(font)
    return _save(font)


def text_font_subset(font_file: bytes) -> bytes:
    """The text font with only the characters of TEXT_RANGES (its weights kept: it is a variable font)."""
    font = TTFont(io.BytesIO(font_file))
    subsetter = subset.Subsetter(_options())
    subsetter.populate(unicodes=[code for first, last in TEXT_RANGES for code in range(first, last + 1)])
    subsetter.subset(font)
    return _save(font)


class FontSubsets:
    """The subsets of Streamlit's fonts by URL path, built in a thread of their own from the moment this is made."""

    def __init__(self, directory: Path, icons: set[str], cache: Path | None) -> None:
        media = directory / "static" / "media"
        self.files = {f"/static/media/{path.name}": path for path in media.glob("*.woff2")
                      if ICON_FONT.match(path.name) or TEXT_FONT.match(path.name)}
        self._icons, self._cache = icons, cache
        self._subsets: dict[str, bytes] = {}
        threading.Thread(target=self._build, name="font subsets", daemon=True).start()

    def _build(self) -> None:
        for url_path, path in self.files.items():
            self._subsets[url_path] = self._smaller(path)

    def _smaller(self, path: Path) -> bytes:
        original = path.read_bytes()
        if ICON_FONT.match(path.name):
            icons = ",".join(sorted(self._icons))
            name = f"{path.name}.{hashlib.sha256(icons.encode()).hexdigest()[:16]}"
            smaller = kept(self._cache, name, lambda: icon_font_subset(original, self._icons))
        else:
            name = f"{path.name}.{hashlib.sha256(repr(TEXT_RANGES).encode()).hexdigest()[:16]}"
            smaller = kept(self._cache, name, lambda: text_font_subset(original))
        return smaller if len(smaller) < len(original) else original

    def subset(self, url_path: str) -> bytes | None:
        """The font's subset; None while it is being made (Streamlit then answers the whole font: a visitor never
        waits for a subset)."""
        return self._subsets.get(url_path)


class SmallerFonts:
    """ASGI middleware: GET and HEAD of Streamlit's icon font and text fonts answered with their subsets."""

    def __init__(self, app: ASGIApp, subsets: FontSubsets) -> None:
        self.app, self._subsets = app, subsets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") and scope["path"] in self._subsets.files:
            body = self._subsets.subset(scope["path"])
            if body is not None:
                await self._answer(scope, receive, send, body)
                return
        await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, receive: Receive, send: Send, body: bytes) -> None:
        icons = ICON_FONT.match(Path(scope["path"]).name) is not None
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        headers = {"Content-Type": "font/woff2", "ETag": etag,
                   "Cache-Control": ICON_CACHE_CONTROL if icons else CACHE_CONTROL}
        if Headers(scope=scope).get("if-none-match") == etag:
            await Response(status_code=304, headers=headers)(scope, receive, send)
            return
        headers["Content-Length"] = str(len(body))
        await Response(body if scope["method"] == "GET" else b"", headers=headers)(scope, receive, send)
