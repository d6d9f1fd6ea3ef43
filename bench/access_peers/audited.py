"""vigie's audited throughput: decide, submit the journal entry, release the answer once it is durable.

On a temporary SQLite file, migrated and with the register's organisations synced. Requests are submitted in
windows of at most 100; the window's answers are released once its last receipt is durable (`wait()`), the
journal committing in groups of at most 100 entries or 10 ms. Two pipelines: "strict" waits for each
window before deciding the next; "overlapped" decides and submits the next window while the previous one is
written (its answers are still released only once durable). Afterwards the journal must hold one entry per
released answer and verify (`vigie.audit.check`). `missing()` says why the measurement cannot run when
`vigie.audit` does not offer the journal.
"""

from __future__ import annotations

import importlib
import tempfile
import time
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, table

from access_peers.world import Request
from vigie.access import Agent, SubjectState, decide
from vigie.crypto import Keyring
from vigie.organisations import sync_organisations
from vigie.register import Policy, Register
from vigie.store import connect, migrate, open_database

WINDOW = 100
GROUP_ENTRIES = 100
GROUP_SECONDS: float | None = None  # the service's default: idle commit (a number: wait that long for a group)


@dataclass(frozen=True)
class Audited:
    writer: str  # "thread": the writer thread of `Journal`; "process": `ProcessJournal`'s writer process
    depth: int  # windows in flight: 1, wait for each window before the next; 2, decide the next meanwhile
    decisions: int
    per_s: float
    journal_rows: int
    verified: bool
    submit_s: float  # deciding, building events and submitting them
    wait_s: float  # waiting for the windows' last receipts


def missing() -> str | None:
    """Why the audited measurement cannot run, or None when `vigie.audit` offers what it needs."""
    try:
        audit = importlib.import_module("vigie.audit")
    except ImportError as error:
        return f"vigie.audit is missing ({error})"
    absent = [
        name
        for name in ("Journal", "AuditEvent", "AuditAction", "subject_pseudonym", "check")
        if not hasattr(audit, name)
    ]
    return f"vigie.audit does not offer {', '.join(absent)} yet" if absent else None


def _run(
    journal: Any,
    audit: Any,
    policy: Policy,
    stream: Sequence[Request],
    agents: dict[str, Agent],
    subjects: dict[int, SubjectState],
    pseudonyms: dict[int, str],
    depth: int,
    budget_s: float,
) -> tuple[list[bool], float, float]:
    """Windows of `WINDOW` requests; at most `depth` windows submitted and not yet released."""
    event, read, submit = audit.AuditEvent, audit.AuditAction.READ, journal.submit
    released: list[bool] = []
    pending: deque[tuple[Any, list[bool]]] = deque()
    submitting = waiting = 0.0
    clock = time.perf_counter
    start = clock()

    def release_oldest() -> None:
        receipt, answers = pending.popleft()
        receipt.wait()
        released.extend(answers)  # only now, the window's entries durable, may its answers leave

    for begin in range(0, len(stream), WINDOW):
        t0 = clock()
        answers = []
        receipt = None
        for r in stream[begin : begin + WINDOW]:
            categories = (r.category,)
            decision = decide(policy, agents[r.agent.id], subjects[r.subject.id], r.purpose, categories)
            receipt = submit(
                event(
                    action=read,
                    allowed=decision.allowed,
                    reason=decision.reason,
                    at=datetime.now(UTC),
                    agent_id=r.agent.id,
                    subject_ref=pseudonyms[r.subject.id],
                    purpose=r.purpose,
                    categories=categories,
                )
            )
            answers.append(decision.allowed)
        pending.append((receipt, answers))
        t1 = clock()
        while len(pending) >= depth:
            release_oldest()
        t2 = clock()
        submitting += t1 - t0
        waiting += t2 - t1
        if t2 - start > budget_s:
            break
    t1 = clock()
    while pending:
        release_oldest()
    waiting += clock() - t1
    return released, submitting, waiting


@contextmanager
def _journal_database(register: Register) -> Iterator[tuple[str, Engine]]:
    """A temporary SQLite file, migrated, with the register's organisations: where each measurement writes."""
    with tempfile.TemporaryDirectory(prefix="vigie-bench-") as directory:
        url = f"sqlite:///{Path(directory) / 'audit.db'}"
        engine = open_database(url)
        try:
            migrate(engine)
            with connect(engine) as connection:
                sync_organisations(connection, register)
            yield url, engine
        finally:
            engine.dispose()


def _stored_and_verified(engine: Engine, keyring: Keyring) -> tuple[int, bool]:
    """How many entries the journal holds, and whether its chain verifies."""
    with connect(engine) as connection:
        rows = int(connection.scalar(select(func.count()).select_from(table("audit_entries"))) or 0)
    return rows, bool(importlib.import_module("vigie.audit").check(engine, keyring).ok)


