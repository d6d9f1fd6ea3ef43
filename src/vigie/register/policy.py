"""The compiled policy: the register turned into frozen sets and dicts answered in O(1).

A decision is a handful of set look-ups; nothing parses or scans rules per request, so the cost does not
grow with the size of the register.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from vigie.decision import Decision
from vigie.register.models import RetentionRule
from vigie.register.register import Register
from vigie.taxonomy import Category, LegalBasis, SubjectKind

Triple = tuple[str, SubjectKind, Category]


@dataclass(frozen=True, slots=True)
class Policy:
    """Who may use what, for which purpose, for how long: derived once from the register."""

    uses: frozenset[Triple]
    legal_basis: Mapping[str, LegalBasis]
    objection_allowed: frozenset[str]
    recipients_of: Mapping[str, frozenset[str]]
    processings_for_recipient: Mapping[str, frozenset[str]]
    nir_recipients: frozenset[str]
    retention: Mapping[str, tuple[RetentionRule, ...]]
    role_processings: Mapping[str, frozenset[str]]
    national_roles: frozenset[str]
    audit_roles: frozenset[str]
    consent_purposes: frozenset[str]
    categories_of: Mapping[tuple[str, SubjectKind], frozenset[Category]]
    role_set_grants: dict[frozenset[str], Mapping[str, tuple[Decision, bool]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def compile(cls, register: Register) -> Policy:
        """Build the look-up tables from a validated register."""
        processings = register.processings.values()
        by_recipient: dict[str, set[str]] = {ident: set() for ident in register.recipients}
        for processing in processings:
            for recipient in processing.recipients:
                by_recipient[recipient].add(processing.id)
        categories_of = {
            (p.id, kind): frozenset(categories) for p in processings for kind, categories in p.subjects.items()
        }
        return cls(
            uses=frozenset((pid, kind, c) for (pid, kind), cats in categories_of.items() for c in cats),
            legal_basis=MappingProxyType({p.id: p.legal_basis for p in processings}),
            objection_allowed=frozenset(p.id for p in processings if p.objection_allowed),
            recipients_of=MappingProxyType({p.id: frozenset(p.recipients) for p in processings}),
            processings_for_recipient=MappingProxyType({r: frozenset(ps) for r, ps in by_recipient.items()}),
            nir_recipients=frozenset(r.id for r in register.recipients.values() if r.nir_allowed),
            retention=MappingProxyType({p.id: p.retention for p in processings}),
            role_processings=MappingProxyType(
                {role.id: frozenset(role.processings) for role in register.roles.values()}
            ),
            national_roles=frozenset(role.id for role in register.roles.values() if role.national),
            audit_roles=frozenset(role.id for role in register.roles.values() if role.audit),
            consent_purposes=frozenset(p.id for p in processings if p.legal_basis is LegalBasis.CONSENT),
            categories_of=MappingProxyType(categories_of),
        )

    def grants_for(self, roles: frozenset[str]) -> Mapping[str, tuple[Decision, bool]]:
        """purpose -> (allowed decision, national) for an agent holding `roles`, compiled once per role set.

        Agents share a handful of role sets, so this memo stays small; it turns the walk over an agent's
        roles into one look-up per decision, and builds each allowed decision once. When several roles serve
        a purpose, a national one wins.
        """
        table = self.role_set_grants.get(roles)
        if table is None:
            built: dict[str, tuple[Decision, bool]] = {}
            for role in sorted(roles):
                national = role in self.national_roles
                for purpose in self.role_processings.get(role, ()):
                    if purpose not in built or (national and not built[purpose][1]):
                        reason = f"autorisé : rôle {role} pour le traitement « {purpose} »"
                        built[purpose] = (Decision(True, reason), national)
            table = self.role_set_grants[roles] = MappingProxyType(built)
        return table

    def processings_of_recipient(self, recipient: str) -> frozenset[str]:
        """The processings whose data `recipient` may receive."""
        return self.processings_for_recipient.get(recipient, frozenset())

    def retention_rules(self, processing: str) -> tuple[RetentionRule, ...]:
        """The retention rules of `processing` (empty for an unknown processing)."""
        return self.retention.get(processing, ())
