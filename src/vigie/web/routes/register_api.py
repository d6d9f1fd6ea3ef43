"""`/api/register`: the register of processing activities, read-only, in the shape of the JSON export.

Answers carry an ETag and are revalidated (`vigie.web.caching`); the list of processings is paginated with an
opaque cursor (`vigie.web.cursor`), in the order of their ids so that a page boundary never moves. The routes
are `async`: they only pick bytes prepared when the application was built, with no hop to the thread pool.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Path, Query, Request
from fastapi.responses import Response

from vigie.web import cursor
from vigie.web.caching import Document, conditional
from vigie.web.deps import RegisterDocumentsDep
from vigie.web.schemas import ProcessingOut, ProcessingPage, RegisterOut

router = APIRouter(prefix="/api/register", tags=["registre"])

PROCESSING_ID = r"^[a-z][a-z0-9_]{0,63}$"
_PROCESSING_ID = re.compile(PROCESSING_ID)
_LIST = "processings"
_CACHED: dict[int | str, dict[str, Any]] = {
    304: {"description": "non modifié : la version que désigne If-None-Match est à jour"},
}
IfNoneMatch = Annotated[
    str | None,
    Header(
        alias="If-None-Match",
        max_length=1000,
        description="ETag d'une réponse déjà reçue : si le registre n'a pas changé, la réponse est un 304 sans corps",
    ),
]


@router.get(
    "",
    summary="Le registre des traitements",
    operation_id="register_read",
    response_model=RegisterOut,
    responses=_CACHED,
)
async def read_register(
    request: Request, documents: RegisterDocumentsDep, if_none_match: IfNoneMatch = None
) -> Response:
    """Le registre entier : responsable, autorité de contrôle, organismes, destinataires, rôles, traitements."""
    return conditional(request, documents.whole)


@router.get(
    "/processings",
    summary="Les traitements du registre, page par page",
    operation_id="processing_list",
    response_model=ProcessingPage,
    responses=_CACHED,
)
async def list_processings(
    request: Request,
    documents: RegisterDocumentsDep,
    if_none_match: IfNoneMatch = None,
    limit: Annotated[int, Query(ge=1, le=100, description="nombre de traitements par page")] = 20,
    after: Annotated[
        str | None,
        Query(
            alias="cursor",
            max_length=cursor.MAX_LENGTH,
            pattern=cursor.ALPHABET,
            description="curseur opaque donné par `next_cursor` de la page précédente ; absent pour la première",
        ),
    ] = None,
) -> Response:
    """Les traitements dans l'ordre de leurs identifiants ; `next_cursor` donne la page suivante."""
    ids = documents.ids
    start = 0
    if after is not None:
        last = cursor.decode(after, _LIST, _PROCESSING_ID)
        start = next((i for i, pid in enumerate(ids) if pid > last), len(ids))
    page = ids[start : start + limit]
    more = start + limit < len(ids)
    body = {
        "items": [documents.processings[pid] for pid in page],
        "next_cursor": cursor.encode(_LIST, page[-1]) if more and page else None,
    }
    return conditional(request, Document.of(body))


@router.get(
    "/processings/{processing_id}",
    summary="Un traitement du registre",
    operation_id="processing_read",
    response_model=ProcessingOut,
    responses={**_CACHED, 404: {"description": "traitement inconnu"}},
)
async def read_processing(
    request: Request,
    documents: RegisterDocumentsDep,
    processing_id: Annotated[str, Path(pattern=PROCESSING_ID, description="identifiant du traitement")],
    if_none_match: IfNoneMatch = None,
) -> Response:
    """Un traitement : finalités, base légale, données par personne concernée, destinataires, conservation."""
    document = documents.documents.get(processing_id)
    if document is None:
        raise HTTPException(status_code=404, detail=f"traitement inconnu : « {processing_id} »")
    return conditional(request, document)
