"""The decision: a handful of set look-ups in the compiled policy and the subject's state.

Each rule of the policy that governs use of personal data is one check here, in the order an agent would
want to hear about it; the first that fails gives the reason. Nothing here scans rules: the cost does not
grow with the register. This is the hot path of the whole system, so it avoids helper calls and temporary
objects; the refusal reasons, built only when refusing, can afford f-strings.
"""

from __future__ import annotations

from collections.abc import Iterable

from vigie.model import ALLOWED_WHEN_RESTRICTED, Action, Agent, Decision, SubjectState
from vigie.register.policy import Policy
from vigie.taxonomy import SUBJECT_KIND_LABELS, Category

_NOTHING: frozenset[Category] = frozenset()
_RESTRICTED = Decision(
    False,
    "données limitées à la demande de la personne : seules leur conservation et la défense de droits en justice "
    "sont permises",
)
_NO_SECRECY = Decision(False, "l'agent n'a pas attesté être soumis au secret professionnel")
_NO_CATEGORY = Decision(False, "aucune catégorie de données demandée")


def _minimisation(policy: Policy, purpose: str, category: str, subject: SubjectState) -> Decision:
    reserved = policy.reserved_to(purpose, subject.kind, category)
    if reserved is not None:
        to = f"aux rôles {', '.join(sorted(reserved))}" if reserved else "à aucun rôle d'agent"
        return Decision(
            False,
            f"pour le traitement « {purpose} », la catégorie « {category} » des {SUBJECT_KIND_LABELS[subject.kind]} "
            f"est réservée {to}",
        )
    what = "catégorie" if category in Category._value2member_map_ else "catégorie inconnue"
    return Decision(
        False,
        f"le traitement « {purpose} » n'utilise pas la {what} « {category} » des "
        f"{SUBJECT_KIND_LABELS[subject.kind]} (minimisation)",
    )


def serves(policy: Policy, agent: Agent, purpose: str) -> Decision | None:
    """The refusal that does not depend on the person (unknown purpose, no role serving it, secrecy not
    attested), or None. Lets the gate answer these before it says anything that depends on the person, so
    that an agent without rights cannot tell an unknown person from someone else's; `decide` makes the same
    checks inline, in the same order, for speed."""
    if purpose not in policy.grants_for(agent.roles):
        if purpose not in policy.legal_basis:
            return Decision(False, f"finalité inconnue du registre : « {purpose} »")
        return Decision(False, f"aucun rôle de l'agent ne sert le traitement « {purpose} » (besoin d'en connaître)")
    if agent.secrecy_attested_on is None:
        return _NO_SECRECY
    return None


def acts_nationally(policy: Policy, agent: Agent, purpose: str) -> bool:
    """Whether one of the agent's roles serves `purpose` for every organisation."""
    found = policy.grants_for(agent.roles).get(purpose)
    return found is not None and found[1]


def decide(
    policy: Policy,
    agent: Agent,
    subject: SubjectState,
    purpose: str,
    categories: Iterable[str],
    action: Action = Action.READ,
) -> Decision:
    """May `agent` perform `action` on `categories` of `subject` for the processing `purpose`?"""
    table = policy.role_set_grants.get(agent.roles)  # the memo, read inline: this is the hottest line
    found = (table if table is not None else policy.grants_for(agent.roles)).get(purpose)
    if found is None:
        if purpose not in policy.legal_basis:
            return Decision(False, f"finalité inconnue du registre : « {purpose} »")
        return Decision(False, f"aucun rôle de l'agent ne sert le traitement « {purpose} » (besoin d'en connaître)")
    if agent.secrecy_attested_on is None:
        return _NO_SECRECY
    granted, national, allowed = found
    if agent.organisation != subject.organisation and not national:
        return Decision(
            False,
            f"la personne relève de {subject.organisation} et l'agent de {agent.organisation} ; "
            "seul un rôle national peut agir hors de son organisme",
        )
    used = allowed.get(subject.kind, _NOTHING)  # the role set's categories: reserved ones already left out
    empty = True
    for category in categories:
        if category not in used:
            return _minimisation(policy, purpose, category, subject)
        empty = False
    if empty:
        return _NO_CATEGORY
    if subject.restricted and action not in ALLOWED_WHEN_RESTRICTED and purpose not in policy.at_persons_request:
        return _RESTRICTED
    if subject.objections and purpose in subject.objections and purpose in policy.objection_allowed:
        return Decision(False, f"la personne s'est opposée au traitement « {purpose} »")
    if purpose in policy.consent_purposes and purpose not in subject.consents:
        return Decision(False, f"le traitement « {purpose} » repose sur le consentement, et aucun n'est en cours")
    return granted  # built once per role set by `Policy.grants_for`, shared by every decision


def decide_disclosure(
    policy: Policy,
    agent: Agent,
    subject: SubjectState,
    purpose: str,
    categories: Iterable[str],
    recipient: str,
) -> Decision:
    """A disclosure: the use must be allowed, the recipient named by the processing, the NIR only to those
    allowed to use it."""
    requested = tuple(categories)
    decision = decide(policy, agent, subject, purpose, requested, Action.DISCLOSE)
    if not decision.allowed:
        return decision
    if recipient not in policy.recipients_of[purpose]:
        return Decision(False, f"le destinataire « {recipient} » n'est pas prévu par le traitement « {purpose} »")
    if Category.NIR in requested and recipient not in policy.nir_recipients:
        return Decision(False, f"le destinataire « {recipient} » n'est pas autorisé à recevoir le NIR")
    return Decision(True, f"communication autorisée à « {recipient} » pour le traitement « {purpose} »")
