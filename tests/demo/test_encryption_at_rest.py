"""No personal data in clear in the database: every identity and payload is sealed and bound to its row."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from demo_support import Population
from sqlalchemy import Engine

from vigie.crypto import open_sealed, record_binding, unwrap_data_key
from vigie.errors import DecryptionError
from vigie.register import Register
from vigie.store import migrate, open_database


def _database_bytes(directory: Path, name: str) -> bytes:
    """The SQLite file and its WAL and shared-memory companions, as an attacker copying them would get."""
    return b"".join(path.read_bytes() for path in sorted(directory.glob(f"{name}*")))


def test_sqlite_file_holds_no_nir_name_phone_or_email_in_clear(
    seeded: Callable[..., Population], tmp_path: Path, register: Register
) -> None:
    """After seeding, the db/wal/shm bytes contain none of the decrypted identifiers or last names."""
    public = " ".join(str(v) for o in register.organisations.values() for v in o.model_dump().values())
    engine = open_database(f"sqlite:///{tmp_path / 'seeded.db'}")
    migrate(engine)
    population = seeded(engine, 400)
    raw = _database_bytes(tmp_path, "seeded.db")
    assert len(raw) > 100_000
    secrets: set[str] = set()
    for subject in population.subjects:
        identity = subject["identity_plain"]
        secrets.update(str(identity[k]) for k in ("nir", "siret", "telephone", "courriel", "rpps") if k in identity)
        if "nom" in identity and identity["nom"] not in public:  # « Denis » is also in « Saint-Denis »
            secrets.add(identity["nom"])
    for record in population.records:
        secrets.update(str(v) for k, v in record["plaintext"].items() if k in ("iban", "nir", "libelle"))
    assert len(secrets) > 500
    leaked = sorted(s for s in secrets if s.encode() in raw)
    assert leaked == []
    engine.dispose()


def test_a_payload_moved_to_another_row_or_category_does_not_open(
    engine: Engine, seeded: Callable[..., Population]
) -> None:
    """The AES-GCM binding ties each payload to its subject, record id and category."""
    population = seeded(engine, 30)
    keyring = population.env.keyring
    record = population.records[0]
    subject_id = record["subject_id"]
    key = unwrap_data_key(keyring, subject_id, population.subjects[subject_id - 1]["wrapped_key"])
    assert open_sealed(key, record["payload"], record_binding(subject_id, record["id"], record["category"]))
    with pytest.raises(DecryptionError):
        open_sealed(key, record["payload"], record_binding(subject_id, record["id"] + 1, record["category"]))
    with pytest.raises(DecryptionError):
        open_sealed(key, record["payload"], record_binding(subject_id, record["id"], "fraud_case"))


def test_each_subject_has_its_own_data_key(engine: Engine, seeded: Callable[..., Population]) -> None:
    """Data keys differ per subject, so destroying one wrapped key shreds exactly one person."""
    population = seeded(engine, 50)
    keyring = population.env.keyring
    keys = {unwrap_data_key(keyring, s["id"], s["wrapped_key"]) for s in population.subjects}
    assert len(keys) == 50
    with pytest.raises(DecryptionError):
        unwrap_data_key(keyring, 2, population.subjects[0]["wrapped_key"])
