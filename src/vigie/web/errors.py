"""Where errors become HTTP answers: RFC 9457 problem details in French, a page for people, no tracebacks.

Only this module (and the CLI) maps vigie's exception tree to statuses, as `vigie.errors` asks.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from vigie.errors import AccessRefused, InvalidInput, NotFound, SignInRefused, StorageError, VigieError
from vigie.web.problems import FieldError, problem, problem_response
from vigie.web.templating import render
from vigie.web.validation import field_errors, is_malformed

log = logging.getLogger(__name__)

# The detail of an error that has nothing more precise to say.
FRENCH_STATUS: dict[int, str] = {
    400: "requête invalide",
    401: "authentification requise",
    403: "accès refusé",
    404: "page ou ressource introuvable",
    405: "méthode non autorisée pour cette adresse",
    413: "requête trop volumineuse",
    422: "données invalides",
    429: "trop de requêtes : réessayez plus tard",
    500: "erreur interne du service",
    503: "service momentanément indisponible",
}
_SHOWN_ERRORS = 3


def _status_of(error: VigieError) -> int:
    if isinstance(error, AccessRefused):
        return 403
    if isinstance(error, SignInRefused):
        return 429 if error.retry_after is not None else 403 if error.locked else 401
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, InvalidInput):
        return 422
    if isinstance(error, StorageError):
        return 503
    return 500


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def _where(request: Request) -> str:
    """The request's method and route template, never its path: a path can hold what a person typed."""
    route = request.scope.get("route")
    return f"{request.method} {getattr(route, 'path', '(adresse inconnue)')}"


def error_response(
    request: Request,
    status: int,
    detail: str,
    *,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    cause: BaseException | None = None,
) -> Response:
    """An error as a French page for browsers, as problem details (RFC 9457) for everything else. A server-side
    error (`cause`) is logged under the problem's `instance`, so that the one the client quotes finds it."""
    body = problem(status, detail, errors=errors)
    if cause is not None:
        log.error("%s lors de %s : %s : %s", body.instance, _where(request), type(cause).__name__, cause)
    if not request.url.path.startswith("/api/"):  # a page or a problem, after the Accept header
        headers = {**(headers or {}), "Vary": "Accept"}
    if _wants_html(request):
        context = {"status": status, "title": body.title, "detail": detail}
        response = render(request, "erreur.html", context, status_code=status)
        response.headers.update(headers or {})
        return response
    return problem_response(body, headers=headers)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    detail = str(error.detail)
    if detail == HTTPStatus(error.status_code).phrase:  # Starlette's English default: say it in French
        detail = FRENCH_STATUS.get(error.status_code, detail)
    return error_response(request, error.status_code, detail, headers=dict(error.headers or {}))


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    raw = error.errors()
    errors = field_errors(raw)
    status = 400 if is_malformed(raw) else 422
    shown = " ; ".join(e.detail for e in errors[:_SHOWN_ERRORS])
    more = len(errors) - _SHOWN_ERRORS
    if more > 0:
        shown += f" ; et {more} autre{'s' if more > 1 else ''}"
    return error_response(request, status, shown or FRENCH_STATUS[status], errors=errors)


async def _vigie_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, VigieError)
    status = _status_of(error)
    if status >= 500:
        return error_response(request, status, FRENCH_STATUS[status], cause=error)
    return error_response(request, status, str(error))


async def _unexpected(request: Request, error: Exception) -> Response:
    # Starlette re-raises the error after this answer, so the server also logs its traceback once.
    return error_response(request, 500, FRENCH_STATUS[500], cause=error)


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(VigieError, _vigie_error)
    app.add_exception_handler(Exception, _unexpected)
