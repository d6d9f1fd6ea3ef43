"""The OpenAPI schema as clients and schemathesis check it: every error the API can give, as problem details.

FastAPI documents the answers a route declares, plus a 422 in its own English shape. The service answers
more than that on every route (a repeated parameter, a database that does not answer), so this module adds,
in one place, each error status an operation can really give, all as `application/problem+json`:
400 and 503 everywhere; 422 where there is a parameter or a body; 404 where the path has a parameter;
401, 403 and 429 where a token is required; 413 where there is a body. Descriptions a route gives are kept.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic.json_schema import models_json_schema

from vigie.web.problems import MEDIA_TYPE, ProblemDetails

_REF_PREFIX = "#/components/schemas/"
_PROBLEM_REF = {"$ref": _REF_PREFIX + "ProblemDetails"}
_FASTAPI_ERROR_SCHEMAS = ("HTTPValidationError", "ValidationError")
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

DESCRIPTIONS: dict[int, str] = {
    400: "requête mal formée : paramètre répété ou inconnu, JSON illisible",
    401: "jeton absent, inconnu ou expiré",
    403: "accès refusé (la raison est donnée et tracée)",
    404: "ressource introuvable",
    413: "corps de la requête trop volumineux",
    422: "un paramètre ou un champ ne respecte pas le schéma (chaque erreur est située dans `errors`)",
    429: "trop d'échecs d'authentification récents depuis cette adresse",
    503: "base de données ou journal d'audit momentanément injoignable",
}


def operation_id(route: APIRoute) -> str:
    """The operationId of a route that does not set its own: its function's name (`read_register`)."""
    return route.name


def _error_statuses(path: str, operation: dict[str, Any]) -> set[int]:
    statuses = {400, 503}
    if operation.get("parameters") or "requestBody" in operation:
        statuses.add(422)
    if "{" in path:
        statuses.add(404)
    if operation.get("security"):
        statuses |= {401, 403, 429}
    if "requestBody" in operation:
        statuses.add(413)
    return statuses


def _is_problem(response: dict[str, Any]) -> bool:
    """Whether a declared response is an error in FastAPI's or our shape (not a model of its own, as /health)."""
    for media in response.get("content", {}).values():
        ref = str(media.get("schema", {}).get("$ref", ""))
        if ref and ref.removeprefix(_REF_PREFIX) not in ("ProblemDetails", *_FASTAPI_ERROR_SCHEMAS):
            return False
    return True


def _complete(path: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status in _error_statuses(path, operation):
        responses.setdefault(str(status), {"description": DESCRIPTIONS[status]})
    for code, response in responses.items():
        if code.isdigit() and int(code) >= 400 and _is_problem(response):
            if int(code) == 422 and response.get("description") == "Validation Error":
                response["description"] = DESCRIPTIONS[422]
            response["content"] = {MEDIA_TYPE: {"schema": dict(_PROBLEM_REF)}}


def _add_problem_schemas(schema: dict[str, Any]) -> None:
    _, definitions = models_json_schema([(ProblemDetails, "serialization")], ref_template=_REF_PREFIX + "{model}")
    components: dict[str, Any] = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(definitions.get("$defs", {}))
    for name in _FASTAPI_ERROR_SCHEMAS:
        components.pop(name, None)


def build(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema of `app`, completed with the errors each operation can give."""
    schema = FastAPI.openapi(app)
    for path, item in schema.get("paths", {}).items():
        for method in _METHODS:
            if method in item:
                _complete(path, item[method])
    _add_problem_schemas(schema)
    return schema


def install(app: FastAPI) -> None:
    """Make `app.openapi()` (and so `/openapi.json` and `/docs`) serve the completed schema, built once."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
