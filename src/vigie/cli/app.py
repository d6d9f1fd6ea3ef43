"""The root typer application and the one place where errors become messages and exit codes.

Exit codes, from the error tree of `vigie.errors` (documented in docs/cli.md and `vigie --help`):

    0  done
    1  refused: the gate said no, or the answer asked for is « no »
    2  bad input: usage, a malformed or empty value, an unknown name, an invalid register
    3  unavailable: database, key file, settings, or an operating-system error (path, permission, disk)
    4  the audit journal has been tampered with
    70 internal error (a bug), 130 interrupted
"""

from __future__ import annotations

import json
import os
import sys
from enum import IntEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from vigie import __version__
from vigie.cli.hygiene import empty_settings
from vigie.cli.lazy import LazyGroup
from vigie.cli.system import french_driver_message, french_os_error
from vigie.cli.usage import french_usage
from vigie.errors import (
    AccessRefused,
    ConfigurationError,
    DecryptionError,
    ExtractSpecError,
    InvalidIdentifier,
    InvalidInput,
    JournalError,
    NotFound,
    PopulationExists,
    RegisterError,
    StorageError,
    SweepInProgress,
    TamperedJournal,
    VigieError,
)


class ExitCode(IntEnum):
    """What the exit status of `vigie` means; scripts may rely on these values."""

    OK = 0
    REFUSED = 1
    BAD_INPUT = 2
    UNAVAILABLE = 3
    TAMPERED = 4
    INTERNAL = 70
    INTERRUPTED = 130


EXIT_CODES_HELP = """Codes de sortie :
  0  terminé
  1  refusé (accès refusé, réponse négative)
  2  saisie invalide (option, valeur, nom inconnu, registre invalide)
  3  base, clés, configuration ou système de fichiers indisponibles
  4  journal d'audit altéré
  70 erreur interne ; 130 interrompu"""

EXIT_BAD_INPUT = ExitCode.BAD_INPUT  # kept for callers of the former constant

app = typer.Typer(
    name="vigie",
    cls=LazyGroup,
    help="Protection des données personnelles de l'Assurance Maladie : registre, coffre, audit.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
if TYPE_CHECKING:
    from rich.console import Console

_consoles: dict[str, Console] = {}


def _console(name: str) -> Console:
    """`out` (stdout) and `err` (stderr), built on first use: `vigie --help` need not import rich."""
    if name not in _consoles:
        from rich.console import Console

        _consoles[name] = Console(stderr=True, soft_wrap=True) if name == "err" else Console()
    return _consoles[name]


def __getattr__(name: str) -> Console:
    if name in ("out", "err"):
        return _console(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"vigie {__version__}")
        raise typer.Exit(ExitCode.OK)


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", help="affiche la version de vigie et quitte", is_eager=True, callback=_show_version),
    ] = False,
) -> None:
    """Protection des données personnelles de l'Assurance Maladie : registre, coffre, audit."""


