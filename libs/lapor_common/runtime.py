"""Runs one service: HTTP (FastAPI on uvicorn), gRPC (with health and reflection) and its
background loops on one asyncio loop, and stops it gracefully on SIGTERM or SIGINT."""

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any

import grpc
import uvicorn
from fastapi import FastAPI
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from lapor_common.health import Readiness, health_router, publish_grpc_health
from lapor_common.settings import ServiceEndpoints

log = logging.getLogger(__name__)

GrpcRegistration = Callable[[grpc.aio.Server], str]
_GRACE_S = 5.0


@dataclass
class ServiceRuntime:
    """Everything a service's composition root wires together, run by ``serve``."""

    name: str
    endpoints: ServiceEndpoints
    http: FastAPI
    readiness: Readiness
    grpc_services: list[GrpcRegistration] = field(default_factory=list)
    loops: list[Callable[[], Coroutine[Any, Any, None]]] = field(default_factory=list)
    # Start-up steps and, at the same positions, what undoes each; stopped in reverse.
    on_start: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    on_stop: list[Callable[[], Awaitable[None]]] = field(default_factory=list)


class _QuietUvicorn(uvicorn.Server):
    """uvicorn without its own signal handling: serve() owns the process's signals."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _start_grpc(runtime: ServiceRuntime) -> tuple[grpc.aio.Server, health.aio.HealthServicer]:
    server = grpc.aio.server()
    names = [register(server) for register in runtime.grpc_services]
    servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    reflection.enable_server_reflection(
        [
            *names,
            health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
            reflection.SERVICE_NAME,
        ],
        server,
    )
    endpoint = f"{runtime.endpoints.grpc_host}:{runtime.endpoints.grpc_port}"
    server.add_insecure_port(endpoint)
    await server.start()
    runtime.loops.append(lambda: publish_grpc_health(runtime.readiness, servicer, names))
    return server, servicer


def _http_server(runtime: ServiceRuntime) -> uvicorn.Server:
    runtime.http.include_router(health_router(runtime.readiness))
    config = uvicorn.Config(
        runtime.http,
        host=runtime.endpoints.http_host,
        port=runtime.endpoints.http_port,
        log_config=None,
        access_log=False,
        lifespan="off",
    )
    return _QuietUvicorn(config)


def _stop_signal() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def serve(runtime: ServiceRuntime) -> None:
    """Start everything, run until a stop signal or a failed loop, then stop in order."""
    stop = _stop_signal()
    started: list[Callable[[], Awaitable[None]]] = []
    try:
        for start, close in zip(runtime.on_start, runtime.on_stop, strict=True):
            await start()
            started.append(close)
    except BaseException:
        for close in reversed(started):
            await close()
        raise
    grpc_server, _ = await _start_grpc(runtime)
    http = _http_server(runtime)
    tasks = [asyncio.create_task(http.serve(), name="http")]
    tasks += [asyncio.create_task(loop(), name=loop.__qualname__) for loop in runtime.loops]
    stopper = asyncio.create_task(stop.wait(), name="stop-signal")
    done, _ = await asyncio.wait([*tasks, stopper], return_when=asyncio.FIRST_COMPLETED)
    failed = [task for task in done if task is not stopper and not task.cancelled()]
    for task in failed:
        log.error("%s stopped unexpectedly", task.get_name(), exc_info=task.exception())
    log.info("stopping %s", runtime.name)
    http.should_exit = True
    await grpc_server.stop(_GRACE_S)
    for task in tasks:
        if task.get_name() != "http":
            task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for hook in reversed(runtime.on_stop):
        await hook()
    stopper.cancel()
    if failed:
        raise SystemExit(1)
