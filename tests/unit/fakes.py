"""Fakes for intake's ports: in-memory, with the real adapters' semantics, no I/O.

They subclass the real ports only so that the writer's annotations hold; neither
calls the real constructor, so no client is ever created.
"""

import asyncio

from intake.domain import ReportState
from intake.handlers import EventLog
from intake.store import ReportStore
from lapor_common.envelope import Event


class FakeReportStore(ReportStore):
    """One state per report; like the real store, a save never replaces a newer state."""

    def __init__(self) -> None:
        self.states: dict[str, ReportState] = {}
        self.saves = 0

    async def get(self, report_id: str) -> ReportState | None:
        await asyncio.sleep(0)  # a real store yields here: let other tasks interleave
        return self.states.get(report_id)

    async def save(self, state: ReportState) -> None:
        await asyncio.sleep(0)
        self.saves += 1
        stored = self.states.get(state.report_id)
        if stored is None or stored.sequence < state.sequence:
            self.states[state.report_id] = state


class FakeEventLog(EventLog):
    """Records every appended event, in order, as the topic would hold them."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    async def append(self, events: list[Event]) -> None:
        await asyncio.sleep(0)  # a real append awaits Kafka's acknowledgement
        self.events.extend(events)

    def sequences(self, report_id: str) -> list[int]:
        return [e.envelope.sequence for e in self.events if e.envelope.report_id == report_id]
