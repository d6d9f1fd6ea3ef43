"""Every response carries the security headers; its Content-Security-Policy fits what it is; HSTS only over TLS."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from vigie.environment import Environment
from vigie.web import create_app

EnvFactory = Callable[..., Environment]

COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/register", {}),  # JSON
        ("/api/register/processings/inexistant", {}),  # a problem
        ("/health", {}),
        ("/politique-de-confidentialite", {"accept": "text/html"}),  # a page
        ("/nulle-part", {"accept": "text/html"}),  # an error page
        ("/static/style.css", {}),
        ("/docs", {}),
        ("/docs/assets/swagger-ui-bundle.js", {}),
        ("/openapi.json", {}),
    ],
)
def test_every_kind_of_response_carries_the_security_headers(
    client: TestClient, path: str, headers: dict[str, str]
) -> None:
    response = client.get(path, headers=headers)

    for name, value in COMMON.items():
        assert response.headers[name] == value, (path, name)
    assert "camera=()" in response.headers["permissions-policy"]
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp
    assert "strict-transport-security" not in response.headers  # plain HTTP


def test_json_may_load_nothing_a_page_only_our_own_files_and_the_docs_only_our_scripts(client: TestClient) -> None:
    api = client.get("/api/register").headers["content-security-policy"]
    page = client.get("/politique-de-confidentialite").headers["content-security-policy"]
    docs = client.get("/docs").headers["content-security-policy"]

    assert api.startswith("default-src 'none';") and "script-src" not in api and "style-src" not in api
    assert "style-src 'self'" in page and "script-src 'self';" in page  # no inline script, no third party
    assert "unsafe" not in page and "http" not in page
    assert "script-src 'self'" in docs and "connect-src 'self'" in docs and "unsafe" not in docs


def test_json_answers_are_not_stored_unless_their_route_says_otherwise(client: TestClient) -> None:
    assert client.get("/health").headers["cache-control"] == "no-store"
    assert client.get("/api/audit/tail").headers["cache-control"] == "no-store"  # a 401 problem
    assert client.get("/api/register").headers["cache-control"] == "public, no-cache"


def test_hsts_is_sent_over_tls_only(environment: Environment) -> None:
    with TestClient(create_app(environment), base_url="https://testserver") as tls:
        response = tls.get("/api/register")

    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_a_500_answered_by_the_outermost_error_middleware_carries_them_too(environment: Environment) -> None:
    app = create_app(environment)

    @app.get("/api/test/bogue")
    def bug() -> None:
        raise RuntimeError("secret interne")

    with TestClient(app, raise_server_exceptions=False) as failing:
        response = failing.get("/api/test/bogue")

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert "secret interne" not in response.text


def test_hsts_behind_a_proxy_only_when_its_forwarded_proto_is_trusted(make_env: EnvFactory, engine: Engine) -> None:
    forwarded = {"x-forwarded-proto": "https"}
    with TestClient(create_app(make_env(engine))) as untrusting:
        spoofed = untrusting.get("/health", headers=forwarded)
    with TestClient(create_app(make_env(engine, trust_forwarded_proto=True))) as trusting:
        proxied = trusting.get("/health", headers=forwarded)
        plain = trusting.get("/health", headers={"x-forwarded-proto": "http"})

    assert "strict-transport-security" not in spoofed.headers
    assert proxied.headers["strict-transport-security"].startswith("max-age=")
    assert "strict-transport-security" not in plain.headers
