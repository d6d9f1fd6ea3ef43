"""Subjects and their records, encrypted at rest; the only module that opens ciphertexts.

Callers other than `access` must not use the reading functions here: `access` decides and journals first.
Every payload is sealed under the subject's own data key with associated data binding it to its row, so a
ciphertext copied to another row does not open, and dropping the wrapped key (crypto-shredding) makes every
copy of the subject's data unreadable, backups included.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Date,
    Select,
    and_,
    bindparam,
    delete,
    func,
    insert,
    null,
    or_,
    select,
    union_all,
    update,
)

from vigie.crypto import (
    Keyring,
    blind_index,
    identity_binding,
    new_data_key,
    open_many,
    open_sealed,
    record_binding,
    seal,
    unwrap_data_key,
    wrap_data_key,
)
from vigie.errors import NotFound
from vigie.identifiers import validate_siret
from vigie.ids import SubjectId
from vigie.model import SubjectState
from vigie.nir import validate_nir
from vigie.store.prepared import Prepared, PreparedFamily
from vigie.store.schema import consents, objections, record_events, records, subjects
from vigie.taxonomy import SubjectKind


@dataclass(frozen=True)
class RecordView:
    """One decrypted record, as handed out by `access` after an allowed, journaled decision."""

    id: int
    processing: str
    category: str
    recorded_on: date
    payload: dict[str, Any]


# Which fields of the sealed identity belong to which category; everything else identifies the person.
_IDENTITY_CATEGORIES: dict[str, str] = {
    "nir": "nir",
    "siret": "siret",
    "adresse": "contact",
    "telephone": "contact",
    "courriel": "contact",
}


def identity_fields(identity: dict[str, Any], categories: tuple[str, ...]) -> dict[str, Any]:
    """The part of an identity that the requested categories cover (minimisation of what is shown)."""
    wanted = set(categories)
    return {k: v for k, v in identity.items() if _IDENTITY_CATEGORIES.get(k, "identification") in wanted}


_SUBJECT_ID: BindParameter[int] = bindparam("subject_id")
# The state a decision needs, in one round trip (run on every decision): the subject's row with one row per
# objection (LEFT JOIN), then one row per consent in force; the columns a branch does not fill are NULL.
_STATE = Prepared(
    union_all(
        select(
            subjects.c.kind,
            subjects.c.organisation_code,
            subjects.c.restricted,
            objections.c.processing_id,
            null().label("consented"),
        )
        .select_from(subjects.outerjoin(objections, objections.c.subject_id == subjects.c.id))
        .where(subjects.c.id == _SUBJECT_ID),
        select(null(), null(), null(), null(), consents.c.processing_id).where(
            consents.c.subject_id == _SUBJECT_ID,
            consents.c.given_on <= bindparam("today", type_=Date),
            or_(consents.c.withdrawn_on.is_(None), consents.c.withdrawn_on > bindparam("today", type_=Date)),
        ),
    )
)
_SEALED_IDENTITY = Prepared(select(subjects.c.wrapped_key, subjects.c.identity).where(subjects.c.id == _SUBJECT_ID))
_WRAPPED_KEY = Prepared(select(subjects.c.wrapped_key).where(subjects.c.id == _SUBJECT_ID))
# The sealed identity and every record, in one round trip (an access request): the subject's columns repeat on
# each record's row; one row with no record when there is none.
_EVERYTHING = Prepared(
    select(
        subjects.c.wrapped_key,
        subjects.c.identity,
        records.c.id,
        records.c.processing_id,
        records.c.category,
        records.c.recorded_on,
        records.c.payload,
    )
    .select_from(subjects.outerjoin(records, records.c.subject_id == subjects.c.id))
    .where(subjects.c.id == _SUBJECT_ID)
    .order_by(records.c.processing_id, records.c.recorded_on, records.c.id)
)
_BY_NIR = Prepared(select(subjects.c.id).where(subjects.c.nir_index == bindparam("nir_index")))
_BY_SIRET = Prepared(select(subjects.c.id).where(subjects.c.siret_index == bindparam("siret_index")))


def _records_in(count: int) -> Select[Any]:
    """The subject's records of one processing in `count` categories, oldest first."""
    return (
        select(records.c.id, records.c.processing_id, records.c.category, records.c.recorded_on, records.c.payload)
        .where(
            records.c.subject_id == _SUBJECT_ID,
            records.c.processing_id == bindparam("processing"),
            records.c.category.in_([bindparam(f"category_{i}") for i in range(count)]),
        )
        .order_by(records.c.recorded_on, records.c.id)
    )


