"""A record reduced to statistics carries its person's pseudonym: the pseudonymisation slice's national one,
computed under the data directory's keys, never the NIR or any identity in clear."""

from __future__ import annotations

from datetime import date

import pytest
from retention_world import Sweeping
from sqlalchemy import select

from vigie import retention, vault
from vigie.errors import ConfigurationError
from vigie.pseudo import pseudonyms
from vigie.pseudo.keys import KeyRole, create_key_file, default_key_file
from vigie.store import connect
from vigie.store.schema import records, retention_statistics
from vigie.taxonomy import SubjectKind

NIR = "285037512345688"  # key included, as the vault takes it


def _keys(sweeping: Sweeping) -> dict[KeyRole, object]:
    data_dir = sweeping.env.settings.data_dir
    return {role: create_key_file(default_key_file(data_dir, role), role, "2026-2027") for role in KeyRole}


def _people(sweeping: Sweeping) -> tuple[int, int]:
    """An insured person and a professional (no NIR), each with a rights record ended in 2025."""
    env = sweeping.env
    with connect(env.engine) as connection:
        insured = vault.add_subject(
            connection, env.keyring, kind=SubjectKind.INSURED, organisation="CPAM-75",
            identity={"nom": "Durand", "date_naissance": "1985-03-12", "sexe": "F"}, created_on=date(2005, 1, 1),
            nir=NIR,
        )  # fmt: skip
        doctor = vault.add_subject(
            connection, env.keyring, kind=SubjectKind.HEALTH_PROFESSIONAL, organisation="CPAM-75",
            identity={"nom": "Petit", "date_naissance": "1970-01-02", "sexe": "M"}, created_on=date(2005, 1, 1),
        )  # fmt: skip
        for person in (insured, doctor):
            for _ in range(2):
                vault.add_record(
                    connection, env.keyring, person, processing="rights_benefits", category="rights",
                    payload={"acte": "remboursement"}, recorded_on=date(2015, 6, 1),
                )  # fmt: skip
        vault.set_person_event(connection, insured, "rights_end", date(2020, 3, 15))
        vault.set_person_event(connection, doctor, "activity_end", date(2019, 12, 31))
    return insured, doctor


def _kept(sweeping: Sweeping) -> list[tuple[str, str | None]]:
    with connect(sweeping.env.engine) as connection:
        rows = connection.execute(
            select(retention_statistics.c.kind, retention_statistics.c.pseudonym).order_by(retention_statistics.c.id)
        ).all()
    return [(r.kind, r.pseudonym) for r in rows]


def test_the_reduced_row_carries_the_pseudonym_the_pseudo_slice_computes(sweeping: Sweeping) -> None:
    keys = _keys(sweeping)
    _people(sweeping)
    expected = pseudonyms.national(keys, [pseudonyms.Person(NIR, date(1985, 3, 12), 2)])[0]  # type: ignore[arg-type]
    report = retention.sweep(sweeping.gate, sweeping.on(date(2026, 11, 28)), batch_size=3)
    assert (report.destroyed, report.reduced, report.batches) == (4, 4, 2)
    kept = _kept(sweeping)
    assert kept == [("insured", expected), ("insured", expected), ("health_professional", None),
                    ("health_professional", None)]  # fmt: skip
    with connect(sweeping.env.engine) as connection:
        assert connection.scalar(select(records.c.id).limit(1)) is None
    assert NIR[:13] not in repr(kept) and len(expected) == 64


def test_without_keys_the_sweep_still_reduces_and_leaves_the_pseudonym_empty(sweeping: Sweeping) -> None:
    _people(sweeping)
    report = retention.sweep(sweeping.gate, sweeping.on(date(2026, 11, 28)))
    assert report.reduced == 4
    assert [p for _, p in _kept(sweeping)] == [None] * 4


def test_one_key_without_the_other_is_refused_and_nothing_goes(sweeping: Sweeping) -> None:
    data_dir = sweeping.env.settings.data_dir
    create_key_file(default_key_file(data_dir, KeyRole.SOURCE), KeyRole.SOURCE, "2026-2027")
    _people(sweeping)
    with pytest.raises(ConfigurationError, match="clé centrale"):
        retention.sweep(sweeping.gate, sweeping.on(date(2026, 11, 28)))
    with connect(sweeping.env.engine) as connection:
        assert len(connection.execute(select(records.c.id)).all()) == 4
    assert _kept(sweeping) == []
