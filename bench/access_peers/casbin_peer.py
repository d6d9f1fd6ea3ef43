"""The rules compiled into pycasbin: RBAC with domains, built in memory.

- policy lines `p, <processing>|<kind>|<category>, <role>`: one per (role, processing, kind, category), so an
  object the role's processing does not use for that kind matches no line (need-to-know and minimisation);
- grouping `g, <agent>, <role>, <organisation>`: the agent holds the role in its organisation; a national role
  is held in domain `*`, which the domain matching function (`keyMatch`) lets match every organisation;
- grouping `g2, <agent>, secrecy_attested`: professional secrecy attested, as a role.

The request is `(object, agent, subject's organisation)`. Lines are loaded through an in-memory adapter
(`Enforcer.add_policies` checks each new line against a list: quadratic, minutes at 100,000 lines).
Two enforcers are measured: `casbin.Enforcer`, which evaluates the matcher line by line, and
`casbin.FastEnforcer` with `cache_key_order=[0]`, which first narrows the lines to those of the requested
object (pycasbin's own answer to large policies).

Two pycasbin 2.8 quirks worked around here: `FastModel` stops reading role definitions after the first (its
`add_def` returns None), so `g2` is added by hand; and the role manager of each organisation is built lazily,
at a cost that grows with the number of links squared, by the first request in that organisation: it is
built with the enforcer instead (counted in its compile time), so that the timings are those of steady state.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import casbin  # type: ignore[import-untyped]
from casbin.model import FastModel  # type: ignore[import-untyped]
from casbin.persist.adapter import Adapter  # type: ignore[import-untyped]
from casbin.util import key_match  # type: ignore[import-untyped]

from access_peers.world import AgentSpec, Request, Rules

MODEL = """
[request_definition]
r = obj, sub, dom

[policy_definition]
p = obj, sub

[role_definition]
g = _, _, _
g2 = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.obj == p.obj && g(r.sub, p.sub, r.dom) && g2(r.sub, "secrecy_attested")
"""

FAST_KEY = [0]  # FastEnforcer narrows the policy lines on their object before matching
ANY_ORGANISATION = "*"
SECRECY = "secrecy_attested"


def obj(purpose: str, kind: str, category: str) -> str:
    return f"{purpose}|{kind}|{category}"


class MemoryAdapter(Adapter):  # type: ignore[misc]
    """Hands prepared lines to the model as they are; saves nothing."""

    def __init__(self, lines: dict[str, list[list[str]]]) -> None:
        self.lines = lines

    def load_policy(self, model: Any) -> None:
        for key, rules in self.lines.items():
            assertion = model.model[key[0]][key]
            for rule in rules:
                assertion.policy.append(rule)


def policy_lines(rules: Rules, agents: Sequence[AgentSpec]) -> dict[str, list[list[str]]]:
    """Every casbin line: `p` from the rules, `g` and `g2` from the agents."""
    p = [[obj(processing, kind.value, category), role] for role, processing, kind, category in rules.quadruples()]
    g = [
        [agent.id, role, ANY_ORGANISATION if role in rules.national_roles else agent.organisation]
        for agent in agents
        for role in agent.roles
    ]
    g2 = [[agent.id, SECRECY] for agent in agents if agent.attested]
    return {"p": p, "g": g, "g2": g2}


def build_enforcer(rules: Rules, agents: Sequence[AgentSpec], fast: bool) -> tuple[Any, int]:
    """The enforcer and its number of `p` lines (counted here: `FastPolicy.__len__` fails on one key)."""
    lines = policy_lines(rules, agents)
    adapter = MemoryAdapter(lines)
    if fast:
        model = FastModel(FAST_KEY)
        model.load_model_from_text(MODEL)
        if "g2" not in model["g"]:
            model.add_def("g", "g2", "_, _")
        enforcer = casbin.FastEnforcer(model, adapter, cache_key_order=FAST_KEY)
    else:
        enforcer = casbin.Enforcer(casbin.Enforcer.new_model(text=MODEL), adapter)
    enforcer.add_named_domain_matching_func("g", key_match)
    for organisation in rules.organisations:
        enforcer.get_roles_for_user_in_domain("", organisation)  # builds that organisation's role manager
    return enforcer, len(lines["p"])


def request_args(stream: Sequence[Request]) -> list[tuple[str, str, str]]:
    """The arguments of `enforce` for each request, built before timing."""
    return [(obj(r.purpose, r.subject.kind.value, r.category), r.agent.id, r.subject.organisation) for r in stream]
