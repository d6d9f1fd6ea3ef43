"""The pseudonym of a person: who they are for statistics, without saying who they are.

As in the national health data system, a person is identified by the NIR of the rights holder (« ouvreur de
droits »), their birth date and sex, and their twin rank (twins share the other three). The message hashed is
the canonical text of those four; the NIR's key is left out so that a NIR typed with or without it gives the
same person. Two keyed passes (see `strategies`) give the national pseudonym; a study gets its own pseudonyms,
derived from the national one under the central key and the study's id, so that two studies' files cannot be
joined by anyone who does not hold the central key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from vigie.errors import InvalidInput
from vigie.pseudo.keys import KeyRole, PseudoKey
from vigie.pseudo.strategies import DEFAULT_ALGORITHM, DOUBLE, algorithm

MESSAGE_VERSION = b"v1"
STUDY_TAG = b"vigie/study/v1|"
MAX_TWIN_RANK = 9


@dataclass(frozen=True, slots=True)
class Person:
    """What identifies a person for pseudonymisation."""

    nir: str  # the rights holder's NIR, 13 digits (the key, if given, is ignored); Corsica as 2A/2B
    birth: date
    sex: int  # 1 or 2
    twin_rank: int = 1


def message(person: Person) -> bytes:
    """The canonical bytes hashed for a person; bad parts are refused, never hashed as they are."""
    nir = person.nir.strip().upper()
    if len(nir) == 15:
        nir = nir[:13]
    if len(nir) != 13 or not (
        nir.isascii() and (nir.isdigit() or (nir[5:7] in ("2A", "2B") and (nir[:5] + nir[7:]).isdigit()))
    ):
        raise InvalidInput("NIR", "…", "13 chiffres attendus (Corse : 2A ou 2B), clé facultative")
    if person.sex not in (1, 2):
        raise InvalidInput("sexe", str(person.sex)[:4], "1 ou 2 attendu")
    if not 1 <= person.twin_rank <= MAX_TWIN_RANK:
        raise InvalidInput("rang de naissance", str(person.twin_rank)[:4], f"de 1 à {MAX_TWIN_RANK}")
    return b"|".join(
        (MESSAGE_VERSION, nir.encode(), person.birth.strftime("%Y%m%d").encode(), b"%d" % person.sex,
         b"%d" % person.twin_rank)
    )  # fmt: skip


def national(
    keys: Mapping[KeyRole, PseudoKey], people: Sequence[Person], algorithm_name: str = DEFAULT_ALGORITHM
) -> list[str]:
    """The national pseudonyms (64 hex digits) of `people`, both passes, in order."""
    digests = DOUBLE.apply(keys, [message(p) for p in people], algorithm_name)
    return [d.hex() for d in digests]


def study(
    central_key: PseudoKey, study_id: str, pseudonyms: Sequence[str], algorithm_name: str = DEFAULT_ALGORITHM
) -> list[str]:
    """Per-study pseudonyms derived from national ones: the same person gets unrelated pseudonyms in two studies."""
    if central_key.role is not KeyRole.CENTRAL:
        raise InvalidInput("clé", central_key.role.value, "la dérivation par étude se fait sous la clé centrale")
    if not study_id or len(study_id) > 64 or not study_id.isascii() or not study_id.isprintable():
        raise InvalidInput("étude", study_id[:64], "identifiant d'étude de 1 à 64 caractères ASCII imprimables")
    prefix = STUDY_TAG + study_id.encode() + b"|"
    try:
        raw = [bytes.fromhex(p) for p in pseudonyms]
    except ValueError as error:
        raise InvalidInput("pseudonyme", "…", "64 chiffres hexadécimaux attendus") from error
    return [d.hex() for d in algorithm(algorithm_name)(central_key.secret, [prefix + r for r in raw])]
