"""The vectorised NIR check gives every value the same verdict and the same reason as the single form."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigie.nir import REASONS, Kind, Month, NirCheck, Reason, check_nir, nir_key
from vigie.nir_bulk import NirChecks, check_nirs

_ALPHABET = "0123456789" * 6 + "AaBbCX \x00\x01é٣０\ud800"
_DEPARTMENTS = ["75", "01", "95", "2A", "2B", "2a", "20", "96", "00", "97", "98", "99", "9A", "A5"]


def _summary(verdict: NirCheck) -> tuple[Reason, Kind, Month, bool]:
    return verdict.reason, verdict.kind, verdict.month, verdict.keyless


def assert_same_as_single(values: list[str], bulk: NirChecks) -> None:
    """Element by element: reason, kind, month flag, keyless flag and French message."""
    messages = bulk.messages()
    for index, value in enumerate(values):
        single = check_nir(value)
        assert _summary(bulk.at(index)) == _summary(single), repr(value)
        assert messages[index] == single.message
    assert bulk.valid.tolist() == [check_nir(v).valid for v in values]


def nir_like(rng: random.Random) -> str:
    """A NIR-shaped value near the rules' edges, then maybe damaged by a few edits."""
    first = rng.choice("0123456789")
    month = rng.choice(["00", "01", "12", "13", "19", "20", "30", "31", "42", "43", "49", "50", "99", "X1"])
    department = rng.choice(_DEPARTMENTS)
    place = department + (
        f"{rng.choice([0, 1, 4, 8, 9])}{rng.choice(['00', '01', '23', '99'])}"
        if department in ("97", "98")
        else rng.choice(["000", "001", "100", "101", "352", "599", "600", "999"])
    )
    body = f"{first}{rng.randrange(100):02d}{month}{place}{rng.choice(['000', '001', '084', '999'])}"
    value = body
    if rng.random() < 0.8 and len(body) == 13 and body.isascii() and (body[:5] + body[7:]).isdigit():
        corsica = {"2A": "19", "2B": "18", "2a": "19"}
        digits = body[:5] + corsica.get(body[5:7], body[5:7]) + body[7:]
        if digits.isdigit():
            value += f"{97 - int(digits) % 97:02d}"
    chars = list(value)
    for _ in range(rng.choice([0, 0, 0, 1, 2])):
        position = rng.randrange(len(chars) + 1)
        action = rng.randrange(3)
        if action == 0 and chars:
            chars[min(position, len(chars) - 1)] = rng.choice(_ALPHABET)
        elif action == 1:
            chars.insert(position, rng.choice(_ALPHABET))
        elif chars:
            del chars[min(position, len(chars) - 1)]
    if rng.random() < 0.05:
        chars.insert(rng.randrange(len(chars) + 1), " ")
    return "".join(chars)


def adversarial(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [nir_like(rng) for _ in range(count)]


def test_adversarial_values_get_the_single_forms_verdict_and_every_reason_occurs() -> None:
    values = adversarial(40_000, 1)
    bulk = check_nirs(values)
    assert_same_as_single(values, bulk)
    assert set(bulk.reason.tolist()) == {int(r) for r in Reason}
    assert set(bulk.kind.tolist()) == {int(k) for k in Kind}
    assert set(bulk.month.tolist()) == {int(m) for m in Month}


def test_a_numpy_unicode_column_gets_the_same_verdicts_as_a_list() -> None:
    values = [v for v in adversarial(20_000, 2) if not v.endswith("\x00")]  # numpy drops a final NUL itself
    from_list = check_nirs(values)
    from_array = check_nirs(np.array(values, dtype=np.str_))
    for field in ("reason", "kind", "month", "keyless"):
        assert np.array_equal(getattr(from_list, field), getattr(from_array, field)), field
    overlong = [" " * 26 + "185057800608491", " " * 25 + "185057800608491"]  # 41 characters, then 40
    assert_same_as_single(overlong, check_nirs(np.array(overlong, dtype=np.str_)))


@pytest.mark.parametrize(
    "values",
    [
        ["185057800608491"] * 5,  # all the same length: read without a gather
        ["185057800608491", "1850578006084", "", "1 85 05 78 006 084 91"],  # mixed lengths and spaces
        ["185057800608491", "1850578006084é", "\ud800" * 15],  # non-ASCII: read as UTF-32
        ["185057800608491\x00", "185057800608491"],  # a final NUL is kept, so refused on the length
        ["1" * 41, "185057800608491", " " * 50],  # overlong values are not read, only refused
        [" 185 0578 006084 91 ", "1850578006084 91"],
    ],
)
def test_each_reading_path_agrees_with_the_single_form(values: list[str]) -> None:
    assert_same_as_single(values, check_nirs(values))


def test_an_empty_column_gives_empty_verdicts() -> None:
    bulk = check_nirs([])
    assert bulk.reason.shape == (0,) and bulk.valid.shape == (0,)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("0123456789 2ABab\x00é")), max_size=18), max_size=30))
def test_any_text_gets_the_single_forms_verdict(values: list[str]) -> None:
    assert_same_as_single(values, check_nirs(values))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=20), max_size=10))
def test_any_unicode_text_gets_the_single_forms_verdict(values: list[str]) -> None:
    assert_same_as_single(values, check_nirs(values))


@settings(max_examples=200, deadline=None)
@given(
    sex=st.sampled_from("12"),
    year=st.integers(0, 99),
    month=st.integers(1, 12),
    department=st.sampled_from(["01", "2A", "2B", "75", "95", "971", "976", "988", "99"]),
    commune=st.integers(1, 599),
    order=st.integers(1, 999),
)
def test_any_nir_built_by_the_rules_is_valid_in_both_forms(
    sex: str, year: int, month: int, department: str, commune: int, order: int
) -> None:
    place = f"{department}{commune % 99 + 1:02d}" if len(department) == 3 else f"{department}{commune:03d}"
    if department == "99":
        place = f"99{101 + commune % 499:03d}"
    body = f"{sex}{year:02d}{month:02d}{place}{order:03d}"
    value = f"{body}{nir_key(body):02d}"
    assert check_nir(value).valid
    assert check_nirs([value, body]).valid.all()
    assert check_nirs([value]).at(0).kind is Kind.NIR


def test_messages_are_the_shared_french_reasons() -> None:
    bulk = check_nirs(["12345", "185057800608491"])
    assert bulk.messages().tolist() == [REASONS[Reason.LENGTH], None]


def test_a_value_that_is_not_a_string_is_named_by_its_position() -> None:
    """A missing value (None) in a column is a caller's mistake, reported with its index, not guessed at."""
    with pytest.raises(TypeError, match="value 1 is a NoneType"):
        check_nirs(["185057800608491", None])  # type: ignore[list-item]


def test_a_long_column_read_in_blocks_gets_the_same_verdicts() -> None:
    values = adversarial(5_000, 3)
    whole, blocks = check_nirs(values, block=len(values)), check_nirs(values, block=7)
    column = check_nirs(np.array(values, dtype=np.str_), block=11)
    for field in ("reason", "kind", "month", "keyless"):
        assert np.array_equal(getattr(whole, field), getattr(blocks, field)), field
        kept = np.array([not v.endswith("\x00") for v in values])
        assert np.array_equal(getattr(whole, field)[kept], getattr(column, field)[kept]), field
