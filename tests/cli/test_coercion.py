"""Text options and flags are taken as typed, without the pydantic validator typer would build for each; any
other value, and every other type, keeps typer's own conversion."""

from __future__ import annotations

from typing import Annotated, Any

import typer
import typer.main

from vigie.cli.coercion import takes_plain_values_as_typed


def _params() -> dict[str, Any]:
    app = typer.Typer(add_completion=False)

    @app.command()
    def command(
        name: Annotated[str, typer.Option("--name")],
        flag: Annotated[bool, typer.Option("--flag")] = False,
        count: Annotated[int, typer.Option("--count", min=1)] = 1,
        database: Annotated[str | None, typer.Option("--database")] = None,
    ) -> None:
        """A command of each kind of option."""

    return {param.name: param for param in typer.main.get_command(app).params}


def test_text_options_and_flags_get_the_light_converter_and_numbers_keep_typers() -> None:
    params = _params()
    assert [name for name, param in params.items() if takes_plain_values_as_typed(param)] == [
        "name",
        "flag",
        "database",
    ]
    assert params["count"]._runtime_param is None  # left to typer, which builds its validator on first use


def test_values_of_their_type_pass_as_they_are() -> None:
    params = _params()
    for param in params.values():
        takes_plain_values_as_typed(param)
    text = "agent-éèà"
    assert params["name"].get_runtime_param().coerce(text, param=params["name"], ctx=None) is text
    assert params["flag"].get_runtime_param().coerce(True, param=params["flag"], ctx=None) is True
    assert params["database"].get_runtime_param().coerce(None, param=params["database"], ctx=None) is None


def test_other_values_get_typers_own_conversion() -> None:
    params = _params()
    for param in params.values():
        takes_plain_values_as_typed(param)
    assert params["name"].get_runtime_param().coerce(b"octets", param=params["name"], ctx=None) == "octets"
    assert params["flag"].get_runtime_param().coerce("yes", param=params["flag"], ctx=None) is True
    assert params["count"].get_runtime_param().coerce("3", param=params["count"], ctx=None) == 3
