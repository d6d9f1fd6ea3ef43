"""Retention: every record destroyed when its period ends, never sooner, with proof.

ends      end dates in set-based SQL (agreeing with `register.ends.end_of`), kept current with the register
events    recording a lifecycle event through the gate, and re-dating what it moves
holds     legal holds that suspend destruction
plan      what a sweep at a date will destroy, per processing and organisation, with the rule that applies
sweep     the sweep: bounded batches, resumable, crash-safe, one certificate in the audit journal
lock      the database lock that keeps sweeps one at a time
logs      the audit journal's own retention (connection traces and other entries), under the signed anchor
schedule  the daily sweep of `vigie serve`
"""

from vigie.retention.ends import refresh
from vigie.retention.events import record_event
from vigie.retention.holds import Hold, HoldReason, listed, place, release
from vigie.retention.plan import Plan, PlanLine, plan
from vigie.retention.schedule import DailySweep, next_sweep_at, sweep_once
from vigie.retention.sweep import SweepReport, SweepState, dry_run, last_sweep, sweep

__all__ = [
    "DailySweep",
    "Hold",
    "HoldReason",
    "Plan",
    "PlanLine",
    "SweepReport",
    "SweepState",
    "dry_run",
    "last_sweep",
    "listed",
    "next_sweep_at",
    "place",
    "plan",
    "record_event",
    "refresh",
    "release",
    "sweep",
    "sweep_once",
]