def measure_audited(
    register: Register,
    policy: Policy,
    stream: Sequence[Request],
    agents: dict[str, Agent],
    subjects: dict[int, SubjectState],
    depth: int,
    budget_s: float,
    writer: str = "thread",
) -> Audited:
    """Decide and journal each request of `stream` (within `budget_s`), window by window: with `depth` 1 each
    window waits for its last receipt before the next is decided; with 2 the next window is decided and
    submitted while the previous one is being written, and released once it is durable."""
    audit = importlib.import_module("vigie.audit")
    keyring = Keyring.generate()
    pseudonyms = {ident: audit.subject_pseudonym(keyring, ident) for ident in subjects}
    with _journal_database(register) as (url, engine):
        if writer == "process":
            from vigie.audit.daemon import ProcessJournal

            opened: Any = ProcessJournal(url, keyring, max_group=GROUP_ENTRIES, max_delay=GROUP_SECONDS)
        else:
            opened = audit.Journal(engine, keyring, max_group=GROUP_ENTRIES, max_delay=GROUP_SECONDS)
        with opened as journal:
            # Warm-up, out of the clock: the writer connects (and, for a process, starts its interpreter).
            journal.append(
                audit.AuditEvent(
                    action=audit.AuditAction.DECIDE, allowed=True, reason="échauffement", at=datetime.now(UTC)
                )
            )
            released, submitting, waiting = _run(
                journal, audit, policy, stream, agents, subjects, pseudonyms, depth, budget_s
            )
        rows, verified = _stored_and_verified(engine, keyring)  # closed: all it acknowledged is here
    if rows < len(released):
        raise SystemExit(f"DURABILITY: {len(released)} answers released but only {rows} journal entries stored")
    if not verified:
        raise SystemExit("INTEGRITY: the journal written by the benchmark does not verify")
    wrong = sum(a != r.expected for a, r in zip(released, stream, strict=False))
    if wrong:
        raise SystemExit(f"DISAGREEMENT: audited vigie differs from the expected answer on {wrong} requests")
    elapsed = submitting + waiting
    return Audited(writer, depth, len(released), len(released) / elapsed, rows, verified, submitting, waiting)


@dataclass(frozen=True)
class AuditedProcesses:
    processes: int
    decisions: int
    per_s: float
    journal_rows: int
    verified: bool


_SHARED: dict[str, Any] = {}  # set before forking: the policy holds mapping proxies, which do not pickle


def _worker(index: int, barrier: Any, results: Any) -> None:
    """One service process: its own engine and journal on the shared SQLite file, its share of the stream."""
    url, keyring, policy, agents, subjects, pseudonyms, budget_s = (
        _SHARED[k] for k in ("url", "keyring", "policy", "agents", "subjects", "pseudonyms", "budget_s")
    )
    stream = _SHARED["stream"][index :: _SHARED["processes"]]
    audit = importlib.import_module("vigie.audit")
    engine = open_database(url)
    try:
        with audit.Journal(engine, keyring, max_group=GROUP_ENTRIES, max_delay=GROUP_SECONDS) as journal:
            barrier.wait()
            start = time.perf_counter()
            released, _, _ = _run(journal, audit, policy, stream, agents, subjects, pseudonyms, 1, budget_s)
            end = time.perf_counter()
    finally:
        engine.dispose()
    wrong = sum(a != r.expected for a, r in zip(released, stream, strict=False))
    results.put((len(released), start, end, wrong))


def measure_audited_processes(
    register: Register,
    policy: Policy,
    stream: Sequence[Request],
    agents: dict[str, Agent],
    subjects: dict[int, SubjectState],
    processes: int,
    budget_s: float,
) -> AuditedProcesses:
    """As a service runs: `processes` worker processes, each deciding its share of the stream and journaling
    into the same SQLite journal (the head-row lock keeps one chain); throughput over the common wall time."""
    import multiprocessing

    audit = importlib.import_module("vigie.audit")
    keyring = Keyring.generate()
    pseudonyms = {ident: audit.subject_pseudonym(keyring, ident) for ident in subjects}
    context = multiprocessing.get_context("fork")
    with _journal_database(register) as (url, engine):
        engine.dispose()
        _SHARED.update(
            url=url,
            keyring=keyring,
            policy=policy,
            agents=agents,
            subjects=subjects,
            pseudonyms=pseudonyms,
            budget_s=budget_s,
            stream=stream,
            processes=processes,
        )
        barrier, queue = context.Barrier(processes), context.Queue()
        workers = [context.Process(target=_worker, args=(i, barrier, queue)) for i in range(processes)]
        for worker in workers:
            worker.start()
        results = [queue.get() for _ in workers]
        for worker in workers:
            worker.join()
        rows, verified = _stored_and_verified(engine, keyring)
    decided = sum(r[0] for r in results)
    if sum(r[3] for r in results):
        raise SystemExit("DISAGREEMENT: audited vigie (processes) differs from the expected answers")
    if rows < decided or not verified:
        raise SystemExit(f"DURABILITY/INTEGRITY: {decided} answers released, {rows} entries, verified={verified}")
    wall = max(r[2] for r in results) - min(r[1] for r in results)
    return AuditedProcesses(processes, decided, decided / wall, rows, verified)
