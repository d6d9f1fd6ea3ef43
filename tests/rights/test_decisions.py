"""Each right's grant and refusal path, with the ground the register gives, and its effect through the gate."""

from __future__ import annotations

from datetime import date

import pytest
from rights_world import DPO, LYON_DPO, World, intake, journal_rows
from sqlalchemy import select, update

from vigie import vault
from vigie.access.service import Gate
from vigie.errors import AccessRefused, DecryptionError, InvalidInput
from vigie.ids import AgentId
from vigie.rights import Outcome, RequestKind, Status, answer
from vigie.store import connect
from vigie.store.schema import consents, objections, records, subjects


def _decided(world: World, kind: RequestKind, **more: object) -> tuple[int, dict[str | None, tuple[bool, str]]]:
    processings = more.pop("processings", None)
    made = world.service.submit(DPO, intake(kind, processings=processings))  # type: ignore[arg-type]
    decided = world.service.decide(DPO, made.id, **more)  # type: ignore[arg-type]
    assert decided.status is Status.DECIDED and decided.decided_by == DPO
    return made.id, {r.processing: (r.granted, r.ground) for r in decided.rulings}


def _processings(world: World) -> set[str]:
    with connect(world.env.engine) as connection:
        return set(connection.scalars(select(records.c.processing_id).where(records.c.subject_id == world.paris)))


def test_erasure_is_granted_for_consent_and_refused_for_a_public_task_with_its_ground(world: World) -> None:
    _, rulings = _decided(world, RequestKind.ERASURE, processings=("service_offers", "rights_benefits"))
    assert rulings["service_offers"][0] is True and "consentement" in rulings["service_offers"][1]
    granted, ground = rulings["rights_benefits"]
    assert not granted and "santé publique" in ground and "17(3)(c)" in ground  # health data, public task
    assert "n'a pas commencé" in ground  # rights not ended: retention still running
    assert _processings(world) == {"rights_benefits", "fraud_control"}  # consent data destroyed
    with connect(world.env.engine) as connection:
        withdrawn = connection.scalar(select(consents.c.withdrawn_on).where(consents.c.subject_id == world.paris))
    assert withdrawn == world.env.clock.today()
    assert any(r.action == "destroy" and r.allowed and r.purpose == "rights_requests" for r in journal_rows(world))


def test_erasure_is_refused_while_litigation_keeps_a_fraud_case(world: World) -> None:
    with connect(world.env.engine) as connection:
        connection.execute(
            update(records)
            .where(records.c.id == world.records["fraud"])
            .values(event="final_decision", event_on=date(2025, 6, 1))
        )
    _, rulings = _decided(world, RequestKind.ERASURE, processings=("fraud_control",))
    assert rulings["fraud_control"][0] is False and "17(3)(e)" in rulings["fraud_control"][1]


def test_erasure_is_granted_once_retention_has_ended_and_the_subject_is_shredded_when_nothing_is_left(
    world: World,
) -> None:
    with connect(world.env.engine) as connection:
        connection.execute(update(subjects).where(subjects.c.id == world.paris).values(rights_end_on=date(2020, 1, 1)))
        connection.execute(
            update(records)
            .where(records.c.id == world.records["fraud"])
            .values(event="alert_recorded", event_on=date(2019, 1, 1))
        )
    _, rulings = _decided(world, RequestKind.ERASURE)
    assert rulings["rights_benefits"][0] is True and "échue le 01/01/2025" in rulings["rights_benefits"][1]
    assert all(granted for granted, _ in rulings.values())
    assert _processings(world) == set()
    with connect(world.env.engine) as connection, pytest.raises(DecryptionError):
        vault.read_identity(connection, world.env.keyring, world.paris)  # shredded with its key
    request_id = world.service.list(DPO)[0].id
    reply = answer(world.service, DPO, request_id)  # the answer needs nothing of the erased person
    assert "demande accordée" in reply.html
    assert world.service.show(DPO, request_id)[1] == "(texte effacé avec les données de la personne)"


def test_erasure_refused_on_legal_obligation_names_that_ground() -> None:
    from vigie.register import Policy, load_register
    from vigie.rights import grounds
    from vigie.taxonomy import SubjectKind

    policy = Policy.compile(load_register())
    held = [grounds.Held("rights_requests", "identification", None, None)]
    found = grounds.erasure(
        policy, SubjectKind.INSURED, "rights_requests", held, grounds.PersonEvents(), date(2026, 1, 1)
    )
    assert not found.granted and "obligation légale" in found.ground and "17(3)(b)" in found.ground


def test_objection_is_granted_where_allowed_and_refused_for_missions_set_by_law(world: World) -> None:
    _, rulings = _decided(world, RequestKind.OBJECTION, processings=("service_offers", "fraud_control"))
    assert rulings["service_offers"][0] is True and "7(3)" in rulings["service_offers"][1]
    assert rulings["fraud_control"][0] is False and "mission d'intérêt public" in rulings["fraud_control"][1]
    with connect(world.env.engine) as connection:
        objected = set(
            connection.scalars(select(objections.c.processing_id).where(objections.c.subject_id == world.paris))
        )
    assert objected == {"service_offers"}


