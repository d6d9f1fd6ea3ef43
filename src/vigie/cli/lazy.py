"""The root command group: it lists every command from a table and imports a command's module only to run it.

Importing every command up front cost 1.3 s (FastAPI, uvicorn, Alembic and NumPy among them) before any
command ran, `vigie --help` included. Each module still registers its typer commands on the root app
when imported; this group imports the one module a command line names, then builds and prepares it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import typer
from typer.core import TyperGroup

from vigie.cli import collection
from vigie.cli.coercion import takes_plain_values_as_typed
from vigie.cli.help import GROUP_METAVAR, FrenchContext
from vigie.cli.hygiene import guard, journaled_names

COMPLETION_PARAMS = frozenset({"install_completion", "show_completion"})


@dataclass(frozen=True)
class Entry:
    """One command of the root: the module that defines it and its summary in `vigie --help`."""

    module: str
    summary: str


COMMANDS: dict[str, Entry] = {
    "init": Entry(
        "vigie.cli.init_cmd", "Crée le fichier de clés (droits 0600) et la base ; refuse d'écraser des clés existantes."
    ),
    "serve": Entry("vigie.cli.serve_cmd", "Lance le service web : politique de confidentialité et API du registre."),
    "register": Entry("vigie.cli.register_cmd", "Le registre des traitements."),
    "demo": Entry("vigie.cli.demo_cmd", "La population de démonstration (données synthétiques)."),
    "agent": Entry("vigie.cli.agent_cmd", "Les agents, leurs jetons d'accès à l'API et leur connexion au navigateur."),
    "account": Entry("vigie.cli.account_cmd", "Les comptes en ligne : liste, déverrouillage, mot de passe provisoire."),
    "access": Entry("vigie.cli.access_cmd", "Le contrôle d'accès aux données personnelles."),
    "subject": Entry("vigie.cli.access_cmd", "Les personnes concernées (lectures tracées)."),
    "audit": Entry("vigie.cli.audit_cmd", "Le journal d'audit : vérification, consultation, preuves."),
    "pseudo": Entry(
        "vigie.cli.pseudo_cmd", "Les données pseudonymisées : extractions, contrôles d'anonymat, clés, pilotage."
    ),
    "consent": Entry("vigie.cli.consent_cmd", "Les preuves des choix de cookies des visiteurs."),
    "rights": Entry("vigie.cli.rights_cmd", "Les demandes d'exercice des droits des personnes (DPO)."),
    "retention": Entry(
        "vigie.cli.retention_cmd", "La conservation : plan, balayage des données échues, retenues légales, journal."
    ),
    "completion": Entry("vigie.cli.completion_cmd", "Affiche le script de complétion des commandes pour un shell."),
}


def prepare_command(command: Any) -> Any:
    """French help, checked values, text and flags taken as typed, and no typer completion options, on a command
    and all it contains."""
    command.context_class = FrenchContext
    command.params = [p for p in command.params if p.name not in COMPLETION_PARAMS]
    skipped = journaled_names(command)
    for param in command.params:
        takes_plain_values_as_typed(param)
        if param.name not in skipped:
            guard(param)
    children = getattr(command, "commands", None)
    if children is not None:
        command.subcommand_metavar = GROUP_METAVAR
        for child in children.values():
            prepare_command(child)
    return command


def _build(app: typer.Typer, name: str) -> Any:
    """The click command that `app` has registered under `name`, once its module is imported."""
    for group in app.registered_groups:
        if group.name == name and group.typer_instance is not None:
            command = typer.main.get_group(group.typer_instance)
            command.name = name
            return command
    for info in app.registered_commands:
        if info.name == name:
            single = typer.Typer(add_completion=False)
            single.registered_commands.append(info)
            return typer.main.get_command(single)
    return None


class LazyGroup(TyperGroup):
    """The root `vigie` group; commands are imported and built on first use."""

    context_class = FrenchContext

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def summaries(self) -> list[tuple[str, str]]:
        """Each command with its summary, without importing any command module."""
        return [(name, entry.summary) for name, entry in COMMANDS.items()]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        command = self.commands.get(cmd_name)
        if command is None:
            from vigie.cli.app import app

            importlib.import_module(entry.module)
            collection.loaded()
            command = _build(app, cmd_name)
            if command is None:
                return None
            self.commands[cmd_name] = command
        return prepare_command(command)
