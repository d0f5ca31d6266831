"""Routing's handler: one report event in, routing's memory updated, at most one command out
to intake (the report's single writer), lessons for the model, and the agencies' topics fed.

A command's id derives from the event that caused it, so a redelivered event
yields the same command and intake decides it only once. An event the stored
case already reflects changes nothing in routing's memory.
"""

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer
from google.protobuf.message import Message

from lapor.report.v1 import events_pb2 as e
from lapor_common.envelope import Causation, Event, decode_event, new_command, service_actor
from lapor_common.kafka_io import SourceRecord
from lapor_common.topics import REPORT_COMMANDS
from routing.cases import Cases, Lessons, OpenReports, Stored
from routing.classifier import Classifier, Example
from routing.domain import Assessment, Case, Router, decide
from routing.duplicates import DuplicatePolicy, OpenReport
from routing.feeds import AgencyFeed, shareable
from routing.text import terms, words

log = logging.getLogger(__name__)

NAME = "routing"
# Events after which a report can no longer be the original of a duplicate.
ENDED = (e.ReportClosed, e.ReportRejected, e.ReportArchived, e.DuplicateLinked)


class Knowledge:
    """The current Router, swapped whole when the model learns or the directory changes."""

    def __init__(self, router: Router, base: Classifier) -> None:
        self.router = router
        self.base = base


@dataclass(frozen=True)
class Tuning:
    auto_route_confidence: float
    retrain_every: int
    duplicates: DuplicatePolicy


def _case(event: Event, submitted: e.ReportSubmitted) -> Case:
    location = None
    if submitted.HasField("location"):
        location = (submitted.location.latitude, submitted.location.longitude)
    return Case(
        report_id=event.envelope.report_id,
        title=submitted.title,
        body=submitted.body,
        region_code=submitted.region_code,
        category_code=submitted.category_code,
        submitted_at=event.envelope.occurred_at.ToDatetime(UTC),
        location=location,
    )


def _open_report(case: Case, assessment: Assessment) -> OpenReport | None:
    best = assessment.best
    if best is None or assessment.located is None:
        return None
    area = ".".join(assessment.located.region_code.split(".")[:2])
    stems = frozenset(stem for stem, _ in terms(words(f"{case.title} {case.body}")))
    return OpenReport(
        case.report_id, area, best.category_code, stems, case.submitted_at, case.location
    )


def needs_routing(payload: Message) -> bool:
    """A new report, or one its agency declined back to routing. A report an agency's own
    system imported is already at that agency (its desk received it): routing leaves it."""
    if isinstance(payload, e.ReportSubmitted):
        return not payload.origin_agency_code
    return (
        isinstance(payload, e.ReportForwarded)
        and payload.kind == e.FORWARD_KIND_NOT_OUR_AUTHORITY
        and not payload.to_agency_code
    )


class RoutingHandler:
    def __init__(
        self,
        *,
        knowledge: Knowledge,
        cases: Cases,
        open_reports: OpenReports,
        lessons: Lessons,
        producer: AIOKafkaProducer,
        tuning: Tuning,
    ) -> None:
        self._knowledge = knowledge
        self._cases = cases
        self._open = open_reports
        self._lessons = lessons
        self._producer = producer
        self._feed = AgencyFeed(producer)
        self._tuning = tuning
        self._unlearned = 0

    async def __call__(self, record: SourceRecord) -> None:
        event = decode_event(record.value)
        envelope = event.envelope
        stored = await self._cases.get(envelope.report_id)
        if isinstance(event.payload, e.ReportSubmitted):
            stored = stored or Stored(
                _case(event, event.payload), 0, shareable(envelope).SerializeToString()
            )
        if stored is None:
            log.warning("%s for unknown report %s", envelope.event_type, envelope.report_id)
            return
        fresh = stored.sequence < envelope.sequence
        case = await self._after(event, stored.case) if fresh else stored.case
        if fresh:
            await self._cases.save(replace(stored, case=case, sequence=envelope.sequence))
        await self._decide(event, case)
        registry = self._knowledge.router.registry
        await self._feed.publish(
            registry, event, stored.case.agency_code, case.agency_code, stored.shareable
        )

    async def _after(self, event: Event, case: Case) -> Case:
        """Routing's memory after the event, and what the event teaches the model."""
        payload = event.payload
        if isinstance(payload, e.ReportForwarded):
            declined = case.declined
            if payload.kind == e.FORWARD_KIND_NOT_OUR_AUTHORITY:
                declined = (*declined, payload.from_agency_code)
            return replace(case, declined=declined, agency_code=payload.to_agency_code)
        if isinstance(payload, e.ReportEscalated):
            return replace(case, agency_code=payload.to_agency_code)
        if isinstance(payload, e.ReportRouted):
            return await self._routed(event, case, payload)
        if isinstance(payload, e.ReportAcknowledged) and case.declined and not case.learned:
            example = Example(case.routed_category, case.title, case.body)
            await self._learn(event, example, "accepted after a decline")
            return replace(case, learned=True)
        if isinstance(payload, ENDED):
            await self._open.remove(case.report_id)
        return case

    async def _routed(self, event: Event, case: Case, routed: e.ReportRouted) -> Case:
        category = routed.category_code or case.routed_category
        if routed.decided_by == e.DECIDED_BY_ADMINISTRATOR and routed.category_code:
            await self._learn(event, Example(category, case.title, case.body), "administrator")
        return replace(case, agency_code=routed.agency_code, routed_category=category)

    async def _decide(self, event: Event, case: Case) -> None:
        if not needs_routing(event.payload):
            return
        router = self._knowledge.router
        assessment = router.assess(case.title, case.body, case.region_code, case.category_code)
        new = _open_report(case, assessment)
        match = None
        if new is not None and not case.declined:
            match = self._tuning.duplicates.find(new, self._open.near(new.area, new.category_code))
        command = decide(case, assessment, match, self._tuning.auto_route_confidence)
        if new is not None and not case.declined and match is None:
            await self._open.add(new)
        await self._send(event, command)

    async def _send(self, event: Event, decision: Message) -> None:
        envelope = event.envelope
        cause = Causation(service_actor(NAME), envelope.correlation_id, envelope.event_id)
        command = new_command(
            envelope.report_id, decision, cause, datetime.now(UTC), envelope.sequence
        )
        command.envelope.command_id = str(uuid.uuid5(uuid.NAMESPACE_URL, envelope.event_id))
        await self._producer.send_and_wait(
            REPORT_COMMANDS, command.envelope.SerializeToString(), key=envelope.report_id.encode()
        )

    async def _learn(self, event: Event, example: Example, source: str) -> None:
        at = event.envelope.occurred_at.ToDatetime(UTC)
        if not example.category_code or not await self._lessons.add(
            event.envelope.event_id, example, source, at
        ):
            return
        self._unlearned += 1
        if self._unlearned >= self._tuning.retrain_every:
            await self.retrain()

    async def retrain(self) -> None:
        """Rebuild the model from the seed corpus and every lesson kept so far."""
        lessons = await self._lessons.all()
        model = self._knowledge.base.learn(lessons) if lessons else self._knowledge.base
        await self._lessons.record_model(model.version, len(lessons), datetime.now(UTC))
        self._knowledge.router = replace(self._knowledge.router, classifier=model)
        self._unlearned = 0
        log.info("routing decides with model %s (%d lessons)", model.version, len(lessons))
