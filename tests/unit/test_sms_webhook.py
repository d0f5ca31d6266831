"""SMS 1708 through intake's REST app (httpx over ASGI) over the writer with fakes: a signed
message files a report, follows one up or asks its status, only from the number that filed
it; the gateway's message id makes it idempotent; long messages are joined from their parts."""

import asyncio
import json
import time
import urllib.parse
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any, cast

import httpx
import pytest

from intake.api import build_app
from intake.domain.model import Status
from intake.handlers import ReportWriter
from intake.sms_api import sms_router
from intake.sms_desk import SmsDesk
from intake.sms_signature import sign
from intake.store import ReportStore
from intake.views import ReportReader
from lapor.channel.v1 import sms_pb2 as r
from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1.events_pb2 import (
    CHANNEL_SMS,
    REPORT_TYPE_ASPIRATION,
    ReportSubmitted,
)
from tests.unit.api_client import KEY, MAX_BODY, Current
from tests.unit.reports import ADMIN, PATHS, POOR, VALID, Harness, cause_of
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


@pytest.fixture
async def gw() -> AsyncIterator[Gateway]:
    gateway = Gateway()
    async with gateway.client:
        yield gateway


async def test_a_new_message_files_an_sms_report_with_the_sealed_number(gw: Gateway) -> None:
    answer = await gw.send(TEXT)
    assert answer == {
        "outcome": "created",
        "tracking_id": answer["tracking_id"],
        "status": "MENUNGGU_VERIFIKASI",
    }
    [event] = gw.fx.log.events
    submitted = event.payload
    assert isinstance(submitted, ReportSubmitted)
    assert (submitted.channel, submitted.region_code, submitted.anonymous) == (
        CHANNEL_SMS,
        "",
        True,
    )
    assert submitted.body == TEXT.removeprefix("LAPOR ANONIM ")
    assert submitted.title == "Jalan di depan pasar Soreang berlubang besar, motor sering"
    assert submitted.reporter_gave_phone
    assert not submitted.reporter_gave_email
    assert b"0812" not in event.envelope.SerializeToString()
    state = gw.fx.store.states[answer["tracking_id"]]
    assert state.reporter is not None
    identity = await gw.fx.vault.open(state.reporter)
    assert identity is not None
    assert identity.phone == "+6281234567890"
    assert gw.replies.sent == []  # the receipt comes from ReportSubmitted, by notification


async def test_the_form_encoded_variant_is_read_alike(gw: Gateway) -> None:
    response = await gw.post(gw.fields("ASPIRASI Mohon taman kota Soreang diberi lampu"), form=True)
    assert response.status_code == 200, response.text
    assert response.json()["outcome"] == "created"
    [event] = gw.fx.log.events
    assert isinstance(event.payload, ReportSubmitted)
    assert event.payload.type == REPORT_TYPE_ASPIRATION


async def test_the_same_message_id_again_gets_the_first_answer_and_does_nothing(
    gw: Gateway,
) -> None:
    fields = gw.fields(TEXT)
    first = await gw.post(fields)
    again = await gw.post(fields)
    help_fields = gw.fields("?")
    await gw.post(help_fields)
    help_again = await gw.post(help_fields)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert len(gw.fx.log.events) == 1
    assert help_again.json() == {"outcome": "help"}
    assert gw.kinds() == [r.SMS_REPLY_KIND_HELP]


@pytest.mark.parametrize(
    ("secret", "skew", "status", "detail"),
    [
        ("another-secret", 0, 401, "does not match"),
        (SECRET, -301, 401, "minutes off"),
        (SECRET, 301, 401, "minutes off"),
    ],
)
async def test_a_call_not_signed_with_the_secret_or_not_lately_is_refused(
    gw: Gateway, secret: str, skew: int, status: int, detail: str
) -> None:
    response = await gw.post(gw.fields(TEXT), secret=secret, skew=skew)
    assert response.status_code == status
    assert detail in response.json()["detail"]
    unsigned = await gw.client.post(INBOUND, json=gw.fields(TEXT))
    assert unsigned.status_code == 401
    assert gw.fx.log.events == []


