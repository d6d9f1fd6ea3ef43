"""Errors as RFC 9457 problem details: one catalogue of problem types, one way to build the answer.

Every error the API gives is `application/problem+json` with `type`, `title`, `status`, `detail` and
`instance`. Types are URNs of vigie's own (`urn:vigie:problem:...`), not `about:blank`: RFC 9457 asks an
`about:blank` problem to carry the English status phrase as title, and ours are French. `instance` names the
occurrence with a random UUID, never the request's path: a path can carry what a person typed (a NIR in place
of an id), and problem bodies end up in clients' logs.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:vigie:problem:"


@dataclass(frozen=True)
class ProblemType:
    """One kind of problem: its URN slug, its status, its French title and what it means, for the docs."""

    slug: str
    status: int
    title: str
    meaning: str

    @property
    def uri(self) -> str:
        return TYPE_PREFIX + self.slug


_TYPES = (
    ProblemType(
        "bad-request", 400, "Requête invalide", "requête mal formée : paramètre répété ou inconnu, JSON illisible"
    ),
    ProblemType("unauthenticated", 401, "Authentification requise", "jeton d'agent absent, inconnu ou expiré"),
    ProblemType("forbidden", 403, "Accès refusé", "l'agent n'a pas le droit de faire cette demande"),
    ProblemType("not-found", 404, "Ressource introuvable", "l'adresse ou la ressource demandée n'existe pas"),
    ProblemType("method-not-allowed", 405, "Méthode non autorisée", "cette adresse n'accepte pas cette méthode"),
    ProblemType("payload-too-large", 413, "Requête trop volumineuse", "le corps de la requête dépasse la limite"),
    ProblemType("invalid-input", 422, "Données invalides", "un paramètre ou un champ ne respecte pas le schéma"),
    ProblemType("too-many-requests", 429, "Trop de requêtes", "trop d'échecs récents depuis cette adresse"),
    ProblemType("internal-error", 500, "Erreur interne du service", "une erreur imprévue, consignée par le service"),
    ProblemType("unavailable", 503, "Service momentanément indisponible", "base de données ou journal injoignable"),
)
BY_STATUS: dict[int, ProblemType] = {t.status: t for t in _TYPES}
_OTHER_CLIENT = ProblemType("client-error", 400, "Requête refusée", "une autre erreur de la requête")


def problem_type(status: int) -> ProblemType:
    """The type for `status`; a status outside the catalogue gets a generic type of its class."""
    known = BY_STATUS.get(status)
    if known is not None:
        return known
    if status >= 500:
        return BY_STATUS[500]
    return _OTHER_CLIENT


class FieldError(BaseModel):
    """Un paramètre ou un champ refusé : ce qui ne va pas, et où (pointeur JSON, paramètre ou en-tête)."""

    model_config = ConfigDict(extra="forbid")

    detail: str = Field(description="ce qui ne va pas, en français")
    pointer: str | None = Field(default=None, description="pointeur JSON (RFC 6901) dans le corps : #/categories/0")
    parameter: str | None = Field(default=None, description="paramètre de l'adresse ou de la requête en cause")
    header: str | None = Field(default=None, description="en-tête en cause")


class ProblemDetails(BaseModel):
    """Une erreur, décrite selon la RFC 9457 (« problem details »), en français."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(
        description="URN du type de problème (voir docs/api.md)", examples=["urn:vigie:problem:not-found"]
    )
    title: str = Field(description="intitulé du type de problème, en français")
    status: int = Field(ge=400, le=599, description="code HTTP de la réponse")
    detail: str = Field(description="explication de cette occurrence, en français")
    instance: str = Field(
        description="identifiant unique de cette occurrence (urn:uuid:…) ; pour une erreur du service (5xx), "
        "le journal du service le cite"
    )
    errors: list[FieldError] | None = Field(default=None, description="les paramètres ou champs refusés, un par un")


def problem(status: int, detail: str, *, errors: list[FieldError] | None = None) -> ProblemDetails:
    """The problem details of one error answered with `status`."""
    kind = problem_type(status)
    return ProblemDetails(
        type=kind.uri,
        title=kind.title,
        status=status,
        detail=detail,
        instance=uuid.uuid4().urn,
        errors=errors,
    )


def problem_json(status: int, detail: str) -> bytes:
    """The body of a problem, for the ASGI middlewares that answer before the application's handlers can."""
    body = problem(status, detail).model_dump(mode="json", exclude_none=True)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def problem_response(details: ProblemDetails, *, headers: dict[str, str] | None = None) -> JSONResponse:
    """`details` as an `application/problem+json` answer."""
    body = details.model_dump(mode="json", exclude_none=True)
    return JSONResponse(body, status_code=details.status, media_type=MEDIA_TYPE, headers=headers)
