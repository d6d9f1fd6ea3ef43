"""The processings are listed page by page with an opaque cursor that is read back strictly."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable

import pytest
from fastapi.exceptions import RequestValidationError
from starlette.testclient import TestClient

from vigie.register import Register
from vigie.web import cursor


def test_walking_the_pages_gives_every_processing_once_in_id_order(client: TestClient, register: Register) -> None:
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 7}
    pages = 0
    while True:
        page = client.get("/api/register/processings", params=params).json()
        assert len(page["items"]) <= 7
        seen += [item["id"] for item in page["items"]]
        pages += 1
        if page["next_cursor"] is None:
            break
        params = {"limit": 7, "cursor": page["next_cursor"]}

    assert seen == sorted(register.processings)
    assert pages == -(-len(register.processings) // 7)


def test_one_page_holds_everything_when_the_limit_allows(client: TestClient, register: Register) -> None:
    page = client.get("/api/register/processings", params={"limit": 100}).json()

    assert [p["id"] for p in page["items"]] == sorted(register.processings)
    assert page["next_cursor"] is None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "token",
    [
        "n'importe-quoi",  # outside the alphabet
        "abc",  # not base64 of a cursor
        _b64(b"v1:audit:12"),  # a cursor of another list
        _b64(b"v2:processings:dmp"),  # another version
        _b64(b"v1:processings:DMP;drop"),  # a key not of the list's form
        _b64(b"v1:processings:dmp") + "==",  # padded: not the canonical spelling
        "A" * 201,  # too long
    ],
)
def test_a_cursor_not_given_by_the_service_is_refused_with_a_400(client: TestClient, token: str) -> None:
    response = client.get("/api/register/processings", params={"cursor": token})

    assert response.status_code in (400, 422)
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["parameter"] == "cursor"


def test_a_cursor_of_the_list_is_accepted(client: TestClient) -> None:
    response = client.get("/api/register/processings", params={"cursor": cursor.encode("processings", "dmp")})

    assert response.status_code == 200
    assert all(item["id"] > "dmp" for item in response.json()["items"])


def test_a_cursor_decodes_only_from_its_canonical_spelling() -> None:
    token = cursor.encode("processings", "ab")  # 17 bytes: the last character carries 2 unused bits
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    other = token[:-1] + alphabet[alphabet.index(token[-1]) + 1]
    assert base64.urlsafe_b64decode(other + "=") == base64.urlsafe_b64decode(token + "=")  # same bytes

    assert cursor.decode(token, "processings", re.compile("[a-z]+")) == "ab"
    with pytest.raises(RequestValidationError):
        cursor.decode(other, "processings", re.compile("[a-z]+"))


def test_the_journal_is_paged_back_in_time_and_new_entries_never_shift_the_pages(
    client: TestClient, agent_headers: Callable[[str], dict[str, str]]
) -> None:
    social, dpo = agent_headers("paris-social"), agent_headers("paris-dpo")
    for _ in range(7):
        client.get("/api/audit/tail", headers=social)  # refused: one entry each
    seen: list[int] = []
    params: dict[str, str | int] = {"n": 3}
    while True:
        page = client.get("/api/audit/tail", params=params, headers=dpo).json()  # each read adds an entry
        seen = [entry["seq"] for entry in page["items"]] + seen
        if page["next_cursor"] is None:
            break
        params = {"n": 3, "cursor": page["next_cursor"]}

    assert seen == list(range(1, 8))


@pytest.mark.parametrize(
    "token", [cursor.encode("processings", "dmp"), cursor.encode("audit", "0"), cursor.encode("audit", str(2**63))]
)
def test_a_journal_cursor_is_a_position_of_the_journal(
    client: TestClient, agent_headers: Callable[[str], dict[str, str]], token: str
) -> None:
    response = client.get("/api/audit/tail", params={"cursor": token}, headers=agent_headers("paris-dpo"))

    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "cursor"
