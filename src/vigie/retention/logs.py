"""The audit journal's own retention: connection traces (one year by default, as the Cnil recommends six months
to a year) and the other entries (`VIGIE_AUDIT_LOG_RETENTION`), purged under the signed anchor of
`audit.purge_before` so that what remains still verifies.

The journal is a hash chain: only a prefix can go. The purge cuts before the first entry still within its own
period, so nothing is purged early; an expired connection trace that follows a younger entry of longer
retention waits for it (keep both settings equal, the default, for each to be exact).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from vigie.access.service import Gate
from vigie.audit import AuditAction, purge_before
from vigie.audit import queries as audit_queries
from vigie.audit.events import timestamp_text
from vigie.durations import Duration
from vigie.store import connect

CONNECTION_ACTIONS = (AuditAction.LOGIN.value, AuditAction.LOGIN_FAILED.value, AuditAction.LOGOUT.value)


@dataclass(frozen=True)
class LogPurge:
    """How many entries went, and the cut-off day of each kind."""

    purged: int
    connections_before: str
    others_before: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "purged": self.purged,
            "connections_before": self.connections_before,
            "others_before": self.others_before,
        }


def _cutoff(today: date, period: str) -> datetime:
    """The first instant still within `period` on `today`: today minus the period, in calendar arithmetic."""
    duration = Duration.parse(period)
    year, month = divmod(today.year * 12 + today.month - 1 - 12 * duration.years - duration.months, 12)
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    start = date.fromordinal(date(year, month + 1, day).toordinal() - duration.days)
    return datetime(start.year, start.month, start.day, tzinfo=UTC)


def purge_expired_logs(gate: Gate) -> LogPurge:
    """Purge the entries past their retention, if the whole journal verifies (else TamperedJournal)."""
    env = gate.env
    today = env.clock.today()
    connections_from = _cutoff(today, env.settings.connection_log_retention)
    others_from = _cutoff(today, env.settings.audit_log_retention)
    with connect(env.engine) as connection:
        keep_from = audit_queries.first_kept(
            connection, CONNECTION_ACTIONS, timestamp_text(connections_from), timestamp_text(others_from)
        )
    purged = (
        purge_before(env.engine, env.keyring, keep_from, journal=gate.journal, at=env.clock.now())
        if keep_from > 1
        else 0
    )
    return LogPurge(purged, connections_from.date().isoformat(), others_from.date().isoformat())
