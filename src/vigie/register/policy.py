"""The compiled policy: the register turned into frozen sets and dicts answered in O(1).

A decision is a handful of set look-ups; nothing parses or scans rules per request, so the cost does not
grow with the size of the register. A compiled policy holds only plain data (frozen dataclasses, enums,
frozen sets, read-only mappings) and no model of the register, so that a cached one loads without pydantic
(see `vigie.bootstrap._policy_cache`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from vigie.decision import Decision
from vigie.durations import Duration
from vigie.register.sources import Source
from vigie.taxonomy import Category, ClockOwner, LegalBasis, LifecycleEvent, RetentionBound, SubjectKind

if TYPE_CHECKING:
    from vigie.register.models import Archive, Processing, RetentionRule
    from vigie.register.register import Register

Triple = tuple[str, SubjectKind, Category]
Grant = tuple[Decision, bool, Mapping[SubjectKind, frozenset[Category]]]
"""An allowed decision, whether the role is national, and the categories the role set may use per kind."""


@dataclass(frozen=True, slots=True)
class Clock:
    """One compiled retention rule, in the form a sweep computes end dates from (see docs/register.md).

    The clock starts at the first of `events` that happened: each is an event and whose it is, the rule's own
    (`event` of `of`) first, then those an event mapping counts as it (the DMP holder's death); the record
    ends `duration` later (see `register.ends`). Rules that follow another processing are already resolved:
    `via` names the processing whose rule this is.
    """

    event: LifecycleEvent
    events: tuple[tuple[ClockOwner, LifecycleEvent], ...]
    of: ClockOwner
    duration: Duration
    minimum: Duration | None
    bound: RetentionBound
    kinds: frozenset[SubjectKind]
    prevails: bool
    while_: str | None
    defers_to: str | None
    label: str
    source: Source
    via: str | None = None


@dataclass(frozen=True, slots=True)
class Archiving:
    """After `event`, a processing's records are archived: kept, used by `roles` only for `purpose` (the
    register's `archive`, compiled)."""

    event: LifecycleEvent
    purpose: str
    roles: tuple[str, ...]
    source: Source

    @classmethod
    def of(cls, archive: Archive) -> Archiving:
        return cls(archive.event, archive.purpose, archive.roles, archive.source)


def retention_clocks(processing: Processing, processings: Mapping[str, Processing]) -> tuple[Clock, ...]:
    """The clocks of one processing, rules that follow another processing resolved to that one's rules."""
    all_kinds = frozenset(processing.subjects)
    mapped: dict[LifecycleEvent, list[tuple[ClockOwner, LifecycleEvent]]] = {}
    for mapping in processing.event_mapping:
        mapped.setdefault(mapping.counts_as, []).append((mapping.of, mapping.event))

    def clock(
        rule: RetentionRule,
        kinds: frozenset[SubjectKind],
        via: str | None,
        label: str,
        source: Source,
        defers: str | None,
    ) -> Clock:
        assert rule.event is not None and rule.of is not None and rule.duration is not None
        return Clock(
            event=rule.event,
            events=((rule.of, rule.event), *mapped.get(rule.event, ())),
            of=rule.of,
            duration=rule.duration,
            minimum=rule.minimum,
            bound=rule.bound,
            kinds=kinds,
            prevails=rule.prevails,
            while_=rule.while_,
            defers_to=defers or rule.defers_to,
            label=label,
            source=source,
            via=via,
        )

    built: list[Clock] = []
    for rule in processing.retention:
        kinds = frozenset(rule.kinds) if rule.kinds is not None else all_kinds
        if rule.follows is None:
            built.append(clock(rule, kinds, None, rule.label, rule.source, None))
            continue
        target = processings[rule.follows]
        for kind, as_kind in (rule.as_kinds or {}).items():
            if kind not in kinds:
                continue
            for followed in target.retention:
                if followed.applies_to(as_kind) and followed.follows is None:
                    source = Source(rule.source.refs + followed.source.refs)
                    built.append(clock(followed, frozenset({kind}), target.id, rule.label, source, rule.defers_to))
    return tuple(built)


@dataclass(frozen=True, slots=True)
class Policy:
    """Who may use what, for which purpose, for how long: derived once from the register."""

    uses: frozenset[Triple]
    legal_basis: Mapping[str, LegalBasis]
    objection_allowed: frozenset[str]
    at_persons_request: frozenset[str]  # processings a limitation does not stop (GDPR 18(2): at the person's request)
    recipients_of: Mapping[str, frozenset[str]]
    processings_for_recipient: Mapping[str, frozenset[str]]
    nir_recipients: frozenset[str]
    retention: Mapping[str, tuple[Clock, ...]]
    role_processings: Mapping[str, frozenset[str]]
    national_roles: frozenset[str]
    audit_roles: frozenset[str]
    consent_purposes: frozenset[str]
    categories_of: Mapping[tuple[str, SubjectKind], frozenset[Category]]
    reserved: Mapping[tuple[str, SubjectKind], Mapping[str, frozenset[str]]]  # categories hash as their text
    archives: Mapping[str, Archiving]
    # (kind, categories) per processing: what compiling a role set walks, so its cost follows the processings
    # the roles serve, not the size of the whole register.
    kinds_of: Mapping[str, tuple[tuple[SubjectKind, frozenset[Category]], ...]]
    role_set_grants: dict[frozenset[str], Mapping[str, Grant]] = field(default_factory=dict, compare=False, repr=False)
    named_categories: dict[tuple[frozenset[str], str, SubjectKind], tuple[str, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def compile(cls, register: Register) -> Policy:
        """Build the look-up tables from a validated register."""
        processings = register.processings.values()
        by_recipient: dict[str, set[str]] = {ident: set() for ident in register.recipients}
        for processing in processings:
            for recipient in processing.recipients:
                by_recipient[recipient.id].add(processing.id)
        categories_of = {
            (p.id, kind): frozenset(data.categories) for p in processings for kind, data in p.subjects.items()
        }
        reserved: dict[tuple[str, SubjectKind], dict[str, frozenset[str]]] = {}
        for p in processings:
            for kind, data in p.subjects.items():
                for reservation in data.reserved:
                    for category in reservation.categories:
                        reserved.setdefault((p.id, kind), {})[category] = frozenset(reservation.roles)
        return cls(
            uses=frozenset((pid, kind, c) for (pid, kind), cats in categories_of.items() for c in cats),
            legal_basis=MappingProxyType({p.id: p.legal_basis for p in processings}),
            objection_allowed=frozenset(p.id for p in processings if p.objection_allowed),
            at_persons_request=frozenset(p.id for p in processings if p.at_persons_request),
            recipients_of=MappingProxyType({p.id: frozenset(r.id for r in p.recipients) for p in processings}),
            processings_for_recipient=MappingProxyType({r: frozenset(ps) for r, ps in by_recipient.items()}),
            nir_recipients=frozenset(r.id for r in register.recipients.values() if r.nir_allowed),
            retention=MappingProxyType({p.id: retention_clocks(p, register.processings) for p in processings}),
            role_processings=MappingProxyType(
                {role.id: frozenset(role.processings) for role in register.roles.values()}
            ),
            national_roles=frozenset(role.id for role in register.roles.values() if role.national),
            audit_roles=frozenset(role.id for role in register.roles.values() if role.audit),
            consent_purposes=frozenset(p.id for p in processings if p.legal_basis is LegalBasis.CONSENT),
            categories_of=MappingProxyType(categories_of),
            reserved=MappingProxyType({key: MappingProxyType(value) for key, value in reserved.items()}),
            archives=MappingProxyType({p.id: Archiving.of(p.archive) for p in processings if p.archive is not None}),
            kinds_of=MappingProxyType(
                {p.id: tuple((kind, categories_of[(p.id, kind)]) for kind in p.subjects) for p in processings}
            ),
        )

    def grants_for(self, roles: frozenset[str]) -> Mapping[str, Grant]:
        """purpose -> (allowed decision, national, categories per kind) for an agent holding `roles`, compiled
        once per role set.

        Agents share a handful of role sets, so this memo stays small; it turns the walk over an agent's
        roles into one look-up per decision, and builds each allowed decision once. When several roles serve
        a purpose, a national one wins. A category reserved to other roles (pathology in fraud control, for
        the medical service) is left out of the role set's categories, so the gate's minimisation check
        enforces the reservation at no extra cost.
        """
        table = self.role_set_grants.get(roles)
        if table is None:
            built: dict[str, Grant] = {}
            for role in sorted(roles):
                national = role in self.national_roles
                for purpose in self.role_processings.get(role, ()):
                    if purpose not in built or (national and not built[purpose][1]):
                        reason = f"autorisé : rôle {role} pour le traitement « {purpose} »"
                        built[purpose] = (Decision(True, reason), national, self._categories_for(roles, purpose))
            table = self.role_set_grants[roles] = MappingProxyType(built)
        return table

    def _categories_for(self, roles: frozenset[str], purpose: str) -> Mapping[SubjectKind, frozenset[Category]]:
        allowed: dict[SubjectKind, frozenset[Category]] = {}
        for kind, categories in self.kinds_of.get(purpose, ()):
            reserved = self.reserved.get((purpose, kind))
            if not reserved:
                allowed[kind] = categories
                continue
            allowed[kind] = frozenset(c for c in categories if c not in reserved or reserved[c] & roles)
        return MappingProxyType(allowed)

    def categories_for(self, roles: frozenset[str], purpose: str, kind: SubjectKind) -> frozenset[Category]:
        """The categories of a `kind` of person that an agent holding `roles` may use for `purpose`."""
        grant = self.grants_for(roles).get(purpose)
        return grant[2].get(kind, frozenset()) if grant is not None else frozenset()

    def category_names_for(self, roles: frozenset[str], purpose: str, kind: SubjectKind) -> tuple[str, ...]:
        """`categories_for` as sorted names, what the gate asks for and journals when no category is named: built
        once per role set, purpose of the register and kind (a typed purpose never grows the memo)."""
        key = (roles, purpose, kind)
        found = self.named_categories.get(key)
        if found is None:
            found = tuple(sorted(c.value for c in self.categories_for(roles, purpose, kind)))
            if purpose in self.legal_basis:
                self.named_categories[key] = found
        return found

    def reserved_to(self, purpose: str, kind: SubjectKind, category: str) -> frozenset[str] | None:
        """The roles `category` is reserved to for `purpose` and `kind`, or None when it is not reserved."""
        return self.reserved.get((purpose, kind), {}).get(category)

    def processings_of_recipient(self, recipient: str) -> frozenset[str]:
        """The processings whose data `recipient` may receive."""
        return self.processings_for_recipient.get(recipient, frozenset())

    def retention_rules(self, processing: str) -> tuple[Clock, ...]:
        """The retention rules of `processing` (empty for an unknown processing)."""
        return self.retention.get(processing, ())
