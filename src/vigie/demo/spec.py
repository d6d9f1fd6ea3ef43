"""What to generate, derived once from the environment: a plain, picklable description for the workers.

The mix of subject kinds, the CPAMs and their weights, and for each kind the (processing, category)
pairs the compiled policy allows, with plausible frequencies. Only pairs found in
`policy.categories_of` are ever listed, so a record the policy forbids cannot be drawn; a register
change (a new processing, a category withdrawn) changes the population without changing this code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vigie.demo.geography import population_weight
from vigie.register import Policy, Register
from vigie.register.models import OrganisationKind
from vigie.taxonomy import PERSON_EVENTS, LifecycleEvent, SubjectKind

KIND_MIX: tuple[tuple[SubjectKind, float, float], ...] = (
    # kind, share of the population, records relative to an insured person
    (SubjectKind.INSURED, 0.885, 1.0),
    (SubjectKind.HEALTH_PROFESSIONAL, 0.030, 3.0),
    (SubjectKind.HEALTH_ESTABLISHMENT, 0.002, 8.0),
    (SubjectKind.CARE_SUPPLIER, 0.008, 3.0),
    (SubjectKind.EMPLOYER, 0.035, 2.0),
    (SubjectKind.SELF_EMPLOYED, 0.015, 0.5),
    (SubjectKind.EMPLOYEE, 0.015, 0.8),
    (SubjectKind.RELATIVE, 0.010, 0.3),
)

PROCESSING_WEIGHTS: dict[str, float] = {
    "rights_benefits": 50.0,
    "digital_services_insured": 8.0,
    "digital_services_professionals": 6.0,
    "digital_services_employers": 6.0,
    "professional_relations": 6.0,
    "prevention_campaigns": 5.0,
    "dmp": 4.0,
    "chronic_disease_programmes": 3.0,
    "occupational_risk_prevention": 1.5,
    "social_support": 1.5,
    "fraud_control": 0.5,
    "service_offers": 0.5,
    "studies_evaluations": 0.3,
    "crisis_management": 0.3,
    "contribution_rate_disputes": 0.2,
}
"""How often each processing produces a record (care is reimbursed far more often than fraud is found)."""

CATEGORY_WEIGHTS: dict[str, float] = {
    "health.care": 12.0,
    "billing": 6.0,
    "salaries": 5.0,
    "health.coding": 4.0,
    "connection_logs": 4.0,
    "rights": 3.0,
    "fees": 3.0,
    "replacement_income": 2.0,
    "financial": 2.0,
    "nir": 0.5,
    "banking": 0.5,
    "siret": 0.5,
}

EVENT_WEIGHTS: dict[LifecycleEvent, float] = {
    LifecycleEvent.CASE_CLOSED_WITHOUT_ACTION: 5.0,
    LifecycleEvent.ALERT_RECORDED: 4.0,
    LifecycleEvent.FINAL_DECISION: 1.0,
}

SUBJECT_LEVEL_EVENTS = frozenset(PERSON_EVENTS)
"""Clocks started by a date of a person (`rights_end_on`, `death_on`, an end of activity), not by the record."""


@dataclass(frozen=True)
class Pair:
    """One allowed (processing, category) pair of a kind, how often it occurs, and its record events."""

    processing: str
    category: str
    weight: float
    events: tuple[str, ...]
    event_weights: tuple[float, ...]


@dataclass(frozen=True)
class SeedSpec:
    """Everything a worker needs to build any batch, independent of the database and of the others."""

    seed: int
    today: dt.date
    records_per_subject: float
    org_codes: tuple[str, ...]
    org_departments: tuple[str | None, ...]
    org_cities: tuple[str, ...]
    org_weights: tuple[float, ...]
    kinds: tuple[SubjectKind, ...]
    kind_shares: tuple[float, ...]
    kind_record_means: tuple[float, ...]
    pairs: tuple[tuple[Pair, ...], ...]


def _record_events(policy: Policy, processing: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    events = [r.event for r in policy.retention_rules(processing) if r.event not in SUBJECT_LEVEL_EVENTS]
    unique = list(dict.fromkeys(events))
    return tuple(e.value for e in unique), tuple(EVENT_WEIGHTS.get(e, 1.0) for e in unique)


def allowed_pairs(policy: Policy, kind: SubjectKind) -> tuple[Pair, ...]:
    """The pairs the policy allows for `kind`, sorted so that the order never depends on set iteration."""
    pairs = []
    for (processing, subject_kind), categories in sorted(policy.categories_of.items()):
        if subject_kind is not kind:
            continue
        events, event_weights = _record_events(policy, processing)
        for category in sorted(categories):
            weight = PROCESSING_WEIGHTS.get(processing, 1.0) * CATEGORY_WEIGHTS.get(category.value, 1.0)
            pairs.append(Pair(processing, category.value, weight, events, event_weights))
    return tuple(pairs)


def build_spec(
    register: Register, policy: Policy, *, seed: int, today: dt.date, records_per_subject: float
) -> SeedSpec:
    """The generation plan for this register, seed and date."""
    local = sorted(
        (o for o in register.organisations.values() if o.kind is OrganisationKind.LOCAL), key=lambda o: o.code
    )
    kinds = tuple(kind for kind, _, _ in KIND_MIX)
    pairs = tuple(allowed_pairs(policy, kind) for kind in kinds)
    factors = [factor if kind_pairs else 0.0 for (_, _, factor), kind_pairs in zip(KIND_MIX, pairs, strict=True)]
    shares = [share for _, share, _ in KIND_MIX]
    mean_factor = sum(s * f for s, f in zip(shares, factors, strict=True)) or 1.0
    return SeedSpec(
        seed=seed,
        today=today,
        records_per_subject=records_per_subject,
        org_codes=tuple(o.code for o in local),
        org_departments=tuple(o.department for o in local),
        org_cities=tuple(o.city or o.name for o in local),
        org_weights=tuple(population_weight(o.department) for o in local),
        kinds=kinds,
        kind_shares=tuple(shares),
        kind_record_means=tuple(records_per_subject * f / mean_factor for f in factors),
        pairs=pairs,
    )
