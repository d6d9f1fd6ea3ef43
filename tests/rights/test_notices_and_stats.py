"""Individual information (GDPR 14) with content by outcome, recorded; and the DPO's counts."""

from __future__ import annotations

from datetime import date

import pytest
from rights_world import DPO, LYON_DPO, World, intake, journal_rows
from sqlalchemy import select

from vigie.errors import AccessRefused, InvalidInput
from vigie.rights import Exception14, RequestKind, Situation, answer, notify, stats
from vigie.store import connect
from vigie.store.schema import rights_notices


def test_a_fraud_investigation_notice_gives_a_period_for_observations_before_any_decision(world: World) -> None:
    sent = notify(world.service, DPO, world.paris, "fraud_control", Situation.INVESTIGATION)
    assert sent.observations_until == date(2026, 12, 28) and sent.html is not None
    assert "présenter vos observations" in sent.html and "contradictoire" in sent.html and "28/12/2026" in sent.html
    assert "3, place de Fontenoy" in sent.html and "data mining" in sent.html
    closed = notify(world.service, DPO, world.paris, "fraud_control", Situation.CLOSED)
    assert closed.observations_until is None and closed.html is not None and "classé sans suite" in closed.html
    with connect(world.env.engine) as connection:
        rows = connection.execute(select(rights_notices.c.situation, rights_notices.c.sent_on)).all()
    assert [tuple(r) for r in rows] == [("investigation", date(2026, 11, 28)), ("closed", date(2026, 11, 28))]


def test_an_exception_is_recorded_instead_of_a_letter(world: World) -> None:
    sent = notify(
        world.service,
        DPO,
        world.paris,
        "fraud_control",
        Situation.INVESTIGATION,
        exception=Exception14.DISPROPORTIONATE,
    )
    assert (sent.html, sent.observations_until, sent.exception) == (None, None, Exception14.DISPROPORTIONATE)
    with connect(world.env.engine) as connection:
        assert connection.scalar(select(rights_notices.c.exception)) == "disproportionate"


def test_a_notice_needs_the_persons_dpo_and_a_known_processing(world: World) -> None:
    with pytest.raises(AccessRefused):
        notify(world.service, LYON_DPO, world.paris, "fraud_control", Situation.PARTNER)
    with pytest.raises(InvalidInput, match="traitement inconnu"):
        notify(world.service, DPO, world.paris, "nulle_part", Situation.PARTNER)
    assert not journal_rows(world)[-1].allowed


def test_counts_by_kind_outcome_and_organisation_median_time_and_overdue(world: World) -> None:
    late = world.service.submit(DPO, intake(RequestKind.ACCESS, received=date(2026, 9, 1)))  # due 1 October
    world.service.submit(DPO, intake(RequestKind.OBJECTION, received=date(2026, 11, 20)))
    done = world.service.submit(
        DPO, intake(RequestKind.ERASURE, received=date(2026, 11, 18), processings=("service_offers",))
    )
    world.service.decide(DPO, done.id)
    answer(world.service, DPO, done.id)  # answered on 28 November: 10 days
    found = stats(world.env, "CPAM-75", world.env.clock.today())
    assert found.by_kind == {"access": 1, "objection": 1, "erasure": 1}
    assert found.by_outcome == {"pending": 2, "granted": 1}
    assert found.by_organisation == {"CPAM-75": 3}
    assert (found.median_days_to_answer, found.answered, found.open, found.overdue) == (10.0, 1, 2, 1)
    assert stats(world.env, "CPAM-69", world.env.clock.today()).by_kind == {}
    assert late.deadline == date(2026, 10, 1)
