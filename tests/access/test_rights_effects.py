"""What answering a rights request does, step by step through the gate (`access.rights_effects`): each step is
decided for the processing `rights_requests` with its own action, journaled with the DPO, the categories decided
on and where the request came from, and only then applied; an objection or an erasure of a consent-based
processing also ends the consent, and one to a public task leaves consents alone."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, insert, select

from vigie import vault
from vigie.access.rights_effects import RIGHTS_PURPOSE, Everything, RightsEffects
from vigie.access.service import Gate
from vigie.audit import AuditAction, subject_pseudonym
from vigie.audit.testing import RecordingJournal
from vigie.environment import Environment
from vigie.errors import AccessRefused, JournalError
from vigie.ids import AgentId, SubjectId
from vigie.register import Register
from vigie.register.policy import Policy
from vigie.store import connect
from vigie.store.schema import consents, objections, subjects
from vigie.taxonomy import SubjectKind

TODAY = date(2026, 11, 28)
DPO = AgentId("paris-dpo")
SOURCE = "courrier n° 12"
EVERY_CATEGORY = (
    "banking", "care_pathway", "connection_logs", "contact", "financial", "fraud_case", "health.care",
    "health.coding", "health.pathology", "housing", "identification", "nir", "occupational_risk",
    "personal_situation", "professional_situation", "replacement_income", "resources", "rights", "social_situation",
)  # fmt: skip


@dataclass(frozen=True)
class Asked:
    effects: RightsEffects
    journal: RecordingJournal
    person: SubjectId
    social: int


@pytest.fixture
def asked(engine: Engine, make_env: Callable[..., Environment]) -> Asked:
    env = make_env(engine, demo_agents=True)
    with connect(engine) as connection:
        person = vault.add_subject(
            connection, env.keyring, kind=SubjectKind.INSURED, organisation="CPAM-75",
            identity={"nom": "Lefebvre", "adresse": "12 rue des Lilas"}, created_on=date(2015, 3, 1),
        )  # fmt: skip
        social = vault.add_record(
            connection, env.keyring, person, processing="social_support", category="social_situation",
            payload={"situation": "isolement"}, recorded_on=date(2026, 2, 1),
        )  # fmt: skip
        vault.add_record(
            connection, env.keyring, person, processing="service_offers", category="contact",
            payload={"offre": "M'T dents"}, recorded_on=date(2026, 2, 1),
        )  # fmt: skip
        connection.execute(
            insert(consents),
            [{"subject_id": person, "processing_id": p, "given_on": date(2025, 1, 1)}
             for p in ("service_offers", "studies_evaluations")],
        )  # fmt: skip
    journal = RecordingJournal()
    return Asked(RightsEffects(Gate(env, journal)), journal, person, social)


def _sealed(asked: Asked) -> bytes:
    with connect(asked.effects.env.engine) as connection:
        return asked.effects.seal_text(connection, asked.person, "rights_request", 7, "Je demande mes données")


STEPS: dict[str, tuple[Callable[[Asked], Any], AuditAction, tuple[str, ...]]] = {
    "check": (lambda a: a.effects.check(DPO, a.person, TODAY, source=SOURCE), AuditAction.DECIDE, EVERY_CATEGORY),
    "lifecycle": (
        lambda a: a.effects.lifecycle(DPO, a.person, TODAY, source=SOURCE), AuditAction.DECIDE, EVERY_CATEGORY
    ),
    "open_text": (
        lambda a: a.effects.open_text(DPO, a.person, "rights_request", 7, _sealed(a), TODAY, source=SOURCE),
        AuditAction.READ,
        ("identification",),
    ),
    "read_identity": (
        lambda a: a.effects.read_identity(DPO, a.person, TODAY, source=SOURCE),
        AuditAction.READ,
        ("identification",),
    ),
    "read_everything": (
        lambda a: a.effects.read_everything(DPO, a.person, TODAY, source=SOURCE),
        AuditAction.READ,
        EVERY_CATEGORY,
    ),
    "rectify": (
        lambda a: a.effects.rectify(DPO, a.person, a.social, "social_situation", {"situation": "entouré"}, TODAY,
                                    source=SOURCE),
        AuditAction.CHANGE,
        ("social_situation",),
    ),
    "restrict": (lambda a: a.effects.restrict(DPO, a.person, TODAY, source=SOURCE), AuditAction.CHANGE, EVERY_CATEGORY),
    "object_to": (
        lambda a: a.effects.object_to(DPO, a.person, ["service_offers"], TODAY, source=SOURCE),
        AuditAction.CHANGE,
        EVERY_CATEGORY,
    ),
    "erase": (
        lambda a: a.effects.erase(DPO, a.person, ["service_offers"], TODAY, source=SOURCE),
        AuditAction.DESTROY,
        EVERY_CATEGORY,
    ),
}  # fmt: skip


@pytest.mark.parametrize("step", list(STEPS))
def test_each_step_is_journaled_for_the_request_with_its_action_categories_and_source(asked: Asked, step: str) -> None:
    call, action, categories = STEPS[step]
    call(asked)
    (event,) = asked.journal.events
    assert (event.action, event.allowed, event.agent_id, event.purpose, event.source) == (
        action, True, DPO, RIGHTS_PURPOSE, SOURCE
    )  # fmt: skip
    assert event.categories == categories
    assert event.subject_ref == subject_pseudonym(asked.effects.env.keyring, asked.person)


def test_sealed_text_opens_only_for_its_row_once_decided(asked: Asked) -> None:
    assert asked.effects.open_text(DPO, asked.person, "rights_request", 7, _sealed(asked), TODAY) == (
        "Je demande mes données"
    )


def test_a_refused_agent_is_journaled_with_its_reason_and_source(asked: Asked) -> None:
    with pytest.raises(AccessRefused) as refused:
        asked.effects.refuse_agent(None, "agent inconnu", source=SOURCE)
    (event,) = asked.journal.events
    assert (event.action, event.allowed, event.agent_id, event.purpose, event.source, event.reason) == (
        AuditAction.DECIDE, False, None, RIGHTS_PURPOSE, SOURCE, "agent inconnu"
    )  # fmt: skip
    assert refused.value.entry == 1


def _state(asked: Asked) -> tuple[set[str], dict[str, date | None], bool]:
    with connect(asked.effects.env.engine) as connection:
        objected = set(connection.scalars(select(objections.c.processing_id)))
        consented = {r.processing_id: r.withdrawn_on for r in connection.execute(select(consents))}
        restricted = bool(connection.scalar(select(subjects.c.restricted).where(subjects.c.id == asked.person)))
    return objected, consented, restricted


def test_an_objection_to_a_consent_based_processing_also_ends_the_consent(asked: Asked) -> None:
    asked.effects.object_to(DPO, asked.person, ["service_offers", "prevention_campaigns"], TODAY)
    objected, consented, _ = _state(asked)
    assert objected == {"service_offers", "prevention_campaigns"}
    assert consented == {"service_offers": TODAY, "studies_evaluations": None}


def test_an_erasure_of_a_consent_based_processing_ends_the_consent_and_keeps_the_rest(asked: Asked) -> None:
    assert asked.effects.erase(DPO, asked.person, ["service_offers"], TODAY) == (1, False)
    _, consented, _ = _state(asked)
    assert consented == {"service_offers": TODAY, "studies_evaluations": None}
    assert asked.effects.erase(DPO, asked.person, ["social_support"], TODAY) == (1, True)  # nothing left: shredded


def test_a_limitation_is_set_then_lifted(asked: Asked) -> None:
    asked.effects.restrict(DPO, asked.person, TODAY)
    assert _state(asked)[2] is True
    asked.effects.restrict(DPO, asked.person, TODAY, lift=True)
    assert _state(asked)[2] is False


def test_an_access_request_is_decided_and_read_in_one_transaction(asked: Asked) -> None:
    """What the answer holds is what the decision was made on: no second transaction in between."""
    engine, begun = asked.effects.env.engine, []

    def count(connection: Connection) -> None:
        begun.append(connection)

    event.listen(engine, "begin", count)
    try:
        answer = asked.effects.read_everything(DPO, asked.person, TODAY)
    finally:
        event.remove(engine, "begin", count)
    assert len(answer.view.records) == 2
    assert len(begun) == 1


def test_each_change_is_decided_with_its_own_action(asked: Asked, register: Register) -> None:
    """Were a limitation to stop rights requests (a register without `at_persons_request`), the DPO could still
    lift it, object and erase (storage, destruction) but not read: each step is decided with its own action."""
    rights = register.processings[RIGHTS_PURPOSE]
    stopped = dataclasses.replace(
        register,
        processings={**register.processings, RIGHTS_PURPOSE: rights.model_copy(update={"at_persons_request": False})},
    )
    effects = RightsEffects(Gate(dataclasses.replace(asked.effects.env, policy=Policy.compile(stopped)), asked.journal))
    effects.restrict(DPO, asked.person, TODAY)
    with pytest.raises(AccessRefused, match="limitées"):
        effects.check(DPO, asked.person, TODAY)
    effects.object_to(DPO, asked.person, ["prevention_campaigns"], TODAY)
    assert effects.erase(DPO, asked.person, ["service_offers"], TODAY) == (1, False)
    effects.restrict(DPO, asked.person, TODAY, lift=True)
    assert _state(asked) == ({"prevention_campaigns"}, {"service_offers": TODAY, "studies_evaluations": None}, False)


class _Unwritten:
    """A receipt whose entry could not be written: waiting for it raises, as the journal's does."""

    def __init__(self, log: list[str]) -> None:
        self._log = log

    def done(self) -> bool:
        return True

    def wait(self, timeout: float | None = None) -> int:
        self._log.append("wait")
        raise JournalError("écriture impossible")


def test_an_answer_is_assembled_while_its_entry_commits_and_never_returned_if_the_commit_fails(
    asked: Asked, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shaping (assembly, encoding) overlaps the journal's commit; a failed commit still returns nothing."""
    log: list[str] = []
    monkeypatch.setattr(asked.journal, "submit", lambda event: _Unwritten(log))

    def shape(everything: Everything) -> str:
        log.append("shape")
        return "réponse"

    with pytest.raises(JournalError):
        asked.effects.read_everything_as(DPO, asked.person, TODAY, shape)
    assert log == ["shape", "wait"]
