"""The HTTP routes that turn a one-time code into the sign-in cookie and clear it again (see `server.sessions`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.sessions import COOKIE_NAME, LIFETIME, Remembering

REMEMBER_PATH = "/_cds/remember"
FORGET_PATH = "/_cds/forget"
# A one-time code is 32 characters; anything much longer is not one.
MAX_CODE_LENGTH = 100


def same_origin(request: Request) -> bool:
    """Whether the request comes from a page of this server: a cross-site page must not plant its own sign-in."""
    if request.headers.get("sec-fetch-site", "same-origin") != "same-origin":
        return False
    origin = request.headers.get("origin")
    return origin is None or origin == f"{request.url.scheme}://{request.url.netloc}"


def _no_store(status: int) -> Response:
    return Response(status_code=status, headers={"Cache-Control": "no-store"})


def session_routes(remembering: Remembering, now: Callable[[], datetime] = datetime.now) -> list[Route]:
    """`POST /_cds/remember` (body: a one-time code) sets the cookie; `POST /_cds/forget` clears it (the script has
    revoked its token in the warehouse before asking the browser to call it)."""

    async def remember(request: Request) -> Response:
        code = (await request.body())[:MAX_CODE_LENGTH + 1].decode("ascii", "replace").strip()
        if not same_origin(request) or not code or len(code) > MAX_CODE_LENGTH:
            return _no_store(400)
        token = remembering.codes.redeem(code, now())
        if token is None:
            return _no_store(400)
        response = _no_store(204)
        response.set_cookie(COOKIE_NAME, remembering.signer.sign(token), max_age=int(LIFETIME.total_seconds()),
                            path="/", secure=request.url.scheme == "https", httponly=True, samesite="strict")
        return response

    async def forget(request: Request) -> Response:
        if not same_origin(request):
            return _no_store(400)
        response = _no_store(204)
        response.delete_cookie(COOKIE_NAME, path="/", secure=request.url.scheme == "https", httponly=True,
                               samesite="strict")
        return response

    return [Route(REMEMBER_PATH, remember, methods=["POST"]), Route(FORGET_PATH, forget, methods=["POST"])]
