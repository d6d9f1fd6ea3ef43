"""The DPO's export of consent proofs, for the command line and the API alike.

Only an agent of an audit role (the DPO) exports; the refusal and the export both go to the audit journal,
through the same reader check as the journal's own reads (`vigie.access.journal_reads`). Proofs name browsers
by a keyed pseudonym only, so the export holds no address and nothing that points at a person by itself.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from vigie.access.journal_reads import JournalReads
from vigie.audit import AuditAction, AuditEvent, AuditSink
from vigie.audit.journal import AUDIT_CATEGORIES
from vigie.consent.queries import COLUMNS, count_proofs, iter_proofs
from vigie.environment import Environment
from vigie.store import connect

WHAT = "export des preuves de consentement aux cookies"


def _record(row: tuple[Any, ...]) -> dict[str, Any]:
    record = dict(zip(COLUMNS, row, strict=True))
    record["expires_on"] = record["expires_on"].isoformat()
    record["granted"] = record["granted"].split(",") if record["granted"] else []
    record["refused"] = record["refused"].split(",") if record["refused"] else []
    return record


class ProofExport:
    """One export, authorised and journaled when built; iterate `rows()` or render `csv_chunks()`/`json_chunks()`."""

    def __init__(
        self, env: Environment, journal: AuditSink, agent_id: str, *, since: date | None = None, source: str | None
    ) -> None:
        agent = JournalReads(env, journal).reader(agent_id, WHAT, source)
        self.env = env
        self.since = since
        with connect(env.engine) as connection:
            self.count = count_proofs(connection)
        reason = f"{WHAT} ({self.count} preuves au total" + (f", depuis le {since.isoformat()})" if since else ")")
        journal.append(
            AuditEvent(
                action=AuditAction.AUDIT_READ,
                allowed=True,
                reason=reason,
                at=env.clock.now(),
                agent_id=agent.id,
                categories=AUDIT_CATEGORIES,
                source=source,
            )
        )

    def batches(self) -> Iterator[list[dict[str, Any]]]:
        """The proofs in key order, a batch at a time (a large export never sits whole in memory)."""
        with connect(self.env.engine) as connection:
            for rows in iter_proofs(connection, since=self.since):
                yield [_record(row) for row in rows]

    def csv_chunks(self) -> Iterator[str]:
        """CSV with a header line; the lists of services are joined by spaces."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for batch in self.batches():
            for record in batch:
                writer.writerow([" ".join(v) if isinstance(v, list) else v for v in (record[name] for name in COLUMNS)])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    def json_chunks(self) -> Iterator[str]:
        """One JSON array of proof objects, streamed."""
        yield "["
        first = True
        for batch in self.batches():
            for record in batch:
                yield ("" if first else ",") + json.dumps(record, ensure_ascii=False)
                first = False
        yield "]\n"
