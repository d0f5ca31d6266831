"""Fixtures shared by the integration, contract and end-to-end tests."""

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest
from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from lapor_common.kafka_io import durable_producer
from lapor_common.mongo import Document, mongo_client
from tests.infra import Infrastructure, infrastructure


@pytest.fixture(scope="session")
def infra() -> Iterator[Infrastructure]:
    with infrastructure() as started:
        yield started


@pytest.fixture(scope="session")
async def producer(infra: Infrastructure) -> AsyncIterator[AIOKafkaProducer]:
    started = durable_producer(infra.kafka_bootstrap_servers, "tests")
    await started.start()
    yield started
    await started.stop()


@asynccontextmanager
async def scratch_database(infra: Infrastructure) -> AsyncIterator[AsyncDatabase[Document]]:
    """A fresh, uniquely named database, dropped afterwards."""
    client = mongo_client(infra.mongo_uri, "tests")
    name = f"test_{uuid.uuid4().hex[:12]}"
    try:
        yield client[name]
    finally:
        await client.drop_database(name)
        await client.close()


@pytest.fixture
async def database(infra: Infrastructure) -> AsyncIterator[AsyncDatabase[Document]]:
    async with scratch_database(infra) as scratch:
        yield scratch
