"""Every SQL statement of the rights slice, over its own tables (SQLAlchemy Core). Ids come from the database."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update

from vigie.errors import NotFound
from vigie.ids import SubjectId
from vigie.rights.model import Channel, Outcome, Request, RequestKind, Ruling, Status
from vigie.store.schema import rights_notices, rights_requests

_R = rights_requests.c
_COLUMNS = (
    _R.id, _R.subject_id, _R.organisation_code, _R.kind, _R.channel, _R.received_on, _R.registered_by,
    _R.processings, _R.status, _R.identity_confirmed_on, _R.due_on, _R.extended_to, _R.extension_reason,
    _R.extension_told_on, _R.outcome, _R.decision, _R.decided_on, _R.decided_by, _R.answered_on,
    _R.lifted_on, _R.lifted_by, _R.lift_told_on, _R.lift_reason,
)  # fmt: skip


def _request(row: Any) -> Request:
    rulings = tuple(
        Ruling(r["processing"], bool(r["granted"]), r["ground"], tuple(r.get("recipients", ())))
        for r in json.loads(row.decision or "[]")
    )
    return Request(
        id=int(row.id),
        subject_id=SubjectId(int(row.subject_id)),
        organisation=row.organisation_code,
        kind=RequestKind(row.kind),
        channel=Channel(row.channel),
        received_on=row.received_on,
        registered_by=row.registered_by,
        processings=tuple(json.loads(row.processings)) if row.processings is not None else None,
        status=Status(row.status),
        identity_confirmed_on=row.identity_confirmed_on,
        due_on=row.due_on,
        extended_to=row.extended_to,
        extension_reason=row.extension_reason,
        extension_told_on=row.extension_told_on,
        outcome=Outcome(row.outcome) if row.outcome is not None else None,
        rulings=rulings,
        decided_on=row.decided_on,
        decided_by=row.decided_by,
        answered_on=row.answered_on,
        lifted_on=row.lifted_on,
        lifted_by=row.lifted_by,
        lift_told_on=row.lift_told_on,
        lift_reason=row.lift_reason,
    )


def insert_request(connection: Connection, values: dict[str, Any]) -> int:
    """Store a new request; the database gives its id."""
    if values.get("processings") is not None:
        values = {**values, "processings": json.dumps(list(values["processings"]))}
    return int(connection.execute(insert(rights_requests).values(**values).returning(_R.id)).scalar_one())


def set_details(connection: Connection, request_id: int, sealed: bytes) -> None:
    connection.execute(update(rights_requests).where(_R.id == request_id).values(details=sealed))


def details(connection: Connection, request_id: int) -> bytes | None:
    found = connection.scalar(select(_R.details).where(_R.id == request_id))
    return bytes(found) if found is not None else None


def load(connection: Connection, request_id: int, *, lock: bool = False) -> Request:
    """The request, or NotFound; `lock` takes its row lock (PostgreSQL) so that two decisions queue."""
    query = select(*_COLUMNS).where(_R.id == request_id)
    if lock and connection.dialect.name != "sqlite":
        query = query.with_for_update()
    row = connection.execute(query).first()
    if row is None:
        raise NotFound("demande", str(request_id))
    return _request(row)


def change(
    connection: Connection,
    request_id: int,
    expected: tuple[Status, ...],
    values: dict[str, Any],
    *,
    unlifted: bool = False,
) -> bool:
    """Update a request still in one of the `expected` statuses (and, with `unlifted`, whose limitation is not
    lifted yet); False when it moved meanwhile."""
    if "decision" in values:
        values = {**values, "decision": json.dumps([r.as_json() for r in values["decision"]], ensure_ascii=False)}
    query = update(rights_requests).where(_R.id == request_id, _R.status.in_([s.value for s in expected]))
    if unlifted:
        query = query.where(_R.lifted_on.is_(None))
    done = connection.execute(query.values(**values))
    return bool(done.rowcount)


def listing(
    connection: Connection, organisation: str | None, status: Status | None, limit: int, after: int | None = None
) -> list[Request]:
    """Requests by id, filtered by organisation and status."""
    query = select(*_COLUMNS).order_by(_R.id).limit(limit)
    if organisation is not None:
        query = query.where(_R.organisation_code == organisation)
    if status is not None:
        query = query.where(_R.status == status.value)
    if after is not None:
        query = query.where(_R.id > after)
    return [_request(row) for row in connection.execute(query)]


def counts(connection: Connection, organisation: str | None) -> list[tuple[str, str, str | None, str, int]]:
    """(organisation, kind, outcome, status, count), grouped in SQL."""
    query = select(_R.organisation_code, _R.kind, _R.outcome, _R.status, func.count()).group_by(
        _R.organisation_code, _R.kind, _R.outcome, _R.status
    )
    if organisation is not None:
        query = query.where(_R.organisation_code == organisation)
    return [(r[0], r[1], r[2], r[3], int(r[4])) for r in connection.execute(query)]


def answer_delays(connection: Connection, organisation: str | None) -> list[tuple[date, date]]:
    """(received_on, answered_on) of the answered requests."""
    query = select(_R.received_on, _R.answered_on).where(_R.answered_on.is_not(None))
    if organisation is not None:
        query = query.where(_R.organisation_code == organisation)
    return [(r[0], r[1]) for r in connection.execute(query)]


def open_deadlines(connection: Connection, organisation: str | None) -> list[date | None]:
    """The deadlines of the requests not yet answered (extended ones first), for the overdue count."""
    query = select(func.coalesce(_R.extended_to, _R.due_on)).where(_R.answered_on.is_(None))
    if organisation is not None:
        query = query.where(_R.organisation_code == organisation)
    return [r[0] for r in connection.execute(query)]


def insert_notice(connection: Connection, values: dict[str, Any]) -> int:
    return int(connection.execute(insert(rights_notices).values(**values).returning(rights_notices.c.id)).scalar_one())


def notices_of(connection: Connection, subject_id: int) -> list[Row[Any]]:
    n = rights_notices.c
    query = select(n.id, n.processing_id, n.situation, n.exception, n.sent_on, n.observations_until, n.sent_by)
    return list(connection.execute(query.where(n.subject_id == subject_id).order_by(n.id)))
