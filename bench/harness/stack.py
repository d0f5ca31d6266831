"""The platform a benchmark run measures: Kafka, FerretDB and the five services started by
``deploy/local/platform.sh`` on private ports (2xxxx) with a run dir of their own, so a run
disturbs nothing else on the machine and starts from an empty log and empty databases."""

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = ROOT / "deploy/local/platform.sh"
SERVICES = ("intake", "routing", "escalation", "notification", "analytics")
# Below 32768 (the kernel's ephemeral range) and apart from `make up` (8080, 9092, 27017) and
# the tests (18xxx, 15xxx, 39092, 37017).
PORTS = {
    "KAFKA_PORT": 21092,
    "KAFKA_CONTROLLER_PORT": 21093,
    "MONGO_PORT": 21017,
    "GATEWAY_PORT": 21080,
    "MAILBOX_SMTP_PORT": 21025,
    "MAILBOX_HTTP_PORT": 21026,
    **{f"{name.upper()}_HTTP_PORT": 21001 + i for i, name in enumerate(SERVICES)},
    **{f"{name.upper()}_GRPC_PORT": 21051 + i for i, name in enumerate(SERVICES)},
}
# Free ports for what the scenarios start themselves (the HTTP ceiling, a restarted service).
SPARE_PORTS = (21090, 21091, 21094, 21095)


@dataclass(frozen=True)
class Stack:
    """Where the benchmark's platform runs and how to reach it."""

    run_dir: Path
    env: dict[str, str]

    @property
    def kafka(self) -> str:
        return self.env["LAPOR_KAFKA_BOOTSTRAP_SERVERS"]

    @property
    def mongo_uri(self) -> str:
        return self.env["LAPOR_MONGO_URI"]

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{PORTS['GATEWAY_PORT']}"

    def http_url(self, service: str) -> str:
        return f"http://127.0.0.1:{PORTS[f'{service.upper()}_HTTP_PORT']}"

    def grpc_target(self, service: str) -> str:
        return f"127.0.0.1:{PORTS[f'{service.upper()}_GRPC_PORT']}"

    def platform(self, verb: str) -> None:
        subprocess.run([str(PLATFORM), verb], env=self.env, check=True)

    def pids(self) -> dict[str, int]:
        """The running broker, database server and services, by name."""
        files = {
            "kafka": self.run_dir / "kafka/kafka.pid",
            "ferretdb": self.run_dir / "ferretdb/ferretdb.pid",
            **{name: self.run_dir / "pids" / name for name in SERVICES},
        }
        return {name: int(path.read_text()) for name, path in files.items() if path.exists()}


def environment(run_dir: Path) -> dict[str, str]:
    """What platform.sh, the services and the scenarios need to find this platform."""
    regions = os.environ.get("LAPOR_REGIONS_DIR", str(ROOT.parent / "shared/data/regions"))
    return {
        **os.environ,
        **{name: str(port) for name, port in PORTS.items()},
        "LAPOR_RUN_DIR": str(run_dir),
        "LAPOR_REGIONS_DIR": regions,
        "LAPOR_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{PORTS['KAFKA_PORT']}",
        "LAPOR_MONGO_URI": f"mongodb://127.0.0.1:{PORTS['MONGO_PORT']}/",
    }


@contextmanager
def infrastructure(run_dir: Path) -> Iterator[Stack]:
    """Kafka, FerretDB and the platform's topics, from empty; stopped (services too) on exit,
    whatever happened."""
    shutil.rmtree(run_dir, ignore_errors=True)
    stack = Stack(run_dir, environment(run_dir))
    try:
        stack.platform("infra-up")
        yield stack
    finally:
        subprocess.run([str(PLATFORM), "down"], env=stack.env, check=False)


@contextmanager
def services(stack: Stack) -> Iterator[None]:
    """The five services (and the gateway and mailbox) on the stack, stopped on exit."""
    try:
        stack.platform("services-up")
        yield
    finally:
        stack.platform("services-down")
