"""SMS 1708 in-process: the SMS gateway posting signed messages to intake's REST app (httpx
over ASGI) over the writer with fakes, and what came of them behind the app."""

import json
import time
import urllib.parse
from datetime import timedelta
from typing import Any, cast

import httpx

from intake.api import build_app
from intake.domain.model import Status
from intake.handlers import ReportWriter
from intake.sms_api import sms_router
from intake.sms_desk import SmsDesk
from intake.sms_signature import sign
from intake.store import ReportStore
from intake.views import ReportReader
from lapor.report.v1 import commands_pb2 as c
from tests.unit.api_client import KEY, MAX_BODY, Current
from tests.unit.reports import PATHS, POOR, VALID, Harness, cause_of
from tests.unit.sms_fakes import FakeSmsAnswers, FakeSmsParts, FakeSmsReplies

SECRET = "unit-test-gateway-secret"
INBOUND = "/api/v1/sms/inbound"
PHONE, OTHER = "081234567890", "+6285700000001"
TEXT = "LAPOR ANONIM Jalan di depan pasar Soreang berlubang besar, motor sering jatuh"
DESK = Current()
APPS = {
    configured: build_app(
        cast(ReportWriter, Current()),
        cast(ReportReader, Current()),
        cast(ReportStore, Current()),
        KEY,
        MAX_BODY,
        channels=[sms_router(cast(SmsDesk, DESK), SECRET if configured else "")],
    )
    for configured in (True, False)
}


class Gateway:
    """The SMS gateway posting to the webhook, and what came of it behind the app."""

    def __init__(self) -> None:
        self.fx = Harness()
        self.answers, self.parts, self.replies = FakeSmsAnswers(), FakeSmsParts(), FakeSmsReplies()
        DESK.target = SmsDesk(
            writer=self.fx.writer,
            store=self.fx.store,
            vault=self.fx.vault,
            answers=self.answers,
            parts=self.parts,
            replies=self.replies,
            clock=lambda: self.fx.now,
        )
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(APPS[True]), base_url="http://intake"
        )
        self.serial = 0

    def fields(self, text: str, sender: str = PHONE, **more: Any) -> dict[str, Any]:
        self.serial += 1
        message = {"from": sender, "text": text, "received_at": "2026-11-23T09:15:00+07:00"}
        return {**message, "message_id": f"gw-{self.serial}", **more}

    async def post(
        self, fields: dict[str, Any], form: bool = False, secret: str = SECRET, skew: int = 0
    ) -> httpx.Response:
        if form:
            body = urllib.parse.urlencode(fields).encode()
            kind = "application/x-www-form-urlencoded"
        else:
            body, kind = json.dumps(fields).encode(), "application/json"
        headers = {
            "content-type": kind,
            "X-Lapor-Signature": sign(secret, int(time.time()) + skew, body),
        }
        return await self.client.post(INBOUND, content=body, headers=headers)

    async def send(self, text: str, sender: str = PHONE, **more: Any) -> dict[str, Any]:
        response = await self.post(self.fields(text, sender, **more))
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    async def desk_finish(self, wait: timedelta) -> None:
        await cast(SmsDesk, DESK.target).finish_overdue(wait)

    def kinds(self) -> list[int]:
        return [reply.kind for reply in self.replies.sent]

    async def bring(self, tracking_id: str, status: Status) -> None:
        for command_type, who in PATHS[status]:
            command = POOR if command_type is c.RateReport else VALID[command_type]
            await self.fx.writer.act(tracking_id, command, who, cause_of(who))
