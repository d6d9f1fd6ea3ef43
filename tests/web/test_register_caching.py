"""The register's answers carry an ETag that changes only with the register, and a 304 spares the body."""

from __future__ import annotations

import dataclasses

import pytest
from starlette.testclient import TestClient

from vigie.register import Register
from vigie.web.caching import matches
from vigie.web.register_documents import RegisterDocuments

PATHS = ["/api/register", "/api/register/processings", "/api/register/processings/prevention_campaigns"]


@pytest.mark.parametrize("path", PATHS)
def test_a_register_answer_has_an_etag_and_is_revalidated(client: TestClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, no-cache"
    assert response.headers["etag"].startswith('"') and response.headers["etag"].endswith('"')


@pytest.mark.parametrize("path", PATHS)
def test_if_none_match_with_the_current_etag_is_a_304_without_a_body(client: TestClient, path: str) -> None:
    etag = client.get(path).headers["etag"]

    again = client.get(path, headers={"if-none-match": etag})

    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag


def test_another_etag_gets_the_full_answer(client: TestClient) -> None:
    response = client.get("/api/register", headers={"if-none-match": '"perime"'})

    assert response.status_code == 200 and response.json()["processings"]


def test_if_none_match_compares_weakly_and_accepts_lists_and_a_star() -> None:
    assert matches('W/"abc"', '"abc"')
    assert matches('"x", W/"abc" ', '"abc"')
    assert matches("*", '"abc"')
    assert not matches('"abcd"', '"abc"')
    assert not matches(None, '"abc"')


def test_the_etag_changes_with_the_register_and_only_with_it(register: Register) -> None:
    changed = register.processings["prevention_campaigns"].model_copy(update={"title": "Autre intitulé"})
    other = dataclasses.replace(register, processings={**register.processings, changed.id: changed})

    same, before, after = RegisterDocuments.of(register), RegisterDocuments.of(register), RegisterDocuments.of(other)

    assert same.whole.etag == before.whole.etag
    assert after.whole.etag != before.whole.etag
    assert after.documents["prevention_campaigns"].etag != before.documents["prevention_campaigns"].etag
    assert after.documents["dmp"].etag == before.documents["dmp"].etag
