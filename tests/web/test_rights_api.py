"""`/api/rights/…`: the same workflow as `vigie rights`, for DPO tokens; problems in French, refusals journaled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from stdnum.fr import nir as stdnum_nir

from vigie import vault
from vigie.environment import Environment
from vigie.store import connect
from vigie.store.schema import audit_entries, rights_requests
from vigie.taxonomy import SubjectKind

NIR = "2850578006084" + stdnum_nir.calc_check_digits("2850578006084")


@pytest.fixture
def person(environment: Environment) -> int:
    with connect(environment.engine) as connection:
        sid = vault.add_subject(
            connection,
            environment.keyring,
            kind=SubjectKind.INSURED,
            organisation="CPAM-75",
            identity={"nom": "Garnier", "prenom": "Lucie"},
            created_on=date(2018, 1, 1),
            nir=NIR,
        )
        vault.add_record(
            connection, environment.keyring, sid, processing="service_offers", category="contact",
            payload={"courriel": "lucie@example.org"}, recorded_on=date(2026, 2, 1),
        )  # fmt: skip
    return int(sid)


def _count(environment: Environment, table: object) -> int:
    with connect(environment.engine) as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]


def test_a_dpo_submits_decides_and_answers_over_the_api(
    client: TestClient, agent_headers: Callable[[str], dict[str, str]], person: int
) -> None:
    dpo = agent_headers("paris-dpo")
    body = {"nir": NIR, "kind": "portability", "nom": "garnier", "received_on": "2026-11-02", "text": "Mes données"}
    made = client.post("/api/rights/requests", json=body, headers=dpo)
    assert made.status_code == 200, made.text
    request = made.json()
    assert (request["status"], request["subject"], request["due_on"]) == ("open", person, "2026-12-02")
    assert client.get(f"/api/rights/requests/{request['id']}", headers=dpo).json()["text"] == "Mes données"
    listed = client.get("/api/rights/requests", params={"status": "open"}, headers=dpo).json()["requests"]
    assert [r["id"] for r in listed] == [request["id"]]
    decided = client.post(f"/api/rights/requests/{request['id']}/decide", json={}, headers=dpo).json()
    assert decided["outcome"] == "partly"
    answered = client.post(f"/api/rights/requests/{request['id']}/answer", headers=dpo).json()
    assert answered["portable"]["records"][0]["payload"] == {"courriel": "lucie@example.org"}
    assert "3, place de Fontenoy" in answered["letter_html"]
    letter = client.get(f"/api/rights/requests/{request['id']}/letter.pdf", headers=dpo)
    assert letter.headers["content-type"] == "application/pdf" and letter.content.startswith(b"%PDF-")
    counted = client.get("/api/rights/stats", headers=dpo).json()
    assert counted["by_outcome"] == {"partly": 1} and counted["answered"] == 1


def test_bad_input_is_a_422_problem_in_french_journaled_with_nothing_written(
    client: TestClient, agent_headers: Callable[[str], dict[str, str]], environment: Environment, person: int
) -> None:
    before = _count(environment, audit_entries)
    body = {"nir": NIR, "kind": "access", "nom": "Garnier", "received_on": "2026-02-30"}
    refused = client.post("/api/rights/requests", json=body, headers=agent_headers("paris-dpo"))
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    assert "date impossible" in refused.json()["detail"]
    assert _count(environment, rights_requests) == 0 and _count(environment, audit_entries) == before + 1


def test_an_agent_who_is_not_the_persons_dpo_is_refused_403(
    client: TestClient, agent_headers: Callable[[str], dict[str, str]], person: int
) -> None:
    body = {"nir": NIR, "kind": "access", "nom": "Garnier"}
    refused = client.post("/api/rights/requests", json=body, headers=agent_headers("paris-droits"))
    assert refused.status_code == 403
    assert client.get("/api/rights/requests", headers=agent_headers("paris-droits")).status_code == 403
    assert client.post("/api/rights/requests", json=body).status_code == 401


def test_a_dpo_lifts_a_limitation_over_the_api_and_bad_input_is_a_422_changing_nothing(
    client: TestClient, agent_headers: Callable[[str], dict[str, str]], environment: Environment, person: int
) -> None:
    dpo, today = agent_headers("paris-dpo"), environment.clock.today().isoformat()
    made = client.post("/api/rights/requests", json={"nir": NIR, "kind": "limitation", "nom": "Garnier"}, headers=dpo)
    number = made.json()["id"]
    assert client.post(f"/api/rights/requests/{number}/decide", json={}, headers=dpo).json()["outcome"] == "granted"
    path = f"/api/rights/requests/{number}/lift"
    before = _count(environment, audit_entries)
    for body, message in (
        ({"told_on": "2026-02-30", "reason": "fin"}, "date impossible"),
        ({"told_on": "2099-01-01", "reason": "fin"}, "date à venir"),
        ({"told_on": today, "reason": ""}, "motif attendu"),
    ):
        refused = client.post(path, json=body, headers=dpo)
        assert refused.status_code == 422 and message in refused.json()["detail"], refused.text
    assert _count(environment, audit_entries) > before
    lyon = client.post(path, json={"told_on": today, "reason": "fin"}, headers=agent_headers("paris-droits"))
    assert lyon.status_code == 403
    assert client.get(f"/api/rights/requests/{number}", headers=dpo).json()["lifted_on"] is None
    lifted = client.post(path, json={"told_on": today, "reason": "vérification terminée"}, headers=dpo)
    assert lifted.status_code == 200, lifted.text
    assert lifted.json()["request"]["lifted_on"] == today and "18(3)" in lifted.json()["letter_html"]
    again = client.post(path, json={"told_on": today, "reason": "fin"}, headers=dpo)
    assert again.status_code == 422 and "déjà levée" in again.json()["detail"]
