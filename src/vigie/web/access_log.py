"""The access log without personal data: each request is logged under its route's template
(`/api/subjects/{subject_id}`), never with the values of its path parameters or its query string, which may
hold an id, a NIR or anything an agent typed."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from starlette.routing import Router

ACCESS_LOGGER = "uvicorn.access"
UNKNOWN_PATH = "(chemin inconnu)"


class RouteTemplates(logging.Filter):
    """Rewrites uvicorn's access-log records: the path becomes the matching route's template."""

    def __init__(self, routers: Sequence[Router]) -> None:
        super().__init__("vigie-access-log")
        self.routers = routers  # read at each record: routes may be added after the filter is installed

    def template(self, full_path: str) -> str:
        """The route template for a requested path, with no query string; `UNKNOWN_PATH` if none matches."""
        path = full_path.split("?", 1)[0]
        route: Any
        for route in (route for router in self.routers for route in router.routes):
            regex = getattr(route, "path_regex", None)
            if regex is None:
                continue
            match = regex.match(path)
            if match is None:
                continue
            if not match.groupdict():
                return path
            template = str(getattr(route, "path_format", None) or route.path)
            return template if "{" in template else template.rstrip("/") + "/{path}"
        return UNKNOWN_PATH

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:  # client, method, path with query, HTTP version, status
            record.args = (args[0], args[1], self.template(str(args[2])), args[3], args[4])
        return True


def install(routers: Sequence[Router]) -> RouteTemplates:
    """Put the filter on the access logger, replacing one a previous application installed. `routers` are the
    application's own router (documentation, static files) and the routers it includes (the application's
    router may hold those only as opaque inclusions)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    for old in [f for f in logger.filters if isinstance(f, RouteTemplates)]:
        logger.removeFilter(old)
    installed = RouteTemplates(routers)
    logger.addFilter(installed)
    return installed
