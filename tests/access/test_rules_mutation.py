"""What an agent gets through the gate: the records of the processing it serves, in the categories granted.

Written against behaviour, from what mutation testing (scripts/mutation.sh) showed no other test noticed:
a read that returned another processing's records, or categories that were not granted, left the suite green.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, select, update
from stdnum.fr import nir as stdnum_nir

from vigie import vault
from vigie.access.service import Gate
from vigie.agents import AGENT_ID_LENGTH, NewAgent, add_agents
from vigie.audit import Journal
from vigie.crypto import Keyring
from vigie.environment import Environment
from vigie.errors import AccessRefused
from vigie.model import Action, Decision
from vigie.register import Register
from vigie.store import connect
from vigie.store.schema import audit_entries, subjects
from vigie.taxonomy import SubjectKind

TODAY = date(2026, 11, 28)
PARIS_NIR = "2850578006084" + stdnum_nir.calc_check_digits("2850578006084")
OTHER_NIR = "1850578006084" + stdnum_nir.calc_check_digits("1850578006084")


@dataclass(frozen=True)
class Person:
    gate: Gate
    env: Environment
    subject: int


@pytest.fixture
def person(engine: Engine, make_env: Callable[..., Environment], keyring: Keyring) -> Iterator[Person]:
    """An insured person of Paris with records in two processings that share the category health.care."""
    env = make_env(engine, demo_agents=True)
    with connect(engine) as connection:
        subject = vault.add_subject(
            connection,
            keyring,
            kind=SubjectKind.INSURED,
            organisation="CPAM-75",
            identity={"nom": "Lefebvre", "adresse": "12 rue des Lilas"},
            created_on=date(2015, 3, 1),
            nir=PARIS_NIR,
        )
        for processing, category, payload in [
            ("social_support", "social_situation", "isolement"),
            ("social_support", "health.care", "soins suivis par le service social"),
            ("rights_benefits", "health.care", "acte HBQK002 remboursé"),
            ("rights_benefits", "banking", "IBAN FR76"),
        ]:
            vault.add_record(
                connection,
                keyring,
                subject,
                processing=processing,
                category=category,
                payload={"note": payload},
                recorded_on=date(2026, 2, 1),
            )
    with Journal(engine, keyring) as journal:
        yield Person(Gate(env, journal), env, subject)


def _notes(person: Person, agent: str, purpose: str, categories: tuple[str, ...] | None) -> list[tuple[str, str]]:
    view = person.gate.read(agent, person.subject, purpose, categories, TODAY)
    return [(record.category, record.payload["note"]) for record in view.records]


def test_a_social_worker_never_receives_the_reimbursement_records(person: Person) -> None:
    """Purpose limitation: health.care is used by both processings; a social_support read gets its own only."""
    assert _notes(person, "paris-social", "social_support", ("health.care",)) == [
        ("health.care", "soins suivis par le service social")
    ]


def test_a_rights_agent_never_receives_the_social_services_records(person: Person) -> None:
    assert _notes(person, "paris-droits", "rights_benefits", ("health.care",)) == [
        ("health.care", "acte HBQK002 remboursé")
    ]


def test_a_read_returns_only_the_categories_asked_for(person: Person) -> None:
    """Minimisation: asking for social_situation does not bring the health.care record of the same processing."""
    assert _notes(person, "paris-social", "social_support", ("social_situation",)) == [
        ("social_situation", "isolement")
    ]
    assert _notes(person, "paris-droits", "rights_benefits", ("banking",)) == [("banking", "IBAN FR76")]


def test_no_categories_named_means_those_the_processing_uses_and_no_other_processings(person: Person) -> None:
    assert sorted(_notes(person, "paris-social", "social_support", None)) == [
        ("health.care", "soins suivis par le service social"),
        ("social_situation", "isolement"),
    ]
    assert sorted(_notes(person, "paris-droits", "rights_benefits", None)) == [
        ("banking", "IBAN FR76"),
        ("health.care", "acte HBQK002 remboursé"),
    ]


def test_a_category_the_processing_does_not_use_is_refused_and_nothing_is_returned(person: Person) -> None:
    """banking is not used by social_support: the whole read is refused, not trimmed."""
    with pytest.raises(AccessRefused, match="minimisation"):
        person.gate.read("paris-social", person.subject, "social_support", ("social_situation", "banking"), TODAY)
    with connect(person.env.engine) as connection:
        (row,) = connection.execute(select(audit_entries)).all()
    assert not row.allowed and row.purpose == "social_support"


def _rows(person: Person) -> list[Any]:
    with connect(person.env.engine) as connection:
        return list(connection.execute(select(audit_entries).order_by(audit_entries.c.seq)))


def test_every_gate_call_journals_where_it_came_from(person: Person) -> None:
    """Traceability: the client address given to the gate is in the entry of each kind of call."""
    gate, subject = person.gate, person.subject
    gate.check("paris-social", subject, "social_support", ("contact",), TODAY, source="10.0.0.1")
    gate.read("paris-social", subject, "social_support", ("contact",), TODAY, source="10.0.0.2")
    gate.change("paris-social", subject, "social_support", "housing", {"note": "relogé"}, TODAY, source="10.0.0.3")
    with pytest.raises(AccessRefused):
        gate.change("paris-social", subject, "social_support", "banking", {"note": "x"}, TODAY, source="10.0.0.4")
    gate.find_by_nir("paris-droits", PARIS_NIR, "rights_benefits", TODAY, source="10.0.0.5")
    with pytest.raises(AccessRefused):
        gate.find_by_nir("paris-droits", OTHER_NIR, "rights_benefits", TODAY, source="10.0.0.6")
    assert [(r.action, r.allowed, r.agent_id, r.source) for r in _rows(person)] == [
        ("decide", True, "paris-social", "10.0.0.1"),
        ("read", True, "paris-social", "10.0.0.2"),
        ("change", True, "paris-social", "10.0.0.3"),
        ("change", False, "paris-social", "10.0.0.4"),
        ("read", True, "paris-droits", "10.0.0.5"),
        ("read", False, "paris-droits", "10.0.0.6"),
    ]


def test_a_nir_that_matches_nobody_is_journaled_as_a_refused_nir_look_up(person: Person) -> None:
    with pytest.raises(AccessRefused) as caught:
        person.gate.find_by_nir("paris-droits", OTHER_NIR, "rights_benefits", TODAY)
    assert caught.value.reason == "personne inconnue ou hors de votre périmètre"  # the agent learns no more
    (row,) = _rows(person)
    assert (row.seq, row.action, row.allowed, row.agent_id) == (caught.value.entry, "read", False, "paris-droits")
    assert (row.subject_ref, row.purpose, row.categories) == (None, "rights_benefits", '["nir"]')
    assert row.reason == "aucune personne ne porte ce NIR"


@pytest.mark.parametrize(
    ("category", "reason"),
    [
        ("banking", "le traitement « social_support » n'utilise pas la catégorie « banking » des assurés"),
        ("horoscope", "catégorie inconnue de la nomenclature (valeur de 9 caractères, empreinte "),
    ],
)
def test_a_minimisation_refusal_names_the_category_and_says_whether_it_exists(
    person: Person, category: str, reason: str
) -> None:
    with pytest.raises(AccessRefused) as caught:
        person.gate.read("paris-social", person.subject, "social_support", (category,), TODAY)
    expected = reason if category == "horoscope" else f"{reason} et bénéficiaires (minimisation)"
    assert caught.value.reason.startswith(expected)  # an unknown category is never quoted in clear


def test_an_agent_id_of_the_maximum_length_is_found_and_a_longer_one_is_journaled_cut(
    person: Person, register: Register
) -> None:
    longest = "a" * AGENT_ID_LENGTH
    with connect(person.env.engine) as connection:
        add_agents(connection, register, [NewAgent(longest, "CPAM-75", "Agent", ("social_worker",), TODAY)])
    assert person.gate.check(longest, person.subject, "social_support", ("contact",), TODAY).decision.allowed
    too_long = longest + "b"
    refused = person.gate.check(too_long, person.subject, "social_support", ("contact",), TODAY).decision
    assert not refused.allowed and refused.reason.startswith("agent inconnu (valeur de 33 caractères, empreinte ")
    assert too_long not in refused.reason
    assert _rows(person)[0].agent_id == longest


def test_restricted_data_may_still_be_kept_or_used_for_a_legal_claim_but_not_read(person: Person) -> None:
    """GDPR art. 18(2): the action asked for reaches the decision."""
    with connect(person.env.engine) as connection:
        connection.execute(update(subjects).where(subjects.c.id == person.subject).values(restricted=True))
    gate = person.gate

    def allowed(action: Action) -> bool:
        outcome = gate.check("paris-social", person.subject, "social_support", ("contact",), TODAY, action=action)
        return outcome.decision.allowed

    assert allowed(Action.LEGAL_CLAIM) and allowed(Action.STORE) and allowed(Action.DESTROY)
    assert not allowed(Action.READ) and not allowed(Action.CHANGE)


def test_an_agent_of_another_organisation_is_told_only_a_national_role_may_act(person: Person) -> None:
    same = person.gate.check("paris-social", person.subject, "social_support", ("contact",), TODAY)
    assert same.decision.allowed
    with connect(person.env.engine) as connection:
        connection.execute(update(subjects).where(subjects.c.id == person.subject).values(organisation_code="CPAM-69"))
    outcome = person.gate.check("paris-social", person.subject, "social_support", ("contact",), TODAY)
    assert outcome.decision == Decision(
        False,
        "la personne relève de CPAM-69 et l'agent de CPAM-75 ; seul un rôle national peut agir hors de son organisme",
    )
