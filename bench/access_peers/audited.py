"""vigie's audited throughput: decide, submit the journal entry, release the answer once it is durable.

On a temporary SQLite file, migrated and with the register's organisations synced. Requests are submitted in
windows of at most 100; the window's answers are released once its last receipt is durable (`wait()`), the
journal committing in groups of at most 100 entries or 10 ms. Needs `vigie.audit.Journal`; `missing()` says
why the measurement cannot run when it is not there (yet).
"""

from __future__ import annotations

import importlib
import inspect
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, table

from access_peers.world import Request
from vigie.access import Agent, SubjectState, decide
from vigie.crypto import Keyring
from vigie.register import Policy, Register
from vigie.store import connect, migrate, open_database
from vigie.store.reference import sync_organisations

WINDOW = 100
GROUP_ENTRIES = 100
GROUP_SECONDS = 0.010
# Names under which the journal may take its group-commit limits; the first found in its signature is used.
_GROUP_KWARGS = {
    "entries": ("max_group", "max_entries", "group_size", "batch_size", "max_batch"),
    "seconds": ("max_wait", "max_delay", "group_seconds", "flush_interval", "max_latency"),
}


@dataclass(frozen=True)
class Audited:
    decisions: int
    per_s: float
    journal_rows: int
    note: str


def missing() -> str | None:
    """Why the audited measurement cannot run, or None when `vigie.audit` offers what it needs."""
    try:
        audit = importlib.import_module("vigie.audit")
    except ImportError as error:
        return f"vigie.audit introuvable ({error})"
    absent = [name for name in ("Journal", "AuditEvent") if not hasattr(audit, name)]
    if absent:
        return f"vigie.audit n'offre pas encore {', '.join(absent)}"
    if not hasattr(audit.Journal, "submit"):
        return "vigie.audit.Journal n'a pas de méthode submit"
    return None


def _group_kwargs(journal_class: type) -> tuple[dict[str, Any], str]:
    try:
        parameters = inspect.signature(journal_class).parameters
    except (TypeError, ValueError):
        return {}, "limites de groupe : celles par défaut du journal"
    kwargs: dict[str, Any] = {}
    for what, names in _GROUP_KWARGS.items():
        for name in names:
            if name in parameters:
                kwargs[name] = GROUP_ENTRIES if what == "entries" else GROUP_SECONDS
                break
    note = ", ".join(f"{k}={v}" for k, v in kwargs.items()) or "celles par défaut du journal"
    return kwargs, f"limites de groupe : {note}"


def _run(
    journal: Any, event_class: Any, policy: Policy, stream: Sequence[Request], agents: dict[str, Agent],
    subjects: dict[int, SubjectState], pseudonyms: dict[int, str], budget_s: float,
) -> tuple[list[bool], float]:
    read = importlib.import_module("vigie.audit.events").AuditAction.READ
    released: list[bool] = []
    start = time.perf_counter()
    for begin in range(0, len(stream), WINDOW):
        answers = []
        receipt = None
        for r in stream[begin : begin + WINDOW]:
            categories = (r.category,)
            decision = decide(policy, agents[r.agent.id], subjects[r.subject.id], r.purpose, categories)
            receipt = journal.submit(
                event_class(
                    action=read, allowed=decision.allowed, reason=decision.reason, at=datetime.now(UTC),
                    agent_id=r.agent.id, subject_ref=pseudonyms[r.subject.id], purpose=r.purpose,
                    categories=categories,
                )
            )
            answers.append(decision.allowed)
        if receipt is not None:
            receipt.wait()
        released += answers  # only now, the window's entries durable, may its answers leave
        if time.perf_counter() - start > budget_s:
            break
    return released, time.perf_counter() - start


def measure_audited(
    register: Register, policy: Policy, stream: Sequence[Request], agents: dict[str, Agent],
    subjects: dict[int, SubjectState], budget_s: float,
) -> Audited:
    """Decide and journal each request of `stream` (within `budget_s`), window by window."""
    audit = importlib.import_module("vigie.audit")
    events = importlib.import_module("vigie.audit.events")
    journal_class, event_class = audit.Journal, audit.AuditEvent
    keyring = Keyring.generate()
    pseudonyms = {ident: events.subject_pseudonym(keyring, ident) for ident in subjects}
    kwargs, note = _group_kwargs(journal_class)
    with tempfile.TemporaryDirectory(prefix="vigie-bench-") as directory:
        engine = open_database(f"sqlite:///{Path(directory) / 'audit.db'}")
        try:
            migrate(engine)
            with connect(engine) as connection:
                sync_organisations(connection, register)
            with ExitStack() as stack:
                journal = journal_class(engine, keyring, **kwargs)
                if hasattr(journal, "__enter__"):
                    journal = stack.enter_context(journal)
                elif hasattr(journal, "close"):
                    stack.callback(journal.close)
                released, elapsed = _run(journal, event_class, policy, stream, agents, subjects, pseudonyms, budget_s)
            with connect(engine) as connection:  # the journal is closed: every entry it acknowledged is here
                rows = connection.scalar(select(func.count()).select_from(table("audit_entries")))
        finally:
            engine.dispose()
    if (rows or 0) < len(released):
        raise SystemExit(f"DURABILITY: {len(released)} answers released but only {rows} journal entries stored")
    wrong = sum(a != r.expected for a, r in zip(released, stream, strict=False))
    if wrong:
        raise SystemExit(f"DISAGREEMENT: audited vigie differs from the expected answer on {wrong} requests")
    return Audited(len(released), len(released) / elapsed, int(rows or 0), note)
