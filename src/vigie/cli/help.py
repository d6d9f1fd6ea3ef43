"""French help pages, rendered from the parsed command tree rather than by the parser's English formatter.

The parser (typer) writes « Usage », « Options », « [default: …] » and type names such as TEXT in English,
in literals that no message catalogue reaches. So `--help` is rendered here, from what the parser knows of
each command: its help text, its parameters, their defaults and whether they are required.
"""

from __future__ import annotations

import enum
import shutil
import textwrap
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

import typer

from vigie.cli.coercion import takes_plain_values_as_typed

USAGE = "Utilisation :"
HELP_OPTION = "affiche cette aide et quitte"
GROUP_METAVAR = "COMMANDE [ARGUMENTS]..."

# Type names shown after an option, in French (the parser shows TEXT, INTEGER, PATH...).
_TYPE_METAVARS: tuple[tuple[type, str], ...] = (
    (bool, "OUI|NON"),
    (int, "ENTIER"),
    (float, "NOMBRE"),
    (PurePath, "CHEMIN"),
    (str, "TEXTE"),
)

# Positional arguments are shown by name; their Python names are English, so each gets its French name.
ARGUMENT_NAMES = {
    "agent": "AGENT",
    "directory": "DOSSIER",
    "seq": "NUMÉRO",
    "shell": "SHELL",
    "subject": "PERSONNE",
}

# Options whose value is better named by what it is than by its type.
OPTION_METAVARS = {"database": "URL"}

# Options that several commands share and some declare without a help text.
SHARED_OPTION_HELP = {
    "as_json": "sortie JSON",
    "database": "URL de la base de données",
}


