"""A small population for extracts: insured people of two funds with prevention records, and the key files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, update
from stdnum.fr import nir as stdnum_nir

from vigie import vault
from vigie.crypto import Keyring
from vigie.environment import Environment
from vigie.pseudo.keys import KeyRole, PseudoKey, create_key_file
from vigie.store import connect
from vigie.store.schema import subjects
from vigie.taxonomy import SubjectKind

SPEC = """\
processing: prevention_campaigns
subjects: insured
categories: [health.care]
reference_date: 2026-11-28
fields:
  - {name: personne, source: pseudonym}
  - {name: age, source: age, generalise: {age_band: 20}}
  - {name: sexe, source: sex}
  - {name: departement, source: department}
  - {name: trimestre, source: recorded_on, generalise: quarter}
  - {name: action, source: payload.action}
  - {name: montant, source: payload.montant, generalise: {bands: [0, 50, 100]}}
quasi_identifiers: [age, sexe, departement]
k: 3
max_suppression: 0.2
drop: [nom, prenom, adresse]
"""


@dataclass(frozen=True)
class Person:
    id: int
    nir: str
    birth: date
    sex: int
    name: str


@dataclass(frozen=True)
class Population:
    env: Environment
    paris: list[Person]  # allowed to the Paris prevention agent
    lyon: list[Person]  # another fund: refused to a local agent
    restricted: Person  # restricted at their request: refused
    keys: dict[KeyRole, PseudoKey]
    key_files: dict[KeyRole, Path]


def _nir(sex: int, year: int, serial: int) -> str:
    body = f"{sex}{year % 100:02d}0575{101 + serial // 1000:03d}{serial % 1000 + 1:03d}"  # commune, order
    return body + stdnum_nir.calc_check_digits(body)


def _add(connection: object, keyring: Keyring, serial: int, org: str, birth: date, sex: int) -> Person:
    nir = _nir(sex, birth.year, serial)
    name = f"Nom{serial:04d}"
    sid = vault.add_subject(
        connection,  # type: ignore[arg-type]
        keyring,
        kind=SubjectKind.INSURED,
        organisation=org,
        identity={"nom": name, "prenom": "Jeanne", "date_naissance": birth.isoformat(), "sexe": "FM"[sex % 2],
                  "adresse": {"voie": "12 rue des Lilas"}},
        created_on=date(2015, 3, 1),
        nir=nir,
    )  # fmt: skip
    for month, action in ((2, "vaccin"), (5, "depistage")):
        vault.add_record(
            connection,  # type: ignore[arg-type]
            keyring,
            sid,
            processing="prevention_campaigns",
            category="health.care",
            payload={"action": action, "montant": 20 + serial % 90, "commentaire": f"appel de {name}"},
            recorded_on=date(2026, month, 1 + serial % 20),
        )
    return Person(int(sid), nir, birth, sex, name)


@pytest.fixture
def population(engine: Engine, make_env: Callable[..., Environment], keyring: Keyring, tmp_path: Path) -> Population:
    env = make_env(engine, demo_agents=True)
    with connect(engine) as connection:
        paris = [
            _add(connection, keyring, i, "CPAM-75", date(1950 + (i % 4) * 15, 1 + i % 12, 1 + i % 28), 1 + i % 2)
            for i in range(24)
        ]
        # One person alone in a class (born 2020): suppressed to reach k.
        paris.append(_add(connection, keyring, 99, "CPAM-75", date(2020, 6, 1), 2))
        lyon = [_add(connection, keyring, 100 + i, "CPAM-69", date(1980, 1, 1), 1) for i in range(3)]
        restricted = _add(connection, keyring, 200, "CPAM-75", date(1965, 1, 1), 1)
        connection.execute(update(subjects).where(subjects.c.id == restricted.id).values(restricted=True))
    files = {role: tmp_path / "cles" / f"{role.value}.json" for role in KeyRole}
    keys = {role: create_key_file(path, role, "2026-2027") for role, path in files.items()}
    return Population(env, paris, lyon, restricted, keys, files)


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "extraction.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path
