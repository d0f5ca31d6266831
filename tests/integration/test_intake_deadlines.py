"""Intake's client of escalation's DeadlineService (open311_ports.EscalationDeadlines) against
a real gRPC server on this machine that answers as the contract says: clocks per report, many
reports asked in calls of at most 1000, and nothing known when escalation does not answer."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from intake.open311_ports import EscalationDeadlines
from lapor.escalation.v1 import deadline_service_pb2 as pb
from lapor.escalation.v1 import deadline_service_pb2_grpc as pb_grpc
from lapor.report.v1.events_pb2 import CLOCK_KIND_COMPLETION, CLOCK_KIND_FIRST_RESPONSE

DUE = datetime(2026, 11, 30, 16, 59, 59, tzinfo=UTC)


def _timestamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


class Escalation(pb_grpc.DeadlineServiceServicer):
    """Every report has a paused first-response clock and a running completion clock, a day
    later for each report; reports named "unknown-..." have none."""

    def __init__(self) -> None:
        self.asked: list[int] = []

    async def GetDeadlines(
        self, request: pb.GetDeadlinesRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.GetDeadlinesResponse:
        self.asked.append(len(request.tracking_ids))
        return pb.GetDeadlinesResponse(
            reports=[
                pb.ReportDeadlines(
                    tracking_id=tracking_id,
                    deadlines=[
                        pb.Deadline(
                            clock=CLOCK_KIND_FIRST_RESPONSE, deadline=_timestamp(DUE), paused=True
                        ),
                        pb.Deadline(
                            clock=CLOCK_KIND_COMPLETION,
                            deadline=_timestamp(DUE + timedelta(days=1)),
                        ),
                    ],
                )
                for tracking_id in request.tracking_ids
                if not tracking_id.startswith("unknown-")
            ]
        )


@pytest.fixture
async def escalation() -> AsyncIterator[tuple[Escalation, str]]:
    servicer = Escalation()
    server = grpc.aio.server()
    pb_grpc.add_DeadlineServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield servicer, f"127.0.0.1:{port}"
    await server.stop(None)


async def test_clocks_are_read_per_report(escalation: tuple[Escalation, str]) -> None:
    servicer, target = escalation
    deadlines = EscalationDeadlines(target)
    try:
        clocks = await deadlines.clocks(["7K3M-9QXD-2F8A", "unknown-1"])
        expected = await deadlines.expected(["7K3M-9QXD-2F8A"])
    finally:
        await deadlines.close()
    assert clocks == {
        "7K3M-9QXD-2F8A": [
            ("first_response", DUE, True),
            ("completion", DUE + timedelta(days=1), False),
        ]
    }
    assert expected == {"7K3M-9QXD-2F8A": DUE + timedelta(days=1)}
    assert servicer.asked == [2, 1]


async def test_many_reports_are_asked_a_thousand_at_a_time(
    escalation: tuple[Escalation, str],
) -> None:
    servicer, target = escalation
    deadlines = EscalationDeadlines(target)
    try:
        clocks = await deadlines.clocks([f"R-{n}" for n in range(2500)])
    finally:
        await deadlines.close()
    assert clocks is not None
    assert len(clocks) == 2500
    assert sorted(servicer.asked) == [500, 1000, 1000]


async def test_nothing_is_known_when_escalation_does_not_answer() -> None:
    deadlines = EscalationDeadlines("127.0.0.1:1")  # nothing listens there
    try:
        assert await deadlines.clocks(["7K3M-9QXD-2F8A"]) is None
        assert await deadlines.expected(["7K3M-9QXD-2F8A"]) == {}
        assert await deadlines.clocks([]) == {}
    finally:
        await deadlines.close()