async def test_without_a_secret_the_channel_is_off(gw: Gateway) -> None:
    transport = httpx.ASGITransport(APPS[False])
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
        response = await client.post(INBOUND, json=gw.fields(TEXT))
    assert response.status_code == 503
    assert "INTAKE_SMS_WEBHOOK_SECRET" in response.json()["detail"]


async def test_bad_fields_are_refused_with_every_problem(gw: Gateway) -> None:
    bad = {"from": "1708", "text": 5, "received_at": "2026-11-23T09:15:00", "message_id": " "}
    response = await gw.post({**bad, "concat_part": "3", "concat_total": "2"})
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert [p.split(" ")[0] for p in problems] == [
        "from",
        "text",
        "message_id",
        "received_at",
        "concat_ref",
        "concat_part",
    ]
    signature = sign(SECRET, int(time.time()), b"from=1")
    headers = {"content-type": "text/plain", "X-Lapor-Signature": signature}
    wrong_type = await gw.client.post(INBOUND, content=b"from=1", headers=headers)
    missing = await gw.post({"from": ""})
    assert missing.json()["problems"] == [
        "from must be a phone number, e.g. +6281234567890 or 081234567890",
        "text is required",
        "message_id is required",
        "received_at must be ISO 8601 with an offset, e.g. 2026-11-23T09:15:00+07:00",
    ]
    assert wrong_type.status_code == 415
    assert gw.fx.log.events == []


async def test_a_short_message_gets_the_syntax_and_files_nothing(gw: Gateway) -> None:
    assert await gw.send("LAPOR jalan rusak") == {
        "outcome": "help",
        "detail": "the report must have 20 to 10,000 characters",
    }
    assert await gw.send("BANTUAN") == {"outcome": "help"}
    assert gw.fx.log.events == []
    assert gw.kinds() == [r.SMS_REPLY_KIND_TOO_SHORT, r.SMS_REPLY_KIND_HELP]
    assert {reply.to for reply in gw.replies.sent} == {"+6281234567890"}
    assert len({reply.reply_id for reply in gw.replies.sent}) == 2


@pytest.mark.parametrize(
    ("status", "event_type"),
    [
        (Status.MENUNGGU_VERIFIKASI, "ReporterReplied"),
        (Status.DIPROSES, "ReporterReplied"),
        (Status.MENUNGGU_TANGGAPAN_PELAPOR, "InformationProvided"),
    ],
)
async def test_a_follow_up_from_the_filing_number_is_added_as_the_reporter(
    gw: Gateway, status: Status, event_type: str
) -> None:
    tracking_id = (await gw.send(TEXT))["tracking_id"]
    await gw.bring(tracking_id, status)
    answer = await gw.send(f"balas {tracking_id.lower()} lubangnya di km 12", "+62 812 3456 7890")
    assert answer == {"outcome": "added", "tracking_id": tracking_id}
    last = gw.fx.log.of(tracking_id)[-1]
    assert last.envelope.event_type == event_type
    assert "lubangnya di km 12" in str(last.payload)
    [reply] = gw.replies.sent
    assert (reply.kind, reply.tracking_id, reply.to) == (
        r.SMS_REPLY_KIND_ADDED,
        tracking_id,
        "+6281234567890",
    )


async def test_another_number_or_an_unknown_id_learns_nothing(gw: Gateway) -> None:
    tracking_id = (await gw.send(f"RAHASIA {TEXT}"))["tracking_id"]
    before = len(gw.fx.log.events)
    answers = [
        await gw.send(f"{tracking_id} saya juga melihatnya", OTHER),
        await gw.send(f"CEK {tracking_id}", OTHER),
        await gw.send("CEK 0000-0000-0000"),
        await gw.send("0000-0000-0000 tambahan"),
    ]
    assert all(
        a == {"outcome": "refused", "detail": "no report with that tracking id for this number"}
        for a in answers
    )
    assert len(gw.fx.log.events) == before
    assert gw.kinds() == [r.SMS_REPLY_KIND_NOT_FOUND] * 4
    assert all(reply.tracking_id == reply.status == "" for reply in gw.replies.sent)


async def test_an_erased_reporter_is_not_recognised_any_more(gw: Gateway) -> None:
    tracking_id = (await gw.send(TEXT))["tracking_id"]
    await gw.fx.writer.act(tracking_id, VALID[c.EraseReporterData], ADMIN, cause_of(ADMIN))
    answer = await gw.send(f"CEK {tracking_id}")
    assert answer["outcome"] == "refused"
    assert gw.kinds() == [r.SMS_REPLY_KIND_NOT_FOUND]


