"""The rules compiled into Cedar (cedarpy), two ways, with pre-parsed `PolicySet` and `Entities` handles.

Entities shared by both: `Agent::"<id>"` with attributes `organisation` and `attested` (professional secrecy),
member of its `Role::"<role>"`s; `Use::"<processing>|<kind>|<category>"` for each category a processing uses
for a kind of subject (a request for any other category names an entity that does not exist, so nothing
permits it: minimisation, unknown purposes). The request is `(Agent, Action::"use", Use)` with the subject's
organisation in the context, pre-serialised to JSON.

- "policies": the idiomatic RBAC encoding, one policy per (role, processing),
  `permit(principal in Role::"r", action == Action::"use", resource in Processing::"p")
  when { principal.attested && principal.organisation == context.organisation }` (no organisation condition
  for a national role); each `Use` is a member of its `Processing`. Cedar evaluates every policy: the cost
  grows with the number of (role, processing) pairs.
- "graph": the rules as entity data and one policy: each role is a member of the `Processing::"p"`s it
  serves, and a national role also of `Anywhere::"p"`; each `Use` names its processing and its anywhere
  group in attributes; `permit(principal, action == Action::"use", resource is Use) when { principal.attested
  && resource has processing && principal in resource.processing && (principal.organisation ==
  context.organisation || principal in resource.anywhere) }`. Membership is looked up in the transitive
  closure Cedar computes when it parses the entities, so the cost does not grow with the rules.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import cedarpy

from access_peers.world import AgentSpec, Request, Rules

ACTION = 'Action::"use"'
GRAPH_POLICY = """
permit (principal, action == Action::"use", resource is Use)
when {
  principal.attested &&
  resource has processing &&
  principal in resource.processing &&
  (principal.organisation == context.organisation || principal in resource.anywhere)
};
"""


def _uid(kind: str, ident: str) -> dict[str, str]:
    return {"type": kind, "id": ident}


def _use_id(purpose: str, kind: str, category: str) -> str:
    return f"{purpose}|{kind}|{category}"


def _agents(rules: Rules, agents: Sequence[AgentSpec]) -> list[dict[str, Any]]:
    return [
        {
            "uid": _uid("Agent", agent.id),
            "attrs": {"organisation": agent.organisation, "attested": agent.attested},
            "parents": [_uid("Role", role) for role in agent.roles],
        }
        for agent in agents
    ]


def rbac_policies(rules: Rules) -> str:
    """One permit per (role, processing)."""
    texts = []
    for role, processings in rules.role_processings.items():
        where = "principal.attested" + (
            "" if role in rules.national_roles else " && principal.organisation == context.organisation"
        )
        for processing in processings:
            texts.append(
                f'permit (principal in Role::"{role}", action == Action::"use", '
                f'resource in Processing::"{processing}")\nwhen {{ {where} }};'
            )
    return "\n".join(texts)


def rbac_entities(rules: Rules, agents: Sequence[AgentSpec]) -> list[dict[str, Any]]:
    roles = [{"uid": _uid("Role", role), "attrs": {}, "parents": []} for role in rules.role_processings]
    processings = [{"uid": _uid("Processing", p), "attrs": {}, "parents": []} for p in rules.uses]
    uses = [
        {"uid": _uid("Use", _use_id(p, kind.value, c)), "attrs": {}, "parents": [_uid("Processing", p)]}
        for p, kind, c in rules.triples()
    ]
    return [*_agents(rules, agents), *roles, *processings, *uses]


def graph_entities(rules: Rules, agents: Sequence[AgentSpec]) -> list[dict[str, Any]]:
    roles = [
        {
            "uid": _uid("Role", role),
            "attrs": {},
            "parents": [_uid("Processing", p) for p in processings]
            + ([_uid("Anywhere", p) for p in processings] if role in rules.national_roles else []),
        }
        for role, processings in rules.role_processings.items()
    ]
    groups = [
        {"uid": _uid(kind, p), "attrs": {}, "parents": []} for p in rules.uses for kind in ("Processing", "Anywhere")
    ]
    uses = [
        {
            "uid": _uid("Use", _use_id(p, kind.value, c)),
            "attrs": {"processing": {"__entity": _uid("Processing", p)}, "anywhere": {"__entity": _uid("Anywhere", p)}},
            "parents": [],
        }
        for p, kind, c in rules.triples()
    ]
    return [*_agents(rules, agents), *roles, *groups, *uses]


def build(rules: Rules, agents: Sequence[AgentSpec], encoding: str) -> tuple[cedarpy.PolicySet, cedarpy.Entities, int]:
    """Parse the policies and entities once; return the handles and the number of policies."""
    if encoding == "policies":
        text, entities = rbac_policies(rules), rbac_entities(rules, agents)
    else:
        text, entities = GRAPH_POLICY, graph_entities(rules, agents)
    policies = cedarpy.PolicySet.from_str(text)
    return policies, cedarpy.Entities.from_json_str(json.dumps(entities)), len(policies)


def request_args(stream: Sequence[Request]) -> list[dict[str, Any]]:
    """Each request, built before timing; the context is JSON already so that cedarpy does not re-encode it."""
    return [
        {
            "principal": _uid("Agent", r.agent.id),
            "action": ACTION,
            "resource": _uid("Use", _use_id(r.purpose, r.subject.kind.value, r.category)),
            "context": json.dumps({"organisation": r.subject.organisation}),
        }
        for r in stream
    ]
