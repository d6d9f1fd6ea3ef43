"""Security headers on every response, decided in one place: an ASGI middleware around the whole app.

Each response gets a Content-Security-Policy that fits what it is (a JSON answer may load nothing, a page only
our stylesheet, the API documentation only our own scripts), refuses to be framed, sniffed or to leak its
address, and asks for no sensor. A route that sets one of these headers itself keeps its own value.
HSTS is sent only over TLS: over plain HTTP a browser ignores it, and a loopback service must stay reachable.
JSON answers are `no-store` unless their route says otherwise: they may carry personal data.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DOCS_PATH = "/docs"

_LOCKED = "base-uri 'none'; frame-ancestors 'none'"
API_CSP = f"default-src 'none'; form-action 'none'; {_LOCKED}"
PAGE_CSP = f"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; {_LOCKED}"
# Swagger UI: our copy of its script and stylesheet, its inline SVG icons (data:), and the schema (connect).
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    f"form-action 'none'; {_LOCKED}"
)

COMMON: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
HSTS = "max-age=63072000; includeSubDomains"
NO_STORE = "no-store"


def content_security_policy(path: str, content_type: str) -> str:
    """The policy for a response at `path` of type `content_type`."""
    if path == DOCS_PATH:
        return DOCS_CSP
    if content_type.startswith("text/html"):
        return PAGE_CSP
    return API_CSP


class SecurityHeaders:
    """Adds the security headers to every HTTP response of the wrapped application."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        tls = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                content_type = headers.get("content-type", "")
                headers.setdefault("Content-Security-Policy", content_security_policy(path, content_type))
                for name, value in COMMON.items():
                    headers.setdefault(name, value)
                if tls:
                    headers.setdefault("Strict-Transport-Security", HSTS)
                if "json" in content_type:
                    headers.setdefault("Cache-Control", NO_STORE)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def wrap(app: FastAPI) -> None:
    """Put `SecurityHeaders` around `app`'s whole middleware stack.

    Outside even Starlette's `ServerErrorMiddleware`, which answers the 500s and sits outside every middleware
    `add_middleware` installs: so a 500, and any answer another middleware gives by itself (a 413), carry the
    headers too, whatever order the middlewares are added in."""
    build = app.build_middleware_stack

    def build_with_headers() -> ASGIApp:
        return SecurityHeaders(build())

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]
