"""The API keeps the contract its OpenAPI schema states, as schemathesis checks it on generated requests.

Every operation is called with requests generated from the schema, valid ones and invalid ones, on both
engines, with a DPO's token so that the authenticated routes run their real code. Each answer must be no 5xx,
a status the schema lists for the operation, the content type the schema gives for that status, and a body
that validates against its schema. The run is bounded (examples per operation and mode) and deterministic.

schemathesis's own pytest plugin (`from_fixture`) does not run under pytest 9.2 (it writes the node's private
`_nodeid`), so the test drives its strategies with hypothesis directly, one operation at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from vigie import vault
from vigie.environment import Environment
from vigie.register import Register
from vigie.store import connect
from vigie.taxonomy import SubjectKind
from vigie.web import create_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 15  # per operation and per mode: about 20 s per engine


@pytest.fixture
def app(environment: Environment) -> FastAPI:
    return create_app(environment)


@pytest.fixture
def dpo_headers(agent_headers: Callable[[str], dict[str, str]]) -> dict[str, str]:
    """A DPO's bearer token: the DPO reads the journal and acts for the purposes of its roles."""
    return agent_headers("paris-dpo")


def test_every_operation_answers_within_its_schema(app: FastAPI, dpo_headers: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8, "every API operation is exercised"
    for operation in operations:
        inputs = (operation.path_parameters, operation.query, operation.headers, operation.cookies, operation.body)
        # an operation without any input has no invalid request to generate
        modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if any(map(len, inputs)) else [])
        for mode in modes:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            )
            def conforms(case: schemathesis.Case) -> None:
                case.call_and_validate(headers=dict(dpo_headers), checks=CHECKS)

            try:
                conforms()
            except Exception as failure:
                failure.add_note(f"operation: {operation.label}, {mode.value} requests")
                raise


def test_answers_about_real_data_match_their_schemas(
    app: FastAPI, environment: Environment, register: Register, agent_headers: Callable[[str], dict[str, str]]
) -> None:
    """Generated values rarely name a real processing, person or entry: these cases do, so that the 200s of
    every operation (and a 304) are checked against their schemas too."""
    with connect(environment.engine) as connection:
        subject = vault.add_subject(
            connection,
            environment.keyring,
            kind=SubjectKind.INSURED,
            organisation="CPAM-75",
            identity={"nom": "Garnier"},
            created_on=date(2018, 1, 1),
        )
        vault.add_record(
            connection,
            environment.keyring,
            subject,
            processing="social_support",
            category="social_situation",
            payload={"situation": "isolement"},
            recorded_on=date(2026, 2, 1),
        )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    social, dpo = agent_headers("paris-social"), agent_headers("paris-dpo")
    one = schema["/api/register/processings/{processing_id}"]["GET"]
    statuses = [
        one.Case(path_parameters={"processing_id": pid}).call_and_validate(checks=CHECKS)
        for pid in register.processings
    ]
    page = schema["/api/register/processings"]["GET"].Case(query={"limit": 3}).call_and_validate(checks=CHECKS)
    following = schema["/api/register/processings"]["GET"].Case(query={"cursor": page.json()["next_cursor"]})
    read = schema["/api/subjects/{subject_id}"]["GET"].Case(
        path_parameters={"subject_id": str(subject)}, query={"purpose": "social_support"}
    )
    proof = schema["/api/audit/prove/{seq}"]["GET"].Case(path_parameters={"seq": 1})
    etag = schema["/api/register"]["GET"].Case().call_and_validate(checks=CHECKS).headers["etag"][0]
    unchanged = schema["/api/register"]["GET"].Case(headers={"If-None-Match": etag})

    assert {r.status_code for r in statuses} == {200}
    assert following.call_and_validate(checks=CHECKS).status_code == 200
    assert read.call_and_validate(headers=social, checks=CHECKS).json()["records"]
    assert proof.call_and_validate(headers=dpo, checks=CHECKS).status_code == 200
    assert unchanged.call_and_validate(checks=CHECKS).status_code == 304
