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
    OutlineTheme,
    Recipient,
    Role,
    SupervisoryAuthority,
    ThemeInfo,
)
from vigie.taxonomy import Category, ClockOwner, LegalBasis, LifecycleEvent, RetentionBound, SubjectKind, Theme
from vigie.web.problems import ProblemDetails


class Schema(BaseModel):
    # unknown keys are errors, so that the schema cannot lag behind the export
    model_config = ConfigDict(extra="forbid")


Source = str | list[str]
SOURCE = "où la politique l'énonce (« partie › section › paragraphe »), ou « decision: raison » là où elle se tait"


class PurposeOut(Schema):
    """Une finalité du traitement, et sa source."""

    text: str
    source: Source = Field(description=SOURCE)


class ConditionOut(Schema):
    """Une condition que la politique met à l'usage des données."""

    text: str
    source: Source = Field(description=SOURCE)


class ReservationOut(Schema):
    """Des catégories que seuls certains rôles peuvent utiliser."""

    categories: list[Category]
    roles: list[str] = Field(description="rôles autorisés (aucun : conservées, consultées par aucun agent)")
    source: Source = Field(description=SOURCE)


class SubjectDataOut(Schema):
    """Les catégories de données traitées pour un type de personne."""

    categories: list[Category]
    source: Source = Field(description=SOURCE)
    condition: ConditionOut | None = None
    reserved: list[ReservationOut]


class RecipientRefOut(Schema):
    """Un destinataire du traitement, et ce qui le fonde."""

    id: str = Field(description="identifiant du destinataire (voir `recipients` du registre)")
    source: Source = Field(description=SOURCE)


class RetentionOut(Schema):
    """Une règle de conservation : la durée court à partir de l'événement d'une personne ou du dossier, ou suit
    les règles d'un autre traitement."""

    event: LifecycleEvent | None = Field(default=None, description="événement qui fait courir le délai")
    of: ClockOwner | None = Field(default=None, description="à qui arrive l'événement")
    duration: str | None = Field(default=None, description="durée, au format ISO 8601 (P5Y, P18M…)", examples=["P5Y"])
    minimum: str | None = Field(default=None, description="durée minimale quand la politique donne une fourchette")
    bound: RetentionBound = Field(description="durée fixe, plafond, ou plafond d'une vie qui dure jusque-là")
    while_: str | None = Field(default=None, alias="while", description="ce qui dure jusqu'au plafond")
    prevails: bool = Field(description="cette règle l'emporte sur les autres quand son événement survient")
    defers_to: str | None = Field(default=None, description="textes qui fixent la durée en priorité")
    follows: str | None = Field(default=None, description="traitement dont la règle est suivie")
    as_kinds: dict[SubjectKind, SubjectKind] | None = None
    kinds: list[SubjectKind] | None = Field(default=None, description="types de personne visés (tous par défaut)")
    label: str = Field(description="la règle en français")
    source: Source = Field(description=SOURCE)


class EventMappingOut(Schema):
    """Un événement qui en vaut un autre pour ce traitement (le décès vaut clôture du DMP)."""

    event: LifecycleEvent
    of: ClockOwner
    counts_as: LifecycleEvent
    source: Source = Field(description=SOURCE)


class ArchiveOut(Schema):
    """L'archivage : après l'événement, les données ne servent plus qu'à cette fin, pour ces rôles."""

    event: LifecycleEvent
    purpose: str
    roles: list[str]
    source: Source = Field(description=SOURCE)


class NoticeOut(Schema):
    """Une mention d'information."""

    title: str
    date: dt.date | None = Field(default=None, description="date de la mention d'information, quand elle est connue")


class CookieOut(Schema):
    """Un cookie déposé par le site."""

    name: str
    purpose: str
    lifetime: str = Field(description="durée de vie du cookie, au format ISO 8601")
    source: Source = Field(description=SOURCE)


class CookieSetOut(Schema):
    """Les cookies d'une catégorie, et le consentement qu'ils demandent."""

    category: CookieCategory
    consent: CookieConsent
    items: list[CookieOut]


class ProcessingOut(Schema):
    """Un traitement du registre, chaque entrée avec sa source."""

    id: str
    title: str
    theme: Theme
    source: Source = Field(description=SOURCE)
    purposes: list[PurposeOut]
    legal_basis: LegalBasis
    subjects: dict[SubjectKind, SubjectDataOut] = Field(
        description="catégories de données traitées, par type de personne concernée"
    )
    recipients: list[RecipientRefOut]
    retention: list[RetentionOut]
    event_mapping: list[EventMappingOut]
    archive: ArchiveOut | None = None
    objection_allowed: bool = Field(description="le droit d'opposition peut-il s'exercer ?")
    at_persons_request: bool = Field(
        default=False, description="utilisé seulement à la demande de la personne : une limitation ne l'arrête pas"
    )
    pseudonymised_statistics: bool
    statistics_source: Source | None = Field(default=None, description=SOURCE)
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


