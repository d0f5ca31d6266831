"""Reading and clearing what the mailbox received, its health and its page."""

from aiohttp import web

from .page import render
from .records import KINDS, MessageLog


class MessagesApi:
    def __init__(self, messages: MessageLog) -> None:
        self._messages = messages

    async def list(self, request: web.Request) -> web.Response:
        kind = request.query.get("kind")
        if kind is None:
            return web.json_response({k: self._messages.of_kind(k) for k in KINDS})
        if kind not in KINDS:
            return web.json_response(
                {"error": f"kind must be one of {', '.join(KINDS)}"}, status=400
            )
        return web.json_response({kind: self._messages.of_kind(kind)})

    async def clear(self, request: web.Request) -> web.Response:
        self._messages.clear()
        return web.Response(status=204)

    async def page(self, request: web.Request) -> web.Response:
        of_kind = self._messages.of_kind
        html = render(of_kind("email"), of_kind("sms"), of_kind("webhook"))
        return web.Response(text=html, content_type="text/html")


async def healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok")