_RECORDS = PreparedFamily(_records_in)


def subject_state(connection: Connection, subject_id: int, today: date) -> SubjectState:
    """The state a decision needs: kind, organisation, restriction, objections, consents in force."""
    rows = _STATE.rows(connection, {"subject_id": subject_id, "today": today})
    head = [row for row in rows if row[0] is not None]
    if not head:
        raise NotFound("personne", str(subject_id))
    kind, organisation, restricted = head[0][:3]
    return SubjectState(
        SubjectId(subject_id),
        SubjectKind(kind),
        organisation,
        bool(restricted),
        frozenset(row[3] for row in head if row[3] is not None),
        frozenset(row[4] for row in rows if row[4] is not None),
    )


def find_by_nir(connection: Connection, keyring: Keyring, nir: str) -> SubjectId | None:
    """The subject with this NIR, looked up by its blind index; the NIR itself is never queried.

    A NIR without its key is accepted here (its key is computed): a mistyped one finds nobody.
    """
    index = blind_index(keyring, "nir", validate_nir(nir, allow_keyless=True))
    found = _BY_NIR.first(connection, {"nir_index": index})
    return SubjectId(int(found[0])) if found is not None else None


def find_by_siret(connection: Connection, keyring: Keyring, siret: str) -> SubjectId | None:
    """The subject with this SIRET (validated, compact), looked up by its blind index only."""
    found = _BY_SIRET.first(connection, {"siret_index": blind_index(keyring, "siret", siret)})
    return SubjectId(int(found[0])) if found is not None else None


def _unwrap(keyring: Keyring, subject_id: int, wrapped: bytes | None) -> bytes:
    return unwrap_data_key(keyring, subject_id, bytes(wrapped) if wrapped is not None else None)


def _data_key(connection: Connection, keyring: Keyring, subject_id: int) -> bytes:
    row = _WRAPPED_KEY.first(connection, {"subject_id": subject_id})
    return _unwrap(keyring, subject_id, row[0] if row is not None else None)


def _open_identity(key: bytes, subject_id: int, sealed: bytes | None) -> dict[str, Any]:
    if sealed is None:
        return {}
    result: dict[str, Any] = json.loads(open_sealed(key, bytes(sealed), identity_binding(subject_id)))
    return result


def _open_records(key: bytes, subject_id: int, rows: list[tuple[Any, ...]]) -> list[RecordView]:
    if not rows:
        return []
    texts = open_many(key, [(bytes(row[4]), record_binding(subject_id, row[0], row[2])) for row in rows])
    # One parse for all: each text is one JSON value (what `json.dumps` of the payload sealed, authenticated by
    # AES-GCM), so joined by commas they make a JSON array; `strict` below fails loudly were the count to differ.
    payloads = json.loads(b"[" + b",".join(texts) + b"]")
    return [
        RecordView(record_id, processing, category, recorded_on, payload)
        for (record_id, processing, category, recorded_on, _), payload in zip(rows, payloads, strict=True)
    ]


def _record_rows(
    connection: Connection, subject_id: int, processing: str, categories: tuple[str, ...]
) -> list[tuple[Any, ...]]:
    wanted = sorted(set(categories))
    if not wanted:
        return []
    params: dict[str, Any] = {f"category_{i}": category for i, category in enumerate(wanted)}
    params |= {"subject_id": subject_id, "processing": processing}
    return _RECORDS.sized(len(wanted)).rows(connection, params)


def read_identity(connection: Connection, keyring: Keyring, subject_id: int) -> dict[str, Any]:
    """The subject's decrypted identity (names, NIR, contact)."""
    row = _SEALED_IDENTITY.first(connection, {"subject_id": subject_id})
    wrapped, sealed = row if row is not None else (None, None)
    key = _unwrap(keyring, subject_id, wrapped)
    return _open_identity(key, subject_id, sealed)


