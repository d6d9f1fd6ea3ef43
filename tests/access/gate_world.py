"""What the gate tests share: the day, the people, and a look at the journal's rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from stdnum.fr import nir as stdnum_nir

from vigie.audit import Journal
from vigie.environment import Environment
from vigie.ids import SubjectId
from vigie.store import connect
from vigie.store.schema import audit_entries

PARIS_NIR = "2850578006084" + stdnum_nir.calc_check_digits("2850578006084")

TODAY = date(2026, 11, 28)


@dataclass(frozen=True)
class World:
    env: Environment
    journal: Journal
    paris: SubjectId
    lyon: SubjectId


def journal_rows(world: World) -> list[Any]:
    with connect(world.env.engine) as connection:
        return list(connection.execute(select(audit_entries).order_by(audit_entries.c.seq)))
