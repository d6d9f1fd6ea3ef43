"""The world every engine is measured on: the rules, a synthetic register, the agents, subjects and requests.

Every engine compiles from the same `Rules` (read from a `Register`, not from vigie's compiled `Policy`, so
that a compilation mistake on either side shows up as a disagreement), and is checked against the same
expected answers, computed by `oracle` straight from the rules.

The stream exercises the rules all three engines encode: the agent has a role serving the purpose
(need-to-know), has attested professional secrecy, acts in the subject's organisation unless that role is
national, and the processing uses the category for the subject's kind (minimisation); the purpose must be
known. Subjects are never restricted, have no objection and consent to every consent-based processing, so
the rules on restriction, objection and consent, which only vigie encodes, pass on every request (vigie still
evaluates them). Categories the register reserves to some roles (pathology in fraud control, for the medical
service) are left out of `uses` and never requested: the peers would need a per-role encoding of them, and
vigie answers them with the same look-ups as any other category.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from vigie.register import Register
from vigie.register.models import Processing, Role, SubjectData
from vigie.taxonomy import Category, LegalBasis, SubjectKind

SYNTHETIC_PREFIX = "synth_"
KINDS_PER_SYNTHETIC_PROCESSING = 2
CATEGORIES_PER_KIND = 5
ROLES_PER_SYNTHETIC_PROCESSING = 2
PROCESSINGS_PER_SYNTHETIC_ROLE = 10
NATIONAL_SHARE = 10  # one synthetic role in NATIONAL_SHARE is national


@dataclass(frozen=True)
class Rules:
    """The register's access rules, engine-neutral: roles -> processings, processing -> kind -> categories."""

    role_processings: dict[str, tuple[str, ...]]
    national_roles: frozenset[str]
    uses: dict[str, dict[SubjectKind, frozenset[str]]]
    consent_processings: frozenset[str]
    local_organisations: tuple[str, ...]
    national_organisation: str
    reserved: frozenset[tuple[str, SubjectKind, str]] = frozenset()

    @property
    def organisations(self) -> tuple[str, ...]:
        return (self.national_organisation, *self.local_organisations)

    def quadruples(self) -> Iterator[tuple[str, str, SubjectKind, str]]:
        """(role, processing, kind, category): one rule each; what "number of rules" counts."""
        for role, processings in self.role_processings.items():
            for processing in processings:
                for kind, categories in self.uses[processing].items():
                    for category in sorted(categories):
                        yield role, processing, kind, category

    def triples(self) -> Iterator[tuple[str, SubjectKind, str]]:
        """(processing, kind, category): what each processing uses."""
        for processing, by_kind in self.uses.items():
            for kind, categories in by_kind.items():
                for category in sorted(categories):
                    yield processing, kind, category

    def rule_count(self) -> int:
        return sum(1 for _ in self.quadruples())


def rules_of(register: Register) -> Rules:
    """Read the access rules from a register (the source both vigie and its peers compile)."""
    national = [code for code, o in register.organisations.items() if o.kind.value == "national"]
    return Rules(
        role_processings={role.id: tuple(role.processings) for role in register.roles.values()},
        national_roles=frozenset(role.id for role in register.roles.values() if role.national),
        uses={
            p.id: {
                kind: frozenset(c.value for c in data.categories)
                - {c.value for r in data.reserved for c in r.categories}
                for kind, data in p.subjects.items()
            }
            for p in register.processings.values()
        },
        reserved=frozenset(
            (p.id, kind, c.value)
            for p in register.processings.values()
            for kind, data in p.subjects.items()
            for r in data.reserved
            for c in r.categories
        ),
        consent_processings=frozenset(
            p.id for p in register.processings.values() if p.legal_basis is LegalBasis.CONSENT
        ),
        local_organisations=tuple(code for code in register.organisations if code not in national),
        national_organisation=national[0],
    )