def test_limitation_restricts_the_person_so_the_gate_stops_every_use_but_storage(world: World) -> None:
    gate = Gate(world.env, world.journal)
    today = world.env.clock.today()
    assert gate.check(AgentId("paris-droits"), world.paris, "rights_benefits", ("banking",), today).decision.allowed
    _, rulings = _decided(world, RequestKind.LIMITATION)
    assert rulings[None][0] is True and "art. 18" in rulings[None][1]
    refused = gate.check(AgentId("paris-droits"), world.paris, "rights_benefits", ("banking",), today).decision
    assert not refused.allowed and "limitées" in refused.reason
    world.service.effects.restrict(DPO, world.paris, today, lift=True)
    assert gate.check(AgentId("paris-droits"), world.paris, "rights_benefits", ("banking",), today).decision.allowed


def test_portability_only_for_consent_data_as_json(world: World) -> None:
    request_id, rulings = _decided(world, RequestKind.PORTABILITY, processings=("service_offers", "rights_benefits"))
    assert rulings["service_offers"][0] is True and "20(1)(a)" in rulings["service_offers"][1]
    assert rulings["rights_benefits"][0] is False and "mission d'intérêt public" in rulings["rights_benefits"][1]
    reply = answer(world.service, DPO, request_id)
    assert reply.portable is not None
    assert [r["processing"] for r in reply.portable["records"]] == ["service_offers"]
    assert reply.portable["records"][0]["payload"] == {"courriel": "jeanne@example.org"}


def test_rectification_replaces_the_value_journals_it_and_lists_the_recipients(world: World) -> None:
    new = {"iban": "FR76 1027 8060 6100 0102 0480 177"}
    _, rulings = _decided(world, RequestKind.RECTIFICATION, rectified=(world.records["bank"], new))
    granted, _ = rulings["rights_benefits"]
    assert granted
    decided = world.service.list(DPO)[0]
    assert "dgfip" in decided.rulings[0].recipients and "caf" in decided.rulings[0].recipients
    with connect(world.env.engine) as connection:
        _, held = vault.read_everything(connection, world.env.keyring, world.paris)
    assert [r.payload for r in held if r.id == world.records["bank"]] == [new]
    assert any(r.action == "change" and r.allowed and r.categories == '["banking"]' for r in journal_rows(world))


def test_rectification_of_someone_elses_record_is_refused_and_nothing_changes(world: World) -> None:
    made = world.service.submit(DPO, intake(RequestKind.RECTIFICATION))
    with pytest.raises(InvalidInput, match="n'appartient pas"):
        world.service.decide(DPO, made.id, rectified=(999_999, {"x": 1}))
    assert world.service.list(DPO)[0].status is Status.OPEN


def test_a_manifestly_unfounded_request_is_refused_with_that_ground(world: World) -> None:
    _, rulings = _decided(world, RequestKind.ACCESS, unfounded="cinquième demande identique ce mois-ci")
    assert rulings[None][0] is False and "12(5)" in rulings[None][1] and "cinquième" in rulings[None][1]
    assert world.service.list(DPO)[0].outcome is Outcome.REFUSED


def test_a_decision_on_a_closed_request_is_refused_and_changes_nothing(world: World) -> None:
    request_id, _ = _decided(world, RequestKind.ACCESS)
    before = world.service.list(DPO)[0]
    with pytest.raises(InvalidInput, match="déjà été décidée"):
        world.service.decide(DPO, request_id)
    assert world.service.list(DPO)[0] == before
    assert "déjà été décidée" in journal_rows(world)[-1].reason


def test_a_dpo_of_another_organisation_cannot_decide(world: World) -> None:
    made = world.service.submit(DPO, intake(RequestKind.ERASURE))
    with pytest.raises(AccessRefused, match="hors de votre périmètre"):
        world.service.decide(LYON_DPO, made.id)
    assert world.service.list(DPO)[0].status is Status.OPEN
    assert _processings(world) == {"rights_benefits", "service_offers", "fraud_control"}


def test_a_request_that_does_not_exist_is_bad_input(world: World) -> None:
    with pytest.raises(InvalidInput, match="demande inconnue"):
        world.service.decide(DPO, 4242)


def test_an_erasure_whose_request_moved_meanwhile_destroys_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The destruction and the decision are one commit: when the request cannot be marked decided (another
    decision won), nothing is destroyed."""
    made = world.service.submit(DPO, intake(RequestKind.ERASURE, processings=("service_offers",)))
    monkeypatch.setattr("vigie.rights.service.queries.change", lambda *args, **kwargs: False)
    with pytest.raises(InvalidInput, match="changé entre-temps"):
        world.service.decide(DPO, made.id)
    assert _processings(world) == {"rights_benefits", "service_offers", "fraud_control"}
