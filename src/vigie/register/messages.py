"""French messages for pydantic's validation errors, so that register problems read plainly."""

from __future__ import annotations

from typing import Any

from vigie.taxonomy import Category, LegalBasis, LifecycleEvent, SubjectKind, Theme, choices

# field name -> (noun with its article, vocabulary) for values that must come from the taxonomy
_VOCABULARIES: dict[str, tuple[str, str]] = {
    "subjects[key]": ("type de personne concernée inconnu", choices(SubjectKind)),
    "subjects": ("catégorie de données inconnue", choices(Category)),
    "legal_basis": ("base légale inconnue", choices(LegalBasis)),
    "event": ("événement inconnu", choices(LifecycleEvent)),
    "id": ("thématique inconnue", choices(Theme)),
}

_SIMPLE: dict[str, str] = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "champ inconnu",
    "string_type": "doit être un texte",
    "bool_type": "doit valoir true ou false",
    "bool_parsing": "doit valoir true ou false",
    "date_type": "date invalide (attendu AAAA-MM-JJ)",
    "date_parsing": "date invalide (attendu AAAA-MM-JJ)",
    "date_from_datetime_parsing": "date invalide (attendu AAAA-MM-JJ)",
    "date_from_datetime_inexact": "date invalide (attendu AAAA-MM-JJ)",
    "list_type": "doit être une liste",
    "tuple_type": "doit être une liste",
    "dict_type": "doit être une table (clé: valeur)",
    "model_type": "doit être une table (clé: valeur)",
    "model_attributes_type": "doit être une table (clé: valeur)",
    "too_short": "ne doit pas être vide",
    "int_type": "doit être un nombre entier",
    "int_parsing": "doit être un nombre entier",
}


def _field_of(loc: tuple[Any, ...]) -> str:
    names = [part for part in loc if isinstance(part, str) and part != "[key]"]
    if "subjects" in names:
        return "subjects[key]" if "[key]" in loc else "subjects"
    return names[-1] if names else ""


def french_message(error: dict[str, Any]) -> str:
    """Render one pydantic error in French, naming the offending value and what was expected."""
    kind = error["type"]
    loc = tuple(error["loc"])
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind == "enum":
        field = _field_of(loc)
        noun, allowed = _VOCABULARIES.get(field, ("valeur inconnue", error["ctx"].get("expected", "")))
        return f"{noun} « {error['input']} » (valeurs admises : {allowed})"
    if kind in _SIMPLE:
        return _SIMPLE[kind]
    return str(error["msg"])


def location(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """The YAML path of a pydantic location (dict-key markers removed)."""
    return tuple(part for part in loc if part != "[key]")
