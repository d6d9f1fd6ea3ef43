"""Running the application under uvicorn on a socket bound beforehand.

Binding first lets `vigie serve` say « port déjà utilisé » in French before anything starts, print its URL
only once the port is really held, and lets tests serve on a free port chosen by the system (port 0).
"""

from __future__ import annotations

import errno
import socket

import uvicorn
from fastapi import FastAPI

from vigie.errors import ConfigurationError

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


def make_server(app: FastAPI, *, log_level: str = "info") -> uvicorn.Server:
    """A uvicorn server for `app`; start it with `server.run(sockets=[sock])`. No websocket route: none loaded."""
    config = uvicorn.Config(app, log_level=log_level, ws="none", proxy_headers=False, server_header=False)
    return uvicorn.Server(config)
