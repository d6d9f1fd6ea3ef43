"""The root typer application and the one place where errors become messages and exit codes."""

from __future__ import annotations

import os

import typer
from rich.console import Console
from typer import TyperException

from vigie.cli.usage import french_usage
from vigie.errors import RegisterError, VigieError

app = typer.Typer(
    name="vigie",
    help="Protection des données personnelles de l'Assurance Maladie : registre, coffre, audit.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True, soft_wrap=True)

EXIT_BAD_INPUT = 2


def report_error(error: VigieError) -> None:
    """Print a vigie error in French on stderr, every register problem on its own line."""
    if isinstance(error, RegisterError):
        err.print(f"[bold red]Erreur :[/] {error}", highlight=False)
        for problem in error.problems:
            err.print(f"  {problem}", highlight=False, markup=False)
    else:
        err.print(f"[bold red]Erreur :[/] {error}", highlight=False)


def run(argv: list[str]) -> int:
    """Run the command line; known errors exit 2 with a message, never a traceback."""
    from vigie.cli import commands  # noqa: F401 - registers the sub-commands on `app`

    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="vigie", standalone_mode=False)
    except VigieError as error:
        report_error(error)
        return EXIT_BAD_INPUT
    except typer.Exit as done:
        return int(done.exit_code)
    except TyperException as error:  # usage errors: unknown option, bad value
        formatter = getattr(error, "format_message", None)
        message = french_usage(formatter() if callable(formatter) else str(error))
        err.print(f"[bold red]Erreur d'utilisation :[/] {message}\nAide : vigie --help", highlight=False)
        return EXIT_BAD_INPUT
    except (typer.Abort, KeyboardInterrupt):
        err.print("Interrompu.")
        return 130
    except Exception as error:  # a bug: say so plainly; the traceback only on request
        if os.environ.get("VIGIE_DEBUG"):
            raise
        err.print(f"[bold red]Erreur interne :[/] {type(error).__name__}. Relancez avec VIGIE_DEBUG=1 pour le détail.")
        return 1
    return result if isinstance(result, int) else 0
