"""Signed webhooks to agencies' own systems (the scheme: notification/signing.py and
docs/webhooks.md). Each POST carries the delivery id, so a receiver drops a repeat."""

import time

import httpx

from notification.channels import Result, permanent, sent, transient
from notification.signing import headers

_RETRYABLE = {408, 425, 429}
_SERVER_ERROR = 500
_SUCCESS = range(200, 300)


class WebhookSender:
    def __init__(self, timeout_s: float = 10.0) -> None:
        self._client = httpx.AsyncClient(timeout=timeout_s, follow_redirects=False)

    async def send(self, url: str, secret: str, delivery_id: str, body: bytes) -> Result:
        signed = headers(secret, delivery_id, int(time.time()), body)
        try:
            answer = await self._client.post(
                url, content=body, headers={**signed, "Content-Type": "application/json"}
            )
        except httpx.HTTPError as exc:
            return transient(f"webhook unreachable: {exc!r}")
        if answer.status_code in _SUCCESS:
            return sent(str(answer.status_code))
        detail = f"webhook answered {answer.status_code}"
        if answer.status_code in _RETRYABLE or answer.status_code >= _SERVER_ERROR:
            return transient(detail)
        return permanent(detail)

    async def close(self) -> None:
        await self._client.aclose()
