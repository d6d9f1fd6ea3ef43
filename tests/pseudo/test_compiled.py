"""The compiled BLAKE2b path gives byte for byte what `hashlib` and the reference path give, and is really taken."""

from __future__ import annotations

import hashlib
import os
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from vigie.errors import ConfigurationError
from vigie.pseudo import blake2
from vigie.pseudo.bulk import _compiled, messages, national_bulk
from vigie.pseudo.keys import KeyRole, PseudoKey
from vigie.pseudo.pseudonyms import Person, national
from vigie.pseudo.strategies import DOUBLE, PERSON

KEYS = {role: PseudoKey(role, "2026-2027", os.urandom(32)) for role in KeyRole}


def _hashlib_double(first: bytes, second: bytes, tag: bytes, message: bytes) -> str:
    inner = hashlib.blake2b(message, key=first, digest_size=32, person=PERSON).digest()
    return hashlib.blake2b(tag + inner, key=second, digest_size=32, person=PERSON).hexdigest()


def _people(n: int, seed: int) -> pl.DataFrame:
    """People written the ways a file writes them: blanks around the NIR, its key or not, Corsica in any case."""
    rng = np.random.default_rng(seed)
    departments = ["75", "2A", "2B", "2a", "2b", "13", "97"]
    before, keys, after = ["", " ", "\t"], ["", "", "42", "07"], ["", " ", "\n"]
    nirs = [
        f"{rng.choice(before)}{rng.integers(1, 3)}{rng.integers(10, 100)}{rng.integers(1, 13):02d}"
        f"{departments[rng.integers(0, len(departments))]}{rng.integers(0, 1000):03d}{rng.integers(1, 1000):03d}"
        f"{rng.choice(keys)}{rng.choice(after)}"
        for _ in range(n)
    ]
    return pl.DataFrame(
        {
            "nir": nirs,
            "birth": [date(1900, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 45_000, n)],
            "sex": rng.integers(1, 3, n),
            "twin_rank": rng.integers(1, 10, n),
        }
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_compiled_digest_is_hashlibs_on_random_keys_prefixes_and_tags(seed: int) -> None:
    rng = np.random.default_rng(seed)
    first, second = rng.bytes(int(rng.integers(1, 65))), rng.bytes(int(rng.integers(1, 65)))
    tag = rng.bytes(int(rng.integers(0, 97)))  # every tag length, aligned on a word or not
    prefix = rng.bytes(int(rng.integers(0, 103)))  # messages of 26 to 128 bytes
    people = _people(200, seed)
    nir = people["nir"].to_arrow(compat_level=pl.CompatLevel.oldest())
    _, offsets, data = nir.buffers()
    out = np.zeros((people.height, 64), dtype=np.uint8)
    states = blake2.keyed_state(first, PERSON), blake2.keyed_state(second, PERSON)
    columns = (
        np.frombuffer(data, dtype=np.uint8),
        np.frombuffer(offsets, dtype=np.int64),
        people["birth"].to_physical().to_numpy(),
        people["sex"].to_numpy(),
        people["twin_rank"].to_numpy(),
    )
    assert blake2.people_hex(*columns, prefix, *states, tag, 0, 120, out) == -1
    assert blake2.people_hex(*columns, prefix, *states, tag, 120, people.height, out) == -1
    expected = [
        _hashlib_double(first, second, tag, prefix + b"%s|%s|%d|%d" % (n.strip().upper()[:13].encode(),
                        b.strftime("%Y%m%d").encode(), s, r))
        for n, b, s, r in people.select("nir", "birth", "sex", "twin_rank").iter_rows()
    ]  # fmt: skip
    assert [bytes(row).decode() for row in out] == expected


def _reference(people: pl.DataFrame) -> list[str]:
    return [d.hex() for d in DOUBLE.apply(KEYS, messages(people))]


@pytest.mark.parametrize("workers", [1, 3])
def test_the_compiled_path_is_taken_and_equals_the_reference_in_any_row_order(
    workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("vigie.pseudo.bulk.THREADS_FROM", 50)  # several threads on a small file
    people = _people(1_000, 7).with_row_index("i")
    shuffled = people.sample(fraction=1.0, shuffle=True, seed=3)
    for frame in (people, shuffled):
        compiled = _compiled(KEYS, frame.drop("i"), workers)
        assert compiled is not None
        assert compiled.to_list() == _reference(frame.drop("i"))
    by_row = dict(zip(people["i"], national_bulk(KEYS, people.drop("i"), workers=workers), strict=True))
    again = dict(zip(shuffled["i"], national_bulk(KEYS, shuffled.drop("i"), workers=workers), strict=True))
    assert by_row == again


def test_the_compiled_path_equals_the_single_form() -> None:
    people = _people(300, 8)
    single = national(
        KEYS, [Person(r["nir"], r["birth"], r["sex"], r["twin_rank"]) for r in people.iter_rows(named=True)]
    )
    assert national_bulk(KEYS, people).to_list() == single


def test_each_key_pass_counts_in_the_compiled_path() -> None:
    people = _people(50, 9)
    base = national_bulk(KEYS, people).to_list()
    for role in KeyRole:
        other = {**KEYS, role: PseudoKey(role, "2026-2027", os.urandom(32))}
        changed = national_bulk(other, people).to_list()
        assert all(a != b for a, b in zip(base, changed, strict=True))
    with pytest.raises(ConfigurationError, match="manquante"):
        national_bulk({KeyRole.SOURCE: KEYS[KeyRole.SOURCE]}, people)


@pytest.mark.parametrize(
    ("column", "value"),
    [("nir", "\u00a01850578006084"), ("birth", date(999, 5, 1)), ("sex", "1"), ("twin_rank", None)],
)
def test_rows_the_compiled_path_does_not_read_go_the_reference_way(column: str, value: object) -> None:
    people = _people(40, 10).with_columns(
        pl.when(pl.int_range(pl.len()) == 5).then(pl.lit(value)).otherwise(pl.col(column)).alias(column)
    )
    if column == "twin_rank":
        people = people.drop("twin_rank")  # no rank column: every rank is 1, as in the reference
    if column == "sex":
        people = people.with_columns(pl.col("sex").cast(pl.String))
    compiled = _compiled(KEYS, people, 1)
    if column in ("nir", "birth"):
        assert compiled is None
    assert national_bulk(KEYS, people).to_list() == _reference(people)


def test_an_empty_file_has_no_pseudonyms() -> None:
    people = _people(3, 11).head(0)
    assert national_bulk(KEYS, people).to_list() == []
