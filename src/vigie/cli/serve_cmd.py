"""`vigie serve`: the web service (privacy policy, register API), after the same start-up checks as the CLI."""

from __future__ import annotations

import socket
from typing import Annotated

import typer

from vigie.bootstrap import prepare
from vigie.cli.app import app, out
from vigie.demo.seed import check_request
from vigie.environment import Environment
from vigie.settings import load_settings
from vigie.web import create_app
from vigie.web.server import bind, make_server, url_of

DEFAULT_DEMO_SUBJECTS = 10_000


def _french_int(value: int) -> str:
    """10000 → « 10 000 », with the narrow no-break space of French typography."""
    return f"{value:,}".replace(",", "\u202f")


def seed_if_empty(env: Environment, subjects: int) -> None:
    """Demo mode: give an empty database its synthetic population, once."""
    from vigie.demo.seed import has_population, seed_demo

    if has_population(env.engine):
        out.print("Population de démonstration déjà présente : elle est conservée.")
        return
    out.print(f"Création de la population de démonstration ({_french_int(subjects)} personnes)…")
    report = seed_demo(env, subjects, seed=0)
    seconds = f"{report.seconds:.1f}".replace(".", ",")
    out.print(
        f"Population créée : {_french_int(report.subjects)} personnes, "
        f"{_french_int(report.records)} enregistrements en {seconds} s."
    )


def run_server(env: Environment, sock: socket.socket) -> None:
    """Serve until interrupted (Ctrl+C)."""
    make_server(create_app(env)).run(sockets=[sock])


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="adresse d'écoute (par défaut 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="port d'écoute (par défaut 8000)")] = None,
    demo: Annotated[
        bool | None, typer.Option("--demo/--no-demo", help="mode démonstration : clés et population créées")
    ] = None,
    subjects: Annotated[
        int, typer.Option(min=1, help="taille de la population de démonstration")
    ] = DEFAULT_DEMO_SUBJECTS,
) -> None:
    """Lance le service web : politique de confidentialité et API du registre."""
    settings = load_settings(host=host, port=port, demo=demo)
    if settings.demo:
        check_request(subjects, 0, 10.0)  # a size refused before anything is created
    env = prepare(settings, create_keys=settings.demo)
    if settings.demo:
        seed_if_empty(env, subjects)
    sock = bind(settings.host, settings.port)
    try:
        out.print(f"Service prêt : {url_of(sock)}", highlight=False)
        run_server(env, sock)
    finally:
        sock.close()
        env.engine.dispose()
