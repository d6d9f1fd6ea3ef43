"""Answers: the access answer (everything held, the accesses made, agents pseudonymised), the per-person journal
look-up, and the letters' content as HTML and PDF."""

from __future__ import annotations

import json
from datetime import date

import pytest
from rights_world import DPO, World, intake
from sqlalchemy import func, select, update

from vigie.access.service import Gate
from vigie.agents import NewAgent, add_agents
from vigie.audit import subjects
from vigie.audit.events import subject_pseudonym
from vigie.audit.subjects import CATCH_UP_LAG, THROUGH_KEY, catch_up, entries_about
from vigie.errors import InvalidInput
from vigie.ids import AgentId
from vigie.rights import RequestKind, answer, answers, letters
from vigie.store import connect
from vigie.store.schema import audit_subject_index, settings_table


def test_the_per_person_look_up_finds_that_persons_entries_only_and_catches_up_in_batches(world: World) -> None:
    gate, today = Gate(world.env, world.journal), world.env.clock.today()
    gate.check(AgentId("paris-droits"), world.paris, "rights_benefits", ("banking",), today)
    gate.check(AgentId("paris-droits"), world.lyon, "rights_benefits", ("banking",), today)
    with connect(world.env.engine) as connection:
        assert catch_up(connection) == 2
        assert catch_up(connection) == 0  # nothing new: nothing copied again
        found, _ = entries_about(connection, world.env.keyring, world.paris)
    assert [e.subject_ref for e in found] == [subject_pseudonym(world.env.keyring, world.paris)]
    gate.check(AgentId("paris-social"), world.paris, "social_support", ("social_situation",), today)
    with connect(world.env.engine) as connection:
        assert catch_up(connection) == 1
        assert [e.agent_id for e in entries_about(connection, world.env.keyring, world.paris)[0]] == [
            "paris-droits",
            "paris-social",
        ]


def test_the_look_up_names_each_entrys_agent_with_all_its_roles_and_each_entry_once(world: World) -> None:
    """The agents come in the look-up's own statement (one row per role): an agent with two roles must neither
    double its entries nor lose a role, and an entry by no agent names none."""
    gate, today = Gate(world.env, world.journal), world.env.clock.today()
    with connect(world.env.engine) as connection:
        add_agents(
            connection,
            world.env.register,
            [NewAgent("paris-double", "CPAM-75", "Agent à deux rôles", ("rights_agent", "social_worker"), today)],
        )
    gate.check(AgentId("paris-double"), world.paris, "rights_benefits", ("banking",), today)
    gate.check(AgentId("paris-droits"), world.paris, "rights_benefits", ("banking",), today)
    gate.check(AgentId("paris-double"), world.paris, "social_support", ("social_situation",), today)
    with connect(world.env.engine) as connection:
        entries, agents = entries_about(connection, world.env.keyring, world.paris)
        catch_up(connection)
        indexed, again = entries_about(connection, world.env.keyring, world.paris)
    for found in (entries, indexed):
        assert [e.agent_id for e in found] == ["paris-double", "paris-droits", "paris-double"]
        assert len({e.seq for e in found}) == 3
    assert agents == again
    assert agents["paris-double"].roles == frozenset({"rights_agent", "social_worker"})
    assert agents["paris-double"].organisation == "CPAM-75"
    assert agents["paris-droits"].roles == frozenset({"rights_agent"})
    assert set(agents) == {"paris-double", "paris-droits"}


def test_the_look_up_finds_the_entries_not_indexed_yet_each_once(world: World) -> None:
    """An answer need not index the journal first: the tail past the index is read too, and an entry is taken
    from the index or from the tail, never both (where the index stands is read in the look-up's statement)."""
    gate, today = Gate(world.env, world.journal), world.env.clock.today()
    gate.check(AgentId("paris-droits"), world.paris, "rights_benefits", ("banking",), today)
    with connect(world.env.engine) as connection:
        assert [e.agent_id for e in entries_about(connection, world.env.keyring, world.paris)[0]] == ["paris-droits"]
        assert catch_up(connection) == 1
    gate.check(AgentId("paris-social"), world.paris, "social_support", ("social_situation",), today)
    with connect(world.env.engine) as connection:
        assert catch_up(connection, lag=CATCH_UP_LAG) == 0  # a short tail is left unindexed
        both = [e.agent_id for e in entries_about(connection, world.env.keyring, world.paris)[0]]
        assert both == ["paris-droits", "paris-social"]
        connection.execute(update(settings_table).where(settings_table.c.key == THROUGH_KEY).values(value="0"))
        again = [e.agent_id for e in entries_about(connection, world.env.keyring, world.paris)[0]]
    assert again == ["paris-droits", "paris-social"]  # the index ahead of its mark: no entry twice


def test_an_access_answer_leaves_a_short_tail_unindexed(world: World) -> None:
    """Answering writes nothing but its journal entry while the tail is shorter than `CATCH_UP_LAG`."""
    made = world.service.submit(DPO, intake(RequestKind.ACCESS))
    world.service.decide(DPO, made.id)
    answer(world.service, DPO, made.id)
    with connect(world.env.engine) as connection:
        indexed = connection.scalar(select(func.count()).select_from(audit_subject_index))
    assert indexed == 0