def read_records(
    connection: Connection, keyring: Keyring, subject_id: int, processing: str, categories: tuple[str, ...]
) -> list[RecordView]:
    """The subject's records of `processing` in `categories`, decrypted."""
    rows = _record_rows(connection, subject_id, processing, categories)
    if not rows:
        return []
    return _open_records(_data_key(connection, keyring, subject_id), subject_id, rows)


def read_subject(
    connection: Connection, keyring: Keyring, subject_id: int, processing: str, categories: tuple[str, ...]
) -> tuple[dict[str, Any], list[RecordView]]:
    """`read_identity` and `read_records` at once: two statements and one unwrapping of the data key."""
    row = _SEALED_IDENTITY.first(connection, {"subject_id": subject_id})
    wrapped, sealed = row if row is not None else (None, None)
    key = _unwrap(keyring, subject_id, wrapped)
    rows = _record_rows(connection, subject_id, processing, categories)
    return _open_identity(key, subject_id, sealed), _open_records(key, subject_id, rows)


def _new_row(connection: Connection, table: Any, values: dict[str, Any]) -> int:
    """Insert a row and return the id the database gave it (autoincrement on SQLite, identity sequence on
    PostgreSQL): two concurrent creations each get their own id, where `max(id) + 1` let one of them fail."""
    return int(connection.execute(insert(table).values(**values).returning(table.c.id)).scalar_one())


def add_subject(
    connection: Connection,
    keyring: Keyring,
    *,
    kind: SubjectKind,
    organisation: str,
    identity: dict[str, Any],
    created_on: date,
    nir: str | None = None,
    siret: str | None = None,
) -> SubjectId:
    """Create a subject with its own data key; the NIR and SIRET are validated and kept only as blind indexes.

    Only a NIR proper, key included, is stored: a keyless one could carry an unnoticed typing mistake.

    The database assigns the id; the identity and the wrapped key, whose bindings name it, are written in the
    same transaction right after, so nobody ever sees the row without them.
    """
    compact_nir = validate_nir(nir) if nir is not None else None
    compact_siret = validate_siret(siret) if siret is not None else None
    subject_id = _new_row(
        connection,
        subjects,
        {
            "kind": kind.value,
            "organisation_code": organisation,
            "nir_index": blind_index(keyring, "nir", compact_nir) if compact_nir else None,
            "siret_index": blind_index(keyring, "siret", compact_siret) if compact_siret else None,
            "created_on": created_on,
            "restricted": False,
        },
    )
    data_key = new_data_key()
    sealed_identity = seal(
        data_key,
        json.dumps({**identity, **({"nir": compact_nir} if compact_nir else {})}).encode(),
        identity_binding(subject_id),
    )
    connection.execute(
        update(subjects)
        .where(subjects.c.id == subject_id)
        .values(wrapped_key=wrap_data_key(keyring, subject_id, data_key), identity=sealed_identity)
    )
    return SubjectId(subject_id)


def add_record(
    connection: Connection,
    keyring: Keyring,
    subject_id: int,
    *,
    processing: str,
    category: str,
    payload: dict[str, Any],
    recorded_on: date,
) -> int:
    """Seal and store one record of a subject; returns its id (assigned by the database, then bound into the
    ciphertext in the same transaction)."""
    key = _data_key(connection, keyring, subject_id)
    record_id = _new_row(
        connection,
        records,
        {
            "subject_id": subject_id,
            "processing_id": processing,
            "category": category,
            "payload": b"",
            "recorded_on": recorded_on,
        },
    )
    sealed = seal(key, json.dumps(payload).encode(), record_binding(subject_id, record_id, category))
    connection.execute(update(records).where(records.c.id == record_id).values(payload=sealed))
    return record_id


def _own_binding(subject_id: int, purpose: str) -> bytes:
    return f"vigie/own/v1|{subject_id}|{purpose}".encode()


def seal_own(connection: Connection, keyring: Keyring, subject_id: int, purpose: str, data: dict[str, Any]) -> bytes:
    """Seal what a person typed about themself for their own use (`purpose`, e.g. the words their password
    may not contain) under their data key: shredding the subject makes it unreadable too."""
    key = _data_key(connection, keyring, subject_id)
    return seal(key, json.dumps(data).encode(), _own_binding(subject_id, purpose))


