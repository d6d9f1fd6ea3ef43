"""SIRET validation with python-stdnum, with French reasons a person can act on; the NIR has its own rules.

The NIR is checked by the insurer's rules in `vigie.nir` (re-exported here for callers of this module).
"""

from __future__ import annotations

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.fr import siret as stdnum_siret

from vigie.errors import InvalidIdentifier
from vigie.nir import format_nir, validate_nir

__all__ = ["format_nir", "validate_nir", "validate_siret"]

_SIRET_LENGTH = 14


def _reason(error: ValidationError) -> str:
    if isinstance(error, InvalidLength):
        return f"longueur incorrecte : un SIRET compte {_SIRET_LENGTH} caractères (clé comprise)"
    if isinstance(error, InvalidChecksum):
        return "clé de contrôle incorrecte : le SIRET a sans doute été mal saisi"
    if isinstance(error, InvalidComponent):
        return "une partie du SIRET est impossible"
    if isinstance(error, InvalidFormat):
        return "format incorrect : le SIRET ne doit contenir que des chiffres"
    return "SIRET invalide"


def validate_siret(value: str) -> str:
    """The SIRET in compact form (14 digits), or InvalidIdentifier saying what is wrong."""
    compact = str(stdnum_siret.compact(value))
    if len(compact) != _SIRET_LENGTH:
        raise InvalidIdentifier(
            "SIRET", value, f"longueur incorrecte : {len(compact)} caractères au lieu de {_SIRET_LENGTH} (clé comprise)"
        )
    try:
        return str(stdnum_siret.validate(value))
    except ValidationError as error:
        raise InvalidIdentifier("SIRET", value, _reason(error)) from error
