"""Retention through the gate (`access.lifecycle`): a lifecycle event is a change the agent must be allowed to make,
every refusal is journaled with the agent, the source and the precise rule broken, and nothing is written; legal
holds are placed and released only by an audit role, journaled either way with the person and the processing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, select

from vigie import vault
from vigie.access.lifecycle import authorise_hold, record_event
from vigie.access.service import Gate, described
from vigie.audit import Journal, subject_pseudonym
from vigie.crypto import Keyring
from vigie.environment import Environment
from vigie.errors import AccessRefused, InvalidInput, NotFound
from vigie.ids import AgentId, SubjectId
from vigie.store import connect
from vigie.store.schema import audit_entries, records, subjects
from vigie.taxonomy import SubjectKind

TODAY = date(2026, 11, 28)
FRAUD = AgentId("paris-fraude")
RIGHTS = AgentId("paris-droits")
DPO = AgentId("paris-dpo")
SOURCE = "poste 7"


@dataclass(frozen=True)
class People:
    gate: Gate
    person: SubjectId  # created 2010-03-01, with a fraud case recorded 2020-05-01 and a rights record
    other: SubjectId
    case: int


@pytest.fixture
def people(engine: Engine, make_env: Callable[..., Environment], keyring: Keyring) -> Iterator[People]:
    env = make_env(engine, demo_agents=True)
    with connect(engine) as connection:
        ids = [
            vault.add_subject(
                connection,
                keyring,
                kind=SubjectKind.INSURED,
                organisation="CPAM-75",
                identity={"nom": name},
                created_on=date(2010, 3, 1),
            )
            for name in ("Lefebvre", "Roux")
        ]
        case = vault.add_record(
            connection,
            keyring,
            ids[0],
            processing="fraud_control",
            category="fraud_case",
            payload={"signalement": "double facturation"},
            recorded_on=date(2020, 5, 1),
        )
        vault.add_record(
            connection,
            keyring,
            ids[0],
            processing="rights_benefits",
            category="rights",
            payload={"droit": "PUMa"},
            recorded_on=date(2015, 1, 1),
        )
    with Journal(engine, keyring) as journal:
        yield People(Gate(env, journal), ids[0], ids[1], case)


def _entries(people: People) -> list[Any]:
    with connect(people.gate.env.engine) as connection:
        return list(connection.execute(select(audit_entries).order_by(audit_entries.c.seq)))


def _dates(people: People) -> list[Any]:
    with connect(people.gate.env.engine) as connection:
        return [
            *connection.execute(
                select(subjects.c.rights_end_on, subjects.c.death_on, subjects.c.activity_end_on).order_by(
                    subjects.c.id
                )
            ),
            *connection.execute(select(records.c.event, records.c.event_on).order_by(records.c.id)),
        ]


LONG_EVENT = "événement-" * 6  # longer than what a message quotes (40 characters): the journal hashes it whole


@pytest.mark.parametrize(
    ("purpose", "event", "on", "record", "field", "reason"),
    [
        ("fraud_control", LONG_EVENT, date(2021, 1, 1), "case", "événement", "événement inconnu ; attendu l'un de : "),
        (
            "rights_benefits",
            "death",
            date(2021, 1, 1),
            None,
            "événement",
            "ne fait courir aucune durée du traitement « rights_benefits »",
        ),
        (
            "fraud_control",
            "alert_recorded",
            date(2026, 11, 29),
            "case",
            "date",
            "date dans le futur : un événement se note une fois arrivé",
        ),
        (
            "fraud_control",
            "alert_recorded",
            date(2021, 1, 1),
            None,
            "dossier",
            "un événement de dossier se note sur un dossier : donnez son numéro",
        ),
        (
            "fraud_control",
            "alert_recorded",
            date(2021, 1, 1),
            4242,
            "dossier",
            "aucun dossier de cette personne pour ce traitement ne porte ce numéro",
        ),
        (
            "fraud_control",
            "alert_recorded",
            date(2020, 4, 30),
            "case",
            "date",
            "antérieure à l'enregistrement du dossier (2020-05-01)",
        ),
        (
            "rights_benefits",
            "rights_end",
            date(2010, 2, 28),
            None,
            "date",
            "antérieure à l'entrée de la personne dans le coffre (2010-03-01)",
        ),
    ],
)
def test_a_bad_event_is_journaled_as_a_refused_change_by_its_agent_and_nothing_is_written(
    people: People, purpose: str, event: str, on: date, record: object, field: str, reason: str
) -> None:
    record_id = people.case if record == "case" else record
    agent = FRAUD if purpose == "fraud_control" else RIGHTS
    before = _dates(people)
    with pytest.raises(InvalidInput) as refused:
        record_event(people.gate, agent, people.person, purpose, event, on, TODAY, record_id=record_id, source=SOURCE)  # type: ignore[arg-type]
    assert refused.value.field == field and refused.value.reason.startswith(reason)
    if event == LONG_EVENT:  # a message quotes the first 40 characters of what was typed
        assert refused.value.value == LONG_EVENT[:40]
    (entry,) = _entries(people)
    assert (entry.action, entry.allowed, entry.agent_id, entry.source) == ("change", False, agent, SOURCE)
    typed = event if field == "événement" and event == LONG_EVENT else refused.value.value
    assert entry.reason == (
        f"entrée invalide : {field} : {refused.value.reason} ({described(people.gate.env.keyring, typed)})"
    )
    assert _dates(people) == before


def test_the_record_a_refusal_names_is_the_number_given(people: People) -> None:
    with pytest.raises(InvalidInput) as refused:
        record_event(people.gate, FRAUD, people.other, "fraud_control", "alert_recorded", date(2021, 1, 1), TODAY,
                     record_id=people.case)  # fmt: skip
    assert refused.value.value == str(people.case)


def test_a_record_event_without_a_record_quotes_nothing_the_user_did_not_give(people: People) -> None:
    with pytest.raises(InvalidInput) as refused:
        record_event(people.gate, FRAUD, people.person, "fraud_control", "alert_recorded", date(2021, 1, 1), TODAY)
    assert (refused.value.field, refused.value.value) == ("dossier", "")  # the message quotes no number


def test_an_event_on_the_day_the_record_was_made_is_accepted(people: People) -> None:
    entry = record_event(
        people.gate, FRAUD, people.person, "fraud_control", "alert_recorded", date(2020, 5, 1), TODAY,
        record_id=people.case, source=SOURCE,
    )  # fmt: skip
    (row,) = _entries(people)
    assert (row.seq, row.action, row.allowed, row.agent_id, row.source) == (entry, "change", True, FRAUD, SOURCE)
    assert row.purpose == "fraud_control"
    assert row.subject_ref == subject_pseudonym(people.gate.env.keyring, people.person)
    assert ("alert_recorded", date(2020, 5, 1)) in _dates(people)


def test_a_person_event_is_a_change_the_agent_must_be_allowed_to_make(people: People) -> None:
    """The fraud investigator does not serve rights management: the end of rights is refused and not written."""
    with pytest.raises(AccessRefused):
        record_event(people.gate, FRAUD, people.person, "rights_benefits", "rights_end", date(2021, 1, 1), TODAY,
                     source=SOURCE)  # fmt: skip
    (row,) = _entries(people)
    assert (row.action, row.allowed, row.agent_id, row.source) == ("change", False, FRAUD, SOURCE)
    assert _dates(people)[0] == (None, None, None)
    record_event(people.gate, RIGHTS, people.person, "rights_benefits", "rights_end", date(2021, 1, 1), TODAY)
    assert _dates(people)[0] == (date(2021, 1, 1), None, None)


# -- legal holds ---------------------------------------------------------------------------------------------


def test_a_hold_is_journaled_with_its_agent_person_processing_and_source(people: People) -> None:
    entry = authorise_hold(people.gate, DPO, people.person, "fraud_control", "retenue légale posée", source=SOURCE)
    (row,) = _entries(people)
    assert (row.seq, row.action, row.allowed, row.reason) == (entry, "change", True, "retenue légale posée")
    assert (row.agent_id, row.purpose, row.source) == (DPO, "fraud_control", SOURCE)
    assert row.subject_ref == subject_pseudonym(people.gate.env.keyring, people.person)


@pytest.mark.parametrize(
    ("agent", "reason"),
    [
        (RIGHTS, "seul un agent ayant un rôle d'audit (DPO) pose ou lève une retenue légale"),
        (AgentId("1850775123456"), "agent inconnu ("),
    ],
)
def test_a_hold_by_an_agent_without_an_audit_role_is_refused_and_journaled(
    people: People, agent: AgentId, reason: str
) -> None:
    with pytest.raises(AccessRefused) as refused:
        authorise_hold(people.gate, agent, people.person, "fraud_control", "retenue légale posée", source=SOURCE)
    (row,) = _entries(people)
    assert refused.value.entry == row.seq
    assert (row.action, row.allowed, row.purpose, row.source) == ("change", False, "fraud_control", SOURCE)
    assert row.reason.startswith(reason) and refused.value.reason == row.reason
    if agent == RIGHTS:
        assert row.agent_id == RIGHTS
    else:  # an unknown id is never kept in clear: its length and keyed hash only
        assert row.agent_id is None
        assert row.reason == f"agent inconnu ({described(people.gate.env.keyring, agent)})"


def test_a_hold_on_an_unknown_person_is_not_found_and_journaled_without_a_pseudonym(people: People) -> None:
    with pytest.raises(NotFound) as missing:
        authorise_hold(people.gate, DPO, SubjectId(999), None, "retenue légale posée", source=SOURCE)
    assert (missing.value.what, missing.value.key) == ("personne", "999")
    (row,) = _entries(people)
    assert (row.allowed, row.reason, row.agent_id, row.subject_ref) == (False, "personne inconnue", DPO, None)


def test_a_hold_on_an_unknown_processing_is_bad_input_journaled_for_its_agent(people: People) -> None:
    typed = "astrologie-" * 8
    with pytest.raises(InvalidInput) as refused:
        authorise_hold(people.gate, DPO, None, typed, "retenue légale posée", source=SOURCE)
    assert (refused.value.field, refused.value.value) == ("traitement", typed[:64])
    assert refused.value.reason == "traitement inconnu du registre"
    (row,) = _entries(people)
    assert (row.action, row.allowed, row.agent_id, row.source) == ("change", False, DPO, SOURCE)
    keyring = people.gate.env.keyring
    assert row.reason == f"entrée invalide : traitement : traitement inconnu du registre ({described(keyring, typed)})"


def test_a_record_event_without_a_record_says_so_without_an_empty_quote(people: People) -> None:
    with pytest.raises(InvalidInput) as refused:
        record_event(people.gate, FRAUD, people.person, "fraud_control", "alert_recorded", date(2021, 1, 1), TODAY)
    assert str(refused.value) == (
        "dossier invalide : un événement de dossier se note sur un dossier : donnez son numéro"
    )
