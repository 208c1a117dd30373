"""The routes and middleware of `asgi.py` over real HTTP: the sign-in cookie set and cleared, static assets compressed.

The routes and middleware run in uvicorn in this process (a small Starlette app around them, so that the test holds
the clock and the codes); the last tests start `streamlit run asgi.py` itself.
"""

from __future__ import annotations

import gzip
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from email.message import Message
from pathlib import Path

import brotli
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from server.compression import CompressedStaticAssets
from server.document import OneLevelAddresses
from server.routes import FORGET_PATH, REMEMBER_PATH, session_routes
from server.sessions import COOKIE_NAME, CodeBook, CookieSigner, Remembering
from tests.e2e.browser import free_port, running_dashboard

NOW = datetime(2025, 12, 1, 8, 0)
SCRIPT = "console.log('xin chào');\n" * 2000
ASSET = "/static/js/index.AbCd1234.js"


class Answer:
    def __init__(self, status: int, headers: Message, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def cookie(self) -> str:
        """The Set-Cookie header for the session cookie ('' if none)."""
        return next((value for value in self.headers.get_all("set-cookie") or [] if value.startswith(COOKIE_NAME)),
                    "")


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:
        return None  # the redirect itself is the answer


def request(url: str, method: str = "GET", body: bytes | None = None, *, follow: bool = True,
            **headers: str) -> Answer:
    call = urllib.request.Request(url, data=body, method=method,
                                  headers={name.replace("_", "-"): value for name, value in headers.items()})
    opener = urllib.request.build_opener(*(() if follow else (KeepRedirects,)))
    try:
        with opener.open(call, timeout=30) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


@pytest.fixture(scope="module")
def static_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("static")
    (folder / "static" / "js").mkdir(parents=True)
    (folder / "static" / "js" / "index.AbCd1234.js").write_text(SCRIPT)
    (folder / "static" / "js" / "unhashed.js").write_text(SCRIPT)
    return folder


@pytest.fixture
def remembering() -> Remembering:
    return Remembering(CookieSigner(b"test-secret"), CodeBook())


@pytest.fixture
def server(remembering: Remembering, static_folder: Path) -> Iterator[str]:
    """The routes and middleware of asgi.py in uvicorn on a free port; other paths answer 'streamlit'."""
    app = Starlette(routes=[*session_routes(remembering, now=lambda: NOW),
                            Route("/{rest:path}", lambda request: PlainTextResponse("streamlit"))],
                    middleware=[Middleware(CompressedStaticAssets, directory=static_folder),
                                Middleware(OneLevelAddresses)])
    with served(app) as url:
        yield url


@contextmanager
def served(app: ASGIApp) -> Iterator[str]:
    """`app` served by uvicorn in a thread on a free localhost port, stopped on leaving."""
    port = free_port()
    uvicorn_server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uvicorn_server.run, daemon=True)
    thread.start()
    try:
        while not uvicorn_server.started:
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        uvicorn_server.should_exit = True
        thread.join(timeout=10)


def test_a_one_time_code_becomes_a_signed_http_only_strict_cookie_for_its_token(server, remembering):
    token = "a-token-of-lan.vhxh"
    answer = request(server + REMEMBER_PATH, "POST", remembering.codes.issue(token, NOW).encode(),
                     Origin=server, Sec_Fetch_Site="same-origin")
    assert answer.status == 204
    cookie = answer.cookie()
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "max-age"} <= attributes and "samesite=strict" in cookie.lower()
    assert "secure" not in attributes, "plain HTTP: a Secure cookie would never come back"
    value = cookie.split(";")[0].split("=", 1)[1]
    assert token not in cookie.replace(value, "") and remembering.signer.token(value) == token
    assert answer.headers["cache-control"] == "no-store"


def test_a_used_unknown_or_cross_site_code_sets_no_cookie(server, remembering):
    token = "a-token-of-lan.vhxh"
    code = remembering.codes.issue(token, NOW)
    cross_site = request(server + REMEMBER_PATH, "POST", code.encode(), Origin="http://evil.example",
                         Sec_Fetch_Site="cross-site")
    assert (cross_site.status, cross_site.cookie()) == (400, "")
    assert request(server + REMEMBER_PATH, "POST", code.encode()).status == 204
    again = request(server + REMEMBER_PATH, "POST", code.encode())
    assert (again.status, again.cookie()) == (400, "")
    assert request(server + REMEMBER_PATH, "POST", b"made-up").status == 400
    fresh = remembering.codes.issue(token, NOW)
    assert request(server + REMEMBER_PATH + "?" + fresh).cookie() == "", "only a POST sets the cookie"
    assert remembering.codes.pending(fresh, NOW)


def test_forgetting_clears_the_cookie_and_refuses_a_cross_site_request(server, remembering):
    token = "a-token-of-lan.vhxh"
    answer = request(server + FORGET_PATH, "POST", b"", Cookie=f"{COOKIE_NAME}={remembering.signer.sign(token)}")
    assert answer.status == 204
    assert re.search(r"max-age=0|expires=thu, 01 jan 1970", answer.cookie().lower())
    cross_site = request(server + FORGET_PATH, "POST", b"", Origin="http://evil.example", Sec_Fetch_Site="cross-site")
    assert (cross_site.status, cross_site.cookie()) == (400, "")


