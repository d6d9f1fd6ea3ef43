"""Security headers on every response, decided in one place: an ASGI middleware around the whole app.

Each response gets a Content-Security-Policy that fits what it is (a JSON answer may load nothing, a page only
our stylesheet and scripts, plus the third parties its visitor accepted (`vigie.web.trackers`), the API
documentation only our own scripts), refuses to be framed, sniffed or to leak its address, and asks for no
sensor. A route that sets one of these headers itself keeps its own value.
HSTS is sent only over TLS: over plain HTTP a browser ignores it, and a loopback service must stay reachable;
behind a proxy that ends TLS, `X-Forwarded-Proto` says so only when the settings trust it (`transport`).
JSON answers are `no-store` unless their route says otherwise: they may carry personal data.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vigie.web.transport import is_tls

DOCS_PATH = "/docs"

_LOCKED = "base-uri 'none'; frame-ancestors 'none'"
API_CSP = f"default-src 'none'; form-action 'none'; {_LOCKED}"
PAGE_CSP = f"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; {_LOCKED}"
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


def page_csp(scripts: list[str], frames: list[str]) -> str:
    """A page's policy with the third-party script and frame origins its visitor accepted (none by default)."""
    if not scripts and not frames:
        return PAGE_CSP
    script_src = " ".join(["'self'", *scripts])
    frame_src = f"frame-src {' '.join(frames)}; " if frames else ""
    return (
        f"default-src 'none'; script-src {script_src}; style-src 'self'; img-src 'self'; {frame_src}"
        f"form-action 'self'; {_LOCKED}"
    )


def content_security_policy(path: str, content_type: str) -> str:
    """The policy for a response at `path` of type `content_type`."""
    if path == DOCS_PATH:
        return DOCS_CSP
    if content_type.startswith("text/html"):
        return PAGE_CSP
    return API_CSP


def _raw(name: str, value: str) -> tuple[bytes, bytes]:
    return name.lower().encode("latin-1"), value.encode("latin-1")


_COMMON_RAW = [_raw(name, value) for name, value in COMMON.items()]
_CSP_RAW = {csp: _raw("Content-Security-Policy", csp) for csp in (API_CSP, PAGE_CSP, DOCS_CSP)}
_HSTS_RAW = _raw("Strict-Transport-Security", HSTS)
_NO_STORE_RAW = _raw("Cache-Control", NO_STORE)


def security_headers(path: str, tls: bool, present: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers to add to a response at `path` whose raw headers are `present` (those it set win)."""
    names = {name.lower() for name, _ in present}
    content_type = next((value.decode("latin-1") for name, value in present if name.lower() == b"content-type"), "")
    wanted = [_CSP_RAW[content_security_policy(path, content_type)], *_COMMON_RAW]
    if tls:
        wanted.append(_HSTS_RAW)
    if "json" in content_type:
        wanted.append(_NO_STORE_RAW)
    return [header for header in wanted if header[0] not in names]


class SecurityHeaders:
    """Adds the security headers to every HTTP response of the wrapped application (raw header lists, prepared
    once: this runs on every request)."""

    def __init__(self, app: ASGIApp, *, trust_forwarded_proto: bool = False) -> None:
        self.app = app
        self.trust_forwarded_proto = trust_forwarded_proto

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        tls = is_tls(scope, trust_forwarded_proto=self.trust_forwarded_proto)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = list(message.get("headers", ()))
                message["headers"] = present + security_headers(path, tls, present)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def wrap(app: FastAPI, *, trust_forwarded_proto: bool = False) -> None:
    """Put `SecurityHeaders` around `app`'s whole middleware stack.

    Outside even Starlette's `ServerErrorMiddleware`, which answers the 500s and sits outside every middleware
    `add_middleware` installs: so a 500, and any answer another middleware gives by itself (a 413), carry the
    headers too, whatever order the middlewares are added in."""
    build = app.build_middleware_stack

    def build_with_headers() -> ASGIApp:
        return SecurityHeaders(build(), trust_forwarded_proto=trust_forwarded_proto)

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]
