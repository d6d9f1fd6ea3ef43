"""The NIR rules, part by part: each accepts what the insurer accepts and refuses the rest with its own reason."""

from __future__ import annotations

import random

import pytest
from stdnum.fr import nir as stdnum_nir

from vigie.nir import MAX_INPUT, REASONS, Kind, Month, Reason, check_nir, nir_key


def full(body: str) -> str:
    """A 13-character body with its key, computed by python-stdnum (an independent reference)."""
    return body + str(stdnum_nir.calc_check_digits(body))


def with_key(body: str, key: int) -> str:
    return f"{body}{key:02d}"


@pytest.mark.parametrize(
    "body",
    [
        "1850578006084",  # Paris-born man
        "2850575112084",  # Paris, 12th arrondissement (commune 112)
        "2991233001999",  # order 999
        "185052A006084",  # Corse-du-Sud
        "185052B006084",  # Haute-Corse
        "1650520006084",  # Corsica before 1976: « 20 »
        "2850597123084",  # Guadeloupe: 971 + 2-digit commune
        "2850597823084",  # Saint-Martin, 978
        "1850598401084",  # TAAF, 984
        "1850598801084",  # New Caledonia, 988
        "1850599352084",  # born in Algeria: 99 + country 352
        "1850599101084",  # Denmark, the first country code
        "1850599599084",  # the last country code accepted
    ],
)
def test_valid_nirs_across_places_are_accepted_with_their_key(body: str) -> None:
    verdict = check_nir(full(body))
    assert verdict.valid, verdict.message
    assert (verdict.kind, verdict.month, verdict.keyless) == (Kind.NIR, Month.KNOWN, False)
    assert verdict.compact == full(body)


def test_key_is_97_minus_the_body_mod_97_with_corsica_read_as_19_and_18() -> None:
    """Our key agrees with python-stdnum's on random bodies, Corsican ones included."""
    rng = random.Random(11)
    for _ in range(3000):
        department = rng.choice(["2A", "2B", "75", "97", "99", "01"])
        body = f"{rng.randint(1, 2)}{rng.randrange(100):02d}{rng.randint(1, 12):02d}{department}"
        body += f"{rng.randrange(1000):03d}{rng.randrange(1, 1000):03d}"
        assert f"{nir_key(body):02d}" == stdnum_nir.calc_check_digits(body)
    assert nir_key("185052A006084") != nir_key("185052B006084")


def test_a_body_divisible_by_97_has_key_97_and_no_body_has_key_00() -> None:
    """The key formula runs from 01 to 97: 97 is a real key, 00, 98 and 99 can never be."""
    prefix = 1850578006 * 1000
    body = next(f"{n:013d}" for n in range(prefix + 1, prefix + 1000) if n % 97 == 0)
    assert check_nir(with_key(body, 97)).valid
    for impossible in (0, 98, 99):
        assert check_nir(with_key(body, impossible)).reason is Reason.KEY_RANGE


def test_a_corsican_nir_is_checked_with_its_own_key() -> None:
    """2A and 2B give different keys; a 2A key on a 2B NIR is a wrong key, lower case is read as capitals."""
    corse_du_sud = full("185052A006084")
    assert check_nir(corse_du_sud.replace("2A", "2a")).compact == corse_du_sud
    assert check_nir("185052B006084" + corse_du_sud[-2:]).reason is Reason.KEY


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("12345", Reason.LENGTH),
        (full("1850578006084") + "1", Reason.LENGTH),
        (full("1850578006084")[:14], Reason.LENGTH),
        ("1" * (MAX_INPUT + 1), Reason.LENGTH),
        (" " * (MAX_INPUT + 1), Reason.LENGTH),
        (full("1850578006084") + " " * (MAX_INPUT - 14), Reason.LENGTH),  # too long before spaces go
        ("1200000000000", Reason.MONTH),  # the NNP shape rescues only a 7/8 number, never a NIR
        (full("0850578006084"), Reason.FIRST_DIGIT),
        (full("3850578006084"), Reason.FIRST_DIGIT),
        (full("4850578006084"), Reason.FIRST_DIGIT),
        (full("9850578006084"), Reason.FIRST_DIGIT),
        ("X850578006084", Reason.FIRST_DIGIT),
        ("1X50578006084", Reason.YEAR),
        ("1٣50578006084", Reason.YEAR),  # an Arabic-Indic digit is not a digit here
        (full("1850078006084"), Reason.MONTH),
        (full("1851378006084"), Reason.MONTH),
        (full("1851978006084"), Reason.MONTH),
        (full("1854378006084"), Reason.MONTH),
        (full("1854978006084"), Reason.MONTH),
        ("18505X8006084", Reason.DEPARTMENT),
        (full("1850500006084"), Reason.DEPARTMENT),
        (full("1850596006084"), Reason.DEPARTMENT),
        (full("1850597023084"), Reason.DEPARTMENT),
        (full("1850597923084"), Reason.DEPARTMENT),
        (full("1850598323084"), Reason.DEPARTMENT),
        (full("1850598923084"), Reason.DEPARTMENT),
        ("185052C006084", Reason.DEPARTMENT),
        (full("1850578000084"), Reason.COMMUNE),
        (full("1850597100084"), Reason.COMMUNE),
        (full("185052A000084"), Reason.COMMUNE),
        ("18505780X6084", Reason.COMMUNE),
        (full("1850599000084"), Reason.COUNTRY),
        (full("1850599100084"), Reason.COUNTRY),
        (full("1850599600084"), Reason.COUNTRY),
        (full("1850578006000"), Reason.ORDER),
        ("1850578006X84", Reason.ORDER),
        ("1850578006084X1", Reason.KEY_RANGE),
        (with_key("1850578006084", 0), Reason.KEY_RANGE),
        (with_key("1850578006084", (nir_key("1850578006084") % 97) + 1), Reason.KEY),
        ("185057800608\x00", Reason.ORDER),
        ("185057800608\ud800", Reason.ORDER),
        (full("1850578006084") + "\x00", Reason.LENGTH),
    ],
)
def test_each_broken_rule_is_refused_with_the_reason_naming_its_part(value: str, reason: Reason) -> None:
    verdict = check_nir(value)
    assert verdict.reason is reason
    assert verdict.message == REASONS[reason]
    assert not verdict.valid and verdict.kind is Kind.NONE and verdict.compact == ""


