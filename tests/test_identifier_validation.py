"""`validate_nir` lets only a NIR proper through and says what is wrong in French; SIRET as before."""

from __future__ import annotations

import pytest
from stdnum.fr import nir as stdnum_nir

from vigie.errors import InvalidIdentifier
from vigie.identifiers import format_nir, validate_nir, validate_siret
from vigie.nir import REASONS, Reason

VALID_NIR = "2950775123456" + stdnum_nir.calc_check_digits("2950775123456")


def test_valid_nir_is_returned_compact() -> None:
    spaced = " ".join([VALID_NIR[:1], VALID_NIR[1:3], VALID_NIR[3:5], VALID_NIR[5:7], VALID_NIR[7:]])
    assert validate_nir(spaced) == VALID_NIR
    assert format_nir(VALID_NIR) == "2 95 07 75 123 456 " + VALID_NIR[-2:]


def test_an_overseas_nir_is_written_with_its_three_digit_departement_together() -> None:
    nir = "2850597123084" + stdnum_nir.calc_check_digits("2850597123084")
    assert format_nir(nir) == "2 85 05 971 23 084 " + nir[-2:]


def test_corsican_nir_is_accepted_in_capitals() -> None:
    body = "185052A006084"
    key = stdnum_nir.calc_check_digits(body)
    assert validate_nir(body.lower() + key) == body + key


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("12345", Reason.LENGTH),
        (VALID_NIR[:-2] + ("01" if VALID_NIR[-2:] != "01" else "02"), Reason.KEY),
        ("1850578006084AB", Reason.KEY_RANGE),
        ("1851378006084" + stdnum_nir.calc_check_digits("1851378006084"), Reason.MONTH),
        ("1850596006084" + stdnum_nir.calc_check_digits("1850596006084"), Reason.DEPARTMENT),
    ],
)
def test_invalid_nir_says_what_is_wrong(value: str, reason: Reason) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        validate_nir(value)
    assert caught.value.reason == REASONS[reason]
    assert caught.value.field == "NIR"
    assert value in str(caught.value)


def test_a_waiting_number_is_refused_as_not_a_nir_and_named() -> None:
    nia = "7850599352084" + stdnum_nir.calc_check_digits("7850599352084")
    with pytest.raises(InvalidIdentifier, match=r"numéro d'attente ou provisoire .* ce n'est pas un NIR"):
        validate_nir(nia)
    with pytest.raises(InvalidIdentifier, match="numéro de migrant de passage : ce n'est pas un NIR"):
        validate_nir("5112345678901")


def test_a_keyless_nir_is_refused_for_storage_and_completed_for_a_look_up() -> None:
    """Without `allow_keyless` the key is required; with it, the key is computed so the index matches."""
    with pytest.raises(InvalidIdentifier, match="clé absente"):
        validate_nir(VALID_NIR[:13])
    assert validate_nir(VALID_NIR[:13], allow_keyless=True) == VALID_NIR
    assert validate_nir(VALID_NIR, allow_keyless=True) == VALID_NIR


def test_a_flagged_month_is_a_real_nir_and_passes() -> None:
    body = "1852099352084"
    assert validate_nir(body + stdnum_nir.calc_check_digits(body)) == body + stdnum_nir.calc_check_digits(body)


def test_valid_siret() -> None:
    assert validate_siret("732 829 320 00074") == "73282932000074"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("7328293200007", "longueur incorrecte : 13 caractères au lieu de 14"),
        ("73282932000075", "clé de contrôle incorrecte"),
        ("7328293200007A", "format incorrect"),
    ],
)
def test_invalid_siret_says_what_is_wrong(value: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        validate_siret(value)
    assert reason in caught.value.reason
