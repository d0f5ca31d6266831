"""What the Open311 API reads besides intake's reports: its tokens (intake's database) and
reports' deadlines, asked of escalation over gRPC (lapor.escalation.v1.DeadlineService)."""

import asyncio
import logging
from datetime import UTC, datetime

import grpc
from pymongo.asynchronous.collection import AsyncCollection

from intake.domain.inbox import ClockReading
from intake.domain.open311 import expected_deadline
from lapor.escalation.v1 import deadline_service_pb2 as pb
from lapor.escalation.v1 import deadline_service_pb2_grpc as pb_grpc
from lapor.report.v1.events_pb2 import ClockKind
from lapor_common.mongo import Document

log = logging.getLogger(__name__)
_TIMEOUT_S = 3.0
# GetDeadlines answers for up to 1000 reports at once.
_PER_CALL = 1000


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
    """Reports' running clocks, asked of escalation (Open311's expected_datetime, the officers'
    inbox). When escalation cannot answer, none is known (and it is logged): the requests are
    answered without."""

    def __init__(self, target: str) -> None:
        self._channel = grpc.aio.insecure_channel(target)
        self._escalation = pb_grpc.DeadlineServiceStub(self._channel)

    async def expected(self, report_ids: list[str]) -> dict[str, datetime]:
        clocks = await self.clocks(report_ids) or {}
        found = {report_id: expected_deadline(kept) for report_id, kept in clocks.items()}
        return {report_id: at for report_id, at in found.items() if at is not None}

    async def clocks(self, report_ids: list[str]) -> dict[str, list[ClockReading]] | None:
        """Each report's clocks that escalation keeps (reports without one are left out);
        None when escalation did not answer."""
        chunks = [report_ids[i : i + _PER_CALL] for i in range(0, len(report_ids), _PER_CALL)]
        try:
            answers = await asyncio.gather(*map(self._clocks, chunks))
        except grpc.aio.AioRpcError as exc:
            log.warning("escalation did not give deadlines: %s", exc.code().name)
            return None
        return {report_id: kept for answer in answers for report_id, kept in answer.items()}

    async def _clocks(self, report_ids: list[str]) -> dict[str, list[ClockReading]]:
        request = pb.GetDeadlinesRequest(tracking_ids=report_ids)
        answer = await self._escalation.GetDeadlines(request, timeout=_TIMEOUT_S)
        return {
            report.tracking_id: [
                (_clock_name(d.clock), d.deadline.ToDatetime(UTC), d.paused)
                for d in report.deadlines
            ]
            for report in answer.reports
        }

    async def close(self) -> None:
        await self._channel.close()
