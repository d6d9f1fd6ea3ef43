"""Strict query strings: a parameter given twice, or one the route does not know, is a malformed request (400).

A repeated parameter is ambiguous (`?purpose=a&purpose=b`: which one did the agent mean?), and frameworks
disagree on which wins. An unknown parameter is refused on the API because a typo there can widen a request
without anyone noticing: `?categorie=nir` would be ignored and the read would return every granted category.
The public pages ignore unknown parameters (a link with tracking parameters must still open), but not
repeated ones.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

# a name is repeated back only if it reads as a name: it could be anything typed, a NIR included
_QUOTABLE = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]{0,39}")
HIDDEN = "(nom non affiché)"
# id(route) -> (a weak reference to the route, its names); APIRoute is not hashable
_known: dict[int, tuple[weakref.ref[APIRoute], frozenset[str]]] = {}


def _query_names(dependant: Dependant) -> set[str]:
    names = {field.alias for field in dependant.query_params}
    for dependency in dependant.dependencies:
        names |= _query_names(dependency)
    return names


def _declared(route: APIRoute) -> frozenset[str]:
    """The query parameters `route` declares, its dependencies' included (computed once per route)."""
    known = _known.get(id(route))
    if known is not None and known[0]() is route:
        return known[1]
    names = frozenset(_query_names(route.dependant))
    _known[id(route)] = (weakref.ref(route), names)
    return names


def _error(kind: str, name: str) -> dict[str, Any]:
    shown = name if _QUOTABLE.fullmatch(name) else HIDDEN
    return {"type": kind, "loc": ("query", shown), "msg": kind, "input": None}


async def strict_query(request: Request) -> None:
    """Refuse repeated parameters everywhere, and unknown ones on the routes of the API schema.

    Asynchronous although it awaits nothing: FastAPI would run a plain `def` in its thread pool, a hop that
    costs more than this check, on every request."""
    seen: set[str] = set()
    repeated: list[str] = []
    for name, _ in request.query_params.multi_items():
        if name in seen and name not in repeated:
            repeated.append(name)
        seen.add(name)
    errors = [_error("query_repeated", name) for name in repeated]
    route = request.scope.get("route")
    if isinstance(route, APIRoute) and route.include_in_schema:
        declared = _declared(route)
        errors += [_error("query_unknown", name) for name in sorted(seen - declared)]
    if errors:
        raise RequestValidationError(errors)
