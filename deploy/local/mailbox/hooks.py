"""The webhook receiver: POST /hooks/{name} stands for an agency's system.

Signatures are not checked here (agencies' secrets are theirs); the X-Lapor-* headers and
the body are recorded as received, so tests can check them.
"""

import logging

from aiohttp import web

from .records import MessageLog, received_now

log = logging.getLogger(__name__)

FAILING_PREFIX = "fail"


def _recorded_headers(request: web.Request) -> dict[str, str]:
    return {
        name: value
        for name, value in request.headers.items()
        if name.lower().startswith("x-lapor-") or name.lower() == "content-type"
    }


class WebhookReceiver:
    def __init__(self, messages: MessageLog) -> None:
        self._messages = messages

    async def receive(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        body = (await request.read()).decode("utf-8", errors="replace")
        if name.startswith(FAILING_PREFIX):
            return web.json_response({"error": f"webhook {name} fails on purpose"}, status=500)
        record = {
            "kind": "webhook",
            "received_at": received_now(),
            "name": name,
            "headers": _recorded_headers(request),
            "body": body,
        }
        self._messages.add(record)
        log.info("webhook %s: %d bytes", name, len(body))
        return web.Response(status=204)
