"""The page's document in the chosen language (Streamlit's `index.html` says `<html lang="en">` whatever the page), with
what its head should add (the charting library fetched once the page has loaded), at an address of one level."""

from __future__ import annotations

from urllib.parse import parse_qs, quote

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STREAMLIT_LANG = b'<html lang="en">'
# First parts of the addresses Streamlit and `server.routes` answer themselves, never a page's.
SERVER_PATHS = frozenset({"_stcore", "_cds", "static", "media", "component", "app"})
HEAD_END = b"</head>"


def preload_after_load(script_path: str) -> bytes:
    """A script for the page's head: once the page has loaded, the browser fetches `script_path` (the charting
    library, which Streamlit would ask for only when the first chart arrives, 2 s later on a slow line)."""
    return (b"<script>addEventListener('load', () => { const link = document.createElement('link'); "
            b"link.rel = 'modulepreload'; link.href = '" + script_path.encode() + b"'; "
            b"document.head.appendChild(link); });</script>")


class DocumentLanguage:
    """ASGI middleware: a page's HTML declares the language of its `?language=` (else `default`), and ends its head
    with `head`; the dashboard's script keeps the language in step when it is switched (`ui.document`)."""

    def __init__(self, app: ASGIApp, languages: tuple[str, ...], default: str, head: bytes = b"") -> None:
        self.app, self._languages, self._default, self._head = app, languages, default, head

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or "text/html" not in Headers(scope=scope).get(
                "accept", ""):
            await self.app(scope, receive, send)
            return
        asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("language", [""])[0]
        lang = asked if asked in self._languages else self._default
        # The document is a few kilobytes: asked for uncompressed, so that its text can be changed.
        headers = [(name, value) for name, value in scope["headers"] if name != b"accept-encoding"]
        start: Message | None = None
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if not Headers(raw=message["headers"]).get("content-type", "").startswith("text/html"):
                    start = None
                    await send(message)
                    return
                start = message
                return
            if start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks).replace(STREAMLIT_LANG, f'<html lang="{lang}">'.encode(), 1)
            body = body.replace(HEAD_END, self._head + HEAD_END, 1)
            response_headers = MutableHeaders(raw=list(start["headers"]))
            response_headers["content-length"] = str(len(body))
            await send({**start, "headers": response_headers.raw})
            await send({"type": "http.response.body", "body": body})

        await self.app({**scope, "headers": headers}, receive, rewrite)


class OneLevelAddresses:
    """ASGI middleware: a browser asking for a page under a page's address (`/ban-do/x`, a link cut or pasted wrong) is
    sent to the first part's (`/ban-do`), where the dashboard shows that page or says it has none; Streamlit would send
    its document there, whose relative script addresses then name no script, and the browser would show a blank page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        parts = scope["path"].strip("/").split("/") if scope["type"] == "http" else []
        if (len(parts) < 2 or parts[0] in SERVER_PATHS or scope["method"] != "GET"
                or "text/html" not in Headers(scope=scope).get("accept", "")):
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        # Relative, so that a proxy serving the dashboard under a path of its own keeps it; quoted, so that no part
        # (a backslash, say) turns it into another site's address.
        up = "../" * (scope["path"].count("/") - 1)
        address = up + quote(parts[0], safe="-_.~") + (f"?{query}" if query else "")
        await RedirectResponse(address)(scope, receive, send)
