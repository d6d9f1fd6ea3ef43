"""Data-subject rights: requests, legal deadlines, decisions grounded in the register, answers and notices.

model        kinds, channels, statuses, outcomes, Request, Ruling
parsing      strict parsers for what people type (kind, channel, dates, request ids, processings)
deadlines    one calendar month, extensions, identity hold, due-soon and overdue flags (pure)
grounds      each right's outcome per processing, with its legal ground, from the register (pure)
queries      the slice's SQL
service      RightsService: intake, identity, decisions and their effects through the gate
replies      the answer to a decided request (content read through the gate, the letter)
lifting      lifting a limitation (GDPR 18(3)), the person told first
answers      the access answer's content, agents pseudonymised
letters      French letters as HTML and PDF
notices      individual information (GDPR 14)
stats        counts, median time to answer, overdue
"""

from vigie.rights.lifting import Lifted, lift
from vigie.rights.model import Channel, Outcome, Request, RequestKind, Ruling, Status
from vigie.rights.notices import Exception14, NoticeSent, Situation, notify
from vigie.rights.replies import Reply, answer
from vigie.rights.service import Intake, RightsService
from vigie.rights.stats import Stats, stats

__all__ = [
    "Channel",
    "Exception14",
    "Intake",
    "Lifted",
    "NoticeSent",
    "Outcome",
    "Reply",
    "Request",
    "RequestKind",
    "RightsService",
    "Ruling",
    "Situation",
    "Stats",
    "Status",
    "answer",
    "lift",
    "notify",
    "stats",
]
