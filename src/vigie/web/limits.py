"""Bounds on what a request may carry, checked before any route reads it: a body over `MAX_BODY_BYTES` is
refused with 413, whether it declares its length or streams it."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vigie.web.problems import MEDIA_TYPE, problem_json

MAX_BODY_BYTES = 64 * 1024  # a decision request is a few hundred bytes; nothing the API takes comes near


class _TooLarge(Exception):
    """Raised into the application when a streamed body passes the limit (it may turn it into its own error:
    the middleware answers 413 in its place)."""


class BodyLimit:
    """ASGI middleware: 413 for a body over `limit` bytes, read no further than the limit."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await self._refuse(send, declared)
            return
        seen = 0
        exceeded = answered = False

        async def bounded_receive() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal answered
            if exceeded:  # whatever the application made of the error, the answer is 413
                if not answered:
                    answered = True
                    await self._refuse(send, None)
                return
            answered = answered or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded_receive, guarded_send)
        except _TooLarge:
            if not answered:
                await self._refuse(send, None)

    async def _refuse(self, send: Send, declared: int | None) -> None:
        size = f"{declared} octets" if declared is not None else f"plus de {self.limit} octets"
        body = problem_json(413, f"corps de la requête trop volumineux : {size}, au plus {self.limit} permis")
        headers: list[tuple[bytes, bytes]] = [
            (b"content-type", MEDIA_TYPE.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    headers: Any = scope.get("headers", ())
    for name, value in headers:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
