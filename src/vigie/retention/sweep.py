"""The sweep: destroy what is due, in bounded batches, each one transaction, and certify it once.

Each batch deletes a range of due records (set-based), keeps what statistics need of those whose processing
says so, erases the people left with nothing (their data key destroyed, `vault.shred_emptied`), and moves the
run's progress marker, running counts and digest forward: all in the same transaction, so a process killed at
any point leaves either the whole batch done or none of it. A killed sweep resumes its unfinished run; the
certificate is written into the audit journal once the run has no more batches, and found there (not written
again) if the process died between writing it and marking the run done.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from vigie import vault
from vigie.access.lifecycle import journal_destruction
from vigie.access.service import Gate
from vigie.audit import AuditAction
from vigie.audit import queries as audit_queries
from vigie.environment import Environment
from vigie.errors import InvalidInput, SweepInProgress
from vigie.retention import _pseudonyms, lock, queries
from vigie.retention._pseudonyms import Keys, configured_keys
from vigie.retention.ends import refresh
from vigie.store import connect
from vigie.store.schema import records

Progress = Callable[[int, int], None]
"""Called after each batch with (records done so far, records due in all)."""

CERTIFICATE = "certificat de destruction n° {run} "


@dataclass(frozen=True)
class SweepReport:
    """What a sweep did (or, dry, would do): counts, the range of end dates, the digest, the certificate."""

    run_id: int | None
    at: date
    destroyed: int
    reduced: int
    erased: int
    batches: int
    ends_from: date | None
    ends_to: date | None
    digest: str
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    certificate: int | None = None
    resumed: bool = False
    dry_run: bool = False
    held: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "run": self.run_id,
            "at": self.at.isoformat(),
            "destroyed": self.destroyed,
            "reduced": self.reduced,
            "erased": self.erased,
            "batches": self.batches,
            "ends_from": self.ends_from.isoformat() if self.ends_from else None,
            "ends_to": self.ends_to.isoformat() if self.ends_to else None,
            "digest": self.digest,
            "counts": self.counts,
            "certificate": self.certificate,
            "resumed": self.resumed,
            "dry_run": self.dry_run,
            "held": self.held,
        }


def check_date(gate: Gate, at: date | None) -> date:
    """The sweep's date: today by default; refused beyond today plus the configured margin."""
    today = gate.env.clock.today()
    if at is None:
        return today
    margin = gate.env.settings.retention_future_days
    if at > today + timedelta(days=margin):
        raise InvalidInput(
            "--at", at.isoformat(), f"date au-delà d'aujourd'hui ({today.isoformat()}) plus {margin} jour(s) de marge"
        )
    return at


def _statistics_processings(gate: Gate) -> list[str]:
    return sorted(p.id for p in gate.env.register.processings.values() if p.pseudonymised_statistics)


def _merge(counts: dict[str, dict[str, int]], rows: list[Any]) -> None:
    for processing, organisation, count in rows:
        by_org = counts.setdefault(processing, {})
        by_org[organisation] = by_org.get(organisation, 0) + int(count)


def _report(row: Any, *, resumed: bool) -> SweepReport:
    return SweepReport(
        run_id=int(row.id),
        at=row.at,
        destroyed=int(row.destroyed),
        reduced=int(row.reduced),
        erased=int(row.erased),
        batches=int(row.batches),
        ends_from=row.ends_from,
        ends_to=row.ends_to,
        digest=bytes(row.digest).hex(),
        counts=queries.counts_of(row),
        certificate=int(row.certificate_seq) if row.certificate_seq is not None else None,
        resumed=resumed,
    )


def dry_run(gate: Gate, at: date | None = None) -> SweepReport:
    """What a sweep at `at` would destroy, per processing and organisation; end dates are brought up to date,
    nothing is destroyed."""
    when = check_date(gate, at)
    with connect(gate.env.engine) as connection:
        refresh(connection, gate.env.policy)
    with connect(gate.env.engine) as connection:
        rows = queries.plan_rows(connection, when)
        held = queries.held_count(connection, when)
    counts: dict[str, dict[str, int]] = {}
    _merge(counts, [(p, o, n) for p, o, _, n, _, _ in rows])
    total = sum(n for by_org in counts.values() for n in by_org.values())
    starts = [r[4] for r in rows]
    ends = [r[5] for r in rows]
    return SweepReport(
        None,
        when,
        total - held,
        0,
        0,
        0,
        min(starts) if starts else None,
        max(ends) if ends else None,
        "",
        counts,
        dry_run=True,
        held=held,
    )


def sweep(
    gate: Gate,
    at: date | None = None,
    *,
    batch_size: int | None = None,
    progress: Progress | None = None,
    keys: Keys | None = None,
) -> SweepReport:
    """Destroy every record due at `at` (today by default) that no hold keeps, and certify it; resume an
    interrupted sweep first. Raises SweepInProgress when another process is sweeping.

    Records reduced to statistics get their person's pseudonym under `keys` (by default the data directory's
    pseudonymisation keys, if there are any; see `_pseudonyms`)."""
    env = gate.env
    when = check_date(gate, at)
    size = batch_size or env.settings.retention_batch_size
    keys = keys if keys is not None else configured_keys(env.settings)
    holder = lock.holder_name()
    lock.acquire(env.engine, holder, env.clock.now())
    try:
        with connect(env.engine) as connection:
            refresh(connection, env.policy)
            row = queries.unfinished_run(connection)
            resumed = row is not None
            if row is None:
                head = audit_queries.read_head(connection)
                started = env.clock.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
                row = queries.run(connection, queries.new_run(connection, when, started, head.seq if head else 0))
        _destroy(gate, row, holder, size, progress, keys)
        return _certify(gate, int(row.id), resumed=resumed)
    finally:
        lock.release(env.engine, holder)


