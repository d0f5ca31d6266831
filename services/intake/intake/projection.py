"""Intake's read models folded from the log: the same fold live and in replays.

``project`` only updates the read models, so a replay into another database
touches nothing else. Live, intake also carries out what an event does in the
world (``effects``), e.g. destroying an erased reporter's data key.
"""

from intake.domain.fold import evolve
from intake.identity import IdentityVault
from intake.store import EventCopy, ReportStore
from lapor.report.v1.events_pb2 import ReporterDataErased
from lapor_common.envelope import Event


async def project(store: ReportStore, copy: EventCopy, event: Event) -> None:
    """Apply one event to the read models; events already reflected change nothing."""
    envelope = event.envelope
    await copy.add(envelope)
    state = await store.get(envelope.report_id)
    previous = state.sequence if state else 0
    if previous + 1 != envelope.sequence:
        return
    await store.save(evolve(state, envelope, event.payload), previous)


async def effects(vault: IdentityVault, event: Event) -> None:
    """What an event does outside the log: erasing destroys the reporter's data key."""
    if isinstance(event.payload, ReporterDataErased):
        await vault.erase(event.payload.key_id)
