"""Running the application under uvicorn on a socket bound beforehand, in one process or several.

Binding first lets `vigie serve` say « port déjà utilisé » in French before anything starts, print its URL
only once the port is really held, and lets tests serve on a free port chosen by the system (port 0).

One Python process serves on one core at most. With `workers > 1`, uvicorn's supervisor starts that many
processes on the same socket (and replaces one that dies); each builds its own application from the settings,
with its own journal writer. The journal stays one chain: every writer takes the head row's lock before it
chains a group (see `vigie.audit.journal`), whichever process it runs in.

Once a process has built its application, what it built (the register, the compiled policy, the password
lists, the routes: some hundred thousand objects that live as long as the process) is frozen out of the cyclic
garbage collector's reach (`gc.freeze`): otherwise each full collection walks all of it again while every
request waits, pauses of tens of milliseconds, up to 200 ms on a busy machine, that were most of the p95 latency
of recording a consent under load.
"""

from __future__ import annotations

import errno
import gc
import socket
from collections.abc import Callable
from functools import partial

import uvicorn
from fastapi import FastAPI
from uvicorn.supervisors import Multiprocess

from vigie.bootstrap import prepare
from vigie.errors import ConfigurationError
from vigie.settings import Settings
from vigie.web.app import create_app

WORKER_START_TIMEOUT = 60  # seconds a new worker may take to import and prepare before it is replaced
_BIND_ERRORS = {
    errno.EADDRINUSE: "port déjà utilisé",
    errno.EACCES: "permission refusée (les ports inférieurs à 1024 sont réservés)",
    errno.EADDRNOTAVAIL: "adresse absente de cette machine",
}


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on `host:port`; a port in use or an unknown address is a ConfigurationError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        reason = _BIND_ERRORS.get(error.errno or 0, "adresse inconnue ou invalide")
        raise ConfigurationError(
            f"impossible d'écouter sur {host}:{port} : {reason} ; "
            "choisissez une autre adresse ou un autre port avec --host et --port"
        ) from error
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    """The address to type in a browser to reach the service listening on `sock`."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def app_from_settings(settings: Settings) -> FastAPI:
    """One worker's application, built from the settings after the parent process has prepared the database
    (migrated, demo population seeded); a module-level function, so that worker processes can unpickle it."""
    return create_app(prepare(settings))


def settled(make_app: Callable[[], FastAPI]) -> FastAPI:
    """`make_app()`, then every object alive so far frozen out of the cyclic collector's full passes: they live as
    long as the process, and walking them again at each collection stalls every request meanwhile."""
    app = make_app()
    gc.collect()
    gc.freeze()
    return app


def _config(app: FastAPI | Callable[[], FastAPI], log_level: str, workers: int = 1) -> uvicorn.Config:
    """The same settings in one process or several. No websocket route, so none is loaded."""
    return uvicorn.Config(
        app,
        factory=callable(app) and not isinstance(app, FastAPI),
        workers=workers,
        log_level=log_level,
        ws="none",
        proxy_headers=False,
        server_header=False,
        access_log=False,  # every access to personal data is in the audit journal; paths may carry identifiers
        timeout_worker_healthcheck=WORKER_START_TIMEOUT,
    )


def make_server(app: FastAPI, *, log_level: str = "info") -> uvicorn.Server:
    """A uvicorn server for `app`; start it with `server.run(sockets=[sock])`."""
    return uvicorn.Server(_config(app, log_level))


def serve_forever(
    make_app: Callable[[], FastAPI], sock: socket.socket, *, workers: int = 1, log_level: str = "info"
) -> None:
    """Serve on `sock` until interrupted: in this process, or in `workers` processes each calling `make_app`
    (which must then be picklable: a module-level function, or a `functools.partial` of one)."""
    if workers <= 1:
        make_server(settled(make_app), log_level=log_level).run(sockets=[sock])
        return
    config = _config(partial(settled, make_app), log_level, workers)
    Multiprocess(config, sockets=[sock]).run()