def _destroy(gate: Gate, row: Any, holder: str, size: int, progress: Progress | None, keys: Keys | None = None) -> None:
    env = gate.env
    run_id, at = int(row.id), row.at
    keep = _statistics_processings(gate)
    with connect(env.engine) as connection:
        remaining = int(
            connection.scalar(
                select(func.count()).select_from(records).where(records.c.id > row.cursor, *queries.due(at))
            )
            or 0
        )
    done, total = int(row.destroyed), int(row.destroyed) + remaining
    if progress is not None:
        progress(done, total)
    while True:
        with connect(env.engine) as connection:
            if not lock.renew(connection, holder, env.clock.now()):  # also takes SQLite's write lock first
                raise SweepInProgress()
            holds = queries.any_active_hold(connection)
            current = queries.run(connection, run_id)
            ids = queries.next_batch(connection, at, int(current.cursor), size, holds)
            if not ids:
                return
            first, last = ids[0], ids[-1]
            counts = queries.counts_of(current)
            in_batch = queries.batch_counts(connection, first, last, at, holds)
            _merge(counts, [(p, o, n) for p, o, n, _, _ in in_batch])
            if keep and keys is not None:
                people = queries.statistics_people(first, last, at, holds, keep)
                _pseudonyms.stage(gate, connection, people, keys)
            queries.keep_statistics(connection, first, last, at, holds, keep, pseudonyms=keys is not None)
            emptied = queries.emptied_by_batch(first, last, at, holds)
            erased = vault.shred_where(connection, emptied, env.clock.today(), queries.held_subject())
            deleted = queries.delete_batch(connection, first, last, at, holds)
            if deleted != len(ids):
                raise RuntimeError(f"lot {first}-{last} : {deleted} supprimés pour {len(ids)} sélectionnés")
            low, high = min(r[3] for r in in_batch), max(r[4] for r in in_batch)
            digest = hashlib.sha256(bytes(current.digest) + struct.pack(f">{len(ids)}q", *ids)).digest()
            queries.save_progress(
                connection,
                run_id,
                {
                    "cursor": last,
                    "batches": int(current.batches) + 1,
                    "destroyed": int(current.destroyed) + deleted,
                    "reduced": int(current.reduced) + sum(int(r[2]) for r in in_batch if r[0] in keep),
                    "erased": int(current.erased) + erased,
                    "ends_from": min(low, current.ends_from) if current.ends_from else low,
                    "ends_to": max(high, current.ends_to) if current.ends_to else high,
                    "digest": digest,
                    "counts": json.dumps(counts, sort_keys=True),
                },
            )
        done += deleted
        if progress is not None:
            progress(done, max(total, done))


def certificate_text(row: Any) -> str:
    """The certificate as the journal keeps it: French, then the detail as JSON (no person, no record content)."""
    detail = {
        "date": row.at.isoformat(),
        "détruits": int(row.destroyed),
        "réduits_aux_statistiques": int(row.reduced),
        "personnes_effacées": int(row.erased),
        "lots": int(row.batches),
        "fins_de_conservation": [
            row.ends_from.isoformat() if row.ends_from else None,
            row.ends_to.isoformat() if row.ends_to else None,
        ],
        "empreinte_sha256": bytes(row.digest).hex(),
        "par_traitement_et_organisme": queries.counts_of(row),
    }
    head = (
        f"{CERTIFICATE.format(run=int(row.id))}: balayage de conservation au {row.at.isoformat()}, "
        f"{int(row.destroyed)} dossiers détruits, dont {int(row.reduced)} réduits aux statistiques ; "
        f"{int(row.erased)} personnes effacées"
    )
    return f"{head} ; détail {json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(',', ':'))}"


def _certify(gate: Gate, run_id: int, *, resumed: bool) -> SweepReport:
    env = gate.env
    with connect(env.engine) as connection:
        row = queries.run(connection, run_id)
        found = audit_queries.find_entry(
            connection, int(row.journal_seq), AuditAction.DESTROY.value, CERTIFICATE.format(run=run_id)
        )
    entry = found if found is not None else journal_destruction(gate, certificate_text(row))
    with connect(env.engine) as connection:
        queries.save_progress(
            connection,
            run_id,
            {
                "status": "done",
                "certificate_seq": entry,
                "finished_at": env.clock.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            },
        )
        row = queries.run(connection, run_id)
    return _report(row, resumed=resumed)


@dataclass(frozen=True)
class SweepState:
    """The most recent sweep as `/health` shows it."""

    run: int
    at: date
    status: str
    started_at: str
    finished_at: str | None
    destroyed: int
    reduced: int
    erased: int
    certificate: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "at": self.at.isoformat(),
            "status": self.status,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "destroyed": self.destroyed,
            "reduced": self.reduced,
            "erased": self.erased,
            "certificate": self.certificate,
        }


def last_sweep(env: Environment) -> SweepState | None:
    """The most recent sweep (finished or interrupted), or None before the first."""
    with connect(env.engine) as connection:
        row = queries.last_run(connection)
    if row is None:
        return None
    return SweepState(
        int(row.id),
        row.at,
        "terminé" if row.status == "done" else "interrompu ou en cours",
        row.started_at,
        row.finished_at,
        int(row.destroyed),
        int(row.reduced),
        int(row.erased),
        int(row.certificate_seq) if row.certificate_seq is not None else None,
    )
