"""The population is realistic, follows the policy, gives retention work, and is reproducible."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from demo_support import TODAY, Population
from sqlalchemy import Engine, insert, select

from vigie.demo import writer
from vigie.demo.batch import Batch
from vigie.demo.seed import has_population
from vigie.demo.spec import allowed_pairs, build_spec
from vigie.errors import InvalidInput, PopulationExists
from vigie.register import Policy, Register
from vigie.register.models import OrganisationKind
from vigie.store import connect, migrate, open_database
from vigie.store.schema import records, subjects
from vigie.taxonomy import Category, SubjectKind


def _years_ago(years: float) -> dt.date:
    return TODAY - dt.timedelta(days=round(years * 365.25))


def test_subjects_are_attached_to_local_cpams_weighted_by_population(
    engine: Engine, seeded: Callable[..., Population], register: Register
) -> None:
    """Only local funds (never the Cnam) hold people, and the Nord's CPAM holds more than the Lozère's."""
    population = seeded(engine, 3000)
    local = {o.code for o in register.organisations.values() if o.kind is OrganisationKind.LOCAL}
    counts = Counter(s["organisation_code"] for s in population.subjects)
    assert set(counts) <= local
    assert len(counts) > 60
    assert counts["CPAM-59"] > 3 * counts["CPAM-48"]


def test_every_record_is_a_use_the_policy_allows_for_its_subject_kind(
    engine: Engine, seeded: Callable[..., Population], policy: Policy
) -> None:
    """(processing, kind, category) of each record is in the compiled policy; events belong to the processing."""
    population = seeded(engine, 800)
    kind_of = {s["id"]: SubjectKind(s["kind"]) for s in population.subjects}
    for record in population.records:
        kind = kind_of[record["subject_id"]]
        assert (record["processing_id"], kind, Category(record["category"])) in policy.uses
        if record["event"] is None:
            assert record["event_on"] is None
        else:
            rules = policy.retention_rules(record["processing_id"])
            assert record["event"] in {rule.event.value for rule in rules}
    assert len({r["processing_id"] for r in population.records}) >= 10
    assert population.report.records == len(population.records)


def test_pairs_offered_for_a_kind_are_exactly_the_policys(policy: Policy, register: Register) -> None:
    """Pairs come from `categories_of` only; a kind the policy drops gets no records at all."""
    kind = SubjectKind.SELF_EMPLOYED
    expected = {(pid, c.value) for (pid, k), cats in policy.categories_of.items() if k is kind for c in cats}
    assert {(p.processing, p.category) for p in allowed_pairs(policy, kind)} == expected
    narrowed = dataclasses.replace(
        policy, categories_of={key: cats for key, cats in policy.categories_of.items() if key[1] is not kind}
    )
    spec = build_spec(register, narrowed, seed=0, today=TODAY, records_per_subject=10.0)
    assert spec.kind_record_means[spec.kinds.index(kind)] == 0.0
    assert sum(m * s for m, s in zip(spec.kind_record_means, spec.kind_shares, strict=True)) == pytest.approx(10.0)


def test_mix_of_kinds_is_mostly_insured_with_professionals_employers_and_relatives(
    engine: Engine, seeded: Callable[..., Population]
) -> None:
    """Insured people dominate; professionals, establishments, employers, self-employed and relatives exist."""
    population = seeded(engine, 2000)
    kinds = Counter(s["kind"] for s in population.subjects)
    assert kinds[SubjectKind.INSURED] > 0.8 * 2000
    for kind in ("health_professional", "employer", "self_employed", "relative"):
        assert kinds[kind] > 0, kind
    assert 8 < population.report.records / 2000 < 12


def test_lifecycle_dates_are_spread_so_that_retention_has_work(
    engine: Engine, seeded: Callable[..., Population]
) -> None:
    """Rights ended over nine years (some past five), many open, some deaths, activities ended; records inside."""
    population = seeded(engine, 2000)
    insured = [s for s in population.subjects if s["kind"] == SubjectKind.INSURED]
    ended = [s["rights_end_on"] for s in insured if s["rights_end_on"] is not None]
    assert 0.15 * len(insured) < len(ended) < 0.5 * len(insured)
    assert sum(d < _years_ago(5) for d in ended) > 0.2 * len(ended)
    assert min(ended) >= _years_ago(9.1) and max(ended) <= TODAY
    assert any(s["death_on"] is not None for s in insured)
    professionals = [s for s in population.subjects if s["kind"] == SubjectKind.HEALTH_PROFESSIONAL]
    assert any(s["activity_end_on"] is not None for s in professionals)
    subject_of = {s["id"]: s for s in population.subjects}
    for record in population.records:
        subject = subject_of[record["subject_id"]]
        ends = [d for d in (subject["rights_end_on"], subject["death_on"], subject["activity_end_on"]) if d]
        assert _years_ago(12.1) <= record["recorded_on"] <= min([TODAY, *ends])
        assert record["recorded_on"] >= subject["created_on"]
        if record["event_on"] is not None:
            assert record["recorded_on"] <= record["event_on"] <= TODAY or record["event"] == "dmp_closure"
    events = Counter(r["event"] for r in population.records)
    assert {"alert_recorded", "prevention_action", "support_end"} <= set(events)


def _plain(population: Population) -> tuple[list[object], list[object]]:
    people = [(s["kind"], s["organisation_code"], s["identity_plain"], s["created_on"]) for s in population.subjects]
    rows = [
        (r["processing_id"], r["category"], r["plaintext"], r["recorded_on"], r["event"], r["event_on"])
        for r in population.records
    ]
    return people, rows


def test_same_seed_gives_the_same_people_and_records_with_fresh_ciphertexts(
    engine: Engine, seeded: Callable[..., Population], tmp_path: Path
) -> None:
    """Two seeds with the same seed (here across engines too) decrypt to the same data; keys and nonces differ."""
    first = seeded(engine, 500, seed=42)
    other_engine = open_database(f"sqlite:///{tmp_path / 'second.db'}")
    migrate(other_engine)
    second = seeded(other_engine, 500, seed=42)
    assert _plain(first) == _plain(second)
    assert first.records[0]["payload"] != second.records[0]["payload"]
    assert first.subjects[0]["wrapped_key"] != second.subjects[0]["wrapped_key"]
    third_engine = open_database(f"sqlite:///{tmp_path / 'third.db'}")
    migrate(third_engine)
    assert _plain(seeded(third_engine, 500, seed=43)) != _plain(first)
    other_engine.dispose()
    third_engine.dispose()


def test_worker_processes_build_the_same_population_as_a_single_process(
    seeded: Callable[..., Population], tmp_path: Path
) -> None:
    """Batches built by a pool of processes equal those built in-process: workers never change the data."""
    engines = []
    for name in ("inline", "pool"):
        engines.append(open_database(f"sqlite:///{tmp_path / name}.db"))
        migrate(engines[-1])
    inline = seeded(engines[0], 900, batch_size=300, workers=1)
    pooled = seeded(engines[1], 900, batch_size=300, workers=2)
    assert _plain(inline) == _plain(pooled)
    assert [s["id"] for s in pooled.subjects] == list(range(1, 901))
    for engine in engines:
        engine.dispose()


def test_seeding_refuses_a_database_that_already_holds_people(
    engine: Engine, seeded: Callable[..., Population]
) -> None:
    """A second seed raises PopulationExists (French message) and writes nothing."""
    first = seeded(engine, 50)
    assert has_population(engine)
    with pytest.raises(PopulationExists, match="déjà une population"):
        seeded(engine, 50)
    with connect(engine) as connection:
        assert len(connection.execute(select(records.c.id)).all()) == first.report.records


def test_ids_continue_after_the_seed_so_later_inserts_do_not_collide(
    engine: Engine, seeded: Callable[..., Population]
) -> None:
    """On PostgreSQL the id sequences are moved past the assigned ids; SQLite continues from the maximum."""
    population = seeded(engine, 120)
    with connect(engine) as connection:
        new_id = connection.execute(
            insert(subjects)
            .values(kind="insured", organisation_code="CPAM-75", created_on=TODAY, restricted=False)
            .returning(subjects.c.id)
        ).scalar_one()
    assert new_id == population.subjects[-1]["id"] + 1


@pytest.mark.parametrize(
    ("count", "options", "field"),
    [
        (0, {}, "nombre de personnes"),
        (-5, {}, "nombre de personnes"),
        (10, {"seed": -1}, "graine"),
        (10, {"records_per_subject": -1.0}, "enregistrements"),
        (10, {"records_per_subject": float("nan")}, "enregistrements"),
    ],
)
def test_impossible_requests_are_refused_before_anything_is_written(
    engine: Engine, seeded: Callable[..., Population], count: int, options: dict[str, object], field: str
) -> None:
    """Bad sizes, seeds or record rates raise InvalidInput naming the field; the database stays empty."""
    with pytest.raises(InvalidInput, match=field):
        seeded(engine, count, **options)
    assert not has_population(engine)


def test_a_failure_mid_load_leaves_only_whole_batches(
    engine: Engine, seeded: Callable[..., Population], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each batch is one transaction: when the second batch fails half-way, the first stays whole."""
    real_fields = writer._record_fields

    def failing_ids(batch: Batch) -> Iterator[int]:
        for index in range(batch.records):
            if batch.subject_start > 1 and index == 50:
                raise RuntimeError("panne simulée")
            yield batch.record_start + index

    def failing_fields(batch: Batch, dates: Any) -> dict[str, Any]:
        return {**real_fields(batch, dates), "id": failing_ids(batch)}

    monkeypatch.setattr(writer, "_record_fields", failing_fields)
    with pytest.raises(RuntimeError, match="panne simulée"):
        seeded(engine, 300, batch_size=100, workers=1)
    with connect(engine) as connection:
        subject_ids = connection.execute(select(subjects.c.id)).scalars().all()
        record_subjects = set(connection.execute(select(records.c.subject_id)).scalars().all())
    assert sorted(subject_ids) == list(range(1, 101))
    assert record_subjects <= set(subject_ids) and len(record_subjects) > 90
