"""The one configuration object: read from `VIGIE_*` variables, built by the entry points and passed in.

Nothing reads the environment at import time; `load_settings` reads it when an entry point asks, and
`Settings(...)` takes only what it is given (tests build the settings they need).

A frozen dataclass rather than a pydantic-settings model: every command builds one, and pydantic-settings cost
0.07 s of imports on a quiet machine (a seventh of `vigie access check`) before it could decide anything.
Each field declares here, once, its default, its meaning and how a value is read (type, bounds, rule):
`load_settings`, the constructor, the docs test and the error messages all follow these declarations.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from vigie.durations import Duration
from vigie.errors import ConfigurationError

PREFIX = "VIGIE_"
_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})
_INTEGER = re.compile(r"^[+-]?[0-9]+$")

Read = Callable[[object], Any]


def _rule(meaning: str, read: Read) -> dict[str, Any]:
    """A field's metadata: what the setting means, and how a value of it is read."""
    return {"meaning": meaning, "read": read}


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    raise ValueError("texte attendu")


def _path(value: object) -> Path:
    if isinstance(value, Path):
        return value
    if isinstance(value, str):
        return Path(value)
    raise ValueError("chemin attendu")


def _optional(read: Read) -> Read:
    return lambda value: None if value is None else read(value)


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError("oui ou non attendu (true, false, 1, 0, yes, no)")


def _integer(low: int, high: int) -> Read:
    def read(value: object) -> int:
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and _INTEGER.match(value.strip()):
            number = int(value.strip())
        if number is None or not low <= number <= high:
            raise ValueError(f"nombre entier de {low} à {high} attendu")
        return number

    return read


def _choice(*choices: str) -> Read:
    def read(value: object) -> str:
        if value in choices:
            return str(value)
        raise ValueError(f"une valeur parmi {', '.join(choices)} attendue")

    return read


def _duration(value: object) -> str:
    text = _text(value)
    Duration.parse(text)  # a ValueError in French says what is wrong
    return text


def _origin(value: object) -> str:
    text = _text(value)
    if not text or len(text) > 255 or "+" in text or any(c.isspace() or ord(c) < 0x20 for c in text):
        raise ValueError("origine du journal : 1 à 255 caractères, sans espace, sans « + »")
    return text


@dataclass(frozen=True, slots=True)
class Settings:
    """Where vigie keeps its data and keys, and how the service listens."""

    data_dir: Path = field(
        default=Path("var"), metadata=_rule("dossier des données locales (base SQLite, clés)", _path)
    )
    database_url: str | None = field(
        default=None, metadata=_rule("URL SQLAlchemy de la base ; par défaut SQLite dans data_dir", _optional(_text))
    )
    key_file: Path | None = field(
        default=None, metadata=_rule("fichier des clés maîtresses, hors de la base", _optional(_path))
    )
    register_dir: Path | None = field(
        default=None, metadata=_rule("dossier du registre ; par défaut celui livré", _optional(_path))
    )
    demo: bool = field(
        default=False, metadata=_rule("mode démonstration : crée clés et population au démarrage", _flag)
    )
    host: str = field(default="127.0.0.1", metadata=_rule("adresse d'écoute du service web", _text))
    port: int = field(default=8000, metadata=_rule("port d'écoute du service web", _integer(1, 65535)))
    timezone: str = field(default="Europe/Paris", metadata=_rule("fuseau horaire de l'organisme", _text))
    audit_origin: str = field(
        default="localhost/vigie-audit",
        metadata=_rule(
            "nom du journal d'audit dans ses points de contrôle signés (origine C2SP, sans espace ni +)", _origin
        ),
    )
    witness_dir: Path | None = field(
        default=None,
        metadata=_rule("dossier où le témoin garde le dernier point de contrôle vu, hors de la base", _optional(_path)),
    )
    trust_forwarded_proto: bool = field(
        default=False,
        metadata=_rule(
            "croire l'en-tête X-Forwarded-Proto (seulement derrière un mandataire inverse qui le fixe)", _flag
        ),
    )
    audit_writer: Literal["thread", "process"] = field(
        default="thread",
        metadata=_rule("écriture du journal d'audit : fil du service ou processus dédié", _choice("thread", "process")),
    )

    password_time_cost: int = field(
        default=3,
        metadata=_rule("argon2id : nombre de passes (RFC 9106, second profil recommandé : 3)", _integer(1, 20)),
    )
    password_memory_kib: int = field(
        default=65_536,
        metadata=_rule(
            "argon2id : mémoire par calcul en Kio (RFC 9106, second profil recommandé : 64 Mio)",
            _integer(8 * 4, 4 * 1024 * 1024),
        ),
    )
    password_parallelism: int = field(
        default=4, metadata=_rule("argon2id : voies de calcul parallèles (RFC 9106 : 4)", _integer(1, 16))
    )
    session_idle_minutes: int = field(
        default=15, metadata=_rule("session web fermée après tant de minutes sans activité", _integer(1, 24 * 60))
    )
    session_max_hours: int = field(
        default=12, metadata=_rule("durée maximale d'une session web, activité ou non, en heures", _integer(1, 7 * 24))
    )

    retention_batch_size: int = field(
        default=50000,
        metadata=_rule("dossiers détruits par lot (une transaction) lors d'un balayage", _integer(1, 1_000_000)),
    )
    retention_future_days: int = field(
        default=0,
        metadata=_rule("marge (jours) admise pour un balayage daté après aujourd'hui (--at)", _integer(0, 366)),
    )
    retention_sweep_hour: int = field(
        default=3,
        metadata=_rule("heure du balayage quotidien lancé par « vigie serve » (-1 : aucun)", _integer(-1, 23)),
    )
    connection_log_retention: str = field(
        default="P1Y", metadata=_rule("durée de conservation des traces de connexion du journal (ISO 8601)", _duration)
    )
    audit_log_retention: str = field(
        default="P1Y",
        metadata=_rule("durée de conservation des autres entrées du journal d'audit (ISO 8601)", _duration),
    )

    def __post_init__(self) -> None:
        """Every value read by its field's rule: a text from the environment becomes its type, a bad one is a
        ConfigurationError naming the variable."""
        for spec in fields(self):
            value = getattr(self, spec.name)
            try:
                object.__setattr__(self, spec.name, spec.metadata["read"](value))
            except ValueError as error:
                shown = str(value)[:80]
                raise ConfigurationError(
                    f"configuration invalide : {PREFIX}{spec.name.upper()} = « {shown} » : {error}"
                ) from error

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to an SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'vigie.db').as_posix()}"

    @property
    def resolved_key_file(self) -> Path:
        """The master key file, defaulting to the data directory (outside the database)."""
        return self.key_file if self.key_file is not None else self.data_dir / "master.key"


SETTING_NAMES = tuple(spec.name for spec in fields(Settings))


def from_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The settings the `VIGIE_*` variables give (names in any case; variables that name no setting are
    ignored, as `VIGIE_DEBUG` is read by the command line itself)."""
    found: dict[str, str] = {}
    for name, value in environ.items():
        if name.upper().startswith(PREFIX):
            setting = name[len(PREFIX) :].lower()
            if setting in SETTING_NAMES:
                found[setting] = value
    return found


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment plus explicit overrides (those that are not None win); bad values
    get a French message naming the variable."""
    unknown = sorted(set(overrides) - set(SETTING_NAMES))
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(unknown)}")
    values: dict[str, Any] = from_environment(os.environ)
    values.update({key: value for key, value in overrides.items() if value is not None})
    return Settings(**values)


__all__ = ["SETTING_NAMES", "Settings", "from_environment", "load_settings"]
