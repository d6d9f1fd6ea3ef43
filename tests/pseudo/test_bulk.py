"""The bulk form gives, row for row, the pseudonyms of the single form; a bad row stops the whole file."""

from __future__ import annotations

import os
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from vigie.errors import InvalidInput
from vigie.pseudo.bulk import national_bulk
from vigie.pseudo.keys import KeyRole, PseudoKey
from vigie.pseudo.pseudonyms import Person, national

KEYS = {role: PseudoKey(role, "2026-2027", os.urandom(32)) for role in KeyRole}


def _people(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    departments = ["75", "2A", "2B", "13", "97"]
    nirs = [
        f"{rng.integers(1, 3)}{rng.integers(10, 100)}{rng.integers(1, 13):02d}{departments[rng.integers(0, 5)]}"
        f"{rng.integers(0, 1000):03d}{rng.integers(1, 1000):03d}"
        for _ in range(n)
    ]
    return pl.DataFrame(
        {
            "nir": nirs,
            "birth": [date(1940, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 30_000, n)],
            "sex": rng.integers(1, 3, n),
            "twin_rank": rng.choice([1, 1, 1, 2], n),
        }
    )


@pytest.mark.parametrize(("workers", "algorithm"), [(1, "blake2b"), (2, "blake2b"), (1, "hmac-sha256")])
def test_bulk_equals_single_row_for_row(workers: int, algorithm: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("vigie.pseudo.bulk.PARALLEL_FROM", 10)  # exercise the worker processes on a small file
    people = _people(400, 3)
    bulk = national_bulk(KEYS, people, algorithm_name=algorithm, workers=workers).to_list()
    single = national(
        KEYS, [Person(r["nir"], r["birth"], r["sex"], r["twin_rank"]) for r in people.iter_rows(named=True)], algorithm
    )
    assert bulk == single


def test_shuffling_the_file_shuffles_the_pseudonyms_with_it() -> None:
    people = _people(200, 4).with_row_index("i")
    shuffled = people.sample(fraction=1.0, shuffle=True, seed=9)
    by_row = dict(zip(people["i"], national_bulk(KEYS, people.drop("i")), strict=True))
    again = dict(zip(shuffled["i"], national_bulk(KEYS, shuffled.drop("i")), strict=True))
    assert by_row == again


@pytest.mark.parametrize(
    ("column", "value"), [("nir", "12345"), ("sex", 3), ("twin_rank", 0), ("nir", "1850578X06084")]
)
def test_a_bad_row_refuses_the_file_and_names_the_row(column: str, value: object) -> None:
    people = _people(5, 5).with_columns(
        pl.when(pl.int_range(pl.len()) == 3).then(pl.lit(value)).otherwise(pl.col(column)).alias(column)
    )
    with pytest.raises(InvalidInput, match="ligne 4"):
        national_bulk(KEYS, people)
