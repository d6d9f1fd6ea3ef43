"""Extracts end to end: through the gate, one journal entry per person, pseudonyms and no direct identifier out,
k reached by suppression within the budget, and nothing written when anything is refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from extract_world import SPEC, Population
from sqlalchemy import func, select

from vigie.audit import Journal, subject_pseudonym
from vigie.errors import AccessRefused, ExtractSpecError
from vigie.pseudo import pseudonyms
from vigie.pseudo.anonymity import k_anonymity
from vigie.pseudo.extract import CSV, PARQUET, REPORT, KTargetMissed, run_extract
from vigie.pseudo.spec import load_spec
from vigie.store import connect
from vigie.store.schema import audit_entries


def _run(population: Population, spec_path: Path, out: Path, agent: str = "paris-prevention"):  # type: ignore[no-untyped-def]
    env = population.env
    spec = load_spec(spec_path, env.register)
    with Journal(env.engine, env.keyring) as journal:
        return run_extract(env, journal, spec, agent, out, keys=population.keys)


def _entries(population: Population) -> list[tuple[str | None, bool]]:
    with connect(population.env.engine) as connection:
        return [
            (row.subject_ref, bool(row.allowed))
            for row in connection.execute(select(audit_entries.c.subject_ref, audit_entries.c.allowed))
        ]


def test_extract_reads_through_the_gate_and_journals_every_person(
    population: Population, spec_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "sortie"
    report = _run(population, spec_file, out)
    keyring = population.env.keyring
    entries = dict(_entries(population))
    # One entry per person decided on: allowed for Paris, refused for Lyon (local agent) and the restricted one.
    assert len(_entries(population)) == len(population.paris) + len(population.lyon) + 1 == report.journal_entries
    for person in population.paris:
        assert entries[subject_pseudonym(keyring, person.id)] is True
    for person in [*population.lyon, population.restricted]:
        assert entries[subject_pseudonym(keyring, person.id)] is False
    assert report.people_read == len(population.paris)
    assert report.people_refused == len(population.lyon) + 1
    data = pl.read_parquet(out / PARQUET)
    expected = set(
        pseudonyms.national(population.keys, [pseudonyms.Person(p.nir, p.birth, p.sex) for p in population.paris])
    )
    assert set(data["personne"]) <= expected
    refused = set(
        pseudonyms.national(
            population.keys,
            [pseudonyms.Person(p.nir, p.birth, p.sex) for p in [*population.lyon, population.restricted]],
        )
    )
    assert not set(data["personne"]) & refused


def test_extract_holds_no_direct_identifier_and_generalises(
    population: Population, spec_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "sortie"
    _run(population, spec_file, out)
    for name in (PARQUET, CSV, REPORT):
        body = (out / name).read_bytes()
        for person in population.paris:
            assert person.nir[:13].encode() not in body
            assert person.name.encode() not in body
        assert b"Lilas" not in body and b"appel de" not in body
    data = pl.read_csv(out / CSV, infer_schema=False)
    assert data.columns == ["personne", "age", "sexe", "departement", "trimestre", "action", "montant"]
    assert set(data["age"]) == {"20-39", "40-59", "60-79"}
    assert set(data["trimestre"]) == {"2026-T1", "2026-T2"}
    assert set(data["montant"]) <= {"<0", "0-50", "50-100", ">=100"}
    assert set(data["departement"]) == {"75"}


def test_extract_reaches_k_by_suppressing_small_classes_within_budget(
    population: Population, spec_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "sortie"
    report = _run(population, spec_file, out)
    data = pl.read_parquet(out / PARQUET)
    assert k_anonymity(data, ["age", "sexe", "departement"]).value >= 3
    assert report.suppressed_rows == 2  # the one child, alone in « 0-19 », and their two records
    assert report.rows == data.height == 2 * len(population.paris) - 2
    assert pl.read_csv(out / CSV).height == data.height


def test_per_study_pseudonyms_cannot_be_joined_to_national_ones(population: Population, tmp_path: Path) -> None:
    spec = tmp_path / "etude.yaml"
    spec.write_text(SPEC + "study: etude-2026\n", encoding="utf-8")
    _run(population, spec, tmp_path / "etude")
    national = tmp_path / "national.yaml"
    national.write_text(SPEC, encoding="utf-8")
    _run(population, national, tmp_path / "nat")
    a = set(pl.read_parquet(tmp_path / "etude" / PARQUET)["personne"])
    b = set(pl.read_parquet(tmp_path / "nat" / PARQUET)["personne"])
    assert len(a) == len(b) == len(population.paris) - 1
    assert not a & b


def _leftovers(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".sortie") or p.name == "sortie")


def test_agent_without_a_role_serving_the_processing_is_refused_journaled_nothing_written(
    population: Population, spec_file: Path, tmp_path: Path
) -> None:
    with pytest.raises(AccessRefused, match="aucun rôle"):
        _run(population, spec_file, tmp_path / "sortie", agent="paris-droits")
    assert _entries(population) == [(None, False)]
    assert _leftovers(tmp_path) == []


def test_k_out_of_budget_refuses_naming_the_classes_and_writes_nothing(population: Population, tmp_path: Path) -> None:
    spec = tmp_path / "strict.yaml"
    spec.write_text(SPEC.replace("max_suppression: 0.2", "max_suppression: 0.01"), encoding="utf-8")
    with pytest.raises(KTargetMissed, match="0-19") as caught:
        _run(population, spec, tmp_path / "sortie")
    assert caught.value.examples[0]["lignes"] == 2
    assert _leftovers(tmp_path) == []


def test_existing_output_directory_is_never_replaced(population: Population, spec_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "sortie"
    out.mkdir()
    (out / "garde.txt").write_text("x")
    with pytest.raises(Exception, match="existe déjà"):
        _run(population, spec_file, out)
    assert [p.name for p in out.iterdir()] == ["garde.txt"]


def test_population_count(population: Population) -> None:
    assert date(2026, 1, 1)  # population fixture builds on both engines
    with connect(population.env.engine) as connection:
        assert connection.scalar(select(func.count()).select_from(audit_entries)) == 0


_ = ExtractSpecError


def test_rotation_rewrites_pseudonyms_to_the_new_period_and_drops_people_no_longer_readable(
    population: Population, spec_file: Path, tmp_path: Path
) -> None:
    from sqlalchemy import update

    from vigie.pseudo.keys import KeyRole, load_key_file
    from vigie.pseudo.rotate import new_key_files, repseudonymise
    from vigie.store.schema import subjects

    before = tmp_path / "sortie"
    _run(population, spec_file, before)
    paths = new_key_files(population.key_files[KeyRole.SOURCE], population.key_files[KeyRole.CENTRAL], "2028-2029")
    new = {role: load_key_file(path, role) for role, path in paths.items()}
    gone = population.paris[0]
    with connect(population.env.engine) as connection:
        connection.execute(update(subjects).where(subjects.c.id == gone.id).values(restricted=True))
    env = population.env
    with Journal(env.engine, env.keyring) as journal:
        result = repseudonymise(
            env, journal, load_spec(spec_file, env.register), "paris-prevention", before, tmp_path / "apres",
            population.keys, new,
        )  # fmt: skip
    old_data = pl.read_parquet(before / PARQUET)
    new_data = pl.read_parquet(tmp_path / "apres" / PARQUET)
    assert result.dropped_rows == 2 and new_data.height == old_data.height - 2
    people = [p for p in population.paris if p is not gone]
    who = [pseudonyms.Person(p.nir, p.birth, p.sex) for p in people]
    old_of = dict(zip(pseudonyms.national(population.keys, who), pseudonyms.national(new, who), strict=True))
    kept = old_data.filter(pl.col("personne").is_in(list(old_of)))
    assert new_data["personne"].to_list() == [old_of[p] for p in kept["personne"]]
    assert new_data.drop("personne").equals(kept.drop("personne"))
    assert not set(new_data["personne"]) & set(old_data["personne"])
