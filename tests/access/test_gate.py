"""The gate service: one journal entry per call, allowed or refused, and data only after its entry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, select
from stdnum.fr import nir as stdnum_nir

from vigie import vault
from vigie.access.service import Gate
from vigie.audit import AuditEvent, Journal, check, subject_pseudonym
from vigie.crypto import Keyring
from vigie.environment import Environment
from vigie.errors import AccessRefused, InvalidIdentifier
from vigie.store import connect
from vigie.store.schema import audit_entries
from vigie.taxonomy import SubjectKind

TODAY = date(2026, 11, 28)


@dataclass(frozen=True)
class World:
    env: Environment
    journal: Journal
    paris: int
    lyon: int


@pytest.fixture
def world(engine: Engine, make_env: Callable[..., Environment], keyring: Keyring) -> Iterator[World]:
    env = make_env(engine, demo_agents=True)
    with connect(engine) as connection:
        paris = vault.add_subject(
            connection,
            keyring,
            kind=SubjectKind.INSURED,
            organisation="CPAM-75",
            identity={"nom": "Lefebvre", "prenom": "Jeanne", "adresse": "12 rue des Lilas"},
            created_on=date(2015, 3, 1),
            nir="2850578006084" + stdnum_nir.calc_check_digits("2850578006084"),
        )
        vault.add_record(
            connection,
            keyring,
            paris,
            processing="social_support",
            category="social_situation",
            payload={"situation": "isolement"},
            recorded_on=date(2026, 2, 1),
        )
        vault.add_record(
            connection,
            keyring,
            paris,
            processing="rights_benefits",
            category="health.care",
            payload={"acte": "HBQK002"},
            recorded_on=date(2026, 3, 1),
        )
        lyon = vault.add_subject(
            connection,
            keyring,
            kind=SubjectKind.INSURED,
            organisation="CPAM-69",
            identity={"nom": "Roux"},
            created_on=date(2016, 1, 1),
        )
    with Journal(engine, keyring) as journal:
        yield World(env, journal, paris, lyon)


def journal_rows(world: World) -> list[Any]:
    with connect(world.env.engine) as connection:
        return list(connection.execute(select(audit_entries).order_by(audit_entries.c.seq)))


def test_allowed_read_returns_only_the_requested_categories_and_is_journaled(world: World) -> None:
    gate = Gate(world.env, world.journal)
    view = gate.read("paris-social", world.paris, "social_support", ("social_situation",), TODAY)
    assert [r.payload for r in view.records] == [{"situation": "isolement"}]
    assert view.identity == {}  # no identity category was asked for
    (row,) = journal_rows(world)
    assert row.action == "read" and row.allowed
    assert row.subject_ref == subject_pseudonym(world.env.keyring, world.paris)
    assert row.purpose == "social_support"


def test_identity_is_cut_to_the_categories_granted(world: World) -> None:
    view = Gate(world.env, world.journal).read(
        "paris-social", world.paris, "social_support", ("identification",), TODAY
    )
    assert view.identity == {"nom": "Lefebvre", "prenom": "Jeanne"}


def test_default_categories_are_those_the_processing_uses_for_the_kind(world: World) -> None:
    view = Gate(world.env, world.journal).read("paris-droits", world.paris, "rights_benefits", None, TODAY)
    assert view.identity["nir"].startswith("285")
    assert [r.category for r in view.records] == ["health.care"]


@pytest.mark.parametrize(
    ("agent", "subject", "purpose", "categories", "reason"),
    [
        ("ghost", "paris", "social_support", ("contact",), "agent inconnu : « ghost »"),
        ("paris-social", "999999", "social_support", ("contact",), "personne inconnue"),
        ("paris-social", "abc", "social_support", ("contact",), "personne inconnue"),
        ("paris-social", "paris", "gossip", ("contact",), "finalité inconnue"),
        ("paris-social", "paris", "social_support", ("horoscope",), "catégorie inconnue"),
        ("paris-social", "lyon", "social_support", ("contact",), "CPAM-69"),
        ("paris-sans-attestation", "paris", "rights_benefits", ("contact",), "secret professionnel"),
    ],
)
def test_refusals_are_explained_journaled_and_return_nothing(
    world: World, agent: str, subject: str, purpose: str, categories: tuple[str, ...], reason: str
) -> None:
    subject_id = {"paris": world.paris, "lyon": world.lyon}.get(subject, subject)
    gate = Gate(world.env, world.journal)
    with pytest.raises(AccessRefused) as caught:
        gate.read(agent, subject_id, purpose, categories, TODAY)
    assert reason in caught.value.reason
    (row,) = journal_rows(world)
    assert not row.allowed and reason in row.reason
    assert row.seq == caught.value.entry


def test_check_journals_a_decision_without_reading(world: World) -> None:
    outcome = Gate(world.env, world.journal).check("cnam-fraude", world.lyon, "fraud_control", ("fraud_case",), TODAY)
    assert outcome.decision.allowed
    (row,) = journal_rows(world)
    assert row.action == "decide"


def test_disclosure_goes_only_to_named_recipients_and_is_journaled(world: World) -> None:
    gate = Gate(world.env, world.journal)
    view = gate.read(
        "paris-social",
        world.paris,
        "social_support",
        ("social_situation",),
        TODAY,
        recipient="partenaires_accompagnement",
    )
    assert view.records
    with pytest.raises(AccessRefused, match="NIR"):
        gate.read(
            "paris-social",
            world.paris,
            "social_support",
            ("nir",),
            TODAY,
            recipient="partenaires_accompagnement",
        )
    rows = journal_rows(world)
    assert [(r.action, r.allowed, r.recipient) for r in rows] == [
        ("disclose", True, "partenaires_accompagnement"),
        ("disclose", False, "partenaires_accompagnement"),
    ]


def test_change_is_allowed_within_the_processing_and_journaled(world: World) -> None:
    gate = Gate(world.env, world.journal)
    record = gate.change(
        "paris-social", world.paris, "social_support", "social_situation", {"situation": "relogement"}, TODAY
    )
    assert record > 0
    with pytest.raises(AccessRefused):
        gate.change("paris-social", world.paris, "social_support", "fraud_case", {"x": 1}, TODAY)
    assert [(r.action, r.allowed) for r in journal_rows(world)] == [("change", True), ("change", False)]


class FailingJournal:
    def append(self, event: AuditEvent) -> int:
        raise RuntimeError("disk full")


def test_no_data_leaves_when_the_journal_cannot_record_the_access(world: World) -> None:
    gate = Gate(world.env, FailingJournal())
    with pytest.raises(RuntimeError, match="disk full"):
        gate.read("paris-social", world.paris, "social_support", ("social_situation",), TODAY)


def test_journal_of_gate_calls_verifies(world: World) -> None:
    gate = Gate(world.env, world.journal)
    gate.check("paris-social", world.paris, "social_support", ("contact",), TODAY)
    with pytest.raises(AccessRefused):
        gate.read("ghost", world.paris, "social_support", ("contact",), TODAY)
    assert check(world.env.engine, world.env.keyring).ok
    assert len(journal_rows(world)) == 2


PARIS_NIR = "2850578006084" + stdnum_nir.calc_check_digits("2850578006084")


def test_find_by_nir_returns_the_subject_to_an_agent_allowed_the_nir(world: World) -> None:
    gate = Gate(world.env, world.journal)
    spaced = " ".join([PARIS_NIR[:1], PARIS_NIR[1:3], PARIS_NIR[3:5], PARIS_NIR[5:]])
    assert gate.find_by_nir("paris-droits", spaced, "rights_benefits", TODAY) == world.paris
    (row,) = journal_rows(world)
    assert (row.action, row.allowed, row.categories) == ("read", True, '["nir"]')
    assert row.subject_ref == subject_pseudonym(world.env.keyring, world.paris)


def test_find_by_nir_is_refused_where_the_processing_does_not_use_the_nir(world: World) -> None:
    with pytest.raises(AccessRefused, match="minimisation"):
        Gate(world.env, world.journal).find_by_nir("paris-relations-ps", PARIS_NIR, "professional_relations", TODAY)


def test_unknown_nir_is_a_journaled_refusal(world: World) -> None:
    other = "1850578006084" + stdnum_nir.calc_check_digits("1850578006084")
    with pytest.raises(AccessRefused, match="aucune personne"):
        Gate(world.env, world.journal).find_by_nir("paris-droits", other, "rights_benefits", TODAY)
    (row,) = journal_rows(world)
    assert not row.allowed and row.subject_ref is None


def test_malformed_nir_is_bad_input_and_looks_nobody_up(world: World) -> None:
    with pytest.raises(InvalidIdentifier, match="longueur incorrecte"):
        Gate(world.env, world.journal).find_by_nir("paris-droits", "12345", "rights_benefits", TODAY)
    assert journal_rows(world) == []
