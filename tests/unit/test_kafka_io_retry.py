"""Poison never blocks: undecodable or failing records go to the dead-letter topic with
the reason; outages of the infrastructure are waited out."""

from dataclasses import dataclass, field
from typing import Any

import pytest
from aiokafka.errors import KafkaConnectionError
from pymongo.errors import ConnectionFailure

from lapor_common.envelope import decode_event
from lapor_common.kafka_io import SourceRecord, handle_or_dead_letter
from lapor_common.topics import DEAD_LETTER


@dataclass(frozen=True)
class Record:
    topic: str = "lapor.report-events"
    partition: int = 2
    offset: int = 41
    key: bytes | None = b"7K3M-9QXD-2F8A"
    value: bytes | None = b"\xff\xff\xff"


@dataclass
class Sent:
    topic: str
    value: bytes | None
    key: bytes | None
    headers: dict[str, str]


@dataclass
class FakeProducer:
    sent: list[Sent] = field(default_factory=list)

    async def send_and_wait(
        self, topic: str, value: bytes | None, key: bytes | None = None, **options: Any
    ) -> None:
        headers = {name: raw.decode() for name, raw in options.get("headers") or []}
        self.sent.append(Sent(topic, value, key, headers))


class Flaky:
    """A handler that raises the given errors in turn, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self, record: SourceRecord) -> None:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waited: list[float] = []

    async def no_wait(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr("lapor_common.kafka_io.asyncio.sleep", no_wait)
    return waited


async def test_an_undecodable_record_is_dead_lettered_at_once(sleeps: list[float]) -> None:
    producer = FakeProducer()
    calls = 0

    async def decode(record: SourceRecord) -> None:
        nonlocal calls
        calls += 1
        decode_event(record.value)

    await handle_or_dead_letter(Record(), decode, producer, "analytics-report-facts")
    assert calls == 1
    assert sleeps == []
    [sent] = producer.sent
    assert sent.topic == DEAD_LETTER
    assert (sent.key, sent.value) == (b"7K3M-9QXD-2F8A", b"\xff\xff\xff")
    assert "not a valid EventEnvelope" in sent.headers["lapor.dead-letter.reason"]
    assert sent.headers["lapor.dead-letter.source"] == "lapor.report-events/2/41"
    assert sent.headers["lapor.dead-letter.consumer"] == "analytics-report-facts"


async def test_a_record_handled_at_once_is_not_dead_lettered(sleeps: list[float]) -> None:
    producer, handler = FakeProducer(), Flaky()
    await handle_or_dead_letter(Record(), handler, producer, "intake")
    assert (handler.calls, producer.sent, sleeps) == (1, [], [])


async def test_a_handler_that_recovers_is_not_dead_lettered(sleeps: list[float]) -> None:
    producer, handler = FakeProducer(), Flaky(RuntimeError("1"), RuntimeError("2"))
    await handle_or_dead_letter(Record(), handler, producer, "intake", attempts=5)
    assert handler.calls == 3
    assert producer.sent == []
    assert sleeps == [0.1, 0.2]  # backoff between the attempts


async def test_a_handler_that_keeps_failing_is_dead_lettered_after_its_attempts(
    sleeps: list[float],
) -> None:
    producer = FakeProducer()
    handler = Flaky(*(RuntimeError(f"boom {i}") for i in range(10)))
    await handle_or_dead_letter(Record(), handler, producer, "intake", attempts=4)
    assert handler.calls == 4
    assert len(sleeps) == 3
    [sent] = producer.sent
    assert sent.topic == DEAD_LETTER
    assert sent.headers["lapor.dead-letter.reason"] == "failed 4 times: RuntimeError('boom 3')"
    assert sent.headers["lapor.dead-letter.consumer"] == "intake"


async def test_backoff_grows_but_is_capped(sleeps: list[float]) -> None:
    handler = Flaky(*(RuntimeError() for _ in range(20)))
    await handle_or_dead_letter(Record(), handler, FakeProducer(), "intake", attempts=12)
    assert sleeps == sorted(sleeps)
    assert sleeps[0] == 0.1
    assert max(sleeps) == 5.0


@pytest.mark.parametrize(
    "outage", [ConnectionFailure("mongo down"), KafkaConnectionError("kafka down")]
)
async def test_an_outage_is_waited_out_beyond_the_attempts(
    sleeps: list[float], outage: Exception
) -> None:
    producer, handler = FakeProducer(), Flaky(*[outage] * 12)
    await handle_or_dead_letter(Record(), handler, producer, "intake", attempts=3)
    assert handler.calls == 13
    assert producer.sent == []


async def test_a_long_outage_is_waited_out(sleeps: list[float]) -> None:
    # 1,100 retries, nearly all at the 5 s cap: an outage of about an hour and a half.
    producer, handler = FakeProducer(), Flaky(*[ConnectionFailure("down")] * 1100)
    await handle_or_dead_letter(Record(), handler, producer, "intake")
    assert handler.calls == 1101
    assert producer.sent == []
    assert max(sleeps) == 5.0


async def test_failures_during_an_outage_do_not_use_up_the_attempts(sleeps: list[float]) -> None:
    # Five outage retries, then one ordinary failure, then success: the handler
    # failed once, far from its three attempts, so the record is not poison.
    errors = [ConnectionFailure("down")] * 5 + [RuntimeError("first query after reconnect")]
    producer, handler = FakeProducer(), Flaky(*errors)
    await handle_or_dead_letter(Record(), handler, producer, "intake", attempts=3)
    assert handler.calls == 7
    assert producer.sent == []
