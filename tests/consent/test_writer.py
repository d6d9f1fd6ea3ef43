"""The consent writer's group commit: a lone proof is committed at once, those arriving during a commit share
the next one, groups are bounded, a failure reaches every request of its group and the writer goes on."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from vigie.consent import ProofWriter
from vigie.errors import StorageError
from vigie.store import connect
from vigie.store.schema import consent_proofs


def proof(n: int = 0) -> dict[str, Any]:
    return {
        "recorded_at": "2026-11-28T09:00:00.000000Z",
        "visitor": f"{n:032x}",
        "policy_version": "v1",
        "screen": "bandeau",
        "banner_hash": "0" * 64,
        "action": "tout_accepter",
        "granted": "atid",
        "refused": "",
        "expires_on": date(2027, 12, 28),
    }


def stored(engine: Engine) -> int:
    with connect(engine) as connection:
        return int(connection.execute(select(func.count()).select_from(consent_proofs)).scalar_one())


class HeldWriter(ProofWriter):
    """Records the size of each group it commits; its first commit waits for `release`: the writer held busy."""

    def __init__(self, engine: Engine, **options: Any) -> None:
        self.groups: list[int] = []
        self.busy = threading.Event()
        self.release = threading.Event()
        super().__init__(engine, **options)

    def _commit(self, rows: Sequence[dict[str, Any]]) -> None:
        self.groups.append(len(rows))
        if len(self.groups) == 1:
            self.busy.set()
            assert self.release.wait(30)
        super()._commit(rows)


def hold(writer: HeldWriter) -> threading.Thread:
    """A first proof, whose commit keeps the writer busy until `writer.release` is set."""
    first = threading.Thread(target=writer.write, args=(proof(),))
    first.start()
    assert writer.busy.wait(10)
    return first


def burst(writer: HeldWriter, count: int) -> None:
    """`count` requests of one event loop, all queued while the writer is busy, then the writer released."""

    async def run() -> None:
        tasks = [asyncio.ensure_future(writer.write_async(proof(n))) for n in range(1, count + 1)]
        await asyncio.sleep(0)  # each task runs up to its wait: every row is queued
        writer.release.set()
        await asyncio.gather(*tasks)

    asyncio.run(run())


def test_a_lone_proof_is_committed_at_once_without_waiting_for_company(engine: Engine) -> None:
    writer = HeldWriter(engine)
    writer.release.set()
    try:
        started = time.monotonic()
        writer.write(proof())
        assert time.monotonic() - started < 2
        assert writer.groups == [1]
        assert stored(engine) == 1
    finally:
        writer.close()


def test_proofs_arriving_during_a_commit_share_the_next_one(engine: Engine) -> None:
    writer = HeldWriter(engine)
    try:
        first = hold(writer)
        burst(writer, 30)
        first.join(10)
        assert writer.groups == [1, 30]
        assert stored(engine) == 31
    finally:
        writer.close()


def test_a_group_holds_at_most_max_group_proofs(engine: Engine) -> None:
    writer = HeldWriter(engine, max_group=100)
    try:
        first = hold(writer)
        burst(writer, 250)
        first.join(10)
        assert writer.groups == [1, 100, 100, 50]
        assert stored(engine) == 251
    finally:
        writer.close()


def test_an_event_loop_is_woken_once_for_all_its_requests_of_a_group(engine: Engine) -> None:
    writer = HeldWriter(engine)
    wakes: list[object] = []

    async def run() -> None:
        loop = asyncio.get_running_loop()
        schedule = loop.call_soon_threadsafe

        def counted(callback: Any, *args: Any, **kwargs: Any) -> Any:
            wakes.append(callback)
            return schedule(callback, *args, **kwargs)

        loop.call_soon_threadsafe = counted  # type: ignore[method-assign]
        tasks = [asyncio.ensure_future(writer.write_async(proof(n))) for n in range(20)]
        await asyncio.sleep(0)
        writer.release.set()
        await asyncio.gather(*tasks)

    try:
        first = hold(writer)
        asyncio.run(run())
        first.join(10)
        assert writer.groups == [1, 20]
        assert len(wakes) == 1
    finally:
        writer.close()


class FailingOnce(HeldWriter):
    def _commit(self, rows: Sequence[dict[str, Any]]) -> None:
        if not self.groups:
            self.groups.append(len(rows))
            self.busy.set()
            assert self.release.wait(30)
            raise RuntimeError("disque plein")
        super()._commit(rows)


def test_a_failed_group_fails_each_of_its_requests_and_the_writer_goes_on(engine: Engine) -> None:
    writer = FailingOnce(engine)
    errors: list[BaseException] = []

    def first() -> None:
        try:
            writer.write(proof())
        except StorageError as error:
            errors.append(error)

    try:
        thread = threading.Thread(target=first)
        thread.start()
        assert writer.busy.wait(10)
        writer.release.set()
        thread.join(10)
        assert len(errors) == 1 and "non enregistré" in str(errors[0])
        assert stored(engine) == 0  # nothing half-written
        writer.write(proof(1))
        assert stored(engine) == 1
    finally:
        writer.close()


def test_close_commits_what_is_pending_then_refuses_new_proofs(engine: Engine) -> None:
    writer = HeldWriter(engine)
    closing = threading.Thread(target=writer.close)

    async def run() -> None:
        tasks = [asyncio.ensure_future(writer.write_async(proof(n))) for n in range(1, 6)]
        await asyncio.sleep(0)  # five proofs queued behind the busy writer
        closing.start()
        await asyncio.sleep(0.1)  # close() has asked the writer to stop
        writer.release.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 10)

    first = hold(writer)
    asyncio.run(run())
    closing.join(10)
    first.join(10)
    assert not closing.is_alive()
    assert writer.groups == [1, 5]
    assert stored(engine) == 6
    with pytest.raises(StorageError, match="arrêté"):
        writer.write(proof(9))