class FrenchContext(typer.Context):
    """A parser context whose help page is the French one (and whose `--help` flag needs no validator)."""

    def __init__(self, command: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(command, *args, **kwargs)
        takes_plain_values_as_typed(command.get_help_option(self))  # built per command, beside its params

    def get_help(self) -> str:
        return render_help(self)

    def get_usage(self) -> str:
        return usage_line(self)


def first_line(text: str | None) -> str:
    """The summary of a help text: its first line, as shown in a list of commands."""
    return (text or "").strip().split("\n", 1)[0].strip()


def _annotation(param: Any) -> Any:
    descriptor = getattr(param, "type_descriptor", None)
    return getattr(descriptor, "annotation", None)


def _choices(param: Any) -> list[str] | None:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None and getattr(descriptor, "is_choice", False):
        return [c.value if isinstance(c, enum.Enum) else str(c) for c in descriptor.choices or ()]
    annotation = _annotation(param)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return [str(member.value) for member in annotation]
    return None


def value_metavar(param: Any) -> str:
    """The placeholder shown for a parameter's value: its declared metavar, its choices or its French type."""
    if param.metavar:
        return str(param.metavar)
    if getattr(param, "param_type_name", "") == "argument":
        return ARGUMENT_NAMES.get(param.name, str(param.name).upper())
    if param.name in OPTION_METAVARS:
        return OPTION_METAVARS[param.name]
    choices = _choices(param)
    if choices:
        return "[" + "|".join(choices) + "]"
    annotation = _annotation(param)
    for kind, label in _TYPE_METAVARS:
        if isinstance(annotation, type) and issubclass(annotation, kind):
            return label
    return "VALEUR"


def _is_flag(param: Any) -> bool:
    return bool(getattr(param, "is_flag", False)) or getattr(param, "count", False)


def _default_text(param: Any) -> str | None:
    if param.required or _is_flag(param) or getattr(param, "show_default", True) is False:
        return None
    default = param.default
    if default is None or callable(default) or default == ():
        return None
    if isinstance(default, enum.Enum):
        default = default.value
    if isinstance(default, float):
        return f"{default:g}".replace(".", ",")
    if isinstance(default, int) and not isinstance(default, bool):
        return f"{default:,}".replace(",", "\u202f")  # 10 000, with French typography's narrow space
    return str(default)


def option_names(param: Any) -> str:
    names = ", ".join(sorted(param.opts, key=len))
    secondary = getattr(param, "secondary_opts", None)
    if secondary:
        names += " / " + ", ".join(secondary)
    return names


def option_row(ctx: typer.Context, param: Any) -> tuple[str, str]:
    names = option_names(param)
    if not _is_flag(param):
        names += " " + value_metavar(param)
    if param.name == "help" or list(param.opts) == list(ctx.help_option_names):
        return names, HELP_OPTION
    text = param.help or SHARED_OPTION_HELP.get(param.name, "")
    markers = []
    default = _default_text(param)
    if default is not None:
        markers.append(f"par défaut : {default}")
    if param.required:
        markers.append("obligatoire")
    if markers:
        text = f"{text}  [{' ; '.join(markers)}]" if text else f"[{' ; '.join(markers)}]"
    return names, text


def argument_row(param: Any) -> tuple[str, str]:
    text = param.help or ""
    if not param.required:
        text = f"{text}  [facultatif]" if text else "[facultatif]"
    return value_metavar(param), text


def _usage_pieces(ctx: typer.Context) -> list[str]:
    command = ctx.command
    pieces = ["[OPTIONS]"]
    for param in command.params:
        if getattr(param, "param_type_name", "") == "argument" and not getattr(param, "hidden", False):
            metavar = value_metavar(param)
            pieces.append(metavar if param.required else f"[{metavar}]")
    if hasattr(command, "list_commands"):
        pieces.append(GROUP_METAVAR)
    return pieces


def usage_line(ctx: typer.Context) -> str:
    """« Utilisation : vigie audit tail [OPTIONS] »: the one-line synopsis of a command."""
    return f"{USAGE} {ctx.command_path} {' '.join(_usage_pieces(ctx))}"


def _table(title: str, rows: Iterable[tuple[str, str]], width: int) -> list[str]:
    rows = list(rows)
    if not rows:
        return []
    left = min(max(len(name) for name, _ in rows) + 2, 34)
    lines = [f"{title} :"]
    for name, text in rows:
        wrapped = textwrap.wrap(text, max(width - left - 2, 30)) or [""]
        if len(name) + 2 > left:
            lines.append(f"  {name}")
            lines.extend(" " * (left + 2) + part for part in wrapped)
            continue
        lines.append(f"  {name.ljust(left)}{wrapped[0]}".rstrip())
        lines.extend(" " * (left + 2) + part for part in wrapped[1:])
    return ["", *lines]


def command_rows(ctx: typer.Context) -> list[tuple[str, str]]:
    """Each sub-command of a group with its summary; a group may give summaries without loading commands."""
    command: Any = ctx.command
    summaries = getattr(command, "summaries", None)
    if callable(summaries):
        return list(summaries())
    rows = []
    for name in command.list_commands(ctx):
        child = command.get_command(ctx, name)
        if child is not None and not getattr(child, "hidden", False):
            rows.append((name, first_line(child.help)))
    return rows


def render_help(ctx: typer.Context) -> str:
    """The whole help page of the command of `ctx`, in French."""
    command: Any = ctx.command
    width = min(shutil.get_terminal_size((100, 24)).columns, 100)
    lines = [usage_line(ctx)]
    if command.help:
        lines.append("")
        for paragraph in textwrap.dedent(command.help).strip().split("\n\n"):
            lines.extend("  " + part for part in textwrap.wrap(" ".join(paragraph.split()), width - 2))
            lines.append("")
        lines.pop()
    params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
    arguments = [p for p in params if getattr(p, "param_type_name", "") == "argument"]
    options = [p for p in params if getattr(p, "param_type_name", "") != "argument"]
    lines += _table("Arguments", (argument_row(p) for p in arguments), width)
    lines += _table("Options", (option_row(ctx, p) for p in options), width)
    if hasattr(command, "list_commands"):
        lines += _table("Commandes", command_rows(ctx), width)
    if command.epilog:
        lines.append("")
        lines.extend(line.rstrip() for line in textwrap.dedent(command.epilog).strip().splitlines())
    return "\n".join(lines)
