"""The SMS gateway's webhook: ``POST /api/v1/sms/inbound``, signed with the shared secret.

The route checks the signature over the raw body, reads the fields (JSON or form-encoded)
and hands the message to the SMS desk; the answer says what became of it (``outcome``:
created, added, status, help, refused, part_stored or duplicate), never the access secret,
which the receipt SMS carries.
"""

import time
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request, Response

from intake.sms_desk import SmsDesk
from intake.sms_inbound import UnsupportedBody, fields_of, inbound
from intake.sms_signature import HEADER, BadSignature, check

Signature = Annotated[str | None, Header(alias=HEADER, description="t=<unix>,v1=<hex>")]
SECRET_SETTING = "INTAKE_SMS_WEBHOOK_SECRET"
CorrelationId = Annotated[str | None, Header(alias="X-Correlation-ID", max_length=200)]


def sms_router(desk: SmsDesk, secret: str) -> APIRouter:
    """``secret`` empty: the channel is not configured and every call is refused (503)."""
    router = APIRouter(prefix="/api/v1/sms", tags=["sms"])

    @router.post("/inbound", summary="An SMS to 1708, posted by the SMS gateway")
    async def receive(
        request: Request,
        response: Response,
        signature: Signature = None,
        correlation_id: CorrelationId = None,
    ) -> dict[str, Any]:
        if not secret:
            raise HTTPException(503, f"the SMS channel is not configured ({SECRET_SETTING})")
        body = await request.body()
        try:
            check(secret, signature, body, time.time())
            fields = fields_of(request.headers.get("content-type", ""), body)
        except BadSignature as exc:
            raise HTTPException(401, str(exc)) from exc
        except UnsupportedBody as exc:
            raise HTTPException(415, str(exc)) from exc
        message = inbound(fields)
        answer, replayed = await desk.receive(message, correlation_id or str(uuid.uuid4()))
        if replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return answer

    return router