def test_answers_look_at_the_index_lag_now_and_then_and_catch_up_once_it_is_long(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`keep_up` looks at the lag at most every `CHECK_EVERY` seconds per database, and catches the index up
    when the tail has reached `CATCH_UP_LAG` entries."""
    monkeypatch.setattr(subjects, "CATCH_UP_LAG", 3)
    monkeypatch.setattr(subjects, "_looked_at", {})  # this process's looks at other tests' databases
    gate, today = Gate(world.env, world.journal), world.env.clock.today()
    for _ in range(3):
        gate.check(AgentId("paris-droits"), world.paris, "rights_benefits", ("banking",), today)
    moments = iter([1000.0, 1000.0 + subjects.CHECK_EVERY / 2, 1000.0 + subjects.CHECK_EVERY * 1.01])
    with connect(world.env.engine) as connection:
        assert subjects.keep_up(connection, now=lambda: next(moments)) == 3  # first look: the tail is long
    gate.check(AgentId("paris-droits"), world.paris, "rights_benefits", ("banking",), today)
    for _ in range(3):
        gate.check(AgentId("paris-droits"), world.paris, "rights_benefits", ("banking",), today)
    with connect(world.env.engine) as connection:
        assert subjects.keep_up(connection, now=lambda: next(moments)) == 0  # too soon: not even looked at
        assert subjects.keep_up(connection, now=lambda: next(moments)) == 4  # time to look again


def test_an_access_answer_holds_everything_per_processing_and_the_accesses_with_agents_pseudonymised(
    world: World,
) -> None:
    Gate(world.env, world.journal).read(
        AgentId("paris-droits"), world.paris, "rights_benefits", ("banking",), world.env.clock.today()
    )
    made = world.service.submit(DPO, intake(RequestKind.ACCESS))
    world.service.decide(DPO, made.id)
    reply = answer(world.service, DPO, made.id)
    content = reply.content
    assert content is not None and reply.request.answered_on == world.env.clock.today()
    assert content["person"]["identity"]["nom"] == "Lefèbvre"
    by_id = {p["id"]: p for p in content["processings"]}
    assert [r["payload"] for r in by_id["rights_benefits"]["records"]] == [
        {"acte": "HBQK002"},
        {"iban": "FR76 3000 6000 0112 3456 7890 189"},
    ]
    fraud = by_id["fraud_control"]
    assert "data mining" in fraud["automated_decision"] and "tiers" in fraud["source"]
    assert "DGFiP" in " ".join(by_id["rights_benefits"]["recipients"])
    reads = [a for a in content["accesses"] if a["purpose"] == "rights_benefits"]
    assert reads and reads[0]["organisation"] == "CPAM-75" and reads[0]["roles"] == ["rights_agent"]
    assert reads[0]["agent"].startswith("agent-")
    text = json.dumps(content, ensure_ascii=False)
    assert "paris-droits" not in text and "paris-dpo" not in text  # agents appear only pseudonymised
    assert "acte : HBQK002" in reply.html and "Lefèbvre" in reply.html and reads[0]["agent"] in reply.html
    assert "paris-droits" not in reply.html


@pytest.mark.parametrize("with_records", [True, False])
def test_an_answer_as_json_text_is_its_data_encoded(world: World, with_records: bool) -> None:
    """The JSON text (the register's accounts taken already encoded) says exactly what the data says, keys in
    the same order, for an access answer and for one without the records (information)."""
    gate, today = Gate(world.env, world.journal), world.env.clock.today()
    gate.read(AgentId("paris-droits"), world.paris, "rights_benefits", ("banking",), today)
    everything = world.service.effects.read_everything(DPO, world.paris, today)
    gathered = answers.gather_access(world.env.register, world.env.keyring, everything, with_records=with_records)
    content = gathered.content()
    assert json.loads(gathered.json(), object_pairs_hook=list) == json.loads(
        json.dumps(content, ensure_ascii=False), object_pairs_hook=list
    )
    assert "\\u" not in gathered.json()  # UTF-8 as is, as in the data's encoding
    assert ("Lefèbvre" in gathered.json()) is with_records
    held = [p for p in content["processings"] if p["records_held"]]
    assert held and all(bool(p["records"]) is with_records for p in held)


def test_a_reply_as_json_text_is_its_data_encoded(world: World) -> None:
    made = world.service.submit(DPO, intake(RequestKind.ACCESS))
    world.service.decide(DPO, made.id)
    reply = answer(world.service, DPO, made.id)
    assert json.loads(reply.json()) == json.loads(json.dumps(reply.as_json(), default=str))
    assert reply.content is not None and json.loads(reply.content_json) == json.loads(json.dumps(reply.content))


def test_the_letter_names_the_organisation_dpo_decision_ground_deadline_and_the_cnil(world: World) -> None:
    made = world.service.submit(
        DPO, intake(RequestKind.OBJECTION, received=date(2026, 11, 2), processings=("fraud_control",))
    )
    world.service.decide(DPO, made.id)
    html = answer(world.service, DPO, made.id).html
    assert "CPAM de Paris" in html and "Délégué à la protection des données de la CPAM de Paris" in html
    assert "refusée" in html and "intérêt public fixée par la loi" in html
    assert "02/11/2026" in html and "02/12/2026" in html and "le délai légal est respecté" in html
    assert "3, place de Fontenoy" in html and "75334 Paris Cedex 07" in html and "réclamation" in html
    document = letters.pdf(html)
    assert document.startswith(b"%PDF-") and len(document) > 2000


def test_a_late_answer_says_so(world: World) -> None:
    made = world.service.submit(DPO, intake(RequestKind.ACCESS, received=date(2026, 9, 1)))
    world.service.decide(DPO, made.id)
    html = answer(world.service, DPO, made.id).html
    assert "retard" in html and "le délai légal est respecté" not in html


def test_an_undecided_request_cannot_be_answered(world: World) -> None:
    made = world.service.submit(DPO, intake(RequestKind.ACCESS))
    with pytest.raises(InvalidInput, match="pas encore décidée"):
        answer(world.service, DPO, made.id)
