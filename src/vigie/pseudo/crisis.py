"""Crisis steering: how many crisis records per département and ISO week, with small counts suppressed.

The crisis processing's policy says its steering rests on pseudonymised data. This service reads the crisis
records through the statistics gate (each person decided on and journaled; payloads are not even decrypted, only
dates and the person's fund are used) and publishes a département by week table of record counts, with cells
under the secrecy threshold hidden and enough others that the margins cannot give them back (`secrecy.suppress`).
The DPO console (a later issue) shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from vigie.access.extracts import StatisticsGate, StatisticsRead
from vigie.audit import AuditSink
from vigie.environment import Environment
from vigie.errors import InvalidInput
from vigie.pseudo.secrecy import DEFAULT_THRESHOLD, SuppressedTable, suppress
from vigie.taxonomy import Category, SubjectKind

CRISIS_PROCESSING = "crisis_management"
STEERED_KINDS = (SubjectKind.VICTIM, SubjectKind.PATIENT)
_IDENTIFYING = {Category.IDENTIFICATION, Category.NIR, Category.CONTACT, Category.BANKING, Category.SIRET}
UNKNOWN_DEPARTMENT = "inconnu"


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-S{week:02d}"


@dataclass(frozen=True)
class CrisisDataset:
    """Counts by département (rows) and ISO week (columns), as published: hidden cells are None."""

    departments: list[str]
    weeks: list[str]
    table: SuppressedTable
    threshold: int
    people_read: int
    people_refused: int
    journal_entries: int

    def to_dict(self) -> dict[str, Any]:
        published = self.table.published()
        return {
            "traitement": CRISIS_PROCESSING,
            "seuil": self.threshold,
            "semaines": self.weeks,
            "departements": self.departments,
            "effectifs": [
                {"departement": d, "semaine": w, "effectif": published[i][j]}
                for i, d in enumerate(self.departments)
                for j, w in enumerate(self.weeks)
            ],
            "cellules_masquees": int(self.table.hidden.sum()),
            "personnes_lues": self.people_read,
            "personnes_refusees": self.people_refused,
            "entrees_journal": self.journal_entries,
        }


def crisis_steering(
    env: Environment, journal: AuditSink, agent_id: str, *, weeks: int = 12, threshold: int = DEFAULT_THRESHOLD
) -> CrisisDataset:
    """The steering table of the last `weeks` ISO weeks (this one included), read through the gate."""
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= 260:
        raise InvalidInput("semaines", str(weeks)[:10], "de 1 à 260")
    today = env.clock.today()
    monday = today - timedelta(days=today.weekday())
    columns = [iso_week(monday - timedelta(weeks=n)) for n in range(weeks - 1, -1, -1)]
    first = monday - timedelta(weeks=weeks - 1)
    processing = env.register.processings[CRISIS_PROCESSING]
    departments = {code: org.department for code, org in env.register.organisations.items()}
    counts: dict[tuple[str, str], int] = {}
    read = refused = entries = 0
    for kind in STEERED_KINDS:
        categories = tuple(sorted(c.value for c in processing.categories(kind) if c not in _IDENTIFYING))
        if not categories:
            continue
        request = StatisticsRead(agent_id, CRISIS_PROCESSING, kind, categories, identity=False, decrypt_records=False)
        gate = StatisticsGate(env, journal, request, today)
        for batch in gate.batches():
            read += len(batch.subjects)
            refused += batch.refused
            entries += batch.entries
            for person in batch.subjects:
                department = departments.get(person.organisation) or UNKNOWN_DEPARTMENT
                for record in person.records:
                    if first <= record.recorded_on <= today:
                        cell = (department, iso_week(record.recorded_on))
                        counts[cell] = counts.get(cell, 0) + 1
    rows = sorted({d for d, _ in counts}) or [UNKNOWN_DEPARTMENT]
    matrix = np.zeros((len(rows), len(columns)), dtype=np.int64)
    index = {w: j for j, w in enumerate(columns)}
    for (department, week), n in counts.items():
        matrix[rows.index(department), index[week]] = n
    return CrisisDataset(rows, columns, suppress(matrix, threshold), threshold, read, refused, entries)
