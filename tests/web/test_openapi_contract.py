"""The OpenAPI schema states the whole contract: typed answers, every error as a problem, readable operationIds."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

METHODS = ("get", "post", "put", "patch", "delete")
OPERATION_ID = re.compile(r"^[a-z]+(_[a-z]+)+$")


@pytest.fixture
def schema(client: TestClient) -> dict[str, Any]:
    return client.get("/openapi.json").json()  # type: ignore[no-any-return]


def operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_operation_ids_are_readable_and_unique(schema: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(schema)]

    assert len(ids) == len(set(ids))
    assert all(OPERATION_ID.match(i) for i in ids), ids
    expected = {"register_read", "processing_list", "processing_read", "access_check", "subject_read"}
    assert expected | {"audit_verify", "audit_tail", "audit_prove", "health_read"} <= set(ids)


def test_every_json_success_has_a_typed_model(schema: dict[str, Any]) -> None:
    for path, method, operation in operations(schema):
        content = operation["responses"]["200"].get("content", {})
        assert content, f"{method.upper()} {path} documents no body"
        if "application/json" in content:
            body = content["application/json"]["schema"]
            typed = body.get("$ref") or body.get("items", {}).get("$ref")
            assert typed, f"{method.upper()} {path} answers an untyped body: {body}"


def test_every_operation_lists_the_errors_it_can_give_as_problems(schema: dict[str, Any]) -> None:
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        expected = {"400", "503"}
        if operation.get("parameters") or "requestBody" in operation:
            expected.add("422")
        if operation.get("security"):
            expected |= {"401", "403", "429"}
        if "requestBody" in operation:
            expected.add("413")
        assert expected <= set(responses), f"{method.upper()} {path}: {sorted(expected - set(responses))} missing"
        for status, response in responses.items():
            if int(status) >= 400 and not (path == "/health" and status == "503"):
                content = response["content"]
                assert list(content) == ["application/problem+json"], (path, status)
                assert content["application/problem+json"]["schema"]["$ref"].endswith("/ProblemDetails")
                assert response["description"] and "Error" not in response["description"]


def test_fastapi_s_english_validation_error_is_gone_from_the_schema(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]

    assert "HTTPValidationError" not in components and "ValidationError" not in components
    assert set(components["ProblemDetails"]["required"]) == {"type", "title", "status", "detail", "instance"}


def test_the_schema_is_served_with_the_json_security_headers(client: TestClient) -> None:
    response = client.get("/openapi.json")

    assert response.headers["content-security-policy"].startswith("default-src 'none'")
