"""The decision: a handful of set look-ups in the compiled policy and the subject's state.

Each rule of the policy that governs use of personal data is one check here, in the order an agent would
want to hear about it; the first that fails gives the reason. Nothing here scans rules: the cost does not
grow with the register.
"""

from __future__ import annotations

from collections.abc import Iterable

from vigie.access.model import ALLOWED_WHEN_RESTRICTED, Action, Agent, Decision, SubjectState
from vigie.register.policy import Policy
from vigie.taxonomy import SUBJECT_KIND_LABELS, Category, LegalBasis


def _serving_roles(policy: Policy, agent: Agent, purpose: str) -> list[str]:
    return [role for role in agent.roles if purpose in policy.role_processings.get(role, ())]


def decide(
    policy: Policy,
    agent: Agent,
    subject: SubjectState,
    purpose: str,
    categories: Iterable[str],
    action: Action = Action.READ,
) -> Decision:
    """May `agent` perform `action` on `categories` of `subject` for the processing `purpose`?"""
    if purpose not in policy.legal_basis:
        return Decision(False, f"finalité inconnue du registre : « {purpose} »")
    roles = _serving_roles(policy, agent, purpose)
    if not roles:
        return Decision(False, f"aucun rôle de l'agent ne sert le traitement « {purpose} » (besoin d'en connaître)")
    if agent.secrecy_attested_on is None:
        return Decision(False, "l'agent n'a pas attesté être soumis au secret professionnel")
    if agent.organisation != subject.organisation and not any(r in policy.national_roles for r in roles):
        return Decision(
            False,
            f"la personne relève de {subject.organisation} et l'agent de {agent.organisation} ; "
            "seul un rôle national peut agir hors de son organisme",
        )
    requested = tuple(categories)
    if not requested:
        return Decision(False, "aucune catégorie de données demandée")
    allowed_categories = policy.categories_of.get((purpose, subject.kind), frozenset())
    for category in requested:
        if category not in allowed_categories:
            known = category in Category._value2member_map_
            what = "catégorie" if known else "catégorie inconnue"
            return Decision(
                False,
                f"le traitement « {purpose} » n'utilise pas la {what} « {category} » des "
                f"{SUBJECT_KIND_LABELS[subject.kind]} (minimisation)",
            )
    if subject.restricted and action not in ALLOWED_WHEN_RESTRICTED:
        return Decision(
            False,
            "données limitées à la demande de la personne : seules leur conservation et la défense "
            "de droits en justice sont permises",
        )
    if purpose in subject.objections and purpose in policy.objection_allowed:
        return Decision(False, f"la personne s'est opposée au traitement « {purpose} »")
    if policy.legal_basis[purpose] is LegalBasis.CONSENT and purpose not in subject.consents:
        return Decision(False, f"le traitement « {purpose} » repose sur le consentement, et aucun n'est en cours")
    return Decision(True, f"autorisé : rôle {roles[0]} pour le traitement « {purpose} »")


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
