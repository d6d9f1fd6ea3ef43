"""A serving process keeps what it built at start-up out of the garbage collector's full passes (`gc.freeze`):
walking those objects again at each full collection stalled every request for tens of milliseconds."""

from __future__ import annotations

import gc
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from vigie.web import server


class Built:
    """Something the application holds for the life of the process (a register, a compiled policy)."""


@pytest.fixture
def frozen() -> Iterator[None]:
    gc.collect()
    gc.unfreeze()
    yield
    gc.unfreeze()


def tracked(thing: object) -> bool:
    """Whether `thing` is in a generation the collector walks (frozen objects are in none of them)."""
    return any(candidate is thing for candidate in gc.get_objects())


def test_settled_freezes_what_the_application_was_built_from(frozen: None) -> None:
    held: list[Built] = []

    def make_app() -> FastAPI:
        held.append(Built())
        return FastAPI()

    app = server.settled(make_app)

    assert isinstance(app, FastAPI)
    assert not tracked(held[0]) and not tracked(app)
    assert tracked(Built())  # what requests create later is collected as usual


def test_serving_in_one_process_serves_a_settled_application(frozen: None, monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[Any] = []

    class Server:
        def __init__(self, app: FastAPI) -> None:
            self.app = app

        def run(self, sockets: list[socket.socket]) -> None:
            served.append(self.app)

    monkeypatch.setattr(server, "make_server", lambda app, log_level="info": Server(app))
    with socket.socket() as sock:
        server.serve_forever(FastAPI, sock)

    assert len(served) == 1 and not tracked(served[0])


def test_each_worker_process_settles_the_application_it_builds(frozen: None, monkeypatch: pytest.MonkeyPatch) -> None:
    configs: list[Any] = []

    class Supervisor:
        def __init__(self, config: Any, sockets: list[socket.socket]) -> None:
            configs.append(config)

        def run(self) -> None:
            pass

    monkeypatch.setattr(server, "Multiprocess", Supervisor)
    with socket.socket() as sock:
        server.serve_forever(FastAPI, sock, workers=2)

    (config,) = configs
    assert config.factory and config.workers == 2
    app = config.app()  # what each worker calls once started
    assert isinstance(app, FastAPI) and not tracked(app)
