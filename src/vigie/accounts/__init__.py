"""Online accounts: sign-up of insured people, health professionals and employers (linked to their subject
through the NIR or SIRET blind index), sign-in with a password (and TOTP for agents), throttling, sessions.

passwords   the password rules, with French feedback (zxcvbn as a filter)
hashing     argon2id with RFC 9106 parameters, rehash on parameter change
throttle    per-account delay after 5 failures, lock after 10
forms       strict parsing of the account forms, every problem next to its field
totp        agents' second factor
sessions    server-side sessions (idle and absolute lifetimes)
queries     the slice's SQL
service     Accounts: the one entry point of the surfaces
"""

from vigie.accounts.forms import PROFILE_LABELS, Credentials, Profile, SignUp, parse_sign_in, parse_sign_up
from vigie.accounts.passwords import Person, Verdict, check
from vigie.accounts.service import Accounts, Opened
from vigie.accounts.sessions import Session

__all__ = [
    "PROFILE_LABELS",
    "Accounts",
    "Credentials",
    "Opened",
    "Person",
    "Profile",
    "Session",
    "SignUp",
    "Verdict",
    "check",
    "parse_sign_in",
    "parse_sign_up",
]
