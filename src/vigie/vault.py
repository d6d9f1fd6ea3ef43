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

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from vigie.crypto import (
    Keyring,
    blind_index,
    identity_binding,
    new_data_key,
    open_sealed,
    record_binding,
    seal,
    unwrap_data_key,
    wrap_data_key,
)
from vigie.errors import NotFound
from vigie.ids import SubjectId
from vigie.model import SubjectState
from vigie.nir import validate_nir
from vigie.store.schema import consents, objections, records, subjects
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


def subject_state(connection: Connection, subject_id: int, today: date) -> SubjectState:
    """The state a decision needs: kind, organisation, restriction, objections, consents in force."""
    row = connection.execute(
        select(subjects.c.kind, subjects.c.organisation_code, subjects.c.restricted).where(subjects.c.id == subject_id)
    ).one_or_none()
    if row is None:
        raise NotFound("personne", str(subject_id))
    objected = connection.scalars(select(objections.c.processing_id).where(objections.c.subject_id == subject_id))
    consented = connection.scalars(
        select(consents.c.processing_id).where(
            consents.c.subject_id == subject_id,
            consents.c.given_on <= today,
            or_(consents.c.withdrawn_on.is_(None), consents.c.withdrawn_on > today),
        )
    )
    return SubjectState(
        SubjectId(subject_id),
        SubjectKind(row.kind),
        row.organisation_code,
        bool(row.restricted),
        frozenset(objected),
        frozenset(consented),
    )


def find_by_nir(connection: Connection, keyring: Keyring, nir: str) -> SubjectId | None:
    """The subject with this NIR, looked up by its blind index; the NIR itself is never queried.

    A NIR without its key is accepted here (its key is computed): a mistyped one finds nobody.
    """
    index = blind_index(keyring, "nir", validate_nir(nir, allow_keyless=True))
    found = connection.scalar(select(subjects.c.id).where(subjects.c.nir_index == index))
    return SubjectId(int(found)) if found is not None else None


def _data_key(connection: Connection, keyring: Keyring, subject_id: int) -> bytes:
    wrapped = connection.scalar(select(subjects.c.wrapped_key).where(subjects.c.id == subject_id))
    return unwrap_data_key(keyring, subject_id, bytes(wrapped) if wrapped is not None else None)


def read_identity(connection: Connection, keyring: Keyring, subject_id: int) -> dict[str, Any]:
    """The subject's decrypted identity (names, NIR, contact)."""
    sealed = connection.scalar(select(subjects.c.identity).where(subjects.c.id == subject_id))
    key = _data_key(connection, keyring, subject_id)
    if sealed is None:
        return {}
    result: dict[str, Any] = json.loads(open_sealed(key, bytes(sealed), identity_binding(subject_id)))
    return result


def read_records(
    connection: Connection, keyring: Keyring, subject_id: int, processing: str, categories: tuple[str, ...]
) -> list[RecordView]:
    """The subject's records of `processing` in `categories`, decrypted."""
    rows = connection.execute(
        select(records.c.id, records.c.processing_id, records.c.category, records.c.recorded_on, records.c.payload)
        .where(
            and_(
                records.c.subject_id == subject_id,
                records.c.processing_id == processing,
                records.c.category.in_(categories),
            )
        )
        .order_by(records.c.recorded_on, records.c.id)
    ).all()
    if not rows:
        return []
    key = _data_key(connection, keyring, subject_id)
    return [
        RecordView(
            row.id,
            row.processing_id,
            row.category,
            row.recorded_on,
            json.loads(open_sealed(key, bytes(row.payload), record_binding(subject_id, row.id, row.category))),
        )
        for row in rows
    ]


def _next_id(connection: Connection, column: Any) -> int:
    """The id after the largest: assigned before the insert, because the ciphertext's binding names it."""
    return int(connection.scalar(select(func.coalesce(func.max(column), 0))) or 0) + 1


def add_subject(
    connection: Connection,
    keyring: Keyring,
    *,
    kind: SubjectKind,
    organisation: str,
    identity: dict[str, Any],
    created_on: date,
    nir: str | None = None,
) -> SubjectId:
    """Create a subject with its own data key; the NIR is validated and kept only as a blind index.

    Only a NIR proper, key included, is stored: a keyless one could carry an unnoticed typing mistake.

    Ids are the next after the largest, so that the identity's binding is known before the insert; two
    concurrent creations collide on the primary key and one fails whole (bulk loads number ahead instead).
    """
    subject_id = _next_id(connection, subjects.c.id)
    data_key = new_data_key()
    compact_nir = validate_nir(nir) if nir is not None else None
    sealed_identity = seal(
        data_key,
        json.dumps({**identity, **({"nir": compact_nir} if compact_nir else {})}).encode(),
        identity_binding(subject_id),
    )
    connection.execute(
        insert(subjects).values(
            id=subject_id,
            kind=kind.value,
            organisation_code=organisation,
            nir_index=blind_index(keyring, "nir", compact_nir) if compact_nir else None,
            wrapped_key=wrap_data_key(keyring, subject_id, data_key),
            identity=sealed_identity,
            created_on=created_on,
            restricted=False,
        )
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
    """Seal and store one record of a subject; returns its id."""
    record_id = _next_id(connection, records.c.id)
    key = _data_key(connection, keyring, subject_id)
    sealed = seal(key, json.dumps(payload).encode(), record_binding(subject_id, record_id, category))
    connection.execute(
        insert(records).values(
            id=record_id,
            subject_id=subject_id,
            processing_id=processing,
            category=category,
            payload=sealed,
            recorded_on=recorded_on,
        )
    )
    return record_id


def shred(connection: Connection, subject_id: int, today: date) -> None:
    """Destroy the subject's data key: every payload and the identity become unreadable, everywhere."""
    done = connection.execute(
        update(subjects)
        .where(subjects.c.id == subject_id)
        .values(wrapped_key=None, identity=None, nir_index=None, siret_index=None, shredded_on=today)
    )
    if done.rowcount == 0:
        raise NotFound("personne", str(subject_id))
