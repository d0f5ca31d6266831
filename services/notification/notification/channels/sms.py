"""SMS through a gateway's HTTP API, behind one small interface.

``SmsGateway`` is what the dispatcher needs; ``JsonSmsGateway`` speaks the documented JSON
API (deploy/local/mailbox/README.md): ``POST {base}/v1/messages`` with a bearer key and
``{"reference", "to", "text", "sender"}``. The reference is the delivery id, and the gateway
treats a repeated reference as the same message, so a retry after a crash cannot send it
twice. Another provider needs another small class with the same ``send``.
"""

from typing import Protocol

import httpx

from notification.channels import Result, permanent, sent, transient

_RETRYABLE = {408, 425, 429}
_SERVER_ERROR = 500
_OK = (200, 202)


class SmsGateway(Protocol):
    async def send(self, reference: str, to: str, text: str) -> Result: ...

    async def close(self) -> None: ...


class JsonSmsGateway:
    def __init__(self, base_url: str, key: str, sender: str, timeout_s: float = 15.0) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {key}"},
            timeout=timeout_s,
        )
        self._sender = sender

    async def send(self, reference: str, to: str, text: str) -> Result:
        body = {"reference": reference, "to": to, "text": text, "sender": self._sender}
        try:
            answer = await self._client.post("/v1/messages", json=body)
        except httpx.HTTPError as exc:
            return transient(f"SMS gateway unreachable: {exc!r}")
        if answer.status_code in _OK:
            return sent(str(answer.json().get("id", "")))
        detail = f"SMS gateway answered {answer.status_code}: {answer.text[:200]}"
        if answer.status_code in _RETRYABLE or answer.status_code >= _SERVER_ERROR:
            return transient(detail)
        return permanent(detail)

    async def close(self) -> None:
        await self._client.aclose()
