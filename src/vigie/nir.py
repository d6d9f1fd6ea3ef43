"""The NIR checked by the insurer's rules, part by part, with a French reason naming the wrong part.

A NIR is 13 characters, optionally followed by a 2-digit key:

    sex (1) · year (2) · month (2) · place (5) · order (3) · key (2)

The place is a 2-character département (01–95, 2A/2B for Corsica) and a 3-digit commune; an overseas
département (971–978, 984–988) and a 2-digit commune; or 99 and the INSEE code of a foreign country.
The key is 97 − (the 13 first digits mod 97), with 2A read as 19 and 2B as 18, so it runs from 01 to 97.

The first digit tells the kind of number apart, as the insurer's own validator does: 1 or 2 for a NIR;
7 or 8 for a waiting or provisional number (NIA given by SANDIA, or the former NNP: 7/8, then 1 or 2, then
11 digits); 5 or 6 for a passing migrant (MIG: 5/6, then 1 or 2, then 11 digits). These are recognised and
carried in `NirCheck.kind`, never taken for a plain NIR: `validate_nir` refuses them.

Month codes 20–42 and 50–99 are those the civil record leaves without a plain month; they are accepted
and flagged in `NirCheck.month` with their meaning. The rules are shared with the vectorised form
(`vigie.nir_bulk`), which gives the same answer and the same reason for every value.
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

from vigie.errors import InvalidIdentifier

MAX_INPUT = 40
"""Longest value looked at (spaces included); longer input is refused on its length, unread."""


class Reason(IntEnum):
    """Why a value is refused: the first rule it breaks, in the order the parts are read."""

    OK = 0
    LENGTH = 1
    FIRST_DIGIT = 2
    MIGRANT = 3
    YEAR = 4
    MONTH = 5
    DEPARTMENT = 6
    COMMUNE = 7
    COUNTRY = 8
    ORDER = 9
    KEY_RANGE = 10
    KEY = 11


REASONS: dict[Reason, str] = {
    Reason.LENGTH: "longueur incorrecte : un NIR compte 15 caractères, ou 13 sans la clé (espaces permis)",
    Reason.FIRST_DIGIT: (
        "premier chiffre impossible : 1 (homme) ou 2 (femme) pour un NIR, 7 ou 8 pour un numéro "
        "d'attente ou provisoire, 5 ou 6 pour un migrant de passage"
    ),
    Reason.MIGRANT: (
        "numéro de migrant de passage incorrect : il compte 13 chiffres, sans clé, et son deuxième chiffre vaut 1 ou 2"
    ),
    Reason.YEAR: "année de naissance impossible (2e et 3e caractères) : deux chiffres attendus",
    Reason.MONTH: (
        "mois de naissance impossible (4e et 5e caractères) : 01 à 12, ou un code d'état civil incomplet "
        "(20 à 42, 50 à 99)"
    ),
    Reason.DEPARTMENT: (
        "département de naissance impossible (6e et 7e caractères) : 01 à 95, 2A ou 2B pour la Corse, "
        "971 à 978 ou 984 à 988 outre-mer, 99 pour une naissance à l'étranger"
    ),
    Reason.COMMUNE: (
        "commune de naissance impossible (8e à 10e caractères ; 9e et 10e outre-mer) : des chiffres, et pas un code nul"
    ),
    Reason.COUNTRY: (
        "pays de naissance impossible (8e à 10e caractères, après 99) : un code de pays de l'Insee, de 101 à 599"
    ),
    Reason.ORDER: "numéro d'ordre impossible (11e à 13e caractères) : 001 à 999",
    Reason.KEY_RANGE: "clé impossible (14e et 15e caractères) : une clé va de 01 à 97",
    Reason.KEY: "clé de contrôle incorrecte : le NIR a sans doute été mal saisi",
}
"""The French reason for each refusal; both forms of the validator take their text from here."""


class Kind(IntEnum):
    """What kind of number a valid value is, told by its first digit."""

    NONE = 0
    NIR = 1
    TEMPORARY = 2
    MIGRANT = 3


KINDS: dict[Kind, str] = {
    Kind.NIR: "NIR",
    Kind.TEMPORARY: "numéro d'attente ou provisoire (NIA, NNP)",
    Kind.MIGRANT: "numéro de migrant de passage",
}


class Month(IntEnum):
    """What the month part says: a month, or one of the civil record's codes for a missing month."""

    NONE = 0
    KNOWN = 1
    NOT_IN_RECORD = 2
    INCOMPLETE_RECORD = 3


MONTHS: dict[Month, str] = {
    Month.KNOWN: "mois de naissance",
    Month.NOT_IN_RECORD: "code 20 à 30 ou 50 à 99 : l'état civil ne donne pas le mois de naissance",
    Month.INCOMPLETE_RECORD: "code 31 à 42 : pièce d'état civil incomplète, qui donne tout de même le mois",
}

_DIGITS = frozenset("0123456789")
_CORSICA = {"2A": 19, "2B": 18}


class NirCheck(NamedTuple):
    """The verdict on one value: valid or the reason why not; for a valid one, its kind and flags.

    `compact` is the value without spaces, Corsica in capitals (13 or 15 characters), or "" when refused.
    `keyless` is true for a valid 13-character value: nothing checked it against typing mistakes.
    """

    reason: Reason
    kind: Kind = Kind.NONE
    month: Month = Month.NONE
    keyless: bool = False
    compact: str = ""

    @property
    def valid(self) -> bool:
        return self.reason is Reason.OK

    @property
    def message(self) -> str | None:
        """The French reason of a refusal, None when valid."""
        return None if self.valid else REASONS[self.reason]


