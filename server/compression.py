"""Streamlit's hashed scripts and style sheets served compressed and cached for a year.

Streamlit's own gzip middleware deliberately skips `/static/` (it would compress 4.7 MB of charting library on every
request); here each file is compressed once, on its first request, and kept in memory (about 6 MB for all of them).
"""

from __future__ import annotations

import gzip
import re
import threading
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


class CompressedStaticAssets:
    """ASGI middleware: GET and HEAD of a hashed script or style sheet under `/static/` answered compressed."""

    def __init__(self, app: ASGIApp, directory: Path) -> None:
        self.app = app
        # URL path -> file, listed once: a request's path is looked up, never joined to a directory.
        self._files = {f"/{path.relative_to(directory).as_posix()}": path
                       for path in (directory / "static").rglob("*")
                       if path.is_file() and HASHED_ASSET.search(path.name)}
        self._compressed: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()

    def _body(self, url_path: str, encoding: str) -> bytes:
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
