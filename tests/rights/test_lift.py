"""Lifting a limitation (GDPR 18(3)): the person told first, a journaled change, and bad input changing nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from rights_world import DPO, LYON_DPO, World, intake, journal_rows

from vigie.access.service import Gate
from vigie.errors import AccessRefused, InvalidInput
from vigie.ids import AgentId
from vigie.rights import RequestKind, Status, answer, lift
from vigie.rights.model import Request

CLERK = AgentId("paris-droits")


def _uses_allowed(world: World) -> bool:
    """Whether a clerk may use the person's bank details for benefits: what a limitation stops."""
    gate = Gate(world.env, world.journal)
    return gate.check(CLERK, world.paris, "rights_benefits", ("banking",), world.env.clock.today()).decision.allowed


def _limited(world: World) -> Request:
    made = world.service.submit(DPO, intake(RequestKind.LIMITATION))
    decided = world.service.decide(DPO, made.id)
    assert decided.status is Status.DECIDED and not _uses_allowed(world)
    return decided


def test_a_limited_person_is_still_answered_and_may_ask_again(world: World) -> None:
    """A limitation stops every use but storage and legal claims, not the answers to the person's own requests
    (GDPR 18(2): at their request)."""
    limited = _limited(world)
    assert answer(world.service, DPO, limited.id).request.status is Status.ANSWERED
    access = world.service.submit(DPO, intake(RequestKind.ACCESS))
    world.service.decide(DPO, access.id)
    reply = answer(world.service, DPO, access.id)
    assert reply.content is not None and reply.content["person"]["identity"]["nom"] == "Lefèbvre"
    assert not _uses_allowed(world)  # everything else stays stopped


def test_lifting_restores_use_records_the_lift_journals_a_change_and_the_letter_says_the_person_was_told(
    world: World,
) -> None:
    limited = _limited(world)
    today = world.env.clock.today()
    answer(world.service, DPO, limited.id)  # lifting works after the answer, too
    done = lift(world.service, DPO, limited.id, today, "l'exactitude de vos données a été vérifiée")
    assert _uses_allowed(world)
    request = done.request
    assert (request.lifted_on, request.lifted_by, request.lift_told_on) == (today, DPO, today)
    assert request.lift_reason == "l'exactitude de vos données a été vérifiée"
    assert request.status is Status.ANSWERED  # the lift is recorded beside the answer, not instead of it
    change = [r for r in journal_rows(world) if r.action == "change" and r.purpose == "rights_requests"]
    assert change and change[-1].allowed
    day = today.strftime("%d/%m/%Y")
    assert f"informé(e) le {day}, avant qu'elle ne soit levée" in done.html and "18(3)" in done.html
    assert f"Elle est levée le {day}" in done.html and "l&#39;exactitude de vos données a été vérifiée" in done.html
    assert "3, place de Fontenoy" in done.html  # the Cnil complaint route


def _refused_and_unchanged(world: World, request_id: int, told_on: date, message: str) -> None:
    before = world.service.load(DPO, request_id, None)
    allowed = _uses_allowed(world)
    with pytest.raises(InvalidInput, match=message):
        lift(world.service, DPO, request_id, told_on, "vérification terminée")
    assert world.service.load(DPO, request_id, None) == before
    assert _uses_allowed(world) is allowed
    refusal = [r for r in journal_rows(world) if r.reason is not None and message in r.reason]
    assert refusal and not refusal[-1].allowed  # the refusal is journaled


def test_lifting_what_is_not_a_limitation_is_refused(world: World) -> None:
    made = world.service.submit(DPO, intake(RequestKind.OBJECTION))
    world.service.decide(DPO, made.id)
    _refused_and_unchanged(world, made.id, world.env.clock.today(), "pas une demande de limitation")


def test_lifting_a_limitation_not_yet_decided_is_refused(world: World) -> None:
    made = world.service.submit(DPO, intake(RequestKind.LIMITATION))
    _refused_and_unchanged(world, made.id, world.env.clock.today(), "pas encore décidée")


def test_lifting_a_limitation_refused_as_unfounded_is_refused(world: World) -> None:
    made = world.service.submit(DPO, intake(RequestKind.LIMITATION))
    world.service.decide(DPO, made.id, unfounded="dixième demande identique")
    _refused_and_unchanged(world, made.id, world.env.clock.today(), "limitation a été refusée")


def test_lifting_twice_is_refused(world: World) -> None:
    limited = _limited(world)
    today = world.env.clock.today()
    lift(world.service, DPO, limited.id, today, "vérification terminée")
    _refused_and_unchanged(world, limited.id, today, "déjà levée le")


def test_lifting_a_person_no_longer_limited_is_refused(world: World) -> None:
    limited = _limited(world)
    world.service.effects.restrict(DPO, world.paris, world.env.clock.today(), lift=True)
    _refused_and_unchanged(world, limited.id, world.env.clock.today(), "ne sont plus limitées")


def test_the_person_is_told_before_the_lift_not_after_nor_before_the_decision(world: World) -> None:
    limited = _limited(world)
    today = world.env.clock.today()
    _refused_and_unchanged(world, limited.id, today + timedelta(days=1), "date à venir")
    _refused_and_unchanged(world, limited.id, today - timedelta(days=1), "antérieure à la décision")
    assert world.service.load(DPO, limited.id, None).lifted_on is None and not _uses_allowed(world)


def test_lifting_an_unknown_request_is_bad_input(world: World) -> None:
    with pytest.raises(InvalidInput, match="demande inconnue"):
        lift(world.service, DPO, 4242, world.env.clock.today(), "vérification terminée")


def test_a_dpo_of_another_organisation_cannot_lift(world: World) -> None:
    limited = _limited(world)
    with pytest.raises(AccessRefused, match="hors de votre périmètre"):
        lift(world.service, LYON_DPO, limited.id, world.env.clock.today(), "vérification terminée")
    assert world.service.load(DPO, limited.id, None).lifted_on is None and not _uses_allowed(world)


def test_a_lift_that_loses_a_race_writes_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the request moved between the checks and the write (another lift won), the person stays limited."""
    limited = _limited(world)
    monkeypatch.setattr("vigie.rights.service.queries.change", lambda *args, **kwargs: False)
    with pytest.raises(InvalidInput, match="changé entre-temps"):
        lift(world.service, DPO, limited.id, world.env.clock.today(), "vérification terminée")
    assert not _uses_allowed(world)
