"""`vigie completion SHELL`: the script that makes a shell complete vigie's commands and options."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from vigie.cli.app import app

COMPLETE_VAR = "_VIGIE_COMPLETE"


class Shell(StrEnum):
    """The shells whose completion scripts typer knows how to write."""

    BASH = "bash"
    ZSH = "zsh"
    FISH = "fish"
    POWERSHELL = "powershell"


def completion_script(shell: Shell) -> str:
    """The completion script for `shell`; it calls `vigie` back with _VIGIE_COMPLETE set."""
    from typer._completion_shared import get_completion_script

    return get_completion_script(prog_name="vigie", complete_var=COMPLETE_VAR, shell=shell.value)


@app.command("completion")
def completion(
    shell: Annotated[Shell, typer.Argument(help="shell : bash, zsh, fish ou powershell")],
) -> None:
    """Affiche le script de complétion des commandes pour un shell.

    Pour bash, ajoutez à ~/.bashrc la ligne : eval "$(vigie completion bash)". Pour zsh, la même dans
    ~/.zshrc ; pour fish : vigie completion fish > ~/.config/fish/completions/vigie.fish.
    """
    typer.echo(completion_script(shell))
