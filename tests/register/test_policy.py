"""The compiled policy answers the register's questions by look-up, and only what the register says."""

from __future__ import annotations

import pytest

from vigie.register import Policy, Register
from vigie.taxonomy import Category, ClockOwner, LegalBasis, LifecycleEvent, SubjectKind


def test_processing_may_use_only_the_categories_it_declares_for_the_kind(policy: Policy) -> None:
    assert ("social_support", SubjectKind.INSURED, Category.SOCIAL_SITUATION) in policy.uses
    assert ("social_support", SubjectKind.INSURED, Category.FRAUD_CASE) not in policy.uses
    assert ("social_support", SubjectKind.EMPLOYER, Category.SOCIAL_SITUATION) not in policy.uses
    assert ("no_such_processing", SubjectKind.INSURED, Category.IDENTIFICATION) not in policy.uses


def test_compiled_uses_match_the_register_exactly(register: Register, policy: Policy) -> None:
    expected = {
        (p.id, kind, category)
        for p in register.processings.values()
        for kind, data in p.subjects.items()
        for category in data.categories
    }
    assert policy.uses == expected


def test_witnesses_of_a_fraud_are_known_by_identification_only(policy: Policy) -> None:
    assert policy.categories_of[("fraud_control", SubjectKind.WITNESS)] == frozenset({Category.IDENTIFICATION})


def test_recipient_receives_only_processings_that_name_it(register: Register, policy: Policy) -> None:
    for recipient in register.recipients:
        expected = {p.id for p in register.processings.values() if recipient in {r.id for r in p.recipients}}
        assert policy.processings_of_recipient(recipient) == expected
    assert policy.processings_of_recipient("unknown") == frozenset()


def test_nir_goes_only_to_recipients_allowed_to_use_it(register: Register, policy: Policy) -> None:
    assert register.recipients["partenaires_accompagnement"].nir_allowed is False
    assert "partenaires_accompagnement" in policy.recipients_of["social_support"]
    assert "partenaires_accompagnement" not in policy.nir_recipients
    assert "organismes_protection_sociale" in policy.nir_recipients


def test_a_processing_names_only_its_own_recipients(policy: Policy) -> None:
    assert "dgfip" not in policy.recipients_of["social_support"]


def test_retention_rules_come_from_the_register(register: Register, policy: Policy) -> None:
    rules = register.processings["fraud_control"].retention
    clocks = policy.retention_rules("fraud_control")
    assert [(c.event, c.duration, c.label) for c in clocks] == [(r.event, r.duration, r.label) for r in rules]
    assert len(clocks) == 3
    assert policy.retention_rules("nothing") == ()


def test_a_rule_that_follows_another_processing_compiles_to_that_processings_rules(policy: Policy) -> None:
    """An IJ formality's employee data ends as the employee's rights do, the employer's as its activity does."""
    clocks = policy.retention_rules("employer_benefit_formalities")
    by_kind = {kind: (c.event, c.of, c.duration.iso(), c.via) for c in clocks for kind in c.kinds}
    assert by_kind[SubjectKind.EMPLOYEE] == (LifecycleEvent.RIGHTS_END, ClockOwner.SUBJECT, "P5Y", "rights_benefits")
    assert by_kind[SubjectKind.EMPLOYER] == (LifecycleEvent.ACTIVITY_END, ClockOwner.SUBJECT, "P5Y", "rights_benefits")


def test_roles_map_to_processings_and_national_roles_are_explicit(policy: Policy) -> None:
    assert policy.role_processings["fraud_investigator"] == frozenset({"fraud_control"})
    assert "national_fraud_investigator" in policy.national_roles
    assert "fraud_investigator" not in policy.national_roles


def test_legal_basis_and_objection_are_compiled(policy: Policy) -> None:
    assert policy.legal_basis["service_offers"] is LegalBasis.CONSENT
    assert "service_offers" in policy.objection_allowed
    assert "rights_benefits" not in policy.objection_allowed


def test_policy_is_immutable(policy: Policy) -> None:
    with pytest.raises((AttributeError, TypeError)):
        policy.uses = frozenset()  # type: ignore[misc]
    with pytest.raises(TypeError):
        policy.retention["x"] = ()  # type: ignore[index]
