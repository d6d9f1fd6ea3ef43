"""Server-side rendering: one Jinja2 environment, escaping everything, failing loudly on a missing variable.

Pages use only our own scripts and stylesheet, plus the third-party tags their visitor accepted; `render` gives
each a Content-Security-Policy that says exactly that (`vigie.web.trackers`), so that the browser refuses
anything else (an injected script, a tracker loaded before a choice).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from vigie import __version__, jinja
from vigie.consent import COOKIE_NAME, ConsentService
from vigie.web.csrf import csrf_input, set_cookie_if_issued
from vigie.web.trackers import AUDIENCE_SCRIPT, audience_cookies, csp_for, tags_for

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


_environment = jinja.environment(TEMPLATES_DIR)
_environment.globals["version"] = __version__
_environment.globals["csrf_input"] = csrf_input
templates = Jinja2Templates(env=_environment)


def render(request: Request, name: str, context: dict[str, Any], *, status_code: int = 200) -> Response:
    """Render template `name` as an HTML page (the security headers are added by `vigie.web.headers`); a CSRF
    token issued while rendering goes into the response's cookie."""
    consent: ConsentService | None = getattr(request.app.state, "consent", None)
    csp = None
    if consent is not None:  # the banner, the « Gestion des cookies » link, and what the visitor accepted
        state = consent.state(request.cookies.get(COOKIE_NAME))
        csp = csp_for(state)
        context = {
            "consent": state,
            "cookie_policy": consent.policy,
            "trackers": tags_for(state),
            "audience_cookies": audience_cookies(state),
            "audience_script": AUDIENCE_SCRIPT,
            **context,
        }
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    if csp is not None:
        response.headers["Content-Security-Policy"] = csp
    set_cookie_if_issued(request, response)
    return response