class OutlineThemeOut(OutlineTheme):
    """Une partie de la politique, ses sections et leur nombre de paragraphes : ce que citent les sources."""


class RegisterOut(Schema):
    """Le registre des traitements entier."""

    controller: ControllerOut
    supervisory_authority: SupervisoryAuthorityOut
    organisations: list[OrganisationOut]
    recipients: list[RecipientOut]
    roles: list[RoleOut]
    themes: list[ThemeOut]
    processings: list[ProcessingOut]
    policy_outline: list[OutlineThemeOut]


class LastSweepOut(Schema):
    """Le dernier balayage de conservation."""

    run: int = Field(description="numéro du balayage")
    at: str = Field(description="date à laquelle il a balayé (AAAA-MM-JJ)")
    status: str = Field(description="terminé, ou interrompu ou en cours")
    started_at: str
    finished_at: str | None
    destroyed: int = Field(description="dossiers détruits")
    reduced: int = Field(description="dont réduits aux statistiques")
    erased: int = Field(description="personnes effacées")
    certificate: int | None = Field(description="entrée du journal qui porte le certificat de destruction")


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
    last_sweep: LastSweepOut | None = Field(default=None, description="le dernier balayage de conservation")


class ProcessingPage(Schema):
    """Une page de la liste des traitements."""

    items: list[ProcessingOut]
    next_cursor: str | None = Field(
        description="curseur de la page suivante, à passer tel quel en paramètre `cursor` ; null à la dernière page"
    )


# Errors are RFC 9457 problem details; the old name stays for the routes that declare it.
ErrorOut = ProblemDetails


class AuditEntryOut(Schema):
    """Une entrée du journal d'audit, telle que stockée : les personnes n'y figurent que sous pseudonyme."""

    seq: int = Field(description="numéro de l'entrée, à partir de 1")
    at: str = Field(description="horodatage UTC, ISO 8601 à la microseconde")
    action: str = Field(description="ce qui a été fait : lecture, décision, communication, lecture du journal…")
    agent_id: str | None = Field(description="l'agent qui a agi, s'il est connu")
    subject_ref: str | None = Field(description="pseudonyme de la personne concernée (jamais son identité)")
    purpose: str | None = Field(description="le traitement au titre duquel l'agent a agi")
    categories: list[str] | str = Field(description="catégories de données ; le texte brut si l'entrée est altérée")
    allowed: bool
    reason: str = Field(description="la raison de la décision, en français")
    recipient: str | None
    source: str | None = Field(description="adresse d'origine de la demande")
    prev_hash: str | None = Field(description="empreinte de l'entrée précédente, en hexadécimal")
    entry_hash: str | None = Field(description="empreinte de cette entrée, en hexadécimal")


class AuditPage(Schema):
    """Une page du journal, de la plus ancienne à la plus récente de ses entrées."""

    items: list[AuditEntryOut]
    next_cursor: str | None = Field(
        description="curseur de la page précédente dans le temps, à passer tel quel en paramètre `cursor` ; "
        "null quand la page commence à la première entrée"
    )


class AuditProblemOut(Schema):
    """Une anomalie trouvée par la vérification, située par numéro d'entrée quand elle en concerne une."""

    seq: int | None
    message: str


class VerifyReportOut(Schema):
    """Le résultat de la vérification du journal : la première anomalie, ou le feu vert."""

    ok: bool
    entries_checked: int
    first_bad_seq: int | None
    reason: str
    problems: list[AuditProblemOut]
    head_seq: int
    checkpoints_checked: int
    purged_through: int


class CheckpointOut(Schema):
    """Un point de contrôle signé (Ed25519) : taille et racine de l'arbre de Merkle du journal."""

    number: int
    tree_size: int
    root_hash: str
    chain_hash: str
    signed_at: str
    signature: str


class InclusionProofOut(Schema):
    """La preuve qu'une entrée figure dans le dernier point de contrôle signé (RFC 9162)."""

    seq: int
    leaf_index: int
    leaf_hash: str | None
    path: list[str] = Field(description="empreintes qui mènent de la feuille à la racine, en hexadécimal")
    checkpoint: CheckpointOut
    verified: bool
    reason: str
    entry: AuditEntryOut
