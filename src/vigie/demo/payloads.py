"""Small, realistic JSON payloads per data category, built column by column.

Each category has a generator that draws its fields for all the batch's records of that category at once
and formats them with a template; strings from tables are JSON-quoted once at import. Identity-bearing
categories (identification, NIR, contact, SIRET, banking) restate the subject's own identity.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from vigie.demo import vocabulary as vocab
from vigie.demo.numbers import ibans, rpps_numbers

Ints = npt.NDArray[np.int64]


@dataclass
class Context:
    """What generators draw from: the random stream, subjects' identities and each record's date."""

    rng: np.random.Generator
    identity: list[dict[str, Any]]
    subject: Ints
    recorded: list[str]

    def pick(self, table: Sequence[str], rows: Ints) -> list[str]:
        return [table[i] for i in self.rng.integers(0, len(table), size=rows.size).tolist()]

    def money(self, rows: Ints, median: float, spread: float = 0.8) -> list[float]:
        amounts: list[float] = np.round(self.rng.lognormal(np.log(median), spread, size=rows.size), 2).tolist()
        return amounts

    def ints(self, rows: Ints, low: int, high: int) -> list[int]:
        values: list[int] = self.rng.integers(low, high + 1, size=rows.size).tolist()
        return values

    def dates(self, rows: Ints) -> list[str]:
        return [self.recorded[i] for i in rows.tolist()]

    def who(self, rows: Ints) -> list[dict[str, Any]]:
        return [self.identity[i] for i in self.subject[rows].tolist()]


Generator = Callable[[Context, Ints], list[str]]


def _dump(values: list[dict[str, Any]]) -> list[str]:
    return [json.dumps(v, ensure_ascii=False) for v in values]


def health_care(c: Context, rows: Ints) -> list[str]:
    act = c.rng.integers(0, len(vocab.ACTS), size=rows.size)
    fee = np.round(vocab.ACT_FEES[act] * c.rng.choice([1, 1, 1, 2, 3], size=rows.size), 2).tolist()
    paid = np.round(np.array(fee) * vocab.ACT_RATES[act] / 100, 2).tolist()
    return [
        f'{{"acte": {vocab.ACT_CODES[a]}, "libelle": {vocab.ACT_LABELS[a]}, "date": "{d}", "montant": {f:.2f}, '
        f'"rembourse": {p:.2f}, "taux": {vocab.ACT_RATES[a]}}}'
        for a, d, f, p in zip(act.tolist(), c.dates(rows), fee, paid, strict=True)
    ]


def health_coding(c: Context, rows: Ints) -> list[str]:
    cip = c.ints(rows, 0, 999_999)
    return [
        f'{{"cim10": {code}, "cip13": "3400930{n:06d}", "quantite": {q}}}'
        for code, n, q in zip(c.pick(vocab.ICD10, rows), cip, c.ints(rows, 1, 3), strict=True)
    ]


def health_pathology(c: Context, rows: Ints) -> list[str]:
    ald = [vocab.ALD[i] for i in c.ints(rows, 0, len(vocab.ALD) - 1)]
    return [
        f'{{"ald": {n}, "libelle": {label}, "depuis": "{d}"}}' for (n, label), d in zip(ald, c.dates(rows), strict=True)
    ]


def rights(c: Context, rows: Ints) -> list[str]:
    return [
        f'{{"droit": {r}, "regime": "général", "ouverture": "{d}"}}'
        for r, d in zip(c.pick(vocab.RIGHTS, rows), c.dates(rows), strict=True)
    ]


def replacement_income(c: Context, rows: Ints) -> list[str]:
    daily = c.money(rows, 38.0, 0.4)
    days = c.ints(rows, 3, 90)
    return [
        f'{{"prestation": {b}, "du": "{d}", "jours": {n}, "montant_journalier": {x:.2f}, "total": {x * n:.2f}}}'
        for b, d, n, x in zip(c.pick(vocab.BENEFITS, rows), c.dates(rows), days, daily, strict=True)
    ]


def _amount(label: str, median: float) -> Generator:
    def generate(c: Context, rows: Ints) -> list[str]:
        return [
            f'{{"operation": "{label}", "date": "{d}", "montant": {x:.2f}}}'
            for d, x in zip(c.dates(rows), c.money(rows, median), strict=True)
        ]

    return generate


def banking(c: Context, rows: Ints) -> list[str]:
    holders = [w.get("raison_sociale") or f"{w.get('prenom', '')} {w.get('nom', '')}".strip() for w in c.who(rows)]
    return _dump([{"iban": i, "titulaire": h} for i, h in zip(ibans(c.rng, rows.size), holders, strict=True)])


def identification(c: Context, rows: Ints) -> list[str]:
    keys = ("nom", "prenom", "raison_sociale")
    return _dump([{k: w[k] for k in keys if k in w} for w in c.who(rows)])


def nir(c: Context, rows: Ints) -> list[str]:
    return _dump([{"nir": w.get("nir")} for w in c.who(rows)])


def siret(c: Context, rows: Ints) -> list[str]:
    return _dump([{"siret": w.get("siret")} for w in c.who(rows)])


def contact(c: Context, rows: Ints) -> list[str]:
    return _dump([{k: w[k] for k in ("adresse", "telephone", "courriel") if k in w} for w in c.who(rows)])


def _choice(field: str, table: tuple[str, ...], extra: str = "") -> Generator:
    def generate(c: Context, rows: Ints) -> list[str]:
        return [
            f'{{"{field}": {v}, "date": "{d}"{extra}}}' for v, d in zip(c.pick(table, rows), c.dates(rows), strict=True)
        ]

    return generate


def personal_situation(c: Context, rows: Ints) -> list[str]:
    return [
        f'{{"situation_familiale": {s}, "enfants_a_charge": {k}}}'
        for s, k in zip(c.pick(vocab.FAMILY, rows), c.ints(rows, 0, 4), strict=True)
    ]


def occupational_risk(c: Context, rows: Ints) -> list[str]:
    return [
        f'{{"sinistre": {r}, "date": "{d}", "taux_ipp": {t}}}'
        for r, d, t in zip(c.pick(vocab.RISKS, rows), c.dates(rows), c.ints(rows, 0, 30), strict=True)
    ]


def fraud_case(c: Context, rows: Ints) -> list[str]:
    motives, statuses = c.pick(vocab.FRAUDS, rows), c.pick(vocab.FRAUD_STATUS, rows)
    return [
        f'{{"motif": {m}, "statut": {s}, "prejudice": {x:.2f}, "date": "{d}"}}'
        for m, s, x, d in zip(motives, statuses, c.money(rows, 1800, 1.2), c.dates(rows), strict=True)
    ]


def social_situation(c: Context, rows: Ints) -> list[str]:
    return [
        f'{{"difficulte": {h}, "accompagnement": {s}, "debut": "{d}"}}'
        for h, s, d in zip(c.pick(vocab.HARDSHIP, rows), c.pick(vocab.SUPPORT, rows), c.dates(rows), strict=True)
    ]


def connection_logs(c: Context, rows: Ints) -> list[str]:
    ip = c.rng.integers(1, 255, size=(rows.size, 4)).tolist()
    clock = c.ints(rows, 0, 86_399)
    return [
        f'{{"service": {s}, "ip": "{a[0]}.{a[1]}.{a[2]}.{a[3]}", '
        f'"horodatage": "{d}T{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}"}}'
        for s, a, d, t in zip(c.pick(vocab.SERVICES, rows), ip, c.dates(rows), clock, strict=True)
    ]


def salaries(c: Context, rows: Ints) -> list[str]:
    return [
        f'{{"periode": "{d[:7]}", "salaire_brut": {x:.2f}, "salaries": {n}}}'
        for d, x, n in zip(c.dates(rows), c.money(rows, 2400, 0.5), c.ints(rows, 1, 250), strict=True)
    ]


def billing(c: Context, rows: Ints) -> list[str]:
    return [
        f'{{"periode": "{d[:7]}", "factures": {n}, "montant": {x:.2f}}}'
        for d, n, x in zip(c.dates(rows), c.ints(rows, 1, 400), c.money(rows, 4200), strict=True)
    ]


def fees(c: Context, rows: Ints) -> list[str]:
    return [
        f'{{"annee": {d[:4]}, "honoraires": {x:.2f}, "depassements": {y:.2f}}}'
        for d, x, y in zip(c.dates(rows), c.money(rows, 95_000, 0.5), c.money(rows, 4_000, 1.0), strict=True)
    ]


def care_pathway(c: Context, rows: Ints) -> list[str]:
    doctors = rpps_numbers(c.rng, rows.size)
    return [
        f'{{"medecin_traitant_rpps": "{r}", "lieu": {p}, "date": "{d}"}}'
        for r, p, d in zip(doctors, c.pick(vocab.PLACES, rows), c.dates(rows), strict=True)
    ]


def professional_activity(c: Context, rows: Ints) -> list[str]:
    return [
        f'{{"specialite": {s}, "secteur": {k}, "mode": "libéral"}}'
        for s, k in zip(c.pick(vocab.SPECIALTIES, rows), c.ints(rows, 1, 2), strict=True)
    ]


def generic(c: Context, rows: Ints) -> list[str]:
    return [f'{{"date": "{d}"}}' for d in c.dates(rows)]


GENERATORS: dict[str, Generator] = {
    "identification": identification,
    "nir": nir,
    "contact": contact,
    "rights": rights,
    "health.care": health_care,
    "health.coding": health_coding,
    "health.pathology": health_pathology,
    "professional_situation": _choice("statut", vocab.STATUS),
    "personal_situation": personal_situation,
    "financial": _amount("remboursement", 85.0),
    "banking": banking,
    "resources": _amount("ressources annuelles déclarées", 18_000.0),
    "replacement_income": replacement_income,
    "occupational_risk": occupational_risk,
    "fraud_case": fraud_case,
    "social_situation": social_situation,
    "connection_logs": connection_logs,
    "salaries": salaries,
    "siret": siret,
    "billing": billing,
    "fees": fees,
    "prevention_follow_up": _choice("programme", vocab.PROGRAMMES, ', "etape": "invitation envoyée"'),
    "care_pathway": care_pathway,
    "professional_activity": professional_activity,
    "programmes": _choice("offre", vocab.OFFERS),
    "housing": _choice("logement", vocab.HOUSING),
    "nationality": _choice("nationalite", vocab.NATIONALITIES),
}
"""One generator per category; a category not listed gets a dated stub, so new categories still seed."""


def make_payloads(context: Context, categories: Sequence[str], category_of: Ints) -> list[bytes]:
    """The UTF-8 JSON plaintext of every record; `category_of[i]` indexes `categories`."""
    texts: list[str] = [""] * category_of.size
    for code in np.unique(category_of).tolist():
        rows = np.flatnonzero(category_of == code)
        generate = GENERATORS.get(categories[code], generic)
        for i, text in zip(rows.tolist(), generate(context, rows), strict=True):
            texts[i] = text
    return [t.encode() for t in texts]
