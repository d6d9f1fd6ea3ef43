"""Ids come from the database: two creations at the same moment both succeed, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine, func, select

from vigie import vault
from vigie.crypto import Keyring
from vigie.demo.seed import seed_demo
from vigie.environment import Environment
from vigie.organisations import sync_organisations
from vigie.register import Register
from vigie.store import connect
from vigie.store.schema import records, subjects
from vigie.taxonomy import SubjectKind

WRITERS = 4


def _together(work: list[threading.Thread]) -> None:
    for thread in work:
        thread.start()
    for thread in work:
        thread.join(timeout=60)


def test_concurrent_subject_and_record_creations_all_succeed_with_distinct_ids(
    engine: Engine, keyring: Keyring, register: Register
) -> None:
    with connect(engine) as connection:
        sync_organisations(connection, register)
    barrier = threading.Barrier(WRITERS)
    made: list[int] = []
    failures: list[BaseException] = []

    def create(n: int) -> None:
        try:
            with connect(engine) as connection:
                barrier.wait(timeout=30)  # every transaction open before any inserts
                sid = vault.add_subject(
                    connection,
                    keyring,
                    kind=SubjectKind.INSURED,
                    organisation="CPAM-75",
                    identity={"nom": f"Personne {n}"},
                    created_on=date(2026, 1, 1),
                )
                rid = vault.add_record(
                    connection, keyring, sid, processing="rights_benefits", category="rights",
                    payload={"n": n}, recorded_on=date(2026, 1, 2),
                )  # fmt: skip
            made.extend([sid, rid])
        except BaseException as error:  # reported below, with the others
            failures.append(error)

    _together([threading.Thread(target=create, args=(n,)) for n in range(WRITERS)])
    assert failures == []
    subjects_made = made[0::2]
    assert len(set(subjects_made)) == WRITERS
    with connect(engine) as connection:
        for sid in subjects_made:  # each identity opens under its own id's binding
            assert vault.read_identity(connection, keyring, sid)["nom"].startswith("Personne")
            assert len(vault.read_records(connection, keyring, sid, "rights_benefits", ("rights",))) == 1


def test_after_a_bulk_seed_the_database_numbers_on_past_the_seeded_ids(
    engine: Engine, make_env: Callable[..., Environment]
) -> None:
    """The seed numbers its rows itself (binary COPY on PostgreSQL): the sequences must follow."""
    env = make_env(engine)
    seed_demo(env, 40, progress=False, workers=1)
    with connect(engine) as connection:
        last_subject = connection.scalar(select(func.max(subjects.c.id)))
        last_record = connection.scalar(select(func.max(records.c.id)))
        sid = vault.add_subject(
            connection, env.keyring, kind=SubjectKind.INSURED, organisation="CPAM-75", identity={"nom": "Nouveau"},
            created_on=date(2026, 1, 1),
        )  # fmt: skip
        rid = vault.add_record(
            connection, env.keyring, sid, processing="rights_benefits", category="rights", payload={},
            recorded_on=date(2026, 1, 1),
        )  # fmt: skip
    assert (sid, rid) == (last_subject + 1, last_record + 1)
