"""Streamlit's hashed scripts and style sheets served compressed and cached for a year.

Streamlit's own gzip middleware deliberately skips `/static/` (it would compress 4.7 MB of charting library on every
request); here each file is compressed once, on its first request, and kept in memory (about 6 MB for all of them).
The charting library, the largest by far, is also compressed at brotli's best quality in a thread started with the
server, once per Streamlit version (kept in a cache folder), and answered so from then on.
"""

from __future__ import annotations

import gzip
import os
import re
import tempfile
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path

import brotli
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

# Content-hashed names (`index.DormvYxC.js`): a new Streamlit release renames them, so a year in cache is safe.
HASHED_ASSET = re.compile(r"\.[A-Za-z0-9_-]{8}\.(js|css)$")
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
CACHE_CONTROL = "public, max-age=31536000, immutable"
# Brotli's quality 5 compresses the 4.7 MB charting library in 0.2 s to 1.24 MB (gzip 9: 1.42 MB; quality 11 takes
# 18 s for 1.06 MB), so the first visitor after a start does not wait.
BROTLI_QUALITY = 5
GZIP_LEVEL = 9
BEST_BROTLI_QUALITY = 11
# Quality 11 takes 18 s of CPU for the charting library and saves 0.18 MB (1 s on a 1.5 Mbit/s line); for any other
# script of a first visit it saves under 0.02 MB, not worth its minute of CPU.
BEST_COMPRESSED = re.compile(r"^PlotlyChart\.[A-Za-z0-9_-]{8}\.js$")


def accepted_encoding(accept_encoding: str) -> str | None:
    """The best encoding the browser accepts: br, else gzip, else None (not if it says q=0)."""
    offered = {}
    for part in accept_encoding.split(","):
        name, _, parameters = part.strip().partition(";")
        quality = parameters.strip().removeprefix("q=")
        offered[name.strip().lower()] = quality not in ("0", "0.0", "0.00", "0.000")
    return next((name for name in ("br", "gzip") if offered.get(name)), None)


def compress(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(data, quality=BROTLI_QUALITY)
    return gzip.compress(data, GZIP_LEVEL, mtime=0)


def hashed_assets(directory: Path) -> dict[str, Path]:
    """Streamlit's hashed scripts and style sheets by URL path (a request's path is looked up, never joined)."""
    return {f"/{path.relative_to(directory).as_posix()}": path
            for path in (directory / "static").rglob("*") if path.is_file() and HASHED_ASSET.search(path.name)}


def kept(folder: Path | None, name: str, make: Callable[[], bytes]) -> bytes:
    """`make()`, kept in `folder` under `name` and read from there the next time (no folder, or none writable: made
    each time)."""
    if folder is not None and (folder / name).is_file():
        return (folder / name).read_bytes()
    made = make()
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, delete=False) as written:
                written.write(made)
            os.replace(written.name, folder / name)  # whole or not at all, whoever else writes it at once
        except OSError:
            pass
    return made


def _best(path: Path) -> bytes:
    return brotli.compress(path.read_bytes(), quality=BEST_BROTLI_QUALITY)


class BestCompressed:
    """The charting library at brotli's best quality, made in a thread from the moment this is made."""

    def __init__(self, directory: Path, cache: Path | None) -> None:
        self._files = {url_path: path for url_path, path in hashed_assets(directory).items()
                       if BEST_COMPRESSED.match(path.name)}
        self._cache = cache
        self._bodies: dict[str, bytes] = {}
        threading.Thread(target=self._compress, name="best brotli", daemon=True).start()

    def _compress(self) -> None:
        for url_path, path in self._files.items():
            self._bodies[url_path] = kept(self._cache, f"{path.name}.br{BEST_BROTLI_QUALITY}", partial(_best, path))

    def body(self, url_path: str) -> bytes | None:
        """The file at best quality, None while it is being compressed (or for any other file)."""
        return self._bodies.get(url_path)


class CompressedStaticAssets:
    """ASGI middleware: GET and HEAD of a hashed script or style sheet under `/static/` answered compressed."""

    def __init__(self, app: ASGIApp, directory: Path, best: BestCompressed | None = None) -> None:
        self.app, self._best = app, best
        self._files = hashed_assets(directory)
        self._compressed: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()

    def _body(self, url_path: str, encoding: str) -> bytes:
        if encoding == "br" and self._best is not None and (best := self._best.body(url_path)) is not None:
            return best
        key = (url_path, encoding)
        with self._lock:  # one compression per file, however many first visitors arrive at once
            if key not in self._compressed:
                self._compressed[key] = compress(self._files[url_path].read_bytes(), encoding)
            return self._compressed[key]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD") and scope["path"] in self._files:
            encoding = accepted_encoding(Headers(scope=scope).get("accept-encoding", ""))
            if encoding is not None:
                url_path = scope["path"]
                body = await run_in_threadpool(self._body, url_path, encoding)
                response = Response(body if scope["method"] == "GET" else b"", headers={
                    "Content-Type": MEDIA_TYPES[Path(url_path).suffix], "Content-Encoding": encoding,
                    "Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding", "Content-Length": str(len(body))})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
