"""Response models of the JSON API, so that `/openapi.json` documents exactly what clients receive.

They mirror `vigie.register.export.processing_record` and `register_record`, the one place that decides the
shape; the models only declare it (with the taxonomy's enums, so that the schema lists the accepted values).
Their docstrings are French: they are shown to API users in `/docs`.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from vigie.register.models import (
    Controller,
    CookieCategory,
    CookieConsent,
    Organisation,
    Recipient,
    Role,
    SupervisoryAuthority,
    ThemeInfo,
)
from vigie.taxonomy import Category, LegalBasis, LifecycleEvent, SubjectKind, Theme


class Schema(BaseModel):
    # unknown keys are errors, so that the schema cannot lag behind the export
    model_config = ConfigDict(extra="forbid")


class RetentionOut(Schema):
    """Une règle de conservation : la durée court à partir d'un événement."""

    event: LifecycleEvent = Field(description="événement qui fait courir le délai de conservation")
    duration: str = Field(description="durée maximale, au format ISO 8601 (P5Y, P18M…)", examples=["P5Y"])
    minimum: str | None = Field(default=None, description="durée minimale quand la politique donne une fourchette")
    label: str = Field(description="la règle telle que la politique l'énonce")


class NoticeOut(Schema):
    """Une mention d'information."""

    title: str
    date: dt.date | None = Field(description="date de la mention d'information, quand elle est connue")


class CookieOut(Schema):
    """Un cookie déposé par le site."""

    name: str
    purpose: str
    lifetime: str = Field(description="durée de vie du cookie, au format ISO 8601")


class CookieSetOut(Schema):
    """Les cookies d'une catégorie, et le consentement qu'ils demandent."""

    category: CookieCategory
    consent: CookieConsent
    items: list[CookieOut]


class ProcessingOut(Schema):
    """Un traitement du registre."""

    id: str
    title: str
    theme: Theme
    purposes: list[str]
    legal_basis: LegalBasis
    subjects: dict[SubjectKind, list[Category]] = Field(
        description="catégories de données traitées, par type de personne concernée"
    )
    recipients: list[str] = Field(description="identifiants des destinataires (voir `recipients` du registre)")
    retention: list[RetentionOut]
    objection_allowed: bool = Field(description="le droit d'opposition peut-il s'exercer ?")
    pseudonymised_statistics: bool
    notices: list[NoticeOut]
    cookies: CookieSetOut | None = None


# The register's own models, renamed and described in French for /docs.
class ControllerOut(Controller):
    """Le responsable de traitement et son organisme national."""


class SupervisoryAuthorityOut(SupervisoryAuthority):
    """L'autorité de contrôle, à qui adresser une réclamation."""


class OrganisationOut(Organisation):
    """Un organisme (Cnam ou CPAM), avec son directeur et son délégué à la protection des données."""


class RecipientOut(Recipient):
    """Un destinataire déterminé ; seuls ceux qui y sont autorisés reçoivent le NIR."""


class RoleOut(Role):
    """Un rôle d'agent et les traitements qu'il sert."""


class ThemeOut(ThemeInfo):
    """Une thématique de traitements."""


class RegisterOut(Schema):
    """Le registre des traitements entier."""

    controller: ControllerOut
    supervisory_authority: SupervisoryAuthorityOut
    organisations: list[OrganisationOut]
    recipients: list[RecipientOut]
    roles: list[RoleOut]
    themes: list[ThemeOut]
    processings: list[ProcessingOut]


class HealthOut(Schema):
    """L'état du service, pour la supervision."""

    # `register` would shadow pydantic's (ABCMeta) `register`: the field is named `counts`, published as `register`
    model_config = ConfigDict(extra="forbid", serialize_by_alias=True)

    status: Literal["ok", "degraded"]
    database: Literal["ok", "unavailable"]
    journal: Literal["ok", "unavailable"] = Field(description="le journal d'audit peut-il être écrit")
    reason: str | None = Field(default=None, description="pourquoi le service est dégradé")
    counts: dict[str, int] = Field(
        alias="register", description="effectifs du registre chargé (traitements, mentions…)"
    )


class ErrorOut(Schema):
    """Une erreur, expliquée en français."""

    detail: str = Field(description="message d'erreur, en français")
