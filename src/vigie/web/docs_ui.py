"""`/docs`: Swagger UI served from this service, so that reading the API documentation tells no third party.

FastAPI's default `/docs` loads Swagger UI from a public CDN: every visitor of the documentation would be
announced to it. The assets come instead from the `swagger-ui-bundle-v2` package (Swagger UI 5, which reads
OpenAPI 3.1) and the start-up script from our static files, so the page's Content-Security-Policy can allow
scripts from this origin only. Only the three files the page needs are served, not the package's directory.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse
from swagger_ui_bundle import swagger_ui_path

from vigie.web.headers import DOCS_PATH

router = APIRouter(include_in_schema=False)

_ASSETS: dict[str, tuple[str, str]] = {
    "swagger-ui.css": ("swagger-ui.css", "text/css; charset=utf-8"),
    "swagger-ui-bundle.js": ("swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
    "favicon.png": ("favicon-32x32.png", "image/png"),
}

PAGE = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>vigie — documentation de l'API</title>
<link rel="icon" type="image/png" href="{DOCS_PATH}/assets/favicon.png">
<link rel="stylesheet" href="{DOCS_PATH}/assets/swagger-ui.css">
</head>
<body>
<noscript>Cette documentation a besoin de JavaScript ; le schéma brut est à l'adresse /openapi.json.</noscript>
<div id="swagger-ui"></div>
<script src="{DOCS_PATH}/assets/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""


@router.get(DOCS_PATH, name="swagger_ui_html")  # the name the page templates link to
async def docs_page() -> HTMLResponse:
    """The documentation page."""
    return HTMLResponse(PAGE)


@router.get(DOCS_PATH + "/assets/{name}")
async def docs_asset(name: str) -> FileResponse:
    """One of the Swagger UI files the page loads; any other name is a 404."""
    found = _ASSETS.get(name)
    if found is None:
        raise HTTPException(404)
    filename, media_type = found
    return FileResponse(Path(str(swagger_ui_path)) / filename, media_type=media_type)
