"""Intake: the person found by NIR through the gate, identity checked, the clock started or held, refusals journaled."""

from __future__ import annotations

from datetime import date

import pytest
from rights_world import DPO, LYON_DPO, LYON_NIR, World, intake, journal_rows
from sqlalchemy import select
from stdnum.fr import nir as stdnum_nir

from vigie.errors import AccessRefused, InvalidIdentifier, InvalidInput
from vigie.ids import AgentId
from vigie.rights import RequestKind, Status
from vigie.store import connect
from vigie.store.schema import rights_requests


def test_a_request_whose_identity_matches_is_routed_and_due_one_month_after_receipt(world: World) -> None:
    made = world.service.submit(DPO, intake(RequestKind.ACCESS, received=date(2026, 10, 31), text="Je veux tout"))
    assert (made.status, made.organisation, made.subject_id) == (Status.OPEN, "CPAM-75", world.paris)
    assert made.due_on == date(2026, 11, 30)  # 31 October + 1 month: the end of November
    shown, text = world.service.show(DPO, made.id)
    assert text == "Je veux tout" and shown.id == made.id
    rows = journal_rows(world)
    assert any(r.action == "read" and r.purpose == "rights_requests" and r.allowed for r in rows)
    assert not any("Lefèbvre" in r.reason or "Je veux" in r.reason for r in rows)


def test_the_wording_is_stored_sealed_never_in_clear(world: World) -> None:
    world.service.submit(DPO, intake(RequestKind.ACCESS, text="mon dossier de Lefèbvre"))
    with connect(world.env.engine) as connection:
        stored = connection.scalar(select(rights_requests.c.details))
    assert stored is not None and b"Lef" not in bytes(stored)


def test_a_mismatched_identity_holds_the_request_and_its_clock_until_confirmed(world: World) -> None:
    held = world.service.submit(DPO, intake(RequestKind.ACCESS, identity={"nom": "Martin"}))
    assert (held.status, held.due_on) == (Status.IDENTITY_HOLD, None)
    with pytest.raises(InvalidInput, match="identité à confirmer"):
        world.service.decide(DPO, held.id)
    confirmed = world.service.confirm_identity(DPO, held.id, date(2026, 11, 25))
    assert (confirmed.status, confirmed.due_on) == (Status.OPEN, date(2026, 12, 25))


def test_names_are_compared_without_accents_case_or_spaces(world: World) -> None:
    made = world.service.submit(DPO, intake(RequestKind.ACCESS, identity={"nom": "LEFEBVRE", "prenom": " jeanne"}))
    assert made.status is Status.OPEN


def test_an_unknown_nir_is_refused_and_journaled(world: World) -> None:
    nobody = "1790269123999" + stdnum_nir.calc_check_digits("1790269123999")
    before = len(journal_rows(world))
    with pytest.raises(AccessRefused, match="personne inconnue ou hors de votre périmètre"):
        world.service.submit(DPO, intake(RequestKind.ACCESS, nir=nobody))
    after = journal_rows(world)
    assert len(after) == before + 1
    assert not after[-1].allowed and after[-1].reason == "aucune personne ne porte ce NIR"
    with pytest.raises(InvalidIdentifier):
        world.service.submit(DPO, intake(RequestKind.ACCESS, nir="1790269123999"))  # no key: malformed


def test_a_dpo_of_another_organisation_cannot_take_the_request(world: World) -> None:
    with pytest.raises(AccessRefused, match="hors de votre périmètre"):
        world.service.submit(LYON_DPO, intake(RequestKind.ACCESS))
    assert world.service.submit(LYON_DPO, intake(RequestKind.ACCESS, nir=LYON_NIR, identity={"nom": "Roux"}))


def test_an_online_request_for_someone_else_is_refused_and_journaled(world: World) -> None:
    with pytest.raises(InvalidInput, match="autre personne"):
        world.service.submit(DPO, intake(RequestKind.ACCESS, requester=world.lyon))
    last = journal_rows(world)[-1]
    assert not last.allowed and "autre personne" in last.reason


def test_a_receipt_date_in_the_future_is_bad_input(world: World) -> None:
    with pytest.raises(InvalidInput, match="date à venir"):
        world.service.submit(DPO, intake(RequestKind.ACCESS, received=date(2026, 12, 1)))


def test_only_a_dpo_lists_requests(world: World) -> None:
    world.service.submit(DPO, intake(RequestKind.ACCESS))
    assert [r.organisation for r in world.service.list(DPO)] == ["CPAM-75"]
    assert world.service.list(LYON_DPO) == []
    with pytest.raises(AccessRefused, match="DPO"):
        world.service.list(AgentId("paris-droits"))
    last = journal_rows(world)[-1]
    assert (last.agent_id, last.allowed, last.purpose) == ("paris-droits", False, "rights_requests")
