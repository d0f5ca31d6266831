"""Health as Kubernetes and gRPC clients expect it: /healthz, /readyz and grpc.health.v1."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaProducer
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from grpc_health.v1 import health, health_pb2

log = logging.getLogger(__name__)

Check = Callable[[], Awaitable[None]]
_CHECK_TIMEOUT_S = 3.0


class Readiness:
    """Named checks that must all pass (raise nothing) for the service to take traffic."""

    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}
        self._gates: dict[str, bool] = {}

    def add_check(self, name: str, check: Check) -> None:
        self._checks[name] = check

    def add_gate(self, name: str) -> None:
        """A condition the service itself opens once, e.g. 'caught up with the log'."""
        self._gates[name] = False

    def open_gate(self, name: str) -> None:
        self._gates[name] = True

    async def report(self) -> dict[str, str]:
        results = await asyncio.gather(*(self._run(check) for check in self._checks.values()))
        report = dict(zip(self._checks, results, strict=True))
        report.update({name: "ok" if ok else "waiting" for name, ok in self._gates.items()})
        return report

    @staticmethod
    async def _run(check: Check) -> str:
        try:
            await asyncio.wait_for(check(), _CHECK_TIMEOUT_S)
        except Exception as exc:
            return f"failing: {exc!r}"
        return "ok"


def kafka_check(producer: AIOKafkaProducer) -> Check:
    async def check() -> None:
        await producer.client.fetch_all_metadata()

    return check


def health_router(readiness: Readiness) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Readiness: Kafka, the database and start-up work are ready")
    async def readyz() -> JSONResponse:
        report = await readiness.report()
        ready = all(state == "ok" for state in report.values())
        body = {"status": "ready" if ready else "not ready", "checks": report}
        return JSONResponse(body, status_code=200 if ready else 503)

    return router


async def publish_grpc_health(
    readiness: Readiness, servicer: health.aio.HealthServicer, services: list[str]
) -> None:
    """Keep the gRPC health status of the server and its services in step with readiness."""
    serving = health_pb2.HealthCheckResponse.SERVING
    not_serving = health_pb2.HealthCheckResponse.NOT_SERVING
    while True:
        report = await readiness.report()
        status = serving if all(state == "ok" for state in report.values()) else not_serving
        for name in ["", *services]:
            await servicer.set(name, status)
        await asyncio.sleep(2.0)
