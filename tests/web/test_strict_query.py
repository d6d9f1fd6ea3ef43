"""A parameter given twice is refused everywhere; an unknown one is refused on the API, ignored on the pages."""

from __future__ import annotations

from starlette.testclient import TestClient


def test_a_repeated_parameter_is_a_400_that_names_it(client: TestClient) -> None:
    response = client.get("/api/register/processings?limit=2&limit=50")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"parameter": "limit", "detail": "« limit » dans la requête : paramètre répété : donnez-le une seule fois"}
    ]


def test_an_unknown_parameter_on_the_api_is_a_400_so_a_typo_never_widens_a_request(client: TestClient) -> None:
    response = client.get("/api/register/processings?limite=2")

    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "limite"
    assert "paramètre inconnu" in response.json()["detail"]


def test_a_parameter_of_a_dependency_is_known(client: TestClient) -> None:
    # `n` is declared by the tail route, behind its authentication dependency: without a token it is a 401
    assert client.get("/api/audit/tail?n=3").status_code == 401


def test_a_parameter_name_that_is_not_a_plain_word_is_not_repeated_back(client: TestClient) -> None:
    response = client.get("/api/register?1850775123456=x")

    assert response.status_code == 400
    assert "1850775123456" not in response.text


def test_pages_ignore_unknown_parameters_but_not_repeated_ones(client: TestClient) -> None:
    html = {"accept": "text/html"}
    assert client.get("/politique-de-confidentialite?utm_source=lettre", headers=html).status_code == 200
    repeated = client.get("/politique-de-confidentialite?a=1&a=2", headers=html)
    assert repeated.status_code == 400
    assert repeated.headers["content-type"].startswith("text/html")
