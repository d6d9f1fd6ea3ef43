"""Server-side rendering: one Jinja2 environment, escaping everything, failing loudly on a missing variable.

Pages use no script and no external asset; `vigie.web.headers` gives them a Content-Security-Policy that says
so, so that the browser refuses anything else (an injected script, a third-party stylesheet).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from vigie import __version__
from vigie.web.csrf import csrf_input, set_cookie_if_issued

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


def sentence(text: str) -> str:
    """`text` with its first letter capitalised, the rest untouched (Jinja's `capitalize` lowers it)."""
    return text[:1].upper() + text[1:]


_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.globals["version"] = __version__
_environment.globals["csrf_input"] = csrf_input
_environment.filters["sentence"] = sentence
templates = Jinja2Templates(env=_environment)


def render(request: Request, name: str, context: dict[str, Any], *, status_code: int = 200) -> Response:
    """Render template `name` as an HTML page (the security headers are added by `vigie.web.headers`); a CSRF
    token issued while rendering goes into the response's cookie."""
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    set_cookie_if_issued(request, response)
    return response
