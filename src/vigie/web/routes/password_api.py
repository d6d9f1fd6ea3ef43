"""The password feedback endpoint: the rules' verdict on a password as the person types it (called by the
account pages' script; the form itself checks again on the server). Nothing sent here is stored or logged."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, field_validator

from vigie import inputs
from vigie.accounts import Person, check
from vigie.accounts.forms import NAME_MAX
from vigie.accounts.passwords import MAX_LENGTH
from vigie.errors import InvalidInput
from vigie.web.problems import ProblemDetails

router = APIRouter(prefix="/api", tags=["comptes"])


class PasswordCandidate(BaseModel):
    """Un mot de passe envisagé, avec ce que la personne a déjà saisi d'elle-même."""

    model_config = ConfigDict(extra="forbid")

    password: str = Field(max_length=MAX_LENGTH, description="le mot de passe envisagé (jamais conservé)")
    last_name: str = Field(default="", max_length=NAME_MAX, description="nom de la personne")
    first_name: str = Field(default="", max_length=NAME_MAX, description="prénom de la personne")
    birth_date: date | None = Field(default=None, description="date de naissance (AAAA-MM-JJ)")

    @field_validator("password", "last_name", "first_name")
    @classmethod
    def _text(cls, value: str) -> str:
        try:
            return inputs.text(value, "text", limit=MAX_LENGTH)
        except InvalidInput as error:
            raise ValueError(error.reason) from None


class PasswordFeedback(BaseModel):
    """L'avis des règles sur le mot de passe : accepté ou non, chaque problème et des conseils, en français."""

    acceptable: bool = Field(description="le mot de passe respecte toutes les règles")
    score: int = Field(ge=0, le=4, description="robustesse estimée par zxcvbn, de 0 à 4 (3 au moins exigé)")
    problems: list[str] = Field(description="chaque règle enfreinte, en français")
    hints: list[str] = Field(description="conseils pour un mot de passe plus robuste")


@router.post(
    "/mot-de-passe/evaluation",
    summary="Évaluer un mot de passe envisagé",
    responses={422: {"model": ProblemDetails, "description": "corps invalide"}},
)
def evaluate_password(candidate: PasswordCandidate) -> PasswordFeedback:
    """Dit si un mot de passe respecte les règles de la politique, sans rien conserver."""
    person = Person(candidate.last_name, candidate.first_name, candidate.birth_date)
    verdict = check(candidate.password, person)
    return PasswordFeedback(
        acceptable=verdict.acceptable, score=verdict.score, problems=list(verdict.problems), hints=list(verdict.hints)
    )