def test_a_hashed_script_comes_compressed_as_the_browser_accepts_and_cached_for_a_year(server):
    for encoding, decompress in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        answer = request(server + ASSET, Accept_Encoding=f"{encoding}, deflate")
        assert answer.headers["content-encoding"] == encoding
        assert decompress(answer.body).decode() == SCRIPT
        assert len(answer.body) < len(SCRIPT.encode()) / 10
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert answer.headers["vary"] == "Accept-Encoding"
        assert answer.headers["content-type"].startswith("text/javascript")
    both = request(server + ASSET, Accept_Encoding="gzip, deflate, br, zstd")
    assert both.headers["content-encoding"] == "br"


def test_a_page_asked_for_under_a_pages_address_is_sent_to_that_address_of_the_same_site(server):
    def location(path: str) -> str:
        answer = request(server + path, follow=False, Accept="text/html,application/xhtml+xml")
        assert answer.status == 307
        return answer.headers["location"]
    assert location("/ban-do/x?language=en") == "../ban-do?language=en"
    assert location("/ban-do/x/y/") == "../../../ban-do"
    assert location("/%5Cother.example/x") == "../%5Cother.example"  # never "/\other.example", another site's
    assert location("/b%E1%BA%A3n-%C4%91%E1%BB%93/x") == "../b%E1%BA%A3n-%C4%91%E1%BB%93"
    page = request(server + "/tap-huan/2025", Accept="text/html")
    assert page.status == 200 and page.body == b"streamlit"  # followed to the page's address


def test_other_requests_pass_through_to_streamlit_untouched(server):
    assert request(server + ASSET, Accept_Encoding="identity").body == b"streamlit"
    assert request(server + ASSET, Accept_Encoding="br;q=0, gzip;q=0").body == b"streamlit"
    assert request(server + "/static/js/unhashed.js", Accept_Encoding="br").body == b"streamlit"
    assert request(server + "/static/js/../../static/js/index.AbCd1234.js", Accept_Encoding="br").body == b"streamlit"
    assert request(server + "/tai-du-lieu-len", Accept_Encoding="br").body == b"streamlit"
    for path in ("/_stcore/host-config", "/static/js/a/b.js", "/media/a/b.png", "/tai-du-lieu-len/"):
        assert request(server + path, follow=False, Accept="text/html").body == b"streamlit"
    assert request(server + "/ban-do/x", follow=False, Accept="application/json").body == b"streamlit"
    head = request(server + ASSET, "HEAD", Accept_Encoding="gzip")
    assert head.body == b"" and head.headers["content-encoding"] == "gzip"


@pytest.fixture(scope="module")
def asgi_dashboard(tmp_path_factory) -> Iterator[str]:
    """`streamlit run asgi.py` on a free port (no browser connects, so the warehouse is never opened)."""
    folder = tmp_path_factory.mktemp("asgi")
    with running_dashboard(folder / "warehouse.duckdb", folder / "server.log") as dashboard:
        yield dashboard.url


def test_streamlit_run_asgi_serves_the_app_its_routes_and_its_scripts_compressed(asgi_dashboard):
    page = request(asgi_dashboard + "/tai-du-lieu-len")
    assert page.status == 200 and b'<div id="root">' in page.body
    script = re.search(rb'src="\.?(/static/js/index\.[\w-]+\.js)"', page.body).group(1).decode()
    compressed = request(asgi_dashboard + script, Accept_Encoding="gzip, deflate, br")
    assert compressed.headers["content-encoding"] == "br"
    assert compressed.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert len(compressed.body) < len(brotli.decompress(compressed.body)) / 3
    assert request(asgi_dashboard + REMEMBER_PATH, "POST", b"made-up").status == 400
    assert request(asgi_dashboard + "/_stcore/health").body == b"ok"


def test_a_page_declares_vietnamese_unless_its_address_asks_for_english(asgi_dashboard):
    html = {"Accept": "text/html,application/xhtml+xml", "Accept_Encoding": "gzip, br"}
    assert b'<html lang="vi">' in request(asgi_dashboard + "/", **html).body
    assert b'<html lang="vi">' in request(asgi_dashboard + "/tai-du-lieu-len?language=fr", **html).body
    english = request(asgi_dashboard + "/ban-do?language=en", **html)
    assert b'<html lang="en">' in english.body and b'<div id="root">' in english.body
    assert int(english.headers["content-length"]) == len(english.body)


def test_a_page_has_the_browser_fetch_the_charting_library_once_it_has_loaded(asgi_dashboard):
    html = request(asgi_dashboard + "/", Accept="text/html").body.decode()
    charts = re.search(r"addEventListener\('load', .*?link\.href = '\./static/js/(PlotlyChart\.[\w-]+\.js)'", html)
    assert charts is not None and "modulepreload" in html
    assert html.index(charts.group(0)) < html.index("</head>")
    assert request(f"{asgi_dashboard}/static/js/{charts.group(1)}", Accept_Encoding="br").status == 200
