"""The gate observed through the shipped `RecordingJournal` (vigie.audit.testing): what a library user would
write to check that their own code leaves the right traces, used here on the gate itself."""

from __future__ import annotations

import pytest
from gate_world import PARIS_NIR, TODAY, World

from vigie.access.service import Gate
from vigie.audit import AuditAction, subject_pseudonym
from vigie.audit.testing import RecordingJournal
from vigie.errors import AccessRefused
from vigie.ids import AgentId


@pytest.fixture
def recorded(world: World) -> tuple[Gate, RecordingJournal]:
    journal = RecordingJournal()
    return Gate(world.env, journal), journal


def test_an_allowed_read_leaves_one_read_event_naming_the_person_by_pseudonym_only(
    world: World, recorded: tuple[Gate, RecordingJournal]
) -> None:
    gate, journal = recorded
    view = gate.read(AgentId("paris-social"), world.paris, "social_support", ("social_situation",), TODAY)
    assert [r.payload for r in view.records] == [{"situation": "isolement"}]
    (event,) = journal.events
    assert (event.action, event.allowed, event.agent_id) == (AuditAction.READ, True, "paris-social")
    assert event.subject_ref == subject_pseudonym(world.env.keyring, world.paris)
    assert (event.purpose, event.categories) == ("social_support", ("social_situation",))
    assert "Lefebvre" not in repr(event) and PARIS_NIR not in repr(event)


def test_a_refused_read_leaves_one_refusal_and_no_data(world: World, recorded: tuple[Gate, RecordingJournal]) -> None:
    gate, journal = recorded
    with pytest.raises(AccessRefused) as caught:
        gate.read(AgentId("paris-social"), world.paris, "rights_benefits", ("health.care",), TODAY)
    assert journal.actions() == [AuditAction.READ]
    (event,) = journal.events
    assert not event.allowed and event.reason == caught.value.reason


def test_every_decision_is_one_event_in_call_order(world: World, recorded: tuple[Gate, RecordingJournal]) -> None:
    gate, journal = recorded
    gate.check(AgentId("paris-social"), world.paris, "social_support", ("contact",), TODAY)
    gate.check(AgentId("paris-social"), world.lyon, "social_support", ("contact",), TODAY)
    gate.check(AgentId("personne-inconnue"), world.paris, "social_support", ("contact",), TODAY)
    assert [e.allowed for e in journal.events] == [True, False, False]
    assert all(e.action is AuditAction.DECIDE for e in journal.events)
    assert "personne-inconnue" not in journal.events[2].reason  # an unknown agent is never written in clear
