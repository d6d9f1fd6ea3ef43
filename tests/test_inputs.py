"""Parsing at the edges (`vigie.inputs`): nothing widens a request, nothing malformed passes, messages quote
values cut short and printable."""

from __future__ import annotations

import pytest

from vigie import inputs
from vigie.errors import InvalidInput


@pytest.mark.parametrize("typed", ["4_1", "+41", "-1", "0", " 41", "41 ", "４１", "٤١", "4.1", "0x29", "", "abc"])
def test_a_subject_id_is_ascii_digits_only_and_at_least_1(typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        inputs.subject_id(typed)
    assert caught.value.field == "personne"


@pytest.mark.parametrize("typed", [str(2**63), "9" * 19, 2**63, 0, -5])
def test_a_subject_id_beyond_the_database_range_is_bad_input_not_an_overflow(typed: str | int) -> None:
    with pytest.raises(InvalidInput, match="hors limites"):
        inputs.subject_id(typed)


def test_subject_ids_in_range_parse_to_their_number() -> None:
    assert inputs.subject_id("41") == 41
    assert inputs.subject_id("0041") == 41
    assert inputs.subject_id(str(2**63 - 1)) == 2**63 - 1
    assert inputs.subject_id(7) == 7


def test_a_nir_typed_as_an_id_is_bad_input() -> None:
    with pytest.raises(InvalidInput, match="21 caractères, au plus 19"):
        inputs.subject_id("1 85 05 78 006 084 36")
    with pytest.raises(InvalidInput, match="identifiant numérique attendu"):
        inputs.subject_id("185 05 2A 006 084")
    # 15 bare digits are an id as far as syntax goes: the gate then refuses an unknown person, and the journal
    # names it by its keyed pseudonym only (tests/access/test_hostile_input.py)


@pytest.mark.parametrize("typed", [",,,", " , ", "", "   "])
def test_a_category_list_that_parses_to_nothing_is_bad_input_never_everything(typed: str) -> None:
    with pytest.raises(InvalidInput, match="aucune catégorie"):
        inputs.parse_categories(typed)
    with pytest.raises(InvalidInput, match="aucune catégorie"):
        inputs.parse_categories([typed.replace(",", "")] * 2)
    with pytest.raises(InvalidInput, match="aucune catégorie"):
        inputs.parse_categories([])


def test_only_an_absent_category_list_means_every_category() -> None:
    assert inputs.parse_categories(None) is None
    assert inputs.parse_categories(" contact, nir,contact ") == ("contact", "nir")
    assert inputs.parse_categories(["contact"]) == ("contact",)
    with pytest.raises(InvalidInput, match="catégorie inconnue"):
        inputs.parse_categories("contact,horoscope")


@pytest.mark.parametrize(
    ("typed", "what"),
    [
        ("social\x00support", "caractère nul en position 7"),
        ("social\ud800", "demi-paire de substitution"),
        ("social\x1b[31m", "caractère de contrôle en position 7"),
        ("social\x85", "caractère de contrôle"),
    ],
)
def test_text_with_nul_lone_surrogates_or_control_characters_is_bad_input(typed: str, what: str) -> None:
    with pytest.raises(InvalidInput, match=what) as caught:
        inputs.purpose(typed)
    str(caught.value).encode("utf-8")  # the message itself always encodes


def test_a_one_megabyte_purpose_is_refused_by_length_and_quoted_cut_short() -> None:
    with pytest.raises(InvalidInput) as caught:
        inputs.purpose("x" * 1_000_000)
    message = str(caught.value)
    assert "1000000 caractères, au plus 64 permis" in message
    assert len(message) < 200 and "x" * inputs.SHOWN + "…" in message
    assert caught.value.typed is not None and len(caught.value.typed) == 1_000_000  # kept for the keyed hash only


@pytest.mark.parametrize(
    ("field", "parse"),
    [
        ("purpose", inputs.purpose),
        ("recipient", inputs.recipient),
        ("agent", inputs.agent_id),
    ],
)
def test_every_field_has_a_length_limit(field: str, parse: object) -> None:
    assert callable(parse)
    limit = inputs.LIMITS[field]
    parse("a" * limit)
    with pytest.raises(InvalidInput, match=f"au plus {limit} permis"):
        parse("a" * (limit + 1))
