"""The daily sweep of `vigie serve`: at `VIGIE_RETENTION_SWEEP_HOUR` (organisation's time), sweep what is due
and purge the journal's expired entries. Every service process runs one; the lock in the database makes all but
one of them find the sweep already taken, so two never sweep at once."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from vigie.access.service import Gate
from vigie.audit import AuditSink
from vigie.environment import Environment
from vigie.errors import SweepInProgress, VigieError
from vigie.retention.logs import purge_expired_logs
from vigie.retention.sweep import SweepReport, sweep

log = logging.getLogger(__name__)


def next_sweep_at(now: datetime, hour: int, timezone: object) -> datetime:
    """The next instant (aware) at `hour`:00 in `timezone` strictly after `now`."""
    local = now.astimezone(timezone)  # type: ignore[arg-type]
    target = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if target <= local:
        target = (target + timedelta(days=1)).replace(hour=hour)
    return target


def sweep_once(env: Environment, journal: AuditSink) -> SweepReport | None:
    """One scheduled run: sweep, then purge the journal; None when another process holds the sweep."""
    gate = Gate(env, journal)
    try:
        report = sweep(gate)
    except SweepInProgress:
        log.info("balayage de conservation déjà en cours dans un autre processus")
        return None
    log.info("balayage de conservation n° %s : %s dossiers détruits", report.run_id, report.destroyed)
    purge_expired_logs(gate)
    return report


class DailySweep(threading.Thread):
    """A daemon thread that sweeps once a day at the configured hour, until `stop`."""

    def __init__(self, env: Environment, journal: AuditSink) -> None:
        super().__init__(name="vigie-retention", daemon=True)
        self.env = env
        self.journal = journal
        self._stopped = threading.Event()

    def run(self) -> None:
        hour = self.env.settings.retention_sweep_hour
        zone = getattr(self.env.clock, "timezone", None)
        while hour >= 0 and zone is not None:
            due = next_sweep_at(self.env.clock.now(), hour, zone)
            if self._stopped.wait(max((due - self.env.clock.now()).total_seconds(), 0.0)):
                return
            try:
                sweep_once(self.env, self.journal)
            except VigieError as error:  # logged, retried tomorrow: the service keeps serving
                log.error("balayage de conservation en échec : %s", error)

    def stop(self) -> None:
        self._stopped.set()
