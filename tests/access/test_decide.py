"""Each rule of the gate is checked by a test that fails if the rule is dropped."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from vigie.access import Action, Agent, SubjectState, decide, decide_disclosure
from vigie.access.decide import serves
from vigie.ids import AgentId, SubjectId
from vigie.register import Policy
from vigie.taxonomy import Category, SubjectKind

SOCIAL_WORKER = Agent(AgentId("as-75"), "CPAM-75", frozenset({"social_worker"}), date(2025, 1, 6))
INSURED_75 = SubjectState(SubjectId(1), SubjectKind.INSURED, "CPAM-75")


def test_an_agent_serving_the_purpose_reads_the_categories_it_uses(policy: Policy) -> None:
    decision = decide(policy, SOCIAL_WORKER, INSURED_75, "social_support", ["social_situation", "contact"])
    assert decision.allowed
    assert "social_worker" in decision.reason


def test_unknown_purpose_is_refused(policy: Policy) -> None:
    decision = decide(policy, SOCIAL_WORKER, INSURED_75, "curiosity", ["contact"])
    assert not decision.allowed
    assert "finalité inconnue" in decision.reason


def test_purpose_no_role_of_the_agent_serves_is_refused(policy: Policy) -> None:
    decision = decide(policy, SOCIAL_WORKER, INSURED_75, "fraud_control", ["identification"])
    assert not decision.allowed
    assert "besoin d'en connaître" in decision.reason


def test_category_the_processing_does_not_use_is_refused(policy: Policy) -> None:
    decision = decide(policy, SOCIAL_WORKER, INSURED_75, "social_support", ["contact", "fraud_case"])
    assert not decision.allowed
    assert "minimisation" in decision.reason and "fraud_case" in decision.reason


def test_category_used_for_another_kind_of_person_only_is_refused(policy: Policy) -> None:
    investigator = Agent(AgentId("f"), "CPAM-75", frozenset({"fraud_investigator"}), date(2025, 1, 1))
    witness = SubjectState(SubjectId(2), SubjectKind.WITNESS, "CPAM-75")
    assert decide(policy, investigator, witness, "fraud_control", ["identification"]).allowed
    refused = decide(policy, investigator, witness, "fraud_control", ["health.care"])
    assert not refused.allowed and "témoins" in refused.reason


def test_unknown_category_is_refused_and_named(policy: Policy) -> None:
    decision = decide(policy, SOCIAL_WORKER, INSURED_75, "social_support", ["horoscope"])
    assert not decision.allowed
    assert "catégorie inconnue « horoscope »" in decision.reason


def test_no_category_is_refused(policy: Policy) -> None:
    assert not decide(policy, SOCIAL_WORKER, INSURED_75, "social_support", []).allowed


def test_agent_of_another_organisation_is_refused(policy: Policy) -> None:
    marseille = replace(SOCIAL_WORKER, organisation="CPAM-13")
    decision = decide(policy, marseille, INSURED_75, "social_support", ["contact"])
    assert not decision.allowed
    assert "CPAM-75" in decision.reason and "CPAM-13" in decision.reason


def test_national_role_acts_across_organisations(policy: Policy) -> None:
    national = Agent(AgentId("n"), "CNAM", frozenset({"national_fraud_investigator"}), date(2025, 1, 1))
    local = Agent(AgentId("l"), "CNAM", frozenset({"fraud_investigator"}), date(2025, 1, 1))
    assert decide(policy, national, INSURED_75, "fraud_control", ["fraud_case"]).allowed
    assert not decide(policy, local, INSURED_75, "fraud_control", ["fraud_case"]).allowed


def test_agent_without_secrecy_attestation_is_refused(policy: Policy) -> None:
    unattested = replace(SOCIAL_WORKER, secrecy_attested_on=None)
    decision = decide(policy, unattested, INSURED_75, "social_support", ["contact"])
    assert not decision.allowed
    assert "secret professionnel" in decision.reason


@pytest.mark.parametrize("action", [Action.READ, Action.CHANGE, Action.DISCLOSE])
def test_restricted_subject_is_not_used(policy: Policy, action: Action) -> None:
    restricted = replace(INSURED_75, restricted=True)
    decision = decide(policy, SOCIAL_WORKER, restricted, "social_support", ["contact"], action)
    assert not decision.allowed
    assert "limitées" in decision.reason


@pytest.mark.parametrize("action", [Action.STORE, Action.LEGAL_CLAIM])
def test_restricted_subject_data_may_still_be_stored_or_used_for_legal_claims(policy: Policy, action: Action) -> None:
    restricted = replace(INSURED_75, restricted=True)
    assert decide(policy, SOCIAL_WORKER, restricted, "social_support", ["contact"], action).allowed


def test_objection_is_honoured_where_the_processing_allows_it(policy: Policy) -> None:
    agent = Agent(AgentId("r"), "CPAM-75", frozenset({"rights_agent"}), date(2025, 1, 1))
    consenting = replace(INSURED_75, consents=frozenset({"service_offers"}))
    assert decide(policy, agent, consenting, "service_offers", ["contact"]).allowed
    objected = replace(consenting, objections=frozenset({"service_offers"}))
    decision = decide(policy, agent, objected, "service_offers", ["contact"])
    assert not decision.allowed and "opposée" in decision.reason


def test_objection_to_a_public_task_does_not_stop_it(policy: Policy) -> None:
    """The policy: no objection to the missions fixed by law, save exceptions the register names."""
    agent = Agent(AgentId("r"), "CPAM-75", frozenset({"rights_agent"}), date(2025, 1, 1))
    objected = replace(INSURED_75, objections=frozenset({"rights_benefits"}))
    assert "rights_benefits" not in policy.objection_allowed
    assert decide(policy, agent, objected, "rights_benefits", ["identification"]).allowed


def test_consent_based_processing_needs_a_consent_in_force(policy: Policy) -> None:
    agent = Agent(AgentId("r"), "CPAM-75", frozenset({"rights_agent"}), date(2025, 1, 1))
    decision = decide(policy, agent, INSURED_75, "service_offers", ["contact"])
    assert not decision.allowed and "consentement" in decision.reason


def test_disclosure_only_to_a_recipient_the_processing_names(policy: Policy) -> None:
    allowed = decide_disclosure(
        policy, SOCIAL_WORKER, INSURED_75, "social_support", ["social_situation"], "partenaires_accompagnement"
    )
    assert allowed.allowed
    refused = decide_disclosure(policy, SOCIAL_WORKER, INSURED_75, "social_support", ["social_situation"], "dgfip")
    assert not refused.allowed and "n'est pas prévu" in refused.reason


def test_nir_is_disclosed_only_to_recipients_allowed_to_use_it(policy: Policy) -> None:
    assert ("social_support", SubjectKind.INSURED, Category.NIR) in policy.uses
    refused = decide_disclosure(
        policy, SOCIAL_WORKER, INSURED_75, "social_support", ["nir"], "partenaires_accompagnement"
    )
    assert not refused.allowed and "NIR" in refused.reason
    allowed = decide_disclosure(
        policy, SOCIAL_WORKER, INSURED_75, "social_support", ["nir"], "organismes_protection_sociale"
    )
    assert allowed.allowed


def test_disclosure_still_requires_the_use_to_be_allowed(policy: Policy) -> None:
    other = replace(SOCIAL_WORKER, organisation="CPAM-13")
    decision = decide_disclosure(policy, other, INSURED_75, "social_support", ["contact"], "partenaires_accompagnement")
    assert not decision.allowed and "CPAM-13" in decision.reason


def test_a_national_role_wins_when_an_agent_holds_a_local_and_a_national_role(policy: Policy) -> None:
    both = Agent(
        AgentId("b"), "CNAM", frozenset({"fraud_investigator", "national_fraud_investigator"}), date(2025, 1, 1)
    )
    decision = decide(policy, both, INSURED_75, "fraud_control", ["fraud_case"])
    assert decision.allowed and "national_fraud_investigator" in decision.reason


def test_grants_are_compiled_once_per_role_set(policy: Policy) -> None:
    roles = frozenset({"social_worker", "rights_agent"})
    table = policy.grants_for(roles)
    assert set(table) == {
        "social_support",
        "rights_benefits",
        "service_offers",
        "digital_services_insured",
        "employer_benefit_formalities",
    }
    assert policy.grants_for(roles) is table


def test_a_reserved_category_names_the_roles_it_is_reserved_to(policy: Policy) -> None:
    investigator = Agent(AgentId("fr-75"), "CPAM-75", frozenset({"fraud_investigator"}), date(2025, 1, 6))
    key = ("fraud_control", SubjectKind.INSURED)
    widened = replace(
        policy, reserved={**policy.reserved, key: {"health.pathology": frozenset({"medical_officer", "dpo"})}},
        role_set_grants={}, named_categories={},
    )  # fmt: skip
    for rules, roles in ((policy, "medical_officer"), (widened, "dpo, medical_officer")):
        decision = decide(rules, investigator, INSURED_75, "fraud_control", ["health.pathology"])
        assert decision.reason == (
            "pour le traitement « fraud_control », la catégorie « health.pathology » des assurés et bénéficiaires "
            f"est réservée aux rôles {roles}"
        )


def test_a_category_reserved_to_no_role_says_so(policy: Policy) -> None:
    doctor = Agent(AgentId("md-75"), "CPAM-75", frozenset({"medical_officer"}), date(2025, 1, 6))
    decision = decide(policy, doctor, INSURED_75, "dmp", ["health.care"])
    assert decision.reason == (
        "pour le traitement « dmp », la catégorie « health.care » des assurés et bénéficiaires est réservée à aucun "
        "rôle d'agent"
    )


def test_category_names_are_the_sorted_categories_and_only_register_purposes_are_remembered(policy: Policy) -> None:
    roles = frozenset({"rights_agent"})
    names = policy.category_names_for(roles, "rights_benefits", SubjectKind.INSURED)
    expected = sorted(c.value for c in policy.categories_for(roles, "rights_benefits", SubjectKind.INSURED))
    assert list(names) == expected and "banking" in names
    assert policy.category_names_for(roles, "rights_benefits", SubjectKind.INSURED) is names
    assert policy.category_names_for(roles, "fraud_control", SubjectKind.INSURED) == ()  # not served: nothing
    remembered = len(policy.named_categories)
    for typed in ("inconnu", "x" * 64, "rights_benefits "):
        assert policy.category_names_for(roles, typed, SubjectKind.INSURED) == ()
    assert len(policy.named_categories) == remembered


@pytest.mark.parametrize(
    ("agent", "purpose"),
    [
        (SOCIAL_WORKER, "curiosity"),
        (SOCIAL_WORKER, "fraud_control"),
        (replace(SOCIAL_WORKER, secrecy_attested_on=None), "social_support"),
    ],
)
def test_the_refusals_that_do_not_depend_on_the_person_are_the_same_from_serves_and_decide(
    policy: Policy, agent: Agent, purpose: str
) -> None:
    refusal = serves(policy, agent, purpose)
    assert refusal is not None and not refusal.allowed
    assert refusal == decide(policy, agent, INSURED_75, purpose, ["contact"])


def test_serves_has_nothing_to_say_to_an_agent_whose_role_serves_the_purpose(policy: Policy) -> None:
    assert serves(policy, SOCIAL_WORKER, "social_support") is None
