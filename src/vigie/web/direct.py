"""Direct routes: the few hot addresses answered before FastAPI's routing and exception layers.

Every click of the cookie banner posts to one address. FastAPI's router matches it against each included router
in turn (twice), then its exception and exit-stack layers wrap the call: a third of the CPU of recording a
choice. `DirectRoutes` sits just inside the body limit (the server-error handler, FastAPI's own outer layers and
the security headers stay around it), answers the (method, path) pairs of the routes it is given itself, and
hands an error to the application's handlers as the exception layer would: same pages, same statuses. Anything
else goes on to the router, unchanged. The routes stay registered on their router too, so names, 405 for
another method and the access log do not change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send


def _handler(handlers: dict[Any, Any], error: Exception) -> Any:
    """The application's handler for `error`, as Starlette's exception layer looks it up (status code first,
    then the class and its bases); the catch-all (`Exception`, 500) belongs to the outer server-error layer."""
    if isinstance(error, HTTPException) and error.status_code in handlers:
        return handlers[error.status_code]
    for cls in type(error).__mro__:
        if cls is Exception:
            return None
        if cls in handlers:
            return handlers[cls]
    return None


class DirectRoutes:
    """ASGI middleware answering `routes` (async endpoints taking a Request) without the router."""

    def __init__(self, app: ASGIApp, routes: Sequence[Route]) -> None:
        self.app = app
        self.routes = {(method, route.path): route for route in routes for method in route.methods or ()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self.routes.get((scope.get("method", ""), scope.get("path", ""))) if scope["type"] == "http" else None
        if route is None:
            await self.app(scope, receive, send)
            return
        scope["route"] = route
        request = Request(scope, receive, send)
        try:
            response: Response = await route.endpoint(request)
        except Exception as error:
            handler = _handler(scope["app"].exception_handlers, error)
            if handler is None:
                raise  # to the server-error layer, as from any route
            response = await handler(request, error)
        await response(scope, receive, send)


def install(app: FastAPI, routes: Sequence[Route]) -> None:
    """Answer `routes` directly; call before adding the middlewares that must stay around them (body limit)."""
    app.add_middleware(DirectRoutes, routes=routes)
