"""Individual information (GDPR 14): when data about a person comes from someone else, the person is told.

The content depends on the situation: for fraud, the person is told an investigation concerns them and has a
period to make observations before any decision, in the adversarial procedure the policy names (« dans le
respect du contradictoire ») — one month, vigie's choice where the policy gives no figure; a case closed without
action is said so, with its one-year retention. An exception of GDPR 14(5) is recorded instead of a notice. Each
notice sent, or exception applied, is recorded (`rights_notices`) and the decision journaled through the gate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from vigie.durations import Duration
from vigie.errors import InvalidInput
from vigie.ids import AgentId, SubjectId
from vigie.rights import answers, letters, queries
from vigie.rights.service import RightsService
from vigie.store import connect

OBSERVATION_PERIOD = Duration(months=1)


class Situation(StrEnum):
    """Why the person is informed."""

    INVESTIGATION = "investigation"  # a fraud investigation concerns them: observations before any decision
    SANCTION = "sanction"  # a sanction is considered: observations before it is decided
    CLOSED = "closed"  # the case was closed without action
    PARTNER = "partner"  # data received from a partner organisation or administration


class Exception14(StrEnum):
    """The exceptions of GDPR 14(5) that dispense from informing."""

    ALREADY_INFORMED = "already_informed"  # (a)
    DISPROPORTIONATE = "disproportionate"  # (b), or would seriously impair the investigation
    LAW = "law"  # (c) obtaining or disclosure laid down by law
    SECRECY = "secrecy"  # (d) professional secrecy


SITUATION_TEXT = {
    Situation.INVESTIGATION: "Des informations vous concernant, recueillies notamment auprès de tiers, sont examinées "
    "dans le cadre d'un contrôle. Avant toute décision, vous pouvez présenter vos observations, par écrit ou lors "
    "d'un entretien, dans le respect du contradictoire, jusqu'au {until}.",
    Situation.SANCTION: "À l'issue du contrôle, une sanction est envisagée. Avant qu'elle ne soit décidée, vous "
    "pouvez présenter vos observations, dans le respect du contradictoire, jusqu'au {until}.",
    Situation.CLOSED: "Le contrôle qui vous concernait a été classé sans suite. Les informations recueillies sont "
    "conservées un an, puis détruites.",
    Situation.PARTNER: "Des informations vous concernant nous ont été transmises par un organisme partenaire, dans "
    "le cadre prévu par les textes.",
}
_NEEDS_PERIOD = frozenset({Situation.INVESTIGATION, Situation.SANCTION})
EXCEPTION_LABELS = {
    Exception14.ALREADY_INFORMED: "la personne dispose déjà de ces informations (RGPD, art. 14(5)(a))",
    Exception14.DISPROPORTIONATE: "information impossible, disproportionnée ou qui compromettrait gravement les "
    "objectifs du traitement (RGPD, art. 14(5)(b))",
    Exception14.LAW: "obtention ou communication prévue par la loi (RGPD, art. 14(5)(c))",
    Exception14.SECRECY: "données couvertes par un secret professionnel réglementé (RGPD, art. 14(5)(d))",
}


@dataclass(frozen=True)
class NoticeSent:
    """A notice recorded: its number, the letter (None when an exception applied), and the observation date."""

    id: int
    html: str | None
    observations_until: date | None
    exception: Exception14 | None


def notify(
    service: RightsService,
    agent_id: AgentId,
    subject_id: SubjectId,
    processing: str,
    situation: Situation,
    *,
    exception: Exception14 | None = None,
    source: str | None = None,
) -> NoticeSent:
    """Inform the person individually (or record the exception that dispenses from it)."""
    env = service.env
    if processing not in env.register.processings or processing == "rights_requests":
        service.refuse(
            agent_id, InvalidInput("traitement", processing[:40], "traitement inconnu du registre"), source=source
        )
    today = env.clock.today()
    outcome = service.effects.check(agent_id, subject_id, today, source=source)
    assert outcome.subject is not None
    until = OBSERVATION_PERIOD.after(today) if situation in _NEEDS_PERIOD and exception is None else None
    with connect(env.engine) as connection:
        notice_id = queries.insert_notice(
            connection,
            {
                "subject_id": subject_id,
                "processing_id": processing,
                "situation": situation.value,
                "exception": exception.value if exception is not None else None,
                "sent_on": today,
                "observations_until": until,
                "sent_by": agent_id,
            },
        )
    if exception is not None:
        return NoticeSent(notice_id, None, None, exception)
    described = env.register.processings[processing]
    organisation = env.register.organisations[outcome.subject.organisation]
    context = {
        "organisation": organisation,
        "authority": env.register.supervisory_authority,
        "sent_on": letters.french_date(today),
        "situation": SITUATION_TEXT[situation].format(until=letters.french_date(until)),
        "processing": answers.describe(
            env.register, described, [c.value for c in described.categories(outcome.subject.kind)]
        ),
        "notice_id": notice_id,
    }
    return NoticeSent(notice_id, letters.notice_html(context), until, None)


__all__ = ["EXCEPTION_LABELS", "OBSERVATION_PERIOD", "Exception14", "NoticeSent", "Situation", "notify"]
