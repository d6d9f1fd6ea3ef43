"""The statistics gate (`access.extracts`): opened only for an agent whose role serves a processing the register
marks for pseudonymised statistics, every refusal journaled with who asked what; then each person is decided on,
journaled before anything of the batch is decrypted, and only the allowed people are read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine

from vigie import vault
from vigie.access.extracts import SOURCE, StatisticsGate, StatisticsRead
from vigie.audit import AuditAction, subject_pseudonym
from vigie.audit.testing import RecordingJournal
from vigie.environment import Environment
from vigie.errors import AccessRefused, InvalidInput
from vigie.store import connect
from vigie.taxonomy import SubjectKind

EnvFactory = Callable[..., Environment]
TODAY = date(2026, 11, 28)
CATEGORIES = ("health.care",)


def _read(
    agent: str, processing: str = "prevention_campaigns", *, identity: bool = False, decrypt_records: bool = True
) -> StatisticsRead:
    return StatisticsRead(agent, processing, SubjectKind.INSURED, CATEGORIES, identity, decrypt_records)


@pytest.mark.parametrize(
    ("agent", "processing", "reason", "journaled_agent"),
    [
        ("paris-prevention", "dmp", "le traitement « dmp » ne prévoit pas de statistiques sur données pseudonymisées",
         "paris-prevention"),
        ("inconnu", "prevention_campaigns", "agent inconnu : « inconnu »", "inconnu"),
        ("a" * 40, "prevention_campaigns", f"agent inconnu : « {'a' * 32} »", "a" * 32),
        ("paris-droits", "prevention_campaigns",
         "aucun rôle de l'agent ne sert le traitement « prevention_campaigns » (besoin d'en connaître)",
         "paris-droits"),
    ],
)  # fmt: skip
def test_a_refused_extract_is_journaled_with_its_agent_processing_categories_and_source(
    make_env: EnvFactory, engine: Engine, agent: str, processing: str, reason: str, journaled_agent: str
) -> None:
    journal = RecordingJournal()
    with pytest.raises(AccessRefused) as refused:
        StatisticsGate(make_env(engine, demo_agents=True), journal, _read(agent, processing), TODAY)
    (event,) = journal.events
    assert refused.value.reason == event.reason == reason and refused.value.entry == 1
    assert (event.action, event.allowed, event.agent_id, event.purpose, event.categories, event.source) == (
        AuditAction.READ, False, journaled_agent, processing, CATEGORIES, SOURCE
    )  # fmt: skip


def test_an_unknown_processing_is_bad_input(make_env: EnvFactory, engine: Engine) -> None:
    with pytest.raises(InvalidInput) as refused:
        StatisticsGate(
            make_env(engine, demo_agents=True), RecordingJournal(), _read("paris-prevention", "x" * 80), TODAY
        )
    assert (refused.value.field, refused.value.value) == ("traitement", "x" * 64)
    assert refused.value.reason == "traitement inconnu du registre"


def test_batches_journal_each_person_then_read_only_the_allowed(make_env: EnvFactory, engine: Engine) -> None:
    env = make_env(engine, demo_agents=True)
    people = []
    with connect(engine) as connection:
        for n, organisation in enumerate(("CPAM-75", "CPAM-69", "CPAM-75", "CPAM-75", "CPAM-75")):
            sid = vault.add_subject(
                connection, env.keyring, kind=SubjectKind.INSURED, organisation=organisation,
                identity={"nom": f"Nom{n}"}, created_on=date(2015, 1, 1),
            )  # fmt: skip
            vault.add_record(
                connection, env.keyring, sid, processing="prevention_campaigns", category="health.care",
                payload={"action": f"vaccin {n}"}, recorded_on=date(2026, 2, 1),
            )  # fmt: skip
            people.append(sid)
    journal = RecordingJournal()
    gate = StatisticsGate(env, journal, _read("paris-prevention", identity=True), TODAY)
    assert gate.population() == 5
    batches = list(gate.batches(batch_size=2))
    assert [(len(b.subjects), b.refused, b.entries) for b in batches] == [(1, 1, 2), (2, 0, 2), (1, 0, 1)]
    read = [s for b in batches for s in b.subjects]
    assert [s.subject_id for s in read] == [people[0], people[2], people[3], people[4]]  # Lyon is refused
    assert read[0].identity == {"nom": "Nom0"} and read[0].records[0].payload == {"action": "vaccin 0"}
    assert [(e.allowed, e.subject_ref) for e in journal.events] == [
        (sid != people[1], subject_pseudonym(env.keyring, sid)) for sid in people
    ]
    for event in journal.events:
        assert (event.action, event.agent_id, event.purpose, event.categories, event.source) == (
            AuditAction.READ, "paris-prevention", "prevention_campaigns", CATEGORIES, SOURCE
        )  # fmt: skip


def test_a_count_only_extract_reads_the_dates_and_opens_no_record(make_env: EnvFactory, engine: Engine) -> None:
    env = make_env(engine, demo_agents=True)
    with connect(engine) as connection:
        sid = vault.add_subject(
            connection, env.keyring, kind=SubjectKind.INSURED, organisation="CPAM-75", identity={"nom": "Nom"},
            created_on=date(2015, 1, 1),
        )  # fmt: skip
        vault.add_record(
            connection, env.keyring, sid, processing="prevention_campaigns", category="health.care",
            payload={"action": "vaccin"}, recorded_on=date(2026, 2, 1),
        )  # fmt: skip
    gate = StatisticsGate(env, RecordingJournal(), _read("paris-prevention", decrypt_records=False), TODAY)
    ((person,),) = [b.subjects for b in gate.batches()]
    assert [(r.recorded_on, r.payload) for r in person.records] == [(date(2026, 2, 1), {})]