# Every class of the tree in vigie.errors, with its exit code; an error takes the code of its nearest class.
EXIT_CODES: dict[type[BaseException], ExitCode] = {
    VigieError: ExitCode.BAD_INPUT,
    AccessRefused: ExitCode.REFUSED,
    InvalidInput: ExitCode.BAD_INPUT,
    InvalidIdentifier: ExitCode.BAD_INPUT,
    NotFound: ExitCode.BAD_INPUT,
    RegisterError: ExitCode.BAD_INPUT,
    ExtractSpecError: ExitCode.BAD_INPUT,
    PopulationExists: ExitCode.BAD_INPUT,  # the database named is not an empty one
    ConfigurationError: ExitCode.UNAVAILABLE,
    DecryptionError: ExitCode.UNAVAILABLE,  # the key file in use does not open the data
    StorageError: ExitCode.UNAVAILABLE,
    JournalError: ExitCode.UNAVAILABLE,
    SweepInProgress: ExitCode.UNAVAILABLE,
    TamperedJournal: ExitCode.TAMPERED,
    OSError: ExitCode.UNAVAILABLE,  # a path, a permission, a full or read-only disk
}


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code of an error, from its place in the tree of `vigie.errors`."""
    for kind in type(error).__mro__:
        if kind in EXIT_CODES:
            return EXIT_CODES[kind]
    return ExitCode.INTERNAL


def message_for(error: BaseException) -> str:
    """The French sentence shown for an error."""
    if isinstance(error, OSError):
        return french_os_error(error)
    if isinstance(error, StorageError):
        return french_driver_message(str(error))
    return str(error)


def wants_json(argv: list[str]) -> bool:
    """Whether the command line asks for JSON (errors then come as JSON on stdout too)."""
    words = argv[: argv.index("--")] if "--" in argv else argv
    return "--json" in words


def _json_error(code: ExitCode, kind: str, message: str, **extra: Any) -> None:
    body: dict[str, Any] = {"code": int(code), "kind": kind, "message": message, **extra}
    sys.stdout.write(json.dumps({"error": body}, ensure_ascii=False) + "\n")
    sys.stdout.flush()


_KINDS = {
    ExitCode.REFUSED: "refused",
    ExitCode.BAD_INPUT: "bad_input",
    ExitCode.UNAVAILABLE: "unavailable",
    ExitCode.TAMPERED: "tampered",
    ExitCode.INTERNAL: "internal",
    ExitCode.INTERRUPTED: "interrupted",
}


def report_error(error: BaseException, *, as_json: bool = False) -> ExitCode:
    """Print an error in French (stderr), or as JSON (stdout) under `--json`; return its exit code."""
    code = exit_code_for(error)
    message = message_for(error)
    problems = error.problems if isinstance(error, RegisterError) else []
    if as_json:
        extra: dict[str, Any] = {}
        if problems:
            extra["problems"] = [
                {"file": p.file, "line": p.line, "field": p.field, "message": p.message} for p in problems
            ]
        _json_error(code, _KINDS[code], message, **extra)
        return code
    err = _console("err")
    err.print(f"[bold red]Erreur :[/] {_escape(message)}", highlight=False)
    for problem in problems:
        err.print(f"  {problem}", highlight=False, markup=False)
    return code


def _report_usage(message: str, as_json: bool) -> ExitCode:
    if as_json:
        _json_error(ExitCode.BAD_INPUT, "usage", message)
    else:
        _console("err").print(
            f"[bold red]Erreur d'utilisation :[/] {_escape(message)}\nAide : vigie --help", highlight=False
        )
    return ExitCode.BAD_INPUT


def _complete_if_asked(command: Any) -> None:
    """Shell completion: the script installed by `vigie completion` calls vigie with _VIGIE_COMPLETE set."""
    if os.environ.get("_VIGIE_COMPLETE"):
        from typer._completion_classes import completion_init

        completion_init()
        command._main_shell_completion({}, "vigie", "_VIGIE_COMPLETE")


def run(argv: list[str]) -> int:
    """Run the command line and return its exit code; known errors get a French message, never a traceback."""
    as_json = wants_json(argv)
    empty = empty_settings(os.environ)
    if empty and not {"--help", "--version"} & set(argv):
        return _report_usage(
            f"variable d'environnement vide : {', '.join(empty)} (donnez-lui une valeur ou supprimez-la)", as_json
        )
    command = typer.main.get_command(app)
    try:
        _complete_if_asked(command)
        result = command.main(args=argv, prog_name="vigie", standalone_mode=False)
    except typer.Exit as done:
        return int(done.exit_code)
    except VigieError as error:
        return report_error(error, as_json=as_json)
    except OSError as error:
        return report_error(error, as_json=as_json)
    except typer.TyperException as error:  # usage errors: unknown option, bad or missing value
        if type(error).__name__ == "NoArgsIsHelpError":  # a group named without its command
            ctx = getattr(error, "ctx", None)
            typer.echo(ctx.get_help() if ctx is not None else str(error), err=True)
            return ExitCode.BAD_INPUT
        return _report_usage(french_usage(error), as_json)
    except (typer.Abort, KeyboardInterrupt):
        if as_json:
            _json_error(ExitCode.INTERRUPTED, "interrupted", "interrompu")
        else:
            _console("err").print("Interrompu.")
        return ExitCode.INTERRUPTED
    except Exception as error:  # a bug: say so plainly; the traceback only on request
        if os.environ.get("VIGIE_DEBUG"):
            raise
        message = f"{type(error).__name__}. Relancez avec VIGIE_DEBUG=1 pour le détail."
        if as_json:
            _json_error(ExitCode.INTERNAL, "internal", message)
        else:
            _console("err").print(f"[bold red]Erreur interne :[/] {message}", highlight=False)
        return ExitCode.INTERNAL
    return result if isinstance(result, int) else ExitCode.OK
