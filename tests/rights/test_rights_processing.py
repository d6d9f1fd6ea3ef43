"""Answering a request is a processing of the register: the DPO reads every category of the person for it, for
that purpose only; no other role gains anything from it."""

from __future__ import annotations

from datetime import date

from vigie.access.decide import decide
from vigie.ids import AgentId, SubjectId
from vigie.model import Agent, SubjectState
from vigie.register import Policy, Register
from vigie.taxonomy import LegalBasis, SubjectKind

PURPOSE = "rights_requests"


def test_the_processing_is_a_legal_obligation_served_by_the_dpo_role_only(register: Register, policy: Policy) -> None:
    assert policy.legal_basis[PURPOSE] is LegalBasis.LEGAL_OBLIGATION
    serving = {role for role, processings in policy.role_processings.items() if PURPOSE in processings}
    assert serving == {"dpo"}
    assert register.roles["dpo"].processings == (PURPOSE,)
    assert PURPOSE not in policy.objection_allowed


def test_the_dpo_may_use_every_category_any_processing_uses_for_the_kind(register: Register, policy: Policy) -> None:
    for kind in SubjectKind:
        used = {c for p in register.processings.values() if p.id != PURPOSE for c in p.categories(kind)}
        assert used <= policy.categories_for(frozenset({"dpo"}), PURPOSE, kind), kind


def test_the_dpo_reads_for_answering_requests_only() -> None:
    from vigie.register import load_register

    policy = Policy.compile(load_register())
    dpo = Agent(AgentId("dpo"), "CPAM-75", frozenset({"dpo"}), date(2026, 1, 1))
    person = SubjectState(SubjectId(1), SubjectKind.INSURED, "CPAM-75")
    assert decide(policy, dpo, person, PURPOSE, ("health.pathology", "banking")).allowed
    assert not decide(policy, dpo, person, "rights_benefits", ("banking",)).allowed
    elsewhere = SubjectState(SubjectId(2), SubjectKind.INSURED, "CPAM-69")
    assert not decide(policy, dpo, elsewhere, PURPOSE, ("identification",)).allowed  # local role


def test_no_other_role_gains_anything(policy: Policy) -> None:
    for role in policy.role_processings:
        if role == "dpo":
            continue
        grants = policy.grants_for(frozenset({role}))
        assert PURPOSE not in grants, role
        agent = Agent(AgentId("x"), "CNAM", frozenset({role}), date(2026, 1, 1))
        person = SubjectState(SubjectId(1), SubjectKind.INSURED, "CNAM")
        assert not decide(policy, agent, person, PURPOSE, ("identification",)).allowed, role
