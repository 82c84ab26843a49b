"""HTTP hygiene around every route, as plain ASGI middleware (no route needs to know):

- ``BodyLimit``: a request body larger than ``Settings.max_body_bytes`` is refused with 413
  before it is read into memory, whether it announces its length or streams it.
- ``HeadAsGet``: HEAD is answered wherever GET is, with GET's status and headers and no body.
- ``Hygiene``: security headers on every response (a Content-Security-Policy, nosniff, a
  referrer policy, no framing), and redirects made relative: a ``Location`` that names this
  server is cut to its path, so no answer carries a host taken from the request's Host
  header."""
from __future__ import annotations

import json
from urllib.parse import urlsplit, urlunsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Our pages load only our stylesheet, and have no script, frame or plugin.
PAGE_POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
# The OpenAPI pages (/docs, /redoc) are FastAPI's: Swagger UI and ReDoc load from jsDelivr
# and start with an inline script.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; font-src https://fonts.gstatic.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; worker-src blob:; connect-src 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc", "/docs/oauth2-redirect")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class BodyTooLarge(Exception):
    """Raised inside ``receive`` when a streamed body passes the limit."""


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    await _refuse(send, 400, "the Content-Length header is not a number")
                    return
                if length > self.max_bytes:
                    await _refuse(send, 413, self._message(length))
                    return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(send, 413, self._message(None))

    def _message(self, length: int | None) -> str:
        size = f"{length} bytes" if length is not None else "more"
        return f"the request body has {size}; at most {self.max_bytes} bytes are accepted (POLICYKG_MAX_BODY_BYTES)"


async def _refuse(send: Send, status: int, message: str) -> None:
    """An error as the app writes them (``ErrorBody``), with the security headers."""
    body = json.dumps({"status": status, "message": message, "errors": []}, ensure_ascii=False).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers + SECURITY_HEADERS + _policy("/")})
    await send({"type": "http.response.body", "body": body})


def _policy(path: str) -> list[tuple[bytes, bytes]]:
    policy = DOCS_POLICY if path in DOCS_PATHS else PAGE_POLICY
    return [(b"content-security-policy", policy.encode())]


class HeadAsGet:
    """Answer HEAD by running GET and sending its status and headers without the body
    (Content-Length stays GET's, as RFC 9110 allows)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headless_send(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headless_send)


class Hygiene:
    """Security headers on every response; redirects to this server made relative."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = next((value.decode("latin-1") for name, value in scope["headers"] if name == b"host"), None)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(n, v) for n, v in message.get("headers", []) if n.lower() not in _OURS]
                if message["status"] == 405:  # Starlette names only the first matching route's methods
                    headers = [(n, v) for n, v in headers if n.lower() != b"allow"] + [(b"allow", _allowed(scope))]
                headers = [(n, _relative(v, host)) if n.lower() == b"location" else (n, v) for n, v in headers]
                message = {**message, "headers": headers + SECURITY_HEADERS + _policy(scope["path"])}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _allowed(scope: Scope) -> bytes:
    """Every method some route of the app answers at this path (HEAD wherever GET is)."""
    from starlette.routing import Match

    methods: set[str] = set()
    for route in getattr(scope.get("app"), "routes", []):
        match, _ = route.matches({**scope, "method": "GET"})
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods)).encode()


_OURS = {name for name, _ in SECURITY_HEADERS} | {b"content-security-policy"}


def _relative(location: bytes, host: str | None) -> bytes:
    """``http://<this host>/x?y`` → ``/x?y``; a Location elsewhere is left as it is."""
    parts = urlsplit(location.decode("latin-1"))
    if parts.scheme in ("http", "https") and (host is None or parts.netloc == host):
        return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment)).encode("latin-1")
    return location
