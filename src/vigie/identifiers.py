"""NIR and SIRET validation with python-stdnum, with French reasons a person can act on."""

from __future__ import annotations

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.fr import nir as stdnum_nir
from stdnum.fr import siret as stdnum_siret

from vigie.errors import InvalidIdentifier

_NIR_LENGTH = 15
_SIRET_LENGTH = 14


def _reason(error: ValidationError, expected_length: int, what: str) -> str:
    if isinstance(error, InvalidLength):
        return f"longueur incorrecte : un {what} compte {expected_length} caractères (clé comprise)"
    if isinstance(error, InvalidChecksum):
        return f"clé de contrôle incorrecte : le {what} a sans doute été mal saisi"
    if isinstance(error, InvalidComponent):
        return f"une partie du {what} est impossible (sexe, mois ou département de naissance)"
    if isinstance(error, InvalidFormat):
        return f"format incorrect : le {what} ne doit contenir que des chiffres"
    return f"{what} invalide"


def _check_length(value: str, compact: str, expected: int, what: str) -> None:
    if len(compact) != expected:
        raise InvalidIdentifier(
            what, value, f"longueur incorrecte : {len(compact)} caractères au lieu de {expected} (clé comprise)"
        )


def validate_nir(value: str) -> str:
    """The NIR in compact form (15 characters), or InvalidIdentifier saying what is wrong."""
    _check_length(value, str(stdnum_nir.compact(value)), _NIR_LENGTH, "NIR")
    try:
        return str(stdnum_nir.validate(value))
    except ValidationError as error:
        raise InvalidIdentifier("NIR", value, _reason(error, _NIR_LENGTH, "NIR")) from error


def validate_siret(value: str) -> str:
    """The SIRET in compact form (14 digits), or InvalidIdentifier saying what is wrong."""
    _check_length(value, str(stdnum_siret.compact(value)), _SIRET_LENGTH, "SIRET")
    try:
        return str(stdnum_siret.validate(value))
    except ValidationError as error:
        raise InvalidIdentifier("SIRET", value, _reason(error, _SIRET_LENGTH, "SIRET")) from error


def format_nir(value: str) -> str:
    """The NIR as people write it: 1 85 05 78 006 084 36."""
    return str(stdnum_nir.format(value))
