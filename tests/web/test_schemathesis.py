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

from vigie.bootstrap import Environment
from vigie.web import create_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 20  # per operation and per mode: a few seconds per engine


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
