"""The statistics pseudonym of the people a sweep batch reduces: the pseudonymisation slice's national pseudonym.

The identity is opened through the gate (`access.lifecycle.reduction_identities`: NIR, birth date and sex only),
the pseudonyms computed column-wise (`pseudo.bulk.national_bulk`, both keyed passes, no Python call per person
for the hashing), and staged in the batch's temporary table for the INSERT ... SELECT of the statistics rows.
People without what a pseudonym needs (no NIR: professionals, employers) keep an empty pseudonym. The keys are
those `vigie pseudo extract` uses by default (DATA_DIR/pseudo/source.key and central.key); without them the
column stays empty.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Connection

from vigie.access.lifecycle import reduction_identities
from vigie.access.service import Gate
from vigie.pseudo.bulk import national_bulk
from vigie.pseudo.keys import KeyRole, PseudoKey, default_key_file, load_key_file
from vigie.retention import queries
from vigie.settings import Settings

Keys = Mapping[KeyRole, PseudoKey]

_NIR = re.compile(r"[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{6}(?:[0-9]{2})?")
_SEXES = {"M": 1, "F": 2, "1": 1, "2": 2, 1: 1, 2: 2}


def configured_keys(settings: Settings) -> Keys | None:
    """The pseudonymisation keys of the data directory, or None when neither file is there; one without the
    other, or a file unreadable or open to others, is a ConfigurationError (nothing is destroyed)."""
    paths = {role: default_key_file(settings.data_dir, role) for role in KeyRole}
    present = [role for role, path in paths.items() if path.exists()]
    if not present:
        return None
    return {role: load_key_file(path, role) for role, path in paths.items()}  # a missing one says which


def _person(fields: dict[str, Any]) -> tuple[str, date, int] | None:
    nir, birth, sex = fields.get("nir"), fields.get("date_naissance"), _SEXES.get(fields.get("sexe"))
    if not isinstance(nir, str) or not _NIR.fullmatch(nir.strip().upper()) or sex is None:
        return None
    try:
        born = date.fromisoformat(birth) if isinstance(birth, str) else None
    except ValueError:
        return None
    return (nir.strip().upper()[:13], born, sex) if born is not None else None


def stage(gate: Gate, connection: Connection, people: Any, keys: Keys) -> int:
    """Compute the pseudonyms of the people `people` selects and stage them for the batch; returns how many."""
    ids: list[int] = []
    nirs: list[str] = []
    births: list[date] = []
    sexes: list[int] = []
    for subject_id, fields in reduction_identities(gate, connection, people):
        found = _person(fields)
        if found is not None:
            ids.append(subject_id)
            nirs.append(found[0])
            births.append(found[1])
            sexes.append(found[2])
    if ids:
        frame = pl.DataFrame(
            {"nir": nirs, "birth": births, "sex": sexes}, schema={"nir": pl.String, "birth": pl.Date, "sex": pl.Int64}
        )
        values = national_bulk(keys, frame).to_list()
    else:
        values = []
    queries.stage_pseudonyms(connection, [{"subject_id": i, "pseudonym": p} for i, p in zip(ids, values, strict=True)])
    return len(ids)
