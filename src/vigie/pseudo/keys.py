"""Pseudonymisation keys: one file per key, each held by a different role, never in the database.

The national health data system hashes the NIR twice, once at the source and once centrally, so that no single
party holds a table from NIR to pseudonym. vigie keeps the two keys apart the same way: the `source` key file
belongs to the organisation that extracts (its DPO), the `central` key file to the statistics platform. Each
key carries its period (keys change about every two years); a pseudonym is only stable within a period, and
linking two periods needs both keys of both periods.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import stat
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from vigie.errors import ConfigurationError

KEY_BYTES = 32
_PERIOD = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,31}")


class KeyRole(StrEnum):
    """Who holds a key: the extracting organisation (first pass) or the statistics platform (second pass)."""

    SOURCE = "source"
    CENTRAL = "central"


ROLE_LABELS = {KeyRole.SOURCE: "clé de la source (premier passage)", KeyRole.CENTRAL: "clé centrale (second passage)"}


@dataclass(frozen=True, slots=True)
class PseudoKey:
    """A pseudonymisation key: its role, its period and 32 secret bytes."""

    role: KeyRole
    period: str
    secret: bytes

    def __repr__(self) -> str:  # never print the secret, even in a traceback
        return f"PseudoKey(role={self.role.value!r}, period={self.period!r})"


def check_period(period: str) -> str:
    """A key period label (e.g. « 2026-2027 »): 1 to 32 letters, digits, dots, dashes or underscores."""
    if not isinstance(period, str) or not _PERIOD.fullmatch(period):
        raise ConfigurationError(
            "période de clé invalide : 1 à 32 lettres, chiffres, points, tirets ou soulignés (exemple : 2026-2027)"
        )
    return period


def create_key_file(path: Path, role: KeyRole, period: str) -> PseudoKey:
    """Write a new key file readable by its owner only; an existing file is never replaced."""
    key = PseudoKey(role, check_period(period), secrets.token_bytes(KEY_BYTES))
    body = {"version": 1, "role": role.value, "period": key.period, "key": base64.b64encode(key.secret).decode()}
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as error:
        raise ConfigurationError(f"le fichier de clé {path} existe déjà : il n'est pas remplacé") from error
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(body, handle)
    return key


def load_key_file(path: Path, role: KeyRole) -> PseudoKey:
    """Read a key file of `role`, refusing one that is missing, readable by others, malformed or of another role."""
    label = ROLE_LABELS[role]
    try:
        mode = path.stat().st_mode
    except FileNotFoundError as error:
        raise ConfigurationError(f"{label} absente : {path}") from error
    except OSError as error:
        raise ConfigurationError(f"{label} illisible : {path} ({error.strerror})") from error
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigurationError(
            f"{label} {path} accessible à d'autres utilisateurs (droits {stat.S_IMODE(mode):o}) : "
            "restreignez-la avec « chmod 600 »"
        )
    try:
        fields = json.loads(path.read_text(encoding="utf-8"))
        secret = base64.b64decode(fields["key"], validate=True)
        found = KeyRole(fields["role"])
        period = check_period(fields["period"])
    except (ValueError, KeyError, TypeError, OSError) as error:
        raise ConfigurationError(f"{label} {path} illisible ou incomplète") from error
    if found is not role:
        raise ConfigurationError(f"{path} est une {ROLE_LABELS[found]}, pas une {label}")
    if len(secret) != KEY_BYTES:
        raise ConfigurationError(f"{label} {path} : {KEY_BYTES} octets attendus")
    return PseudoKey(role, period, secret)


def default_key_file(data_dir: Path, role: KeyRole) -> Path:
    """Where a key file of `role` lives unless named: beside the database, in its own directory."""
    return data_dir / "pseudo" / f"{role.value}.key"
