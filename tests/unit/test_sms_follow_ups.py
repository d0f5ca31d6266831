"""SMS 1708 through intake's REST app over the writer with fakes: follow-ups and status
queries only from the number that filed the report, nothing revealed to any other; long
messages joined from their parts, also when parts never come."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from intake.domain.model import Status
from lapor.channel.v1 import sms_pb2 as r
from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1.events_pb2 import ReportSubmitted
from tests.unit.reports import ADMIN, VALID, cause_of
from tests.unit.sms_client import OTHER, TEXT, Gateway


@pytest.fixture
async def gw() -> AsyncIterator[Gateway]:
    gateway = Gateway()
    async with gateway.client:
        yield gateway


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
