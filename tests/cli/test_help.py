"""`--help` is French throughout: the parser's own words, type names, markers and every command's texts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer

from vigie.cli import commands  # noqa: F401 - registers every command
from vigie.cli.app import app, run
from vigie.cli.help import ARGUMENT_NAMES, FrenchContext, argument_row, first_line, option_row
from vigie.cli.lazy import COMMANDS

# The parser's scaffolding, which it writes in English unless vigie renders the help itself.
SCAFFOLDING = re.compile(
    r"\b(Usage|Options:|Commands|Arguments:|Show this message|default|required|TEXT|INTEGER|FLOAT|PATH"
    r"|BOOLEAN|COMMAND|ARGS|env var|Try|Error|Install completion|Show completion)\b"
)
# Words that would betray an English sentence in a help text.
ENGLISH = re.compile(r"\b(the|and|of|to|for|with|this|is|are|from|print|prints|when|which)\b", re.IGNORECASE)


def command_paths(command: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    for name, child in (getattr(command, "commands", None) or {}).items():
        yield from command_paths(child, (*prefix, name))


ROOT = typer.main.get_command(app)
ALL = sorted(command_paths(ROOT))


def help_of(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert run([*path, "--help"]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(("vigie", *p)))
def test_every_help_page_is_french(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    shown = help_of(path, capsys)
    assert shown.startswith(f"Utilisation : {' '.join(('vigie', *path))}")
    assert "Options :" in shown and "affiche cette aide et quitte" in shown
    assert not SCAFFOLDING.search(shown), SCAFFOLDING.search(shown)
    words = ENGLISH.findall(re.sub(r"--?[\w-]+", "", shown))  # option names are identifiers
    assert not words, words


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(("vigie", *p)))
def test_every_option_and_argument_is_described(path: tuple[str, ...]) -> None:
    command: Any = ROOT
    ctx = FrenchContext(ROOT, info_name="vigie")
    for name in path:
        command = command.get_command(ctx, name)
        ctx = FrenchContext(command, info_name=name, parent=ctx)
    for param in command.get_params(ctx):
        if getattr(param, "param_type_name", "") == "argument":
            name, text = argument_row(param)
            assert name.upper() == name
            assert param.metavar or name in ARGUMENT_NAMES.values(), f"{param.name}: no French name"
        else:
            name, text = option_row(ctx, param)
        assert text.replace("[facultatif]", "").strip(), f"{name} has no description"


def test_defaults_and_required_markers_are_french(capsys: pytest.CaptureFixture[str]) -> None:
    shown = help_of(("audit", "tail"), capsys)
    assert "[par défaut : 20]" in shown
    assert "-n, --nombre ENTIER" in shown
    check = help_of(("access", "check"), capsys)
    assert "--agent TEXTE" in check and "[obligatoire]" in check
    export = help_of(("register", "export"), capsys)
    assert "[json|csv|markdown]" in export and "[par défaut : json]" in export
    prove = help_of(("audit", "prove"), capsys)
    assert "Utilisation : vigie audit prove [OPTIONS] NUMÉRO" in prove


def test_the_root_help_lists_every_command_without_importing_them(capsys: pytest.CaptureFixture[str]) -> None:
    shown = help_of((), capsys)
    assert "COMMANDE [ARGUMENTS]..." in shown and "--version" in shown
    for name, entry in COMMANDS.items():
        assert re.search(rf"^  {name}\s+", shown, re.MULTILINE), name
        assert entry.summary[:40] in " ".join(shown.split())


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_root_summaries_are_the_commands_own_first_lines(name: str) -> None:
    ctx = typer.Context(ROOT)
    command = ROOT.get_command(ctx, name)
    assert command is not None
    assert COMMANDS[name].summary == first_line(command.help)


def test_usage_errors_are_french(capsys: pytest.CaptureFixture[str]) -> None:
    cases = {
        ("nope",): "commande inconnue « nope »",
        ("access", "check", "--agnt", "x"): "option inconnue : --agnt (options possibles : --agent)",
        ("access", "check"): "option obligatoire manquante : --agent",
        ("serve", "--port", "abc"): "valeur invalide pour --port : nombre entier attendu",
        ("register", "check", "a", "b"): "argument en trop : b",
        ("agent", "list", "--json=3"): "l'option --json ne prend pas de valeur",
        ("register", "export", "--format", "xml"): "« xml » n'est pas une valeur admise",
        ("audit", "prove"): "argument manquant : NUMÉRO",
    }
    for argv, message in cases.items():
        capsys.readouterr()
        assert run(list(argv)) == 2
        err = capsys.readouterr().err
        assert message in err, (argv, err)
        assert not SCAFFOLDING.search(err.replace("vigie --help", "")), err


def test_every_command_registered_on_the_root_is_in_its_table() -> None:
    """A root command missing from the lazy table would be neither listed nor reachable."""
    registered = {group.name for group in app.registered_groups} | {info.name for info in app.registered_commands}
    assert registered == set(COMMANDS)
