"""The fields of a posted HTML form, parsed once per request and strictly.

Our forms are urlencoded (the browser's default); their bodies are small (the body limit applies first), so
the standard library's parser reads them faster than a streaming multipart parser would. Anything else (a
multipart body, bytes that are not UTF-8, too many fields) is a 400 with a French message. The CSRF check and
the route read the same parse (kept in the request's scope).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import HTTPException, Request

MAX_FIELDS = 100
_SCOPE_KEY = "vigie.form"
_URLENCODED = "application/x-www-form-urlencoded"


async def form_fields(request: Request) -> dict[str, list[str]]:
    """Each field name of the posted form with its values, in order."""
    cached = request.scope.get(_SCOPE_KEY)
    if cached is not None:
        return dict(cached)
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != _URLENCODED:
        raise HTTPException(415, f"formulaire attendu au format {_URLENCODED}")
    body = await request.body()
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
    except UnicodeDecodeError:
        raise HTTPException(400, "formulaire illisible : texte UTF-8 attendu") from None
    except ValueError:
        raise HTTPException(400, f"formulaire de plus de {MAX_FIELDS} champs") from None
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    request.scope[_SCOPE_KEY] = fields
    return dict(fields)
