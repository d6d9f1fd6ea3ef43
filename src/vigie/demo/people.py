"""Names, addresses, births and NIRs for a column of people, drawn with numpy in one go per column.

Per-row Python is limited to formatting strings; every random choice is a vector draw, so that a batch of
thousands of people costs a handful of numpy calls and the same seed always gives the same people.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vigie.demo import names
from vigie.demo.geography import COUNTRIES_OF_BIRTH, POPULATION_THOUSANDS, postal_code
from vigie.demo.numbers import nir_numbers, nir_strings, phones
from vigie.nir import REASONS, Kind
from vigie.nir_bulk import check_nirs

Ints = npt.NDArray[np.int64]

_FEMALE_P = names.zipf_weights(len(names.FEMALE_FIRST_NAMES))
_MALE_P = names.zipf_weights(len(names.MALE_FIRST_NAMES))
_LAST_P = names.zipf_weights(len(names.LAST_NAMES), 0.6)
_FEMALE_SLUGS = tuple(names.ascii_slug(n) for n in names.FEMALE_FIRST_NAMES)
_MALE_SLUGS = tuple(names.ascii_slug(n) for n in names.MALE_FIRST_NAMES)
_LAST_SLUGS = tuple(names.ascii_slug(n) for n in names.LAST_NAMES)

# Birth places: every département, then « 99 » for people born abroad (the « commune » is the country).
_DEPTS: tuple[str, ...] = (*POPULATION_THOUSANDS, "99")
_DEPT_INDEX = {d: i for i, d in enumerate(_DEPTS)}
_DEPT_NUM = np.array([{"2A": 19, "2B": 18}.get(d, 0) or int(d) for d in _DEPTS], dtype=np.int64)
_DEPT_WIDTH = np.array([2 if len(d) == 3 else 3 for d in _DEPTS], dtype=np.int64)
_DEPT_P = np.array([POPULATION_THOUSANDS.get(d, 0) for d in _DEPTS], dtype=np.float64)
_DEPT_P /= _DEPT_P.sum()
_ABROAD = _DEPT_INDEX["99"]
_COUNTRIES = np.array([int(c) for c in COUNTRIES_OF_BIRTH], dtype=np.int64)


@dataclass
class People:
    """Columns describing people (one row per person)."""

    female: npt.NDArray[np.bool_]
    first: list[str]
    last: list[str]
    phone: list[str]
    email: list[str]
    street: list[str]
    postcode: list[str]


def department_index(department: str | None) -> int:
    """Position of a département in the birth-place table (-1 when unknown)."""
    return _DEPT_INDEX.get(department or "", -1)


def draw_people(rng: np.random.Generator, departments: list[str], *, female_share: float = 0.51) -> People:
    """First and last names, telephone, e-mail and street address for len(departments) people."""
    n = len(departments)
    female = rng.random(n) < female_share
    f_idx = rng.choice(len(_FEMALE_P), size=n, p=_FEMALE_P).tolist()
    m_idx = rng.choice(len(_MALE_P), size=n, p=_MALE_P).tolist()
    l_idx = rng.choice(len(_LAST_P), size=n, p=_LAST_P).tolist()
    suffix = rng.integers(0, 100, size=n).tolist()
    domain = rng.integers(0, len(names.MAIL_DOMAINS), size=n).tolist()
    first, email = [], []
    for is_f, fi, mi, li, sx, dm in zip(female.tolist(), f_idx, m_idx, l_idx, suffix, domain, strict=True):
        first.append(names.FEMALE_FIRST_NAMES[fi] if is_f else names.MALE_FIRST_NAMES[mi])
        slug = _FEMALE_SLUGS[fi] if is_f else _MALE_SLUGS[mi]
        email.append(f"{slug}.{_LAST_SLUGS[li].replace(' ', '')}{sx}@{names.MAIL_DOMAINS[dm]}")
    return People(
        female=female,
        first=first,
        last=[names.LAST_NAMES[i] for i in l_idx],
        phone=phones(rng, n),
        email=email,
        street=streets(rng, n),
        postcode=[postal_code(d, r) for d, r in zip(departments, rng.integers(0, 1000, n).tolist(), strict=True)],
    )


def streets(rng: np.random.Generator, count: int) -> list[str]:
    """« 12 rue Victor Hugo »-like street lines."""
    number = rng.integers(1, 121, size=count).tolist()
    kind = rng.integers(0, len(names.STREET_KINDS), size=count).tolist()
    name = rng.integers(0, len(names.STREET_NAMES), size=count).tolist()
    return [
        f"{no} {names.STREET_KINDS[k]} {names.STREET_NAMES[s]}" for no, k, s in zip(number, kind, name, strict=True)
    ]


def birth_places(rng: np.random.Generator, home: Ints) -> tuple[list[str], Ints]:
    """Place codes (text, as in the NIR) and their numeric values for the key.

    Most people were born in the département of their CPAM (`home`, -1 if unknown), some elsewhere in
    France, about one in fifteen abroad (« 99 » followed by the INSEE country code).
    """
    n = len(home)
    draw = rng.random(n)
    elsewhere = rng.choice(len(_DEPTS), size=n, p=_DEPT_P)
    dept = np.where((draw < 0.70) & (home >= 0), home, elsewhere)
    dept = np.where(draw > 0.935, _ABROAD, dept)
    width = _DEPT_WIDTH[dept]
    commune = np.where(width == 2, rng.integers(1, 35, size=n), rng.integers(1, 700, size=n))
    commune = np.where(dept == _ABROAD, _COUNTRIES[rng.integers(0, len(_COUNTRIES), size=n)], commune)
    number = _DEPT_NUM[dept] * 10**width + commune
    text = [f"{_DEPTS[d]}{c:0{w}d}" for d, c, w in zip(dept.tolist(), commune.tolist(), width.tolist(), strict=True)]
    return text, np.asarray(number, dtype=np.int64)


def nirs(
    rng: np.random.Generator, female: npt.NDArray[np.bool_], birth: npt.NDArray[np.datetime64], home: Ints
) -> tuple[list[str], list[str]]:
    """Valid NIRs (sex, year and month of birth, birth place, order, key) and the birth place codes.

    The column goes through the insurer's rules (`vigie.nir_bulk`, a few vector operations) before anyone
    stores it: a generator that drifted from the rules would stop here rather than seed impossible NIRs.
    """
    years = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    months = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    sex = np.where(female, 2, 1).astype(np.int64)
    place_text, place_number = birth_places(rng, home)
    order = rng.integers(1, 1000, size=len(female), dtype=np.int64)
    body = nir_numbers(sex, years, months, place_number, order)
    values = nir_strings(body, place_text)
    verdict = check_nirs(values)
    refused = np.flatnonzero(~verdict.valid | (verdict.kind != Kind.NIR) | verdict.keyless)
    if len(refused):
        reason = REASONS.get(verdict.at(int(refused[0])).reason, "ce n'est pas un NIR avec sa clé")
        raise RuntimeError(f"{len(refused)} NIR de démonstration refusés par les règles, par exemple : {reason}")
    return values, place_text
