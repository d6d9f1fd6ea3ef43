"""One batch, generated and encrypted: the unit a worker process builds and the parent writes.

A batch depends only on (seed, batch number, batch size, date) and on the ids it is given, so batches can
be built in any order, in any process, and the population is the same. Every identity and payload is
sealed under the subject's own data key with its row binding before it leaves the worker; only ciphertexts,
wrapped keys and blind indexes cross to the parent and the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vigie.crypto import (
    Keyring,
    blind_index,
    identity_binding,
    new_data_key,
    record_binding,
    seal,
    seal_many,
    wrap_data_key,
)
from vigie.demo.activity import EVENTS, Records, flat_pairs, make_records, plan_batch
from vigie.demo.payloads import Context, make_payloads
from vigie.demo.population import Subjects, make_subjects
from vigie.demo.spec import SeedSpec

Ints = npt.NDArray[np.int64]
Dates = npt.NDArray[np.datetime64]


@dataclass
class Batch:
    """Rows ready to insert, as columns; ids are consecutive from `subject_start` and `record_start`."""

    subject_start: int
    record_start: int
    kind: list[str]
    organisation: list[str]
    nir_index: list[bytes | None]
    siret_index: list[bytes | None]
    wrapped_key: list[bytes]
    identity: list[bytes]
    created: Dates
    rights_end: Dates
    death: Dates
    activity_end: Dates
    record_subject: Ints
    processing: list[str]
    category: list[str]
    payload: list[bytes]
    recorded: Dates
    event: list[str | None]
    event_on: Dates

    @property
    def subjects(self) -> int:
        return len(self.kind)

    @property
    def records(self) -> int:
        return len(self.payload)


def plaintext_batch(spec: SeedSpec, batch_no: int, size: int) -> tuple[Subjects, Records, list[bytes]]:
    """The batch's subjects, records and payload plaintexts before encryption (what determinism is about)."""
    kinds, counts = plan_batch(spec, batch_no, size)
    rng = np.random.default_rng([spec.seed, batch_no, 1])
    subjects = make_subjects(spec, rng, kinds)
    records = make_records(spec, rng, subjects, counts)
    table, _ = flat_pairs(spec)
    categories = sorted({p.category for p in table})
    category_of = np.array([categories.index(p.category) for p in table], dtype=np.int64)[records.pair]
    recorded = np.datetime_as_string(records.recorded).tolist()
    context = Context(rng, subjects.identity, records.subject, recorded)
    return subjects, records, make_payloads(context, categories, category_of)


def build_batch(
    spec: SeedSpec, keyring: Keyring, batch_no: int, size: int, subject_start: int, record_start: int
) -> Batch:
    """Generate batch `batch_no` and seal it for subject ids from `subject_start`, record ids from `record_start`."""
    subjects, records, plaintexts = plaintext_batch(spec, batch_no, size)
    table, _ = flat_pairs(spec)
    ids = range(subject_start, subject_start + size)
    keys = [new_data_key() for _ in ids]
    identity = [
        seal(key, json.dumps(who, ensure_ascii=False).encode(), identity_binding(sid))
        for sid, key, who in zip(ids, keys, subjects.identity, strict=True)
    ]
    local = records.subject.tolist()
    processing = [table[p].processing for p in records.pair.tolist()]
    category = [table[p].category for p in records.pair.tolist()]
    payload = seal_records(keys, subject_start, record_start, local, category, plaintexts)
    return Batch(
        subject_start=subject_start,
        record_start=record_start,
        kind=[spec.kinds[k].value for k in subjects.kind.tolist()],
        organisation=[spec.org_codes[o] for o in subjects.org.tolist()],
        nir_index=[None if v is None else blind_index(keyring, "nir", v) for v in subjects.nir],
        siret_index=[None if v is None else blind_index(keyring, "siret", v) for v in subjects.siret],
        wrapped_key=[wrap_data_key(keyring, sid, key) for sid, key in zip(ids, keys, strict=True)],
        identity=identity,
        created=subjects.created,
        rights_end=subjects.rights_end,
        death=subjects.death,
        activity_end=subjects.activity_end,
        record_subject=records.subject + subject_start,
        processing=processing,
        category=category,
        payload=payload,
        recorded=records.recorded,
        event=[None if e < 0 else EVENTS[e] for e in records.event.tolist()],
        event_on=records.event_on,
    )


def seal_records(
    keys: list[bytes], subject_start: int, record_start: int, local: list[int], category: list[str], texts: list[bytes]
) -> list[bytes]:
    """The batch's payloads sealed as `crypto.seal` would, each bound to its subject, record and category."""
    bindings = [
        record_binding(subject_start + s, record_start + offset, cat)
        for offset, (s, cat) in enumerate(zip(local, category, strict=True))
    ]
    return seal_many(keys, local, bindings, texts)
