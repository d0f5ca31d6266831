"""ReportWriter, the single writer of every report's log, over fakes of its store and log."""

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from intake.domain import Invalid, Refused, Status, SubmitReport
from intake.handlers import KeyedLocks, ReportWriter, command_handlers
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_CITIZEN, Actor
from lapor.report.v1.events_pb2 import (
    CHANNEL_WEB,
    DECIDED_BY_RULE,
    REPORT_TYPE_COMPLAINT,
    ReportRouted,
    ReportSubmitted,
)
from lapor.routing.v1.commands_pb2 import RouteReport
from lapor_common.envelope import Causation, Command, new_command, new_event, service_actor
from tests.unit.fakes import FakeEventLog, FakeReportStore

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
CITIZEN = Causation(Actor(kind=ACTOR_KIND_CITIZEN), "corr-1")
REPORT = SubmitReport(
    type=REPORT_TYPE_COMPLAINT,
    requires_examination=False,
    title="Lampu jalan mati",
    body="Lampu jalan di Jl. Merdeka mati sejak seminggu, gelap sekali di malam hari.",
    category_code="",
    region_code="32.73",
    location=None,
    channel=CHANNEL_WEB,
    anonymous=False,
    confidential=False,
)


def _ids() -> Callable[[], str]:
    numbers = itertools.count(1)
    return lambda: f"0000-0000-{next(numbers):04d}"


class Fixture:
    def __init__(self) -> None:
        self.store = FakeReportStore()
        self.log = FakeEventLog()
        self.writer = ReportWriter(
            self.store, self.log, {"32", "32.73"}.__contains__, lambda: AT, _ids()
        )


@pytest.fixture
def fx() -> Fixture:
    return Fixture()


def _route(report_id: str, agency: str = "pemkot-3273", correlation: str = "corr-1") -> Command:
    payload = RouteReport(
        agency_code=agency, agency_name=f"Pemerintah {agency}", decided_by=DECIDED_BY_RULE
    )
    cause = Causation(service_actor("routing"), correlation, "event-1")
    return new_command(report_id, payload, cause, AT, expected_sequence=1)


async def test_submit_appends_one_submitted_event_and_returns_the_state(fx: Fixture) -> None:
    state = await fx.writer.submit(REPORT, CITIZEN)
    assert state.report_id == "0000-0000-0001"
    assert state.sequence == 1
    assert state.status is Status.MENUNGGU_VERIFIKASI
    assert state.submitted_at == AT
    assert len(fx.log.events) == 1
    envelope = fx.log.events[0].envelope
    assert envelope.event_type == "ReportSubmitted"
    assert envelope.sequence == 1
    assert envelope.report_id == state.report_id
    assert envelope.correlation_id == "corr-1"
    assert envelope.causation_id == ""
    assert envelope.actor.kind == ACTOR_KIND_CITIZEN
    assert envelope.occurred_at.ToDatetime(UTC) == AT
    payload = ReportSubmitted.FromString(envelope.payload)
    assert (payload.title, payload.region_code) == (REPORT.title, "32.73")
    assert await fx.store.get(state.report_id) == state


async def test_an_invalid_submission_appends_nothing(fx: Fixture) -> None:
    with pytest.raises(Invalid):
        await fx.writer.submit(replace(REPORT, region_code="99"), CITIZEN)
    assert fx.log.events == []
    assert fx.store.states == {}


async def test_route_appends_routed_as_the_next_event_caused_by_the_command(fx: Fixture) -> None:
    state = await fx.writer.submit(REPORT, CITIZEN)
    command = _route(state.report_id, correlation="corr-1")
    await fx.writer.route(command)
    assert fx.log.sequences(state.report_id) == [1, 2]
    envelope = fx.log.events[1].envelope
    assert envelope.event_type == "ReportRouted"
    assert envelope.report_id == state.report_id
    assert envelope.causation_id == command.envelope.command_id
    assert envelope.correlation_id == "corr-1"
    assert envelope.actor == service_actor("routing")
    assert ReportRouted.FromString(envelope.payload).agency_code == "pemkot-3273"
    stored = await fx.store.get(state.report_id)
    assert stored is not None
    assert (stored.sequence, stored.status) == (2, Status.DITERUSKAN_KE_INSTANSI)
    assert stored.agency_code == "pemkot-3273"


async def test_the_registry_routes_route_commands(fx: Fixture) -> None:
    state = await fx.writer.submit(REPORT, CITIZEN)
    await command_handlers(fx.writer)["RouteReport"](_route(state.report_id))
    assert fx.log.sequences(state.report_id) == [1, 2]


async def test_a_repeated_route_appends_nothing(fx: Fixture) -> None:
    state = await fx.writer.submit(REPORT, CITIZEN)
    await fx.writer.route(_route(state.report_id))
    await fx.writer.route(_route(state.report_id))
    assert fx.log.sequences(state.report_id) == [1, 2]


async def test_rerouting_elsewhere_is_refused_and_appends_nothing(fx: Fixture) -> None:
    state = await fx.writer.submit(REPORT, CITIZEN)
    await fx.writer.route(_route(state.report_id))
    with pytest.raises(Refused):
        await fx.writer.route(_route(state.report_id, agency="pemprov-32"))
    assert fx.log.sequences(state.report_id) == [1, 2]


async def test_routing_an_unknown_report_is_refused(fx: Fixture) -> None:
    with pytest.raises(Refused):
        await fx.writer.route(_route("ZZZZ-ZZZZ-ZZZZ"))
    assert fx.log.events == []