def open_own(connection: Connection, keyring: Keyring, subject_id: int, purpose: str, sealed: bytes) -> dict[str, Any]:
    """Open what `seal_own` sealed; DecryptionError when the subject was shredded or the bytes moved."""
    key = _data_key(connection, keyring, subject_id)
    opened: dict[str, Any] = json.loads(open_sealed(key, sealed, _own_binding(subject_id, purpose)))
    return opened


def shred(connection: Connection, subject_id: int, today: date) -> None:
    """Destroy the subject's data key: every payload and the identity become unreadable, everywhere."""
    done = connection.execute(
        update(subjects)
        .where(subjects.c.id == subject_id)
        .values(wrapped_key=None, identity=None, nir_index=None, siret_index=None, shredded_on=today)
    )
    if done.rowcount == 0:
        raise NotFound("personne", str(subject_id))


# What the exercise of rights does to a subject (`access.rights_effects` calls these after the gate decided).


def read_everything(
    connection: Connection, keyring: Keyring, subject_id: int
) -> tuple[dict[str, Any], list[RecordView]]:
    """The subject's identity and every record of every processing, decrypted (an access request): one
    statement, one unwrapping of the data key."""
    rows = _EVERYTHING.rows(connection, {"subject_id": subject_id})
    wrapped, sealed = rows[0][:2] if rows else (None, None)
    key = _unwrap(keyring, subject_id, wrapped)
    held = [row[2:] for row in rows if row[2] is not None]
    return _open_identity(key, subject_id, sealed), _open_records(key, subject_id, held)


@dataclass(frozen=True)
class Lifecycle:
    """The dates a subject's retention clocks read, and each record's processing, category and own event."""

    rights_end_on: date | None
    death_on: date | None
    activity_end_on: date | None
    records: list[tuple[int, str, str, str | None, date | None]]  # id, processing, category, event, event_on


