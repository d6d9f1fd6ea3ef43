"""What the rights tests share: a person in Paris with records under several legal bases, one in Lyon, DPOs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from stdnum.fr import nir as stdnum_nir

from vigie.audit import Journal
from vigie.environment import Environment
from vigie.ids import AgentId, SubjectId
from vigie.rights import Channel, Intake, RequestKind, RightsService
from vigie.store import connect
from vigie.store.schema import audit_entries

PARIS_NIR = "2850578006084" + stdnum_nir.calc_check_digits("2850578006084")
LYON_NIR = "1790269123456" + stdnum_nir.calc_check_digits("1790269123456")
DPO = AgentId("paris-dpo")
LYON_DPO = AgentId("lyon-dpo")


@dataclass(frozen=True)
class World:
    env: Environment
    journal: Journal
    service: RightsService
    paris: SubjectId
    lyon: SubjectId
    records: dict[str, int]  # name -> record id


def intake(kind: RequestKind, *, nir: str = PARIS_NIR, received: date = date(2026, 11, 20), **more: Any) -> Intake:
    identity = more.pop("identity", {"nom": "Lefebvre", "prenom": "Jeanne"})
    more.setdefault("text", "Ma demande")
    return Intake(nir=nir, kind=kind, channel=Channel.LETTER, received_on=received, identity=identity, **more)


def journal_rows(world: World) -> list[Any]:
    with connect(world.env.engine) as connection:
        return list(connection.execute(select(audit_entries).order_by(audit_entries.c.seq)))
