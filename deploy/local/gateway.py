"""The local stand-in for the Kubernetes Ingress: one base URL, each path prefix proxied
to the service that owns it (the same table as deploy/k8s/base/ingress.yaml).

Run by deploy/local/platform.sh; upstream ports come from the services' own settings
variables (e.g. INTAKE_HTTP_PORT), so a test stack on other ports is routed correctly.
"""

import asyncio
import logging
import os
import signal
from collections.abc import Mapping

from aiohttp import ClientConnectionError, ClientSession, ClientTimeout, web

log = logging.getLogger("gateway")

# Longest prefix first: the first match wins.
ROUTES: list[tuple[str, str, int]] = [
    ("/api/v1/reports", "INTAKE", 8001),
    ("/api/v1/inbox", "INTAKE", 8001),
    ("/api/v1/integration", "INTAKE", 8001),
    ("/api/v1/sms", "INTAKE", 8001),
    ("/api/v1/sessions", "INTAKE", 8001),
    ("/api/v1/accounts", "INTAKE", 8001),
    ("/api/v1/regions", "INTAKE", 8001),
    ("/open311", "INTAKE", 8001),
    ("/openapi.json", "INTAKE", 8001),
    ("/docs", "INTAKE", 8001),
    ("/api/v1/routing", "ROUTING", 8002),
    ("/api/v1/agencies", "ROUTING", 8002),
    ("/api/v1/deadlines", "ESCALATION", 8003),
    ("/api/v1/notifications", "NOTIFICATION", 8004),
    ("/api/v1/stats", "ANALYTICS", 8005),
    ("/api/v1/open-data", "ANALYTICS", 8005),
    # The web pages, shipped by intake (docs/adr/0003-web-front-end.md): everything else.
    ("/", "INTAKE", 8001),
]
# Hop-by-hop headers (RFC 9110 section 7.6.1) are not forwarded.
_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
}


def upstream_for(path: str) -> str | None:
    for prefix, service, default_port in ROUTES:
        if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
            port = os.environ.get(f"{service}_HTTP_PORT", str(default_port))
            return f"http://127.0.0.1:{port}"
    return None


def _forwarded(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name.lower() not in _HOP_BY_HOP}


async def proxy(request: web.Request) -> web.StreamResponse:
    upstream = upstream_for(request.path)
    if upstream is None:
        return web.json_response({"detail": f"no service serves {request.path}"}, status=404)
    session: ClientSession = request.app["session"]
    headers = _forwarded(request.headers)
    headers["X-Forwarded-For"] = request.remote or ""
    # As an Ingress does: services that write their own public URLs (Open311 discovery) see it.
    headers["X-Forwarded-Host"] = request.host
    headers["X-Forwarded-Proto"] = request.scheme
    body = await request.read()
    try:
        async with session.request(
            request.method, upstream + request.path_qs, headers=headers, data=body
        ) as answer:
            response = web.StreamResponse(status=answer.status, headers=_forwarded(answer.headers))
            await response.prepare(request)
            async for chunk in answer.content.iter_any():
                await response.write(chunk)
            await response.write_eof()
            return response
    except ClientConnectionError as exc:
        detail = f"the service behind {request.path} is unavailable: {exc}"
        return web.json_response({"detail": detail}, status=502)


async def serve(host: str, port: int) -> None:
    app = web.Application(client_max_size=16 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", proxy)
    # Bodies pass through as the service encoded them (gzip included), as an Ingress does.
    timeout = ClientTimeout(total=None, sock_connect=5)
    async with ClientSession(timeout=timeout, auto_decompress=False) as session:
        app["session"] = session
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        log.info("gateway on http://%s:%d", host, port)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await runner.cleanup()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    host = os.environ.get("GATEWAY_HOST", "127.0.0.1")
    asyncio.run(serve(host, int(os.environ.get("GATEWAY_PORT", "8080"))))


if __name__ == "__main__":
    main()