def lifecycle(connection: Connection, subject_id: int) -> Lifecycle:
    """What an erasure decision needs to know of retention: the person's events and the records' own."""
    head = connection.execute(
        select(subjects.c.rights_end_on, subjects.c.death_on, subjects.c.activity_end_on).where(
            subjects.c.id == subject_id
        )
    ).first()
    if head is None:
        raise NotFound("personne", str(subject_id))
    rows = connection.execute(
        select(records.c.id, records.c.processing_id, records.c.category, records.c.event, records.c.event_on)
        .where(records.c.subject_id == subject_id)
        .order_by(records.c.id)
    ).all()
    return Lifecycle(head[0], head[1], head[2], [(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows])


def replace_record(
    connection: Connection, keyring: Keyring, subject_id: int, record_id: int, payload: dict[str, Any]
) -> tuple[str, str]:
    """Replace a record's content (rectification), sealed again under the same binding; returns its processing
    and category. NotFound when the record is not the subject's."""
    row = connection.execute(
        select(records.c.processing_id, records.c.category).where(
            records.c.id == record_id, records.c.subject_id == subject_id
        )
    ).first()
    if row is None:
        raise NotFound("donnée", str(record_id))
    key = _data_key(connection, keyring, subject_id)
    sealed = seal(key, json.dumps(payload).encode(), record_binding(subject_id, record_id, row[1]))
    connection.execute(update(records).where(records.c.id == record_id).values(payload=sealed))
    return str(row[0]), str(row[1])


def set_restricted(connection: Connection, subject_id: int, restricted: bool) -> None:
    """Limit (or lift the limitation of) every use of the subject's data but storage and legal claims."""
    done = connection.execute(update(subjects).where(subjects.c.id == subject_id).values(restricted=restricted))
    if done.rowcount == 0:
        raise NotFound("personne", str(subject_id))


def add_objection(connection: Connection, subject_id: int, processing: str, today: date) -> None:
    """Record the subject's objection to `processing` (idempotent)."""
    exists = connection.execute(
        select(objections.c.subject_id).where(
            objections.c.subject_id == subject_id, objections.c.processing_id == processing
        )
    ).first()
    if exists is None:
        connection.execute(
            insert(objections).values(subject_id=subject_id, processing_id=processing, recorded_on=today)
        )


def withdraw_consent(connection: Connection, subject_id: int, processing: str, today: date) -> bool:
    """End the subject's consent to `processing` today; False when none was in force."""
    done = connection.execute(
        update(consents)
        .where(
            consents.c.subject_id == subject_id,
            consents.c.processing_id == processing,
            or_(consents.c.withdrawn_on.is_(None), consents.c.withdrawn_on > today),
        )
        .values(withdrawn_on=today)
    )
    return bool(done.rowcount)


def erase_records(connection: Connection, subject_id: int, processings: list[str]) -> int:
    """Delete the subject's records of `processings` in one statement; returns how many went."""
    if not processings:
        return 0
    done = connection.execute(
        delete(records).where(records.c.subject_id == subject_id, records.c.processing_id.in_(processings))
    )
    return int(done.rowcount)


def record_count(connection: Connection, subject_id: int) -> int:
    """How many records the subject still has."""
    return int(connection.scalar(select(func.count()).where(records.c.subject_id == subject_id)) or 0)


def _text_binding(subject_id: int, purpose: str, row_id: int) -> bytes:
    return f"vigie/text/v1|{subject_id}|{purpose}|{row_id}".encode()


def seal_text(connection: Connection, keyring: Keyring, subject_id: int, purpose: str, row_id: int, text: str) -> bytes:
    """Free text about a subject (a request's wording), sealed under the subject's key and bound to its row."""
    return seal(_data_key(connection, keyring, subject_id), text.encode(), _text_binding(subject_id, purpose, row_id))


def open_text(
    connection: Connection, keyring: Keyring, subject_id: int, purpose: str, row_id: int, sealed: bytes
) -> str:
    """Inverse of `seal_text`; DecryptionError once the subject is shredded."""
    key = _data_key(connection, keyring, subject_id)
    return open_sealed(key, bytes(sealed), _text_binding(subject_id, purpose, row_id)).decode()


# Set-based forms for bulk statistics (`access.extracts`): a batch of subjects costs a handful of queries.


def population_batch(
    connection: Connection, processing: str, kind: SubjectKind, categories: tuple[str, ...], after: int, limit: int
) -> list[int]:
    """The next `limit` subject ids above `after`, of `kind`, not shredded, holding a record of `processing` in
    `categories`: the population of a statistical extract, read in id order."""
    held = (
        select(records.c.id)
        .where(
            records.c.subject_id == subjects.c.id,
            records.c.processing_id == processing,
            records.c.category.in_(categories),
        )
        .exists()
    )
    query = (
        select(subjects.c.id)
        .where(subjects.c.id > after, subjects.c.kind == kind.value, subjects.c.shredded_on.is_(None), held)
        .order_by(subjects.c.id)
        .limit(limit)
    )
    return [int(i) for i in connection.scalars(query)]


def subject_states(connection: Connection, subject_ids: list[int], today: date) -> list[SubjectState]:
    """The states of many subjects (as `subject_state`), in three queries; unknown ids are left out."""
    if not subject_ids:
        return []
    rows = connection.execute(
        select(subjects.c.id, subjects.c.kind, subjects.c.organisation_code, subjects.c.restricted)
        .where(subjects.c.id.in_(subject_ids))
        .order_by(subjects.c.id)
    ).all()
    objected: dict[int, set[str]] = {}
    for sid, pid in connection.execute(
        select(objections.c.subject_id, objections.c.processing_id).where(objections.c.subject_id.in_(subject_ids))
    ):
        objected.setdefault(int(sid), set()).add(pid)
    consented: dict[int, set[str]] = {}
    for sid, pid in connection.execute(
        select(consents.c.subject_id, consents.c.processing_id).where(
            consents.c.subject_id.in_(subject_ids),
            consents.c.given_on <= today,
            or_(consents.c.withdrawn_on.is_(None), consents.c.withdrawn_on > today),
        )
    ):
        consented.setdefault(int(sid), set()).add(pid)
    return [
        SubjectState(
            SubjectId(int(row.id)),
            SubjectKind(row.kind),
            row.organisation_code,
            bool(row.restricted),
            frozenset(objected.get(int(row.id), ())),
            frozenset(consented.get(int(row.id), ())),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class SubjectData:
    """What a statistical read decrypts of one subject: its identity (when asked) and its records."""

    subject_id: int
    organisation: str
    identity: dict[str, Any]
    records: list[RecordView]


def read_batch(
    connection: Connection,
    keyring: Keyring,
    subject_ids: list[int],
    processing: str,
    categories: tuple[str, ...],
    *,
    identity: bool,
    decrypt_records: bool = True,
) -> list[SubjectData]:
    """Decrypt many subjects at once (two queries): the identity if asked, and the records of `processing` in
    `categories` (with empty payloads when `decrypt_records` is false, for counts that need only dates)."""
    if not subject_ids:
        return []
    heads = connection.execute(
        select(subjects.c.id, subjects.c.organisation_code, subjects.c.wrapped_key, subjects.c.identity)
        .where(subjects.c.id.in_(subject_ids))
        .order_by(subjects.c.id)
    ).all()
    columns = [records.c.id, records.c.subject_id, records.c.category, records.c.recorded_on]
    if decrypt_records:
        columns.append(records.c.payload)
    by_subject: dict[int, list[Any]] = {}
    for row in connection.execute(
        select(*columns)
        .where(
            records.c.subject_id.in_(subject_ids),
            records.c.processing_id == processing,
            records.c.category.in_(categories),
        )
        .order_by(records.c.subject_id, records.c.recorded_on, records.c.id)
    ):
        by_subject.setdefault(int(row.subject_id), []).append(row)
    out: list[SubjectData] = []
    for head in heads:
        sid = int(head.id)
        needs_key = identity or (decrypt_records and sid in by_subject)
        key = _unwrap(keyring, sid, head.wrapped_key) if needs_key else b""
        who: dict[str, Any] = {}
        if identity and head.identity is not None:
            who = json.loads(open_sealed(key, bytes(head.identity), identity_binding(sid)))
        views = [
            RecordView(
                row.id,
                processing,
                row.category,
                row.recorded_on,
                json.loads(open_sealed(key, bytes(row.payload), record_binding(sid, row.id, row.category)))
                if decrypt_records
                else {},
            )
            for row in by_subject.get(sid, [])
        ]
        out.append(SubjectData(sid, head.organisation_code, who, views))
    return out


def population_count(connection: Connection, processing: str, kind: SubjectKind, categories: tuple[str, ...]) -> int:
    """How many people `population_batch` will go through (for a progress bar)."""
    held = (
        select(records.c.id)
        .where(
            records.c.subject_id == subjects.c.id,
            records.c.processing_id == processing,
            records.c.category.in_(categories),
        )
        .exists()
    )
    query = select(func.count()).where(subjects.c.kind == kind.value, subjects.c.shredded_on.is_(None), held)
    return int(connection.scalar(query) or 0)


# Lifecycle events and erasure, for the retention slice (through the gate, which decides and journals first).

PERSON_EVENT_COLUMNS = {"rights_end": "rights_end_on", "death": "death_on", "activity_end": "activity_end_on"}
"""Events that happen to a person, and the subject's column that holds each."""


@dataclass(frozen=True)
class RecordFacts:
    """What an event on a record is checked against: whose record, which processing, since when."""

    id: int
    subject_id: int
    processing: str
    recorded_on: date
    event: str | None


def record_facts(connection: Connection, record_id: int) -> RecordFacts | None:
    """The facts of one record, or None when there is no such record."""
    row = connection.execute(
        select(
            records.c.id, records.c.subject_id, records.c.processing_id, records.c.recorded_on, records.c.event
        ).where(records.c.id == record_id)
    ).first()
    return RecordFacts(int(row[0]), int(row[1]), row[2], row[3], row[4]) if row is not None else None


def subject_created_on(connection: Connection, subject_id: int) -> date | None:
    """The day the subject entered the vault, or None when unknown."""
    found = connection.scalar(select(subjects.c.created_on).where(subjects.c.id == subject_id))
    return found if isinstance(found, date) else None


def set_person_event(connection: Connection, subject_id: int, event: str, on: date) -> None:
    """Record the day an event happened to a person (the end of their rights, their death, an end of activity)."""
    column = PERSON_EVENT_COLUMNS[event]
    done = connection.execute(update(subjects).where(subjects.c.id == subject_id).values({column: on}))
    if done.rowcount == 0:
        raise NotFound("personne", str(subject_id))


def set_record_event(connection: Connection, record_id: int, event: str, on: date) -> None:
    """Record the day an event of a record happened: in its own event column when free (or the same event),
    otherwise beside it, so that an alert and then its closure both count."""
    slot = connection.execute(
        update(records)
        .where(records.c.id == record_id, or_(records.c.event.is_(None), records.c.event == event))
        .values(event=event, event_on=on)
    )
    if slot.rowcount:
        return
    connection.execute(
        delete(record_events).where(record_events.c.record_id == record_id, record_events.c.event == event)
    )
    connection.execute(insert(record_events).values(record_id=record_id, event=event, event_on=on))


def archived_on(connection: Connection, subject_id: int, processing: str, event: str, today: date) -> date | None:
    """The day the subject's files of `processing` were all closed, if on or before `today`; None while one is
    open. A record belongs to its file owner's file (a relative's records in a holder's DMP) or else to its
    subject's own; a file closes at `event` on any of its records, or at its holder's death. A person with no
    record of the processing is judged on their own file."""
    file_of = func.coalesce(records.c.file_owner_id, records.c.subject_id)
    files = connection.scalars(
        select(file_of).where(records.c.subject_id == subject_id, records.c.processing_id == processing).distinct()
    ).all()
    closures = [_closed_on(connection, int(f), processing, event, today) for f in files or [subject_id]]
    return None if any(c is None for c in closures) else max(c for c in closures if c is not None)


def _closed_on(connection: Connection, holder: int, processing: str, event: str, today: date) -> date | None:
    """The day `holder`'s file of `processing` closed (`event` on one of its records, or the holder's death)."""
    in_file = or_(
        records.c.file_owner_id == holder, and_(records.c.file_owner_id.is_(None), records.c.subject_id == holder)
    )
    own = select(func.min(records.c.event_on)).where(
        in_file, records.c.processing_id == processing, records.c.event == event, records.c.event_on <= today
    )
    more = (
        select(func.min(record_events.c.event_on))
        .join(records, records.c.id == record_events.c.record_id)
        .where(
            in_file,
            records.c.processing_id == processing,
            record_events.c.event == event,
            record_events.c.event_on <= today,
        )
    )
    death = select(subjects.c.death_on).where(subjects.c.id == holder, subjects.c.death_on <= today)
    found = [d for d in (connection.scalar(q) for q in (own, more, death)) if d is not None]
    return min(found) if found else None


def shred_where(connection: Connection, condition: Any, today: date, keep: Any) -> int:
    """Erase the people `condition` selects (a condition on `subjects`) unless `keep` holds for them: identity and
    blind indexes dropped, data key destroyed, as `shred` does, in one statement."""
    done = connection.execute(
        update(subjects)
        .where(subjects.c.shredded_on.is_(None), condition, ~keep)
        .values(wrapped_key=None, identity=None, nir_index=None, siret_index=None, shredded_on=today)
    )
    return int(done.rowcount)


def identity_fields_of(
    connection: Connection, keyring: Keyring, subject_ids: Any, fields: tuple[str, ...]
) -> list[tuple[int, dict[str, Any]]]:
    """The `fields` of the sealed identity of the people `subject_ids` selects (a select of ids), decrypted in
    memory (one unwrapping per person, two statements in all); people already erased (no key: the identity went
    with it) are left out. For a caller that derives something (a pseudonym) and keeps nothing in clear."""
    rows = connection.execute(
        select(subjects.c.id, subjects.c.wrapped_key, subjects.c.identity).where(
            subjects.c.id.in_(subject_ids), subjects.c.wrapped_key.is_not(None)
        )
    ).all()
    out: list[tuple[int, dict[str, Any]]] = []
    for sid, wrapped, sealed in rows:
        whole = _open_identity(_unwrap(keyring, int(sid), wrapped), int(sid), sealed)
        out.append((int(sid), {f: whole.get(f) for f in fields}))
    return out