def _digits(part: str) -> bool:
    """ASCII digits only (str.isdigit alone would take « ٣ » or « ² » for digits); parts are never empty."""
    return part.isascii() and part.isdigit()


def nir_key(body: str) -> int:
    """The key of a 13-character NIR body (2A read as 19, 2B as 18): 97 − body mod 97, from 1 to 97."""
    number = int(body[:5] + str(_CORSICA[body[5:7]]) + body[7:13]) if body[5:7] in _CORSICA else int(body[:13])
    return 97 - number % 97


def _month(code: int) -> Month | None:
    if 1 <= code <= 12:
        return Month.KNOWN
    if 20 <= code <= 30 or code >= 50:
        return Month.NOT_IN_RECORD
    if 31 <= code <= 42:
        return Month.INCOMPLETE_RECORD
    return None


def _place(value: str) -> Reason:
    """The département and commune (or country) parts, characters 6 to 10."""
    department = value[5:7]
    if department in _CORSICA:
        commune = value[7:10]
    elif not _digits(department) or department == "00" or department == "96":
        return Reason.DEPARTMENT
    elif department == "97" or department == "98":
        third = value[7]
        if third not in _DIGITS or not (("1" <= third <= "8") if department == "97" else ("4" <= third <= "8")):
            return Reason.DEPARTMENT
        commune = value[8:10]
    elif department == "99":
        country = value[7:10]
        return Reason.OK if _digits(country) and 101 <= int(country) <= 599 else Reason.COUNTRY
    else:
        commune = value[7:10]
    return Reason.OK if _digits(commune) and int(commune) != 0 else Reason.COMMUNE


def _structure(value: str) -> tuple[Reason, Month]:
    """Year, month, place, order and key of a NIR-shaped value (13 or 15 characters)."""
    if not _digits(value[1:3]):
        return Reason.YEAR, Month.NONE
    month = _month(int(value[3:5])) if _digits(value[3:5]) else None
    if month is None:
        return Reason.MONTH, Month.NONE
    place = _place(value)
    if place is not Reason.OK:
        return place, Month.NONE
    if not _digits(value[10:13]) or value[10:13] == "000":
        return Reason.ORDER, Month.NONE
    if len(value) == 15:
        key = value[13:15]
        if not _digits(key) or not 1 <= int(key) <= 97:
            return Reason.KEY_RANGE, Month.NONE
        if int(key) != nir_key(value):
            return Reason.KEY, Month.NONE
    return Reason.OK, month


def _short_number(value: str) -> bool:
    """The 13-digit NNP and MIG shape: a sex digit, then 1 or 2, then 11 digits."""
    return len(value) == 13 and value[1] in "12" and _digits(value[2:])


def _compact(value: str) -> str:
    compact = value.replace(" ", "")
    if len(compact) in (13, 15) and compact[5:7] in ("2a", "2b", "2A", "2B"):
        compact = compact[:5] + compact[5:7].upper() + compact[7:]
    return compact


def check_nir(value: str) -> NirCheck:
    """The verdict on one typed value; never raises. Spaces are ignored, 2a/2b read as 2A/2B."""
    if len(value) > MAX_INPUT:
        return NirCheck(Reason.LENGTH)
    compact = _compact(value)
    if len(compact) not in (13, 15):
        return NirCheck(Reason.LENGTH)
    first = compact[0]
    if first in "56":
        if not _short_number(compact):
            return NirCheck(Reason.MIGRANT)
        return NirCheck(Reason.OK, Kind.MIGRANT, Month.NONE, True, compact)
    if first not in "1278":
        return NirCheck(Reason.FIRST_DIGIT)
    kind = Kind.NIR if first in "12" else Kind.TEMPORARY
    reason, month = _structure(compact)
    if reason is not Reason.OK:
        if kind is Kind.TEMPORARY and _short_number(compact):
            return NirCheck(Reason.OK, kind, Month.NONE, True, compact)
        return NirCheck(reason)
    return NirCheck(Reason.OK, kind, month, len(compact) == 13, compact)


def validate_nir(value: str, *, allow_keyless: bool = False) -> str:
    """The NIR in compact form, 15 characters with its key, or InvalidIdentifier saying what is wrong.

    Only a NIR proper passes (first digit 1 or 2); a waiting, provisional or migrant number is named as
    such and refused. Without its key a NIR is refused, unless `allow_keyless` (a look-up, where a
    mistyped number finds nobody): its key is then computed, so that it indexes like the full form.
    """
    verdict = check_nir(value)
    if verdict.message is not None:
        raise InvalidIdentifier("NIR", value, verdict.message)
    if verdict.kind is not Kind.NIR:
        raise InvalidIdentifier(
            "NIR", value, f"{KINDS[verdict.kind]} : ce n'est pas un NIR (premier chiffre 1 ou 2 attendu)"
        )
    if verdict.keyless:
        if not allow_keyless:
            raise InvalidIdentifier("NIR", value, "clé absente : saisissez les 15 caractères du NIR, clé comprise")
        return f"{verdict.compact}{nir_key(verdict.compact):02d}"
    return verdict.compact


def format_nir(value: str) -> str:
    """The NIR as people write it: 1 85 05 78 006 084 36 (971 and its 2-digit commune kept together)."""
    compact = _compact(value)
    place = [compact[5:8], compact[8:10]] if compact[5:7] in ("97", "98") else [compact[5:7], compact[7:10]]
    return " ".join([compact[:1], compact[1:3], compact[3:5], *place, compact[10:13], compact[13:]]).strip()
