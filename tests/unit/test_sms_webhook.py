"""SMS 1708 through intake's REST app over the writer with fakes: a signed message files a
report with the sender's number sealed, JSON or form-encoded; the gateway's message id makes
it idempotent; unsigned, stale or malformed calls are refused with the reason."""

import time
from collections.abc import AsyncIterator

import httpx
import pytest

from intake.sms_signature import sign
from lapor.channel.v1 import sms_pb2 as r
from lapor.report.v1.events_pb2 import CHANNEL_SMS, REPORT_TYPE_ASPIRATION, ReportSubmitted
from tests.unit.sms_client import APPS, INBOUND, SECRET, TEXT, Gateway


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
