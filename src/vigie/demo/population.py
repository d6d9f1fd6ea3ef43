"""The subjects of one batch: kind, CPAM, lifecycle dates and identity, as columns.

Lifecycle dates are spread so that retention has real work: a good share of rights ended up to nine
years ago (some past the five-year limit), many still open, some deaths, professionals who stopped
practising. Dates are day offsets before `today`, so the same seed and date give the same people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from vigie.demo import names
from vigie.demo.numbers import finess_numbers, phones, rpps_numbers, sirets
from vigie.demo.people import department_index, draw_people, nirs
from vigie.demo.spec import SeedSpec
from vigie.taxonomy import SubjectKind as K

Ints = npt.NDArray[np.int64]
Dates = npt.NDArray[np.datetime64]
YEAR = 365.25
NONE = -1  # "no such event" in the day-offset columns

# kind: (minimum age, age span in years or 0 for organisations, created at most N years ago,
#        share whose activity or rights ended, share who died)
LIFECYCLE: dict[K, tuple[float, float, float, float, float]] = {
    K.INSURED: (0.1, 0.0, 30, 0.22, 0.0),  # ages follow the pyramid below; deaths depend on age
    K.HEALTH_PROFESSIONAL: (26, 44, 40, 0.20, 0.04),
    K.HEALTH_ESTABLISHMENT: (0, 0, 50, 0.06, 0.0),
    K.CARE_SUPPLIER: (0, 0, 30, 0.12, 0.0),
    K.EMPLOYER: (0, 0, 40, 0.15, 0.0),
    K.SELF_EMPLOYED: (22, 45, 25, 0.20, 0.02),
    K.EMPLOYEE: (20, 45, 20, 0.15, 0.0),
    K.RELATIVE: (18, 72, 15, 0.0, 0.03),
}
RIGHTS_KINDS = frozenset({K.INSURED, K.EMPLOYEE})
"""Kinds whose end is an end of rights (`rights_end_on`); for the others it ends an activity."""

_AGES = np.arange(105)
_AGE_P = np.where(_AGES < 60, 1.0, np.clip((105 - _AGES) / 45, 0, 1))
_AGE_P = _AGE_P / _AGE_P.sum()


@dataclass
class Subjects:
    """One batch of subjects as columns; dates are numpy days (NaT when the event has not happened)."""

    kind: Ints
    org: Ints
    created: Dates
    rights_end: Dates
    death: Dates
    activity_end: Dates
    identity: list[dict[str, Any]]
    nir: list[str | None]
    siret: list[str | None]


def _days(today: dt.date, ago: Ints) -> Dates:
    base = np.datetime64(today, "D")
    return np.where(ago >= 0, base - ago.astype("timedelta64[D]"), np.datetime64("NaT"))


def _before(rng: np.random.Generator, created_ago: Ints, cap_years: float, share: float) -> Ints:
    """Days ago of an event that happened to `share` of rows, after creation and at most `cap_years` ago."""
    n = len(created_ago)
    span = np.maximum(np.minimum(created_ago, int(cap_years * YEAR)) - 1, 0)
    ago = 1 + (rng.random(n) * span).astype(np.int64)
    return np.where((rng.random(n) < share) & (span > 0), ago, NONE)


def _ages(rng: np.random.Generator, kind: K, n: int) -> npt.NDArray[np.float64]:
    minimum, span, *_ = LIFECYCLE[kind]
    if kind is K.INSURED:
        return np.maximum(rng.choice(_AGES, size=n, p=_AGE_P) + rng.random(n), minimum)
    return minimum + span * rng.random(n)


def _lifecycle(rng: np.random.Generator, kind: K, n: int) -> tuple[Ints | None, Ints, Ints, Ints]:
    """Days ago of birth (None for organisations), creation, end of rights or activity, and death."""
    minimum, span, created_years, end_share, death_share = LIFECYCLE[kind]
    cap = int(created_years * YEAR)
    age: Ints | None = None
    if kind is K.INSURED or span > 0:
        age = (_ages(rng, kind, n) * YEAR).astype(np.int64)
        adult = age if kind is K.INSURED else age - int(minimum * YEAR)
        created = 30 + (rng.random(n) * (np.maximum(np.minimum(adult, cap), 31) - 30)).astype(np.int64)
        created = np.minimum(created, age)
    else:
        created = 30 + (rng.random(n) * (cap - 30)).astype(np.int64)
    if kind is K.INSURED and age is not None:
        # Deaths grow with age; a death ends the rights; other rights ended over the last nine years.
        death_odds = 0.002 + 0.5 * np.clip((age / YEAR - 50) / 50, 0, 1) ** 2
        died = np.where(rng.random(n) < death_odds, _before(rng, created, 9, 1.0), NONE)
        ended = np.where(died >= 0, died, _before(rng, created, 9, end_share))
        return age, created, ended, died
    ended = _before(rng, created, 10, end_share)
    died = _before(rng, np.where(ended >= 0, ended, created), 10, death_share)
    if end_share > 0:  # dying ends an activity that had not ended before
        ended = np.where((died >= 0) & (ended < 0), died, ended)
    return age, created, ended, died


def make_subjects(spec: SeedSpec, rng: np.random.Generator, kinds: Ints) -> Subjects:
    """Draw the subjects of a batch whose kinds are already planned."""
    n = len(kinds)
    weights = np.array(spec.org_weights) / sum(spec.org_weights)
    org = rng.choice(len(spec.org_codes), size=n, p=weights).astype(np.int64)
    created_ago, end_ago, death_ago = (np.full(n, NONE, dtype=np.int64) for _ in range(3))
    birth: Dates = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    identity: list[dict[str, Any]] = [{} for _ in range(n)]
    nir: list[str | None] = [None] * n
    siret: list[str | None] = [None] * n
    for code, kind in enumerate(spec.kinds):
        rows = np.flatnonzero(kinds == code)
        if rows.size == 0:
            continue
        age, created_ago[rows], end_ago[rows], death_ago[rows] = _lifecycle(rng, kind, rows.size)
        if age is not None:
            birth[rows] = _days(spec.today, age)
        _identities(spec, rng, kind, rows, org, birth, identity, nir, siret)
    is_rights = np.isin(kinds, [spec.kinds.index(k) for k in RIGHTS_KINDS if k in spec.kinds])
    return Subjects(
        kind=kinds,
        org=org,
        created=_days(spec.today, created_ago),
        rights_end=_days(spec.today, np.where(is_rights, end_ago, NONE)),
        death=_days(spec.today, death_ago),
        activity_end=_days(spec.today, np.where(is_rights, NONE, end_ago)),
        identity=identity,
        nir=nir,
        siret=siret,
    )


def _identities(
    spec: SeedSpec,
    rng: np.random.Generator,
    kind: K,
    rows: Ints,
    org: Ints,
    birth: Dates,
    identity: list[dict[str, Any]],
    nir: list[str | None],
    siret: list[str | None],
) -> None:
    """Fill the identity of `rows` (all of `kind`) in place: what a CPAM would hold to identify them."""
    n = rows.size
    depts = [spec.org_departments[o] or "75" for o in org[rows].tolist()]
    cities = [spec.org_cities[o] for o in org[rows].tolist()]
    people = draw_people(rng, depts)
    records: list[dict[str, Any]] = []
    for i in range(n):
        address = {"voie": people.street[i], "code_postal": people.postcode[i], "commune": cities[i]}
        records.append({"adresse": address, "telephone": people.phone[i]})
    if kind in (K.INSURED, K.EMPLOYEE, K.SELF_EMPLOYED, K.RELATIVE, K.HEALTH_PROFESSIONAL):
        births = np.datetime_as_string(birth[rows]).tolist()
        for i, record in enumerate(records):
            record.update(nom=people.last[i], prenom=people.first[i], sexe="F" if people.female[i] else "M")
            record.update(date_naissance=births[i], courriel=people.email[i])
    if kind in (K.INSURED, K.EMPLOYEE, K.SELF_EMPLOYED):
        home = np.array([department_index(d) for d in depts], dtype=np.int64)
        numbers, places = nirs(rng, people.female, birth[rows], home)
        for i, record in enumerate(records):
            record.update(nir=numbers[i], lieu_naissance=places[i])
            nir[int(rows[i])] = numbers[i]
    if kind in (K.HEALTH_ESTABLISHMENT, K.CARE_SUPPLIER, K.EMPLOYER, K.SELF_EMPLOYED):
        for i, number in enumerate(sirets(rng, n)):
            records[i]["siret"] = number
            siret[int(rows[i])] = number
    _kind_details(rng, kind, records, people.last, cities, depts)
    for i, record in enumerate(records):
        identity[int(rows[i])] = record


def _kind_details(
    rng: np.random.Generator,
    kind: K,
    records: list[dict[str, Any]],
    last: list[str],
    cities: list[str],
    depts: list[str],
) -> None:
    """What only one kind carries: RPPS and profession, FINESS, trade name, relationship."""
    n = len(records)
    pick = rng.integers(0, 1 << 30, size=n).tolist()
    if kind is K.HEALTH_PROFESSIONAL:
        for r, rpps, p, office in zip(records, rpps_numbers(rng, n), pick, phones(rng, n, mobile=False), strict=True):
            r.update(rpps=rpps, profession=names.PROFESSIONS[p % len(names.PROFESSIONS)], secteur=1 + p % 3 // 2)
            r["telephone"] = office
    elif kind is K.HEALTH_ESTABLISHMENT:
        dept_numbers = np.array([int(d) if d.isdigit() else 20 for d in depts], dtype=np.int64)
        for i, (r, finess, p) in enumerate(zip(records, finess_numbers(rng, dept_numbers, n), pick, strict=True)):
            category = names.ESTABLISHMENT_KINDS[p % len(names.ESTABLISHMENT_KINDS)]
            public = category.startswith(("Centre hospitalier", "Hôpital"))
            r.update(raison_sociale=f"{category} de {cities[i]}" if public else f"{category} {last[i]}")
            r.update(categorie=category, finess=finess)
    elif kind is K.CARE_SUPPLIER:
        for i, (r, p) in enumerate(zip(records, pick, strict=True)):
            activity = names.SUPPLIER_KINDS[p % len(names.SUPPLIER_KINDS)]
            r.update(raison_sociale=f"{activity} {last[i]}", activite=activity)
    elif kind is K.EMPLOYER:
        staff = np.minimum(rng.lognormal(1.6, 1.4, size=n).astype(np.int64) + 1, 20_000).tolist()
        for i, (r, p) in enumerate(zip(records, pick, strict=True)):
            pattern, naf = names.EMPLOYER_PATTERNS[p % len(names.EMPLOYER_PATTERNS)]
            r.update(raison_sociale=pattern.format(n=last[i]), code_naf=naf, effectif=staff[i])
    elif kind is K.SELF_EMPLOYED:
        for r, p in zip(records, pick, strict=True):
            r["activite"] = names.EMPLOYER_PATTERNS[p % len(names.EMPLOYER_PATTERNS)][0].format(n="").strip()
    elif kind is K.RELATIVE:
        for r, p in zip(records, pick, strict=True):
            r["lien"] = names.RELATIONSHIPS[p % len(names.RELATIONSHIPS)]
