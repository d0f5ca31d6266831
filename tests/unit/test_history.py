"""The history generator's pure parts (deploy/local/history*.py): time helpers, partitions,
ids, and a simulation that is the same for the same seed whichever partitions a worker owns."""

import random
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from aiokafka.partitioner import DefaultPartitioner

from deploy.local.history import compression_of, window
from deploy.local.history_life import citizen, office
from deploy.local.history_sim import Simulation, partition_of, uuid_from
from deploy.local.history_world import World, load_world
from lapor_common.zones import WIB, WIT
from tests.infra import ROOT

REGIONS = ROOT.parent / "shared/data/regions"
FIRST = date(2025, 3, 3)  # a Monday


@pytest.fixture(scope="module")
def world() -> World:
    return load_world(REGIONS, FIRST, FIRST + timedelta(days=40))


def _history(world: World, owns: int | None = None) -> list[tuple[int, bytes]]:
    simulation = Simulation(world, 3, FIRST, 4, 15, 4)
    if owns is not None:
        simulation.owns = lambda partition: partition % 2 == owns
    return [(p, event.envelope.SerializeToString()) for p, event in simulation.events()]


def test_the_same_seed_gives_the_same_history_whichever_partitions_are_simulated(
    world: World,
) -> None:
    whole = _history(world)
    assert whole == _history(world)
    halves = _history(world, 0) + _history(world, 1)
    assert Counter(whole) == Counter(halves)
    assert {p for p, _ in _history(world, 0)} <= {0, 2}


def test_officers_act_in_office_hours_on_working_days(world: World) -> None:
    friday_evening = datetime(2025, 3, 7, 17, 30, tzinfo=WIB)
    moment = office(world.calendar, friday_evening, 0.25, WIB).astimezone(WIB)
    assert moment.weekday() == 0
    assert 8 <= moment.hour < 16
    later = office(world.calendar, friday_evening, 3.5, WIT).astimezone(WIT)
    assert world.calendar.is_working_day(later.date())
    assert later > friday_evening
    assert later.utcoffset() == timedelta(hours=9)


def test_citizens_do_not_act_in_the_dead_of_night() -> None:
    rng = random.Random(2)
    start = datetime(2025, 3, 3, 22, 0, tzinfo=UTC)
    moments = [citizen(start, 10, rng).astimezone(WIB) for _ in range(500)]
    assert all(m.hour >= 6 for m in moments)
    assert all(m > start for m in moments)
    assert all(m.microsecond % 1000 == 0 for m in moments)


def test_partitions_are_kafkas_default_and_ids_are_version_4_uuids() -> None:
    partitioner = DefaultPartitioner()
    for key in ("7K3M-9QXD-2F8A", "ABCD-EFGH-JKMN", "0000-0000-0000"):
        assert partition_of(key, 12) == partitioner(key.encode(), list(range(12)), [])
    bits = random.Random(4).getrandbits(128)
    assert uuid_from(random.Random(4)) == str(uuid.UUID(int=bits, version=4))


def test_the_window_is_calendar_years_unless_days_are_given() -> None:
    assert window(date(2024, 11, 23), 2, 0) == 730
    assert window(date(2024, 2, 29), 1, 0) == 366
    assert window(date(2024, 11, 23), 2, 10) == 10
    assert compression_of("none") is None
    assert compression_of("gzip") == "gzip"
    assert compression_of("auto") in (None, "lz4", "zstd")


def test_bursts_are_inside_the_window_and_one_is_of_social_assistance(world: World) -> None:
    simulation = Simulation(world, 7, FIRST, 730, 331, 12)
    assert len(simulation.bursts) == 6
    assert "sosial" in {burst.group for burst in simulation.bursts}
    for burst in simulation.bursts:
        assert burst.first >= FIRST
        assert burst.first + timedelta(days=burst.days) <= FIRST + timedelta(days=730)
        assert all(c.code.startswith(burst.group + ".") for c in burst.categories)
