"""Where errors become HTTP answers: French messages, JSON for the API, a page for people, no tracebacks.

Only this module (and the CLI) maps vigie's exception tree to statuses, as `vigie.errors` asks.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from vigie.errors import AccessRefused, InvalidInput, NotFound, StorageError, VigieError
from vigie.web.templating import render

log = logging.getLogger(__name__)

FRENCH_STATUS: dict[int, str] = {
    400: "requête invalide",
    401: "authentification requise",
    403: "accès refusé",
    404: "page ou ressource introuvable",
    405: "méthode non autorisée",
    422: "données invalides",
    500: "erreur interne du service",
    503: "service momentanément indisponible",
}


def _status_of(error: VigieError) -> int:
    if isinstance(error, AccessRefused):
        return 403
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, InvalidInput):
        return 422
    if isinstance(error, StorageError):
        return 503
    return 500


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def error_response(request: Request, status: int, detail: str) -> Response:
    """An error as a French page for browsers, as `{"detail": ...}` for everything else."""
    if _wants_html(request):
        context = {"status": status, "title": FRENCH_STATUS.get(status, "erreur"), "detail": detail}
        return render(request, "erreur.html", context, status_code=status)
    return JSONResponse({"detail": detail}, status_code=status)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    detail = str(error.detail)
    if detail == HTTPStatus(error.status_code).phrase:  # Starlette's English default: say it in French
        detail = FRENCH_STATUS.get(error.status_code, detail)
    response = error_response(request, error.status_code, detail)
    response.headers.update(error.headers or {})
    return response


async def _vigie_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, VigieError)
    status = _status_of(error)
    if status >= 500:
        log.error("erreur lors de %s %s : %s", request.method, request.url.path, error)
        return error_response(request, status, FRENCH_STATUS[status])
    return error_response(request, status, str(error))


async def _unexpected(request: Request, error: Exception) -> Response:
    # Starlette re-raises the error after this answer, so the server logs its traceback once.
    return error_response(request, 500, FRENCH_STATUS[500])


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(VigieError, _vigie_error)
    app.add_exception_handler(Exception, _unexpected)
