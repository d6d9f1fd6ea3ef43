"""The demo's identifiers pass the checks vigie applies to real input."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from demo_support import Population
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from stdnum import iban, luhn

from vigie.crypto import blind_index
from vigie.demo import numbers, people
from vigie.demo.geography import POPULATION_THOUSANDS
from vigie.demo.people import department_index, nirs
from vigie.identifiers import validate_nir, validate_siret
from vigie.nir import Kind, Month, check_nir
from vigie.nir_bulk import check_nirs
from vigie.taxonomy import SubjectKind


def test_every_insured_person_has_a_valid_nir_matching_the_blind_index(
    engine: Engine, seeded: Callable[..., Population]
) -> None:
    """NIRs decrypted from identities validate (key included) and their keyed index is the stored one."""
    population = seeded(engine, 600)
    insured = [s for s in population.subjects if s["kind"] == SubjectKind.INSURED]
    assert len(insured) > 400
    for subject in insured:
        identity = subject["identity_plain"]
        assert validate_nir(identity["nir"]) == identity["nir"]
        assert subject["nir_index"] == blind_index(population.env.keyring, "nir", identity["nir"])
        sex, year, month = identity["nir"][0], identity["nir"][1:3], identity["nir"][3:5]
        assert sex == ("2" if identity["sexe"] == "F" else "1")
        assert identity["date_naissance"][2:4] == year and identity["date_naissance"][5:7] == month


def test_employers_and_establishments_have_valid_sirets_matching_the_blind_index(
    engine: Engine, seeded: Callable[..., Population]
) -> None:
    """SIREN and NIC keys are right (Luhn), and only SIRET holders get a SIRET index."""
    population = seeded(engine, 1500)
    holders = [s for s in population.subjects if s["siret_index"] is not None]
    assert {s["kind"] for s in holders} >= {SubjectKind.EMPLOYER, SubjectKind.HEALTH_ESTABLISHMENT}
    for subject in holders:
        siret = subject["identity_plain"]["siret"]
        assert validate_siret(siret) == siret
        assert subject["siret_index"] == blind_index(population.env.keyring, "siret", siret)
    assert all("siret" not in s["identity_plain"] for s in population.subjects if s["siret_index"] is None)


def test_nirs_cover_corsica_overseas_and_births_abroad() -> None:
    """Birth places include 2A/2B, the 97x départements and « 99 » + country, all with valid keys."""
    rng = np.random.default_rng(3)
    count = 20_000
    birth = np.full(count, np.datetime64("1980-03-15"), dtype="datetime64[D]")
    home = np.full(count, -1, dtype=np.int64)
    values, places = nirs(rng, rng.random(count) < 0.5, birth, home)
    assert all(validate_nir(v) == v for v in values)
    departments = {p[:2] for p in places} | {p[:3] for p in places if p.startswith("97")}
    assert {"2A", "2B", "99", "971", "974"} <= departments


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    count=st.integers(1, 3000),
    first_day=st.integers(-25_000, 20_000),
    home=st.sampled_from([None, "99", *POPULATION_THOUSANDS]),
)
def test_every_generated_nir_passes_the_validator_whatever_the_seed(
    seed: int, count: int, first_day: int, home: str | None
) -> None:
    """Any seed, birth dates from 1901 to 2024, any home département: every NIR is a plain valid NIR."""
    rng = np.random.default_rng(seed)
    birth = (first_day + rng.integers(0, 20_000, size=count)).astype("datetime64[D]")
    values, places = nirs(rng, rng.random(count) < 0.5, birth, np.full(count, department_index(home), dtype=np.int64))
    bulk = check_nirs(values)
    assert bulk.valid.all(), [v for v, ok in zip(values, bulk.valid.tolist(), strict=True) if not ok][:5]
    assert (bulk.kind == Kind.NIR).all() and (bulk.month == Month.KNOWN).all() and not bulk.keyless.any()
    for value, place in list(zip(values, places, strict=True))[:50]:
        assert check_nir(value).valid and value[5:10] == place


def test_generated_rpps_finess_and_iban_numbers_pass_their_checks() -> None:
    """RPPS and FINESS keys are Luhn keys; IBANs carry valid check digits."""
    rng = np.random.default_rng(5)
    assert all(luhn.is_valid(n) and len(n) == 11 for n in numbers.rpps_numbers(rng, 2000))
    assert all(luhn.is_valid(n) for n in numbers.finess_numbers(rng, np.full(500, 75, dtype=np.int64), 500))
    assert all(iban.is_valid(n) and n.startswith("FR") for n in numbers.ibans(rng, 2000))
    assert all(validate_siret(n) for n in numbers.sirets(rng, 5000))


def test_luhn_check_digit_matches_the_reference_algorithm() -> None:
    """The vectorised Luhn key equals python-stdnum's for arbitrary stems."""
    stems = np.random.default_rng(7).integers(0, 10**12, size=1000, dtype=np.int64)
    keys = numbers.luhn_check_digit(stems, 12)
    assert [int(luhn.calc_check_digit(f"{s:012d}")) for s in stems.tolist()] == keys.tolist()


def test_a_generator_drifting_from_the_rules_stops_before_seeding(monkeypatch: pytest.MonkeyPatch) -> None:
    """If the body builder produced order 000, `nirs` refuses its own column, naming the broken rule."""
    monkeypatch.setattr(people, "nir_numbers", lambda *parts: numbers.nir_numbers(*parts) // 1000 * 1000)
    rng = np.random.default_rng(1)
    birth = np.full(10, np.datetime64("1980-03-15"), dtype="datetime64[D]")
    with pytest.raises(RuntimeError, match=r"10 NIR de démonstration refusés .* numéro d'ordre impossible"):
        people.nirs(rng, rng.random(10) < 0.5, birth, np.full(10, -1, dtype=np.int64))
