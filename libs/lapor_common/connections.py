"""The clients every service holds: a durable Kafka producer and its MongoDB database."""

from dataclasses import dataclass

from aiokafka import AIOKafkaProducer
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from lapor_common.health import Readiness, kafka_check
from lapor_common.kafka_io import durable_producer
from lapor_common.mongo import Document, mongo_client, ping
from lapor_common.settings import PlatformSettings


@dataclass
class Connections:
    producer: AIOKafkaProducer
    mongo: AsyncMongoClient[Document]
    database: AsyncDatabase[Document]
    readiness: Readiness

    async def start(self) -> None:
        await self.producer.start()

    async def stop(self) -> None:
        """Flush and close the producer, then the database client."""
        await self.producer.stop()
        await self.mongo.close()


def connect(platform: PlatformSettings, service: str, database: str) -> Connections:
    """Clients for one service, with readiness checks of both (not yet started)."""
    producer = durable_producer(platform.kafka_bootstrap_servers, service)
    mongo = mongo_client(platform.mongo_uri, service)
    db = mongo[database]
    readiness = Readiness()
    readiness.add_check("kafka", kafka_check(producer))
    readiness.add_check("mongodb", lambda: ping(db))
    return Connections(producer, mongo, db, readiness)
