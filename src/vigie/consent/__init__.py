"""Cookie consent with proof: the banner compiled from the register, the signed choice cookie, the proofs."""

from vigie.consent.choice import COOKIE_NAME, Action, Choice, Screen, StoredChoice, parse_choice
from vigie.consent.policy import Category, CookiePolicy, Service, cookie_policy
from vigie.consent.service import ConsentService, ConsentState, Recorded
from vigie.consent.writer import ProofWriter

__all__ = [
    "COOKIE_NAME",
    "Action",
    "Category",
    "Choice",
    "ConsentService",
    "ConsentState",
    "CookiePolicy",
    "ProofWriter",
    "Recorded",
    "Screen",
    "Service",
    "StoredChoice",
    "cookie_policy",
    "parse_choice",
]