async def test_the_status_goes_to_the_filing_number_only(gw: Gateway) -> None:
    tracking_id = (await gw.send(TEXT))["tracking_id"]
    await gw.bring(tracking_id, Status.DIPROSES)
    assert await gw.send(f"Status: {tracking_id}") == {
        "outcome": "status",
        "tracking_id": tracking_id,
    }
    [reply] = gw.replies.sent
    assert (reply.kind, reply.status, reply.language) == (r.SMS_REPLY_KIND_STATUS, "DIPROSES", "id")
    assert (reply.status_label_id, reply.status_label_en) == ("Diproses", "In progress")
    assert reply.agency_name == "Pemerintah Kabupaten Bandung"


async def test_a_closed_report_takes_no_follow_up_and_says_why(gw: Gateway) -> None:
    tracking_id = (await gw.send(TEXT))["tracking_id"]
    await gw.bring(tracking_id, Status.SELESAI)
    before = len(gw.fx.log.events)
    answer = await gw.send(f"{tracking_id} masih berlubang")
    assert answer["outcome"] == "refused"
    assert "SELESAI" in answer["detail"]
    assert len(gw.fx.log.events) == before
    [reply] = gw.replies.sent
    assert (reply.kind, reply.status) == (r.SMS_REPLY_KIND_NOT_NOW, "SELESAI")


def _part(gw: Gateway, text: str, number: int, ref: str = "77") -> dict[str, Any]:
    return gw.fields(text, concat_ref=ref, concat_part=number, concat_total=3)


async def test_a_long_message_is_filed_once_all_its_parts_are_in(gw: Gateway) -> None:
    third, first = _part(gw, "sejak dua minggu.", 3), _part(gw, "LAPOR Jalan di depan pa", 1)
    second = _part(gw, "sar Soreang berlubang ", 2)
    other_sender = {**_part(gw, "bagian lain", 2), "from": OTHER}
    answers = [(await gw.post(p)).json() for p in (third, first, other_sender, first, second)]
    again = (await gw.post(third)).json()
    assert answers[:4] == [
        {"outcome": "part_stored", "received": 1, "total": 3},
        {"outcome": "part_stored", "received": 2, "total": 3},
        {"outcome": "part_stored", "received": 1, "total": 3},
        {"outcome": "duplicate"},
    ]
    assert answers[4]["outcome"] == "created"
    assert again == answers[4]
    [event] = gw.fx.log.events
    assert isinstance(event.payload, ReportSubmitted)
    assert event.payload.body == "Jalan di depan pasar Soreang berlubang sejak dua minggu."
    assert all(s.part.text == "" for s in gw.parts.parts.values() if s.answer_key)


async def test_parts_still_missing_after_the_wait_do_not_lose_the_message(gw: Gateway) -> None:
    await gw.post(_part(gw, "LAPOR Jalan di depan pasar Soreang", 1))
    await gw.post(_part(gw, " berlubang besar.", 3))
    await gw.desk_finish(timedelta(minutes=10))
    assert gw.fx.log.events == []
    gw.fx.now += timedelta(minutes=11)
    await gw.desk_finish(timedelta(minutes=10))
    [event] = gw.fx.log.events
    assert isinstance(event.payload, ReportSubmitted)
    assert event.payload.body == "Jalan di depan pasar Soreang [...] berlubang besar."
    await gw.desk_finish(timedelta(minutes=10))
    assert len(gw.fx.log.events) == 1


async def test_the_last_parts_arriving_at_once_file_one_report(gw: Gateway) -> None:
    await gw.post(_part(gw, "LAPOR Jalan di depan pa", 1))
    last = [_part(gw, "sar Soreang berlubang ", 2), _part(gw, "sejak dua minggu.", 3)]
    answers = await asyncio.gather(*(gw.post(part) for part in last))
    assert len(gw.fx.log.events) == 1
    created = [a.json() for a in answers if a.json()["outcome"] == "created"]
    assert created
    assert {a["tracking_id"] for a in created} == {gw.fx.log.events[0].envelope.report_id}
