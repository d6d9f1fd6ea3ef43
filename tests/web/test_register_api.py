"""`/api/register`: the register, read-only, in the shape of the JSON export, documented by OpenAPI."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from vigie import __version__
from vigie.register import Register
from vigie.register.models import Processing
from vigie.register.sources import Source


def src(source: Source) -> str | list[str]:
    """A source as the API writes it: one text, or a list when the entry has several grounds."""
    texts = [str(ref) for ref in source.refs]
    return texts[0] if len(texts) == 1 else texts


def expected_processing(processing: Processing) -> dict[str, Any]:
    """What the API must say of one processing, written from the register's models: each entry with its source,
    fields the register leaves unset as null."""
    subjects: dict[str, Any] = {}
    for kind, data in processing.subjects.items():
        subjects[kind.value] = {
            "categories": [c.value for c in data.categories],
            "source": src(data.source),
            "reserved": [
                {"categories": [c.value for c in r.categories], "roles": list(r.roles), "source": src(r.source)}
                for r in data.reserved
            ],
            "condition": None,
        }
        if data.condition is not None:
            subjects[kind.value]["condition"] = {"text": data.condition.text, "source": src(data.condition.source)}
    retention = []
    for rule in processing.retention:
        written: dict[str, Any] = {
            "bound": rule.bound.value,
            "prevails": rule.prevails,
            "label": rule.label,
            "source": src(rule.source),
            "event": rule.event.value if rule.event else None,
            "of": rule.of.value if rule.of else None,
            "duration": rule.duration.iso() if rule.duration else None,
            "minimum": rule.minimum.iso() if rule.minimum else None,
            "while": rule.while_,
            "defers_to": rule.defers_to,
            "follows": rule.follows,
            "as_kinds": {k.value: v.value for k, v in rule.as_kinds.items()} if rule.as_kinds else None,
            "kinds": [k.value for k in rule.kinds] if rule.kinds else None,
        }
        retention.append(written)
    record: dict[str, Any] = {
        "id": processing.id,
        "title": processing.title,
        "theme": processing.theme.value,
        "source": src(processing.source),
        "purposes": [{"text": p.text, "source": src(p.source)} for p in processing.purposes],
        "legal_basis": processing.legal_basis.value,
        "subjects": subjects,
        "recipients": [{"id": r.id, "source": src(r.source)} for r in processing.recipients],
        "retention": retention,
        "event_mapping": [
            {"event": m.event.value, "of": m.of.value, "counts_as": m.counts_as.value, "source": src(m.source)}
            for m in processing.event_mapping
        ],
        "objection_allowed": processing.objection_allowed,
        "at_persons_request": processing.at_persons_request,
        "pseudonymised_statistics": processing.pseudonymised_statistics,
        "notices": [{"title": n.title, "date": n.date.isoformat() if n.date else None} for n in processing.notices],
        "archive": None,
        "statistics_source": None,
        "cookies": None,
    }
    if processing.archive is not None:
        archive = processing.archive
        record["archive"] = {
            "event": archive.event.value,
            "purpose": archive.purpose,
            "roles": list(archive.roles),
            "source": src(archive.source),
        }
    if processing.statistics_source is not None:
        record["statistics_source"] = src(processing.statistics_source)
    if processing.cookies is not None:
        record["cookies"] = {
            "category": processing.cookies.category.value,
            "consent": processing.cookies.consent.value,
            "items": [
                {"name": c.name, "purpose": c.purpose, "lifetime": c.lifetime.iso(), "source": src(c.source)}
                for c in processing.cookies.items
            ],
        }
    return record


def test_each_processing_is_served_with_its_legal_basis_subjects_recipients_retention_and_notices(
    client: TestClient, register: Register
) -> None:
    for processing in register.processings.values():
        response = client.get(f"/api/register/processings/{processing.id}")

        assert response.status_code == 200, processing.id
        assert response.json() == expected_processing(processing)


def test_a_retention_range_keeps_its_minimum(client: TestClient) -> None:
    rules = client.get("/api/register/processings/prevention_campaigns").json()["retention"]

    assert rules[0]["event"] == "prevention_action"
    assert (rules[0]["minimum"], rules[0]["duration"]) == ("P3Y", "P5Y")


def test_the_whole_register_lists_every_processing_and_organisation_in_order(
    client: TestClient, register: Register
) -> None:
    body = client.get("/api/register").json()

    assert body["controller"] == register.controller.model_dump(mode="json")
    assert body["supervisory_authority"]["address"] == list(register.supervisory_authority.address)
    assert [o["code"] for o in body["organisations"]] == list(register.organisations)
    assert [r["id"] for r in body["recipients"]] == list(register.recipients)
    assert [t["id"] for t in body["themes"]] == [t.value for t in register.themes]
    assert body["processings"] == [expected_processing(p) for p in register.processings.values()]
    assert [part["theme"] for part in body["policy_outline"]] == [part.theme for part in register.outline]


def test_an_unknown_processing_is_a_404_explained_in_french(client: TestClient) -> None:
    response = client.get("/api/register/processings/inexistant")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "traitement inconnu : « inexistant »"


def test_an_unknown_address_is_answered_in_french_as_json_or_as_a_page(client: TestClient) -> None:
    as_json = client.get("/nulle-part")
    as_page = client.get("/nulle-part", headers={"accept": "text/html"})

    assert as_json.status_code == as_page.status_code == 404
    assert as_json.headers["vary"] == as_page.headers["vary"] == "Accept"
    assert as_json.json()["detail"] == "page ou ressource introuvable"
    assert as_page.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in as_page.text
    assert "Page ou ressource introuvable" in as_page.text


def test_openapi_documents_the_paths_their_models_and_the_french_errors(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()

    assert schema["info"]["version"] == __version__
    paths = {"/health", "/api/register", "/api/register/processings", "/api/register/processings/{processing_id}"}
    assert paths <= set(schema["paths"])
    one = schema["paths"]["/api/register/processings/{processing_id}"]["get"]
    assert one["tags"] == ["registre"]
    assert one["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/ProcessingOut")
    problem = one["responses"]["404"]["content"]["application/problem+json"]["schema"]
    assert problem["$ref"].endswith("/ProblemDetails")
    whole = schema["paths"]["/api/register"]["get"]["responses"]["200"]["content"]["application/json"]
    assert whole["schema"]["$ref"].endswith("/RegisterOut")
    processing = schema["components"]["schemas"]["ProcessingOut"]["properties"]
    assert {"id", "theme", "legal_basis", "subjects", "recipients", "retention", "objection_allowed", "notices"} <= set(
        processing
    )
    assert "/politique-de-confidentialite" not in schema["paths"]
    assert client.get("/docs").status_code == 200