@pytest.mark.parametrize(
    ("reason", "part"),
    [
        (Reason.LENGTH, "longueur"),
        (Reason.FIRST_DIGIT, "premier chiffre"),
        (Reason.MIGRANT, "numéro de migrant de passage"),
        (Reason.YEAR, "année de naissance"),
        (Reason.MONTH, "mois de naissance"),
        (Reason.DEPARTMENT, "département de naissance"),
        (Reason.COMMUNE, "commune de naissance"),
        (Reason.COUNTRY, "pays de naissance"),
        (Reason.ORDER, "numéro d'ordre"),
        (Reason.KEY_RANGE, "clé impossible"),
        (Reason.KEY, "clé de contrôle incorrecte"),
    ],
)
def test_each_reason_names_the_wrong_part_in_french(reason: Reason, part: str) -> None:
    assert REASONS[reason].startswith(part)


def test_every_refusal_has_its_own_message() -> None:
    refusals = [r for r in Reason if r is not Reason.OK]
    assert set(REASONS) == set(refusals)
    assert len(set(REASONS.values())) == len(refusals)


@pytest.mark.parametrize(
    ("month", "flag"),
    [
        ("01", Month.KNOWN),
        ("12", Month.KNOWN),
        ("20", Month.NOT_IN_RECORD),
        ("30", Month.NOT_IN_RECORD),
        ("50", Month.NOT_IN_RECORD),
        ("99", Month.NOT_IN_RECORD),
        ("31", Month.INCOMPLETE_RECORD),
        ("42", Month.INCOMPLETE_RECORD),
    ],
)
def test_month_codes_of_an_incomplete_civil_record_are_flagged_never_plain(month: str, flag: Month) -> None:
    verdict = check_nir(full(f"185{month}99352084"))
    assert verdict.valid and verdict.month is flag


def test_a_nir_without_its_key_is_accepted_and_flagged_keyless() -> None:
    verdict = check_nir("1 85 05 78 006 084")
    assert verdict.valid and verdict.keyless and verdict.kind is Kind.NIR
    assert verdict.compact == "1850578006084"
    assert not check_nir(full("1850578006084")).keyless
    assert check_nir("1850578006000").reason is Reason.ORDER  # keyless numbers still have their other rules


@pytest.mark.parametrize("first", ["7", "8"])
def test_waiting_numbers_are_recognised_as_temporary_not_as_a_nir(first: str) -> None:
    """7/8: a NIA (NIR-shaped, with or without its key) or a former NNP (7/8, 1 or 2, then 11 digits)."""
    nia = check_nir(full(f"{first}850599352084"))
    assert nia.valid and nia.kind is Kind.TEMPORARY and nia.month is Month.KNOWN
    nia_keyless = check_nir(f"{first}112345678901")  # also NIR-shaped: month code 23, département 45
    assert nia_keyless.valid and nia_keyless.kind is Kind.TEMPORARY and nia_keyless.keyless
    assert nia_keyless.month is Month.NOT_IN_RECORD
    shaped_only_as_nnp = check_nir(f"{first}200000000000")
    assert shaped_only_as_nnp.valid and shaped_only_as_nnp.kind is Kind.TEMPORARY
    assert shaped_only_as_nnp.month is Month.NONE
    assert check_nir(full(f"{first}850500006084")).reason is Reason.DEPARTMENT
    assert check_nir(f"{first}300000000000").reason is Reason.MONTH


@pytest.mark.parametrize("first", ["5", "6"])
def test_migrant_numbers_are_recognised_and_only_in_their_13_digit_shape(first: str) -> None:
    migrant = check_nir(f"{first}112345678901")
    assert migrant.valid and migrant.kind is Kind.MIGRANT and migrant.keyless
    for wrong in (f"{first}312345678901", f"{first}11234567890123", f"{first}1A2345678901"):
        assert check_nir(wrong).reason is Reason.MIGRANT
    assert check_nir(f"{first}1123456789").reason is Reason.LENGTH
