"""What the Open311 API reads besides intake's reports: its tokens (intake's database) and
reports' deadlines, asked of escalation over gRPC (lapor.escalation.v1.DeadlineService)."""

import logging
from datetime import UTC, datetime

import grpc
from pymongo.asynchronous.collection import AsyncCollection

from intake.domain.open311 import expected_deadline
from lapor.escalation.v1 import deadline_service_pb2 as pb
from lapor.escalation.v1 import deadline_service_pb2_grpc as pb_grpc
from lapor.report.v1.events_pb2 import ClockKind
from lapor_common.mongo import Document

log = logging.getLogger(__name__)
_TIMEOUT_S = 3.0


class Open311Tokens:
    """Token -> service request id, one document per token (written again, unchanged, when a
    client retries with the same Idempotency-Key)."""

    def __init__(self, tokens: AsyncCollection[Document]) -> None:
        self._tokens = tokens

    async def keep(self, token: str, report_id: str) -> None:
        await self._tokens.replace_one(
            {"_id": token}, {"service_request_id": report_id}, upsert=True
        )

    async def find(self, token: str) -> str | None:
        found = await self._tokens.find_one({"_id": token})
        return None if found is None else str(found["service_request_id"])


def _clock_name(kind: ClockKind.ValueType) -> str:
    return ClockKind.Name(kind).removeprefix("CLOCK_KIND_").lower()


class EscalationDeadlines:
    """When reports are expected to be fulfilled, by escalation's clocks. When escalation
    cannot answer, none is known (and it is logged): the requests are answered without."""

    def __init__(self, target: str) -> None:
        self._channel = grpc.aio.insecure_channel(target)
        self._escalation = pb_grpc.DeadlineServiceStub(self._channel)

    async def expected(self, report_ids: list[str]) -> dict[str, datetime]:
        if not report_ids:
            return {}
        request = pb.GetDeadlinesRequest(tracking_ids=report_ids)
        try:
            answer = await self._escalation.GetDeadlines(request, timeout=_TIMEOUT_S)
        except grpc.aio.AioRpcError as exc:
            log.warning("escalation did not give deadlines: %s", exc.code().name)
            return {}
        found: dict[str, datetime] = {}
        for report in answer.reports:
            clocks = [
                (_clock_name(d.clock), d.deadline.ToDatetime(UTC), d.paused)
                for d in report.deadlines
            ]
            expected = expected_deadline(clocks)
            if expected is not None:
                found[report.tracking_id] = expected
        return found

    async def close(self) -> None:
        await self._channel.close()