def synthetic_register(base: Register, target_rules: int, seed: int = 7) -> Register:
    """`base` plus synthetic processings and roles, for about `target_rules` (role, processing, kind, category).

    Each synthetic processing is a public-task copy of a real one with its own kinds and categories, served
    by two synthetic roles; each synthetic role serves ten processings; one role in ten is national.
    """
    rng = random.Random(seed)
    existing = rules_of(base).rule_count()
    per_processing = KINDS_PER_SYNTHETIC_PROCESSING * CATEGORIES_PER_KIND * ROLES_PER_SYNTHETIC_PROCESSING
    n_processings = max(1, -(-(target_rules - existing) // per_processing))
    template = next(p for p in base.processings.values() if p.legal_basis is LegalBasis.PUBLIC_TASK)
    kinds, categories = list(SubjectKind), list(Category)
    processings: dict[str, Processing] = dict(base.processings)
    for i in range(n_processings):
        ident = f"{SYNTHETIC_PREFIX}processing_{i:05d}"
        subjects = {
            kind: SubjectData(categories=tuple(rng.sample(categories, CATEGORIES_PER_KIND)), source=template.source)
            for kind in rng.sample(kinds, KINDS_PER_SYNTHETIC_PROCESSING)
        }
        processings[ident] = template.model_copy(
            update={
                "id": ident,
                "title": f"traitement synthétique {i}",
                "subjects": subjects,
                "objection_allowed": False,
            }
        )
    slots = [f"{SYNTHETIC_PREFIX}processing_{i:05d}" for i in range(n_processings)] * ROLES_PER_SYNTHETIC_PROCESSING
    rng.shuffle(slots)
    roles: dict[str, Role] = dict(base.roles)
    for r, start in enumerate(range(0, len(slots), PROCESSINGS_PER_SYNTHETIC_ROLE)):
        ident = f"{SYNTHETIC_PREFIX}role_{r:05d}"
        served = tuple(dict.fromkeys(slots[start : start + PROCESSINGS_PER_SYNTHETIC_ROLE]))
        roles[ident] = Role(
            id=ident, title=f"rôle synthétique {r}", national=r % NATIONAL_SHARE == 0, processings=served
        )
    return replace(base, processings=processings, roles=roles)


@dataclass(frozen=True)
class AgentSpec:
    id: str
    organisation: str
    roles: tuple[str, ...]
    attested: bool
    synthetic: bool


@dataclass(frozen=True)
class SubjectSpec:
    id: int
    kind: SubjectKind
    organisation: str


@dataclass(frozen=True)
class Request:
    """One request of the stream; `why` names the rule that refuses it ("" when allowed)."""

    agent: AgentSpec
    subject: SubjectSpec
    purpose: str
    category: str
    expected: bool
    why: str


def oracle(rules: Rules, agent: AgentSpec, subject: SubjectSpec, purpose: str, category: str) -> bool:
    """The expected answer, written straight from the rules (independent of every engine under test)."""
    serving = [role for role in agent.roles if purpose in rules.role_processings.get(role, ())]
    if not serving or not agent.attested:
        return False
    if agent.organisation != subject.organisation and not any(r in rules.national_roles for r in serving):
        return False
    return category in rules.uses.get(purpose, {}).get(subject.kind, frozenset())


@dataclass
class Population:
    """Agents (built once) and subjects (created on demand, a few per organisation and kind)."""

    agents: list[AgentSpec]
    _subjects: dict[tuple[str, SubjectKind], list[SubjectSpec]] = field(default_factory=dict)
    _next_subject: int = 1

    def subject(self, rng: random.Random, organisation: str, kind: SubjectKind) -> SubjectSpec:
        pool = self._subjects.setdefault((organisation, kind), [])
        if len(pool) < 3:
            pool.append(SubjectSpec(self._next_subject, kind, organisation))
            self._next_subject += 1
            return pool[-1]
        return rng.choice(pool)

    def subjects(self) -> list[SubjectSpec]:
        return [s for pool in self._subjects.values() for s in pool]


def build_population(
    rules: Rules, rng: random.Random, real_per_role: int = 8, synthetic_per_role: int = 2
) -> Population:
    """A few agents per role; one in five holds a second role; one in ten has not attested secrecy."""
    roles = list(rules.role_processings)
    agents: list[AgentSpec] = []
    for role in roles:
        synthetic = role.startswith(SYNTHETIC_PREFIX)
        for _ in range(synthetic_per_role if synthetic else real_per_role):
            held = [role]
            if rng.random() < 0.2:
                other = rng.choice(roles)
                if other != role:
                    held.append(other)
            local = any(r not in rules.national_roles for r in held)
            organisation = rng.choice(rules.local_organisations) if local else rules.national_organisation
            agents.append(
                AgentSpec(f"agent-{len(agents):06d}", organisation, tuple(held), rng.random() >= 0.1, synthetic)
            )
    return Population(agents)


REFUSALS = ("unknown_purpose", "need_to_know", "secrecy", "organisation", "minimisation")


class _Retry(Exception):
    """The drawn request does not illustrate what was asked; draw again."""


@dataclass(frozen=True)
class _Pools:
    """Agents by (synthetic, attested) and processings by synthetic, drawn from for each request."""

    agents: dict[tuple[bool, bool], list[AgentSpec]]
    processings: dict[bool, list[str]]

    @classmethod
    def of(cls, rules: Rules, population: Population) -> _Pools:
        agents: dict[tuple[bool, bool], list[AgentSpec]] = {}
        for agent in population.agents:
            agents.setdefault((agent.synthetic, agent.attested), []).append(agent)
        processings: dict[bool, list[str]] = {}
        for processing in rules.uses:
            processings.setdefault(processing.startswith(SYNTHETIC_PREFIX), []).append(processing)
        return cls(agents, processings)


def _draw(
    rules: Rules, population: Population, pools: _Pools, rng: random.Random, synthetic: bool, why: str
) -> Request:
    agents = pools.agents.get((synthetic, why != "secrecy")) or population.agents
    agent = rng.choice(agents)
    serving = [r for r in agent.roles if rules.role_processings[r]]  # a role may serve nothing (the DPO's)
    if not serving:
        raise _Retry
    role = rng.choice(serving)
    purpose = rng.choice(rules.role_processings[role])
    kind = rng.choice(list(rules.uses[purpose]))
    category = rng.choice(sorted(rules.uses[purpose][kind]))
    national = role in rules.national_roles
    organisation = rng.choice(rules.organisations) if national else agent.organisation
    if why == "unknown_purpose":
        purpose = f"curiosite_{rng.randrange(1000)}"
    elif why == "need_to_know":
        purpose = rng.choice(pools.processings.get(synthetic) or pools.processings[False])
        kind = rng.choice(list(rules.uses[purpose]))
        category = rng.choice(sorted(rules.uses[purpose][kind]))
        organisation = agent.organisation
    elif why == "organisation":
        if national:
            raise _Retry
        organisation = rng.choice([o for o in rules.local_organisations if o != agent.organisation])
    elif why == "minimisation":
        unused = [
            c.value
            for c in Category
            if c.value not in rules.uses[purpose][kind] and (purpose, kind, c.value) not in rules.reserved
        ]
        if not unused:
            raise _Retry
        category = rng.choice(unused)
    subject = population.subject(rng, organisation, kind)
    expected = oracle(rules, agent, subject, purpose, category)
    if expected != (why == ""):
        raise _Retry
    return Request(agent, subject, purpose, category, expected, why)


def build_stream(rules: Rules, population: Population, n: int, seed: int, synthetic_share: float) -> list[Request]:
    """`n` requests, allowed and refused alternating (so every prefix is half and half), refusals spread over
    the five rules; a share `synthetic_share` of them on synthetic roles and processings."""
    rng = random.Random(seed)
    pools = _Pools.of(rules, population)
    has_synthetic = any(a.synthetic for a in population.agents)
    stream: list[Request] = []
    while len(stream) < n:
        why = "" if len(stream) % 2 == 0 else REFUSALS[(len(stream) // 2) % len(REFUSALS)]
        synthetic = has_synthetic and rng.random() < synthetic_share
        try:
            stream.append(_draw(rules, population, pools, rng, synthetic, why))
        except _Retry:
            continue
    return stream
