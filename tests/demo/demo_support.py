"""Seeded populations read back and decrypted with the crypto helpers, the way an auditor would check them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from vigie.crypto import identity_binding, open_sealed, record_binding, unwrap_data_key
from vigie.demo.seed import SeedReport
from vigie.environment import Environment
from vigie.store import connect
from vigie.store.schema import records, subjects

TODAY = dt.date(2025, 6, 1)


@dataclass
class Population:
    """A seeded database, its rows, and their decrypted identities and payloads."""

    env: Environment
    report: SeedReport
    subjects: list[dict[str, Any]]
    records: list[dict[str, Any]]


def read_population(env: Environment, report: SeedReport) -> Population:
    """Every subject and record, with `identity` and `plaintext` decrypted from their sealed columns."""
    with connect(env.engine) as connection:
        subject_rows = [dict(r._mapping) for r in connection.execute(select(subjects).order_by(subjects.c.id))]
        record_rows = [dict(r._mapping) for r in connection.execute(select(records).order_by(records.c.id))]
    keys = {}
    for row in subject_rows:
        keys[row["id"]] = unwrap_data_key(env.keyring, row["id"], row["wrapped_key"])
        row["identity_plain"] = json.loads(open_sealed(keys[row["id"]], row["identity"], identity_binding(row["id"])))
    for row in record_rows:
        binding = record_binding(row["subject_id"], row["id"], row["category"])
        row["plaintext"] = json.loads(open_sealed(keys[row["subject_id"]], row["payload"], binding))
    return Population(env, report, subject_rows, record_rows)
