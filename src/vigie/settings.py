"""The one configuration object: read from `VIGIE_*` variables, built by the entry points and passed in.

Nothing reads the environment at import time; tests and commands build the `Settings` they need.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from vigie.durations import Duration
from vigie.errors import ConfigurationError


class Settings(BaseSettings):
    """Where vigie keeps its data and keys, and how the service listens."""

    model_config = SettingsConfigDict(env_prefix="VIGIE_", frozen=True, extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="dossier des données locales (base SQLite, clés)")
    database_url: str | None = Field(
        default=None, description="URL SQLAlchemy de la base ; par défaut SQLite dans data_dir"
    )
    key_file: Path | None = Field(default=None, description="fichier des clés maîtresses, hors de la base")
    register_dir: Path | None = Field(default=None, description="dossier du registre ; par défaut celui livré")
    demo: bool = Field(default=False, description="mode démonstration : crée clés et population au démarrage")
    host: str = Field(default="127.0.0.1", description="adresse d'écoute du service web")
    port: int = Field(default=8000, ge=1, le=65535, description="port d'écoute du service web")
    timezone: str = Field(default="Europe/Paris", description="fuseau horaire de l'organisme")
    audit_origin: str = Field(
        default="localhost/vigie-audit",
        description="nom du journal d'audit dans ses points de contrôle signés (origine C2SP, sans espace ni +)",
    )
    witness_dir: Path | None = Field(
        default=None, description="dossier où le témoin garde le dernier point de contrôle vu, hors de la base"
    )
    audit_writer: Literal["thread", "process"] = Field(
        default="thread", description="écriture du journal d'audit : fil du service ou processus dédié"
    )

    retention_batch_size: int = Field(
        default=50000, ge=1, le=1_000_000, description="dossiers détruits par lot (une transaction) lors d'un balayage"
    )
    retention_future_days: int = Field(
        default=0, ge=0, le=366, description="marge (jours) admise pour un balayage daté après aujourd'hui (--at)"
    )
    retention_sweep_hour: int = Field(
        default=3, ge=-1, le=23, description="heure du balayage quotidien lancé par « vigie serve » (-1 : aucun)"
    )
    connection_log_retention: str = Field(
        default="P1Y", description="durée de conservation des traces de connexion du journal (ISO 8601)"
    )
    audit_log_retention: str = Field(
        default="P1Y", description="durée de conservation des autres entrées du journal d'audit (ISO 8601)"
    )

    @field_validator("connection_log_retention", "audit_log_retention")
    @classmethod
    def _duration(cls, value: str) -> str:
        Duration.parse(value)  # a ValueError in French says what is wrong
        return value

    @field_validator("audit_origin")
    @classmethod
    def _origin(cls, value: str) -> str:
        if not value or len(value) > 255 or "+" in value or any(c.isspace() or ord(c) < 0x20 for c in value):
            raise ValueError("origine du journal : 1 à 255 caractères, sans espace, sans « + »")
        return value

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


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment plus explicit overrides; bad values get a French message."""
    clean = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**clean)  # type: ignore[arg-type]
    except ValueError as error:
        raise ConfigurationError(f"configuration invalide : {error}") from error