async def test_applying_an_event_already_reflected_changes_nothing(fx: Fixture) -> None:
    state = await fx.writer.submit(REPORT, CITIZEN)
    saves = fx.store.saves
    await fx.writer.apply(fx.log.events[0])
    assert fx.store.saves == saves
    assert await fx.store.get(state.report_id) == state


async def test_applying_the_next_event_folds_it(fx: Fixture) -> None:
    state = await fx.writer.submit(REPORT, CITIZEN)
    routed = ReportRouted(agency_code="pemkot-3273", agency_name="Pemerintah Kota Bandung")
    await fx.writer.apply(new_event(state.report_id, 2, routed, CITIZEN, AT))
    stored = await fx.store.get(state.report_id)
    assert stored is not None
    assert (stored.sequence, stored.status) == (2, Status.DITERUSKAN_KE_INSTANSI)
    assert stored.agency_name == "Pemerintah Kota Bandung"


async def test_applying_a_report_written_elsewhere_builds_its_state(fx: Fixture) -> None:
    other, other_store = FakeEventLog(), FakeReportStore()
    elsewhere = ReportWriter(other_store, other, {"32.73"}.__contains__, lambda: AT, _ids())
    state = await elsewhere.submit(REPORT, CITIZEN)
    await elsewhere.route(_route(state.report_id))
    for event in other.events:
        await fx.writer.apply(event)
    stored = await fx.store.get(state.report_id)
    assert stored is not None
    assert stored == await other_store.get(state.report_id)


async def test_applying_an_event_beyond_the_next_skips_it(fx: Fixture) -> None:
    state = await fx.writer.submit(REPORT, CITIZEN)
    routed = ReportRouted(agency_code="pemkot-3273")
    await fx.writer.apply(new_event(state.report_id, 3, routed, CITIZEN, AT))
    assert await fx.store.get(state.report_id) == state


async def test_concurrent_routes_on_one_report_keep_the_sequence_gapless(fx: Fixture) -> None:
    state = await fx.writer.submit(REPORT, CITIZEN)
    agencies = ["pemkot-3273", "pemprov-32"] * 5
    outcomes = await asyncio.gather(
        *(fx.writer.route(_route(state.report_id, agency)) for agency in agencies),
        return_exceptions=True,
    )
    assert fx.log.sequences(state.report_id) == [1, 2]
    refused = [o for o in outcomes if isinstance(o, Refused)]
    assert all(o is None or isinstance(o, Refused) for o in outcomes)
    assert len(refused) == 5  # the agency that lost the race is refused each time
    stored = await fx.store.get(state.report_id)
    assert stored is not None
    assert stored.sequence == 2


async def test_concurrent_submits_and_routes_never_duplicate_or_skip_a_sequence(
    fx: Fixture,
) -> None:
    first = await fx.writer.submit(REPORT, CITIZEN)

    async def submit_then_route() -> None:
        state = await fx.writer.submit(REPORT, CITIZEN)
        await asyncio.gather(fx.writer.route(_route(state.report_id)), _apply_all(fx))

    await asyncio.gather(
        *(submit_then_route() for _ in range(10)),
        *(fx.writer.route(_route(first.report_id)) for _ in range(10)),
    )
    report_ids = {e.envelope.report_id for e in fx.log.events}
    assert len(report_ids) == 11
    for report_id in report_ids:
        assert fx.log.sequences(report_id) == [1, 2], report_id
    assert len({e.envelope.event_id for e in fx.log.events}) == len(fx.log.events)


async def _apply_all(fx: Fixture) -> None:
    """Read back everything logged so far, as the state projection does."""
    for event in list(fx.log.events):
        await fx.writer.apply(event)


async def test_the_writer_forgets_its_locks_after_use(fx: Fixture) -> None:
    states = await asyncio.gather(*(fx.writer.submit(REPORT, CITIZEN) for _ in range(20)))
    await asyncio.gather(*(fx.writer.route(_route(s.report_id)) for s in states * 2))
    with pytest.raises(Refused):
        await fx.writer.route(_route("ZZZZ-ZZZZ-ZZZZ"))
    assert fx.writer._locks._locks == {}


async def test_keyed_locks_exclude_holders_of_one_key_and_forget_it() -> None:
    locks = KeyedLocks()
    inside: list[str] = []
    overlaps: list[set[str]] = []

    async def work(name: str, key: str) -> None:
        async with locks.hold(key):
            inside.append(name)
            overlaps.append({n for n in inside if n.startswith(key)})
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            inside.remove(name)

    await asyncio.gather(*(work(f"a{i}", "a") for i in range(5)), work("b0", "b"))
    assert all(len(names) == 1 for names in overlaps)
    assert locks._locks == {}


async def test_keyed_locks_do_not_serialise_different_keys() -> None:
    locks = KeyedLocks()
    both_held = asyncio.Event()
    async with locks.hold("a"):
        async with locks.hold("b"):
            both_held.set()
        assert set(locks._locks) == {"a"}
    assert both_held.is_set()
    assert locks._locks == {}


async def test_keyed_locks_forget_a_waiter_that_was_cancelled() -> None:
    locks = KeyedLocks()
    entered = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        async with locks.hold("a"):
            entered.set()
            await release.wait()

    async def waiter() -> None:
        async with locks.hold("a"):
            pytest.fail("the waiter was cancelled before it could hold the lock")

    holding = asyncio.create_task(holder())
    await entered.wait()
    waiting = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    release.set()
    await holding
    assert locks._locks == {}
