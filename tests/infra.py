"""Where the tests' Kafka and MongoDB-wire server come from: the one switch.

When a Docker engine answers, testcontainers starts Kafka and MongoDB (images
pinned to the versions the local scripts run); otherwise the project's own
scripts start Kafka and FerretDB as local processes on test ports, in
.run/test, and stop them at the end. Either way the platform's topics are
created explicitly, as in production.
"""

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLATFORM = ROOT / "deploy/local/platform.sh"
KAFKA_IMAGE = "apache/kafka:4.1.1"
MONGO_IMAGE = "mongo:7.0"
# Ports of the local processes: apart from `make up`'s, so both can run at once, and below
# Linux's ephemeral range (32768-60999), where any client's outgoing connection may hold them.
LOCAL_PORTS = {"KAFKA_PORT": "19092", "KAFKA_CONTROLLER_PORT": "19093", "MONGO_PORT": "17017"}


@dataclass(frozen=True)
class Infrastructure:
    kafka_bootstrap_servers: str
    mongo_uri: str
    run_dir: Path

    def environment(self) -> dict[str, str]:
        """What the platform's scripts and services need to use this infrastructure."""
        return {
            **os.environ,
            "LAPOR_RUN_DIR": str(self.run_dir),
            "LAPOR_KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap_servers,
            "LAPOR_MONGO_URI": self.mongo_uri,
            **LOCAL_PORTS,
        }


def docker_answers() -> bool:
    try:
        import docker  # noqa: PLC0415 - only where testcontainers is wanted

        docker.from_env(timeout=3).ping()
    except Exception:
        return False
    return True


def _create_topics(infra: Infrastructure) -> None:
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-m", "lapor_common.topics"],
        env={**infra.environment(), "PYTHONPATH": str(ROOT / "libs")},
        check=True,
    )


@contextmanager
def _local_processes(run_dir: Path) -> Iterator[Infrastructure]:
    shutil.rmtree(run_dir, ignore_errors=True)
    infra = Infrastructure(
        f"127.0.0.1:{LOCAL_PORTS['KAFKA_PORT']}",
        f"mongodb://127.0.0.1:{LOCAL_PORTS['MONGO_PORT']}/",
        run_dir,
    )
    try:
        subprocess.run([str(PLATFORM), "infra-up"], env=infra.environment(), check=True)
        yield infra
    finally:
        subprocess.run([str(PLATFORM), "infra-down"], env=infra.environment(), check=False)


@contextmanager
def _containers(run_dir: Path) -> Iterator[Infrastructure]:
    from testcontainers.kafka import KafkaContainer  # noqa: PLC0415
    from testcontainers.mongodb import MongoDbContainer  # noqa: PLC0415

    with KafkaContainer(KAFKA_IMAGE).with_kraft() as kafka, MongoDbContainer(MONGO_IMAGE) as mongo:
        infra = Infrastructure(
            kafka.get_bootstrap_server(), mongo.get_connection_url() + "/", run_dir
        )
        _create_topics(infra)
        yield infra


@contextmanager
def infrastructure() -> Iterator[Infrastructure]:
    run_dir = ROOT / ".run/test"
    starter = _containers if docker_answers() else _local_processes
    with starter(run_dir) as infra:
        yield infra
