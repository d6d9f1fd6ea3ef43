"""The stored end dates, computed by set-based SQL, agree with the Python reference `end_of` on generated cases."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

from retention_world import add_people, add_records
from sqlalchemy import event as sql_event
from sqlalchemy import inspect, select

from vigie.durations import Duration
from vigie.environment import Environment
from vigie.register import Policy
from vigie.register.ends import EventDates, end_of
from vigie.retention.ends import NOT_STARTED, PERSON_COLUMNS, refresh
from vigie.store import connect
from vigie.store.schema import record_events, records, subjects
from vigie.taxonomy import ClockOwner, LifecycleEvent, SubjectKind

_PEOPLE = 300
_RECORDS = 1500


def _day(rng: random.Random) -> date | None:
    if rng.random() < 0.35:
        return None
    # Month ends and leap days on purpose: calendar arithmetic must clamp the same way in SQL and Python.
    base = rng.choice([date(2020, 2, 29), date(2021, 1, 31), date(2019, 8, 31), date(2022, 12, 31)])
    return base + timedelta(days=rng.choice([0, 0, 0, 1, -1, rng.randrange(-900, 900)]))


def _generate(policy: Policy, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(seed)
    people = []
    for i in range(1, _PEOPLE + 1):
        person: dict[str, Any] = {"id": i, "kind": rng.choice(list(SubjectKind))}
        for column in PERSON_COLUMNS.values():
            person[column] = _day(rng)
        people.append(person)
    by_kind: dict[SubjectKind, list[str]] = {}
    for processing, pairs in policy.kinds_of.items():
        for kind, _ in pairs:
            by_kind.setdefault(kind, []).append(processing)
    rows, extra = [], []
    record_id = 0
    while record_id < _RECORDS:
        person = rng.choice(people)
        choices = sorted(by_kind.get(person["kind"], []))
        if not choices:
            continue
        record_id += 1
        processing = rng.choice(choices)
        events = sorted({e for c in policy.retention_rules(processing) for o, e in c.events if o is ClockOwner.RECORD})
        row: dict[str, Any] = {"id": record_id, "subject_id": person["id"], "processing_id": processing}
        if events:
            row["event"] = rng.choice(events).value
            row["event_on"] = _day(rng)
            others = [e for e in events if e.value != row["event"]]
            if others and rng.random() < 0.3:
                on = _day(rng) or date(2021, 3, 31)
                extra.append({"record_id": record_id, "event": rng.choice(others).value, "event_on": on})
        if rng.random() < 0.3:
            row["file_owner_id"] = rng.randrange(1, _PEOPLE + 1)
        rows.append(row)
    return people, rows, extra


def _dates(row: Any, person: Any, owner: Any, extra: dict[str, date]) -> EventDates:
    dates: dict[tuple[ClockOwner, LifecycleEvent], date] = {}
    for event, column in PERSON_COLUMNS.items():
        if person[column] is not None:
            dates[(ClockOwner.SUBJECT, event)] = person[column]
        if owner[column] is not None:
            dates[(ClockOwner.FILE_OWNER, event)] = owner[column]
    if row.event is not None and row.event_on is not None:
        dates[(ClockOwner.RECORD, LifecycleEvent(row.event))] = row.event_on
    for event, on in extra.items():
        key = (ClockOwner.RECORD, LifecycleEvent(event))
        dates[key] = min(dates[key], on) if key in dates else on
    return dates


def test_sql_end_dates_agree_with_end_of_on_generated_cases(environment: Environment, policy: Policy) -> None:
    engine = environment.engine
    people, rows, extra = _generate(policy, seed=20261128)
    with connect(engine) as connection:
        add_people(connection, people)
        add_records(connection, rows, extra)
        refresh(connection, policy)
    with connect(engine) as connection:
        by_id = {p.id: p._mapping for p in connection.execute(select(subjects))}
        more: dict[int, dict[str, date]] = {}
        for e in connection.execute(select(record_events)):
            more.setdefault(e.record_id, {})[e.event] = e.event_on
        stored = connection.execute(select(records).order_by(records.c.id)).all()
    assert len(stored) == _RECORDS
    dated = 0
    for row in stored:
        person = by_id[row.subject_id]
        owner = by_id[row.file_owner_id] if row.file_owner_id is not None else person
        clocks = policy.retention_rules(row.processing_id)
        expected = end_of(clocks, SubjectKind(person["kind"]), _dates(row, person, owner, more.get(row.id, {})))
        assert row.end_on == expected, (row.id, row.processing_id, person["kind"])
        if expected is None:
            assert row.end_rule == NOT_STARTED
        else:
            dated += 1
            rule = clocks[row.end_rule]
            assert (
                rule.duration.after(
                    min(d for k, d in _dates(row, person, owner, more.get(row.id, {})).items() if k in rule.events)
                )
                == expected
            )
    assert dated > _RECORDS // 4  # the generator reaches started clocks, not only open lives


def test_records_added_later_are_dated_even_under_an_id_already_used(environment: Environment, policy: Policy) -> None:
    """A sweep may delete the highest ids, and the next record reuse one: dating follows `end_rule`, not ids."""
    with connect(environment.engine) as connection:
        add_people(connection, [{"id": 1, "kind": "insured", "rights_end_on": date(2020, 1, 1)}])
        add_records(connection, [{"id": 1, "subject_id": 1, "processing_id": "rights_benefits"}])
        refresh(connection, policy)
        connection.execute(records.delete())
        add_records(connection, [{"id": 1, "subject_id": 1, "processing_id": "social_support"}])
        refresh(connection, policy)
        add_records(connection, [{"id": 2, "subject_id": 1, "processing_id": "rights_benefits"}])
        refresh(connection, policy)
        dated = dict(connection.execute(select(records.c.id, records.c.end_rule)).all())
        ends = dict(connection.execute(select(records.c.id, records.c.end_on)).all())
    assert dated == {1: NOT_STARTED, 2: 0}
    assert ends == {1: None, 2: date(2025, 1, 1)}


def test_a_new_register_version_recomputes_only_the_processings_it_changed(
    environment: Environment, policy: Policy
) -> None:
    with connect(environment.engine) as connection:
        add_people(connection, [{"id": 1, "kind": "insured", "rights_end_on": date(2020, 1, 1)}])
        add_records(
            connection,
            [
                {"id": 1, "subject_id": 1, "processing_id": "rights_benefits"},
                {"id": 2, "subject_id": 1, "processing_id": "social_support", "event": "support_end",
                 "event_on": date(2020, 1, 1)},
            ],
        )  # fmt: skip
        assert set(refresh(connection, policy)) == set(policy.retention)  # first time: every processing
        assert refresh(connection, policy) == {}  # nothing changed, nothing new
        longer = tuple(dataclasses.replace(c, duration=Duration(years=2)) for c in policy.retention["social_support"])
        changed = dataclasses.replace(
            policy, retention=MappingProxyType({**policy.retention, "social_support": longer})
        )
        assert refresh(connection, changed) == {"social_support": 1}
        ends = dict(connection.execute(select(records.c.id, records.c.end_on)).all())
    assert ends == {1: date(2025, 1, 1), 2: date(2022, 1, 1)}


def test_a_whole_recompute_rebuilds_the_indexes_it_drops_and_a_small_one_keeps_them(
    environment: Environment, policy: Policy
) -> None:
    """The first dating covers every record: the secondary indexes go during the UPDATEs and come back after;
    dating a few added records later leaves them in place."""
    people, rows, extra = _generate(policy, seed=11)
    engine = environment.engine
    names = {"ix_records_subject", "ix_records_end_on", "ix_records_file_owner", "ix_records_undated"}
    with connect(engine) as connection:
        add_people(connection, people)
        add_records(connection, rows, extra)
    executed: list[str] = []

    def log(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        executed.append(statement.strip())

    sql_event.listen(engine, "before_cursor_execute", log)
    try:
        with connect(engine) as connection:
            refresh(connection, policy)
        assert {n for n in names if any(s.startswith(f"DROP INDEX {n}") for s in executed)} == names
        assert names <= {i["name"] for i in inspect(engine).get_indexes("records")}
        executed.clear()
        with connect(engine) as connection:
            add_people(connection, [{"id": 99_999, "kind": "insured", "rights_end_on": date(2020, 1, 31)}])
            add_records(connection, [{"id": 99_999, "subject_id": 99_999, "processing_id": "rights_benefits"}])
            refresh(connection, policy)
        assert not [s for s in executed if s.startswith(("DROP INDEX", "CREATE INDEX"))]
    finally:
        sql_event.remove(engine, "before_cursor_execute", log)
    assert names <= {i["name"] for i in inspect(engine).get_indexes("records")}
    with connect(engine) as connection:
        assert connection.scalar(select(records.c.end_on).where(records.c.id == 99_999)) == date(2025, 1, 31)
