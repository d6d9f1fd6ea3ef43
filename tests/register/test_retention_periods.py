"""Every retention period the policy states is held by the shipped register, in machine-readable form."""

from __future__ import annotations

from datetime import date

import pytest

from vigie.durations import Duration
from vigie.register import Policy, Register
from vigie.taxonomy import LifecycleEvent as E
from vigie.taxonomy import Theme

# (processing, event starting the clock, maximum duration, minimum duration when the policy gives a range)
POLICY_PERIODS = [
    ("rights_benefits", E.RIGHTS_END, "P5Y", None),  # au maximum 5 ans après la fin des droits
    ("prevention_campaigns", E.PREVENTION_ACTION, "P5Y", "P3Y"),  # 3 à 5 ans après l'action de prévention
    ("chronic_disease_programmes", E.PROGRAMME_EXIT, "P15Y", None),  # jusqu'à 15 ans, pathologies chroniques
    ("support_programmes", E.PROGRAMME_EXIT, "P5Y", "P3Y"),  # autres programmes : 3 à 5 ans
    ("dmp", E.DMP_CLOSURE, "P10Y", None),  # archivées 10 ans après la clôture du DMP
    ("social_support", E.SUPPORT_END, "P18M", None),  # au maximum 18 mois après la fin de l'accompagnement
    ("professional_relations", E.DEATH, "P10Y", None),  # exercice professionnel, au maximum 10 ans après décès
    ("professional_relations", E.ACTIVITY_END, "P10Y", None),  # fermeture d'un établissement (décision)
    ("digital_services_professionals", E.DEATH, "P10Y", None),  # idem pour les services aux professionnels
    ("digital_services_professionals", E.ACTIVITY_END, "P10Y", None),
    ("occupational_risk_prevention", E.PREVENTION_PROGRAMME_END, "P20Y", None),  # jamais plus de 20 ans
    ("contribution_rate_disputes", E.RATE_DECISION, "P15Y", None),  # 15 ans, contentieux du taux
    ("fraud_control", E.CASE_CLOSED_WITHOUT_ACTION, "P1Y", None),  # un an, dossiers classés sans suite
    ("fraud_control", E.ALERT_RECORDED, "P5Y", None),  # au maximum 5 ans, alertes et signalements
    ("fraud_control", E.FINAL_DECISION, "P5Y", None),  # 5 ans après la décision définitive
    ("cookies_strictly_necessary", E.CONSENT_GIVEN, "P13M", None),  # choix de consentement : 13 mois
    ("cookies_strictly_necessary", E.COOKIE_SET, "P13M", None),
    ("cookies_audience", E.COOKIE_SET, "P13M", None),
    ("cookies_campaigns", E.COOKIE_SET, "P13M", None),
    ("cookies_interactivity", E.COOKIE_SET, "P13M", None),  # 13 mois au plus (Vimeo), 1 jour par cookie de partage
]


@pytest.mark.parametrize(("processing", "event", "duration", "minimum"), POLICY_PERIODS)
def test_register_holds_each_retention_period_of_the_policy(
    register: Register, processing: str, event: E, duration: str, minimum: str | None
) -> None:
    rules = register.processings[processing].retention
    matching = [rule for rule in rules if rule.event is event and rule.duration == Duration.parse(duration)]
    assert matching, f"{processing}: no rule {event.value} {duration} in {[(r.event, r.duration) for r in rules]}"
    if minimum is not None:
        assert matching[0].minimum == Duration.parse(minimum)


def test_crisis_retention_defers_to_the_emergency_texts_then_to_the_benefit_rules(
    register: Register, policy: Policy
) -> None:
    """The policy sets crisis retention by the texts framing the emergency, then by the underlying benefit's
    rules: every crisis rule says so in data, and compiles to the rights-management clock."""
    crisis = [p for p in register.processings.values() if p.theme is Theme.CRISIS]
    assert crisis
    for processing in crisis:
        clocks = policy.retention_rules(processing.id)
        assert clocks
        for clock in clocks:
            assert clock.defers_to is not None and "état d'urgence ou de crise sanitaire" in clock.defers_to
            assert (clock.event, clock.duration) == (E.RIGHTS_END, Duration(years=5))
        assert any(rule.follows == "rights_benefits" for rule in processing.retention)


def test_every_cookie_lives_at_most_thirteen_months(register: Register) -> None:
    thirteen_months = Duration(months=13)
    cookies = [c for p in register.processings.values() if p.cookies for c in p.cookies.items]
    assert len(cookies) >= 12
    for cookie in cookies:
        assert cookie.lifetime.after(date(2026, 1, 31)) <= thirteen_months.after(date(2026, 1, 31)), cookie.name


def test_register_covers_the_eight_themes_and_cookies(register: Register) -> None:
    assert set(register.themes) == set(Theme)
    for theme in Theme:
        assert any(p.theme is theme for p in register.processings.values()), theme


def test_register_lists_well_over_a_hundred_information_notices(register: Register) -> None:
    listed = sum(len(p.notices) for p in register.processings.values())
    assert listed >= 130
    assert len(register.notices()) > 100


def test_organisations_are_the_cnam_and_one_cpam_per_departement(register: Register) -> None:
    local = [o for o in register.organisations.values() if o.kind.value == "local"]
    assert register.national_body.code == "CNAM"
    assert len(local) == 101
    assert all(o.director and o.dpo for o in register.organisations.values())
