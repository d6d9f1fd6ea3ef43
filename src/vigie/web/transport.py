"""Whether a request came over TLS: decides HSTS and the `Secure` flag of every cookie the service sets.

Behind a reverse proxy that ends TLS, the service sees plain HTTP; the proxy says what the browser used in
`X-Forwarded-Proto`. Anyone can send that header, so it is believed only when the settings say a proxy in
front sets it (`VIGIE_TRUST_FORWARDED_PROTO`); otherwise the connection's own scheme decides.
"""

from __future__ import annotations

from starlette.types import Scope

_FORWARDED_PROTO = b"x-forwarded-proto"


def is_tls(scope: Scope, *, trust_forwarded_proto: bool) -> bool:
    """True when the browser reached the service over HTTPS."""
    if scope.get("scheme") == "https":
        return True
    if not trust_forwarded_proto:
        return False
    for name, value in scope.get("headers", ()):
        if name == _FORWARDED_PROTO:
            # A chain of proxies appends: the first value is what the browser used.
            return bool(value.split(b",")[0].strip().lower() == b"https")
    return False
