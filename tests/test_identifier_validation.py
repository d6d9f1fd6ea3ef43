"""NIR and SIRET validation says what is wrong in French, never with a stack trace."""

from __future__ import annotations

import pytest
from stdnum.fr import nir as stdnum_nir

from vigie.errors import InvalidIdentifier
from vigie.identifiers import format_nir, validate_nir, validate_siret

VALID_NIR = "2950775123456" + stdnum_nir.calc_check_digits("2950775123456")


def test_valid_nir_is_returned_compact() -> None:
    spaced = " ".join([VALID_NIR[:1], VALID_NIR[1:3], VALID_NIR[3:5], VALID_NIR[5:7], VALID_NIR[7:]])
    assert validate_nir(spaced) == VALID_NIR
    assert format_nir(VALID_NIR).replace(" ", "") == VALID_NIR


def test_corsican_nir_is_accepted() -> None:
    body = "185052A006084"
    assert validate_nir(body + stdnum_nir.calc_check_digits(body)) == body + stdnum_nir.calc_check_digits(body)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("12345", "longueur incorrecte : 5 caractères au lieu de 15"),
        (VALID_NIR[:-2] + ("00" if VALID_NIR[-2:] != "00" else "01"), "clé de contrôle incorrecte"),
        ("1850578006084AB", "format incorrect"),
    ],
)
def test_invalid_nir_says_what_is_wrong(value: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        validate_nir(value)
    assert reason in caught.value.reason
    assert caught.value.field == "NIR"
    assert value in str(caught.value)


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
