"""The mailbox as one process: SMTP and HTTP in one event loop, started and stopped together.

``running_mailbox(settings)`` is the whole mailbox as an async context manager;
``python deploy/local/mailbox`` runs it until SIGTERM or SIGINT.
"""

import asyncio
import logging
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from .api import MessagesApi, healthz
from .certificate import server_context
from .hooks import WebhookReceiver
from .records import MessageLog
from .settings import HOST, Settings, settings_from
from .sms import SmsGateway
from .smtp import start_smtp

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mailbox:
    settings: Settings
    messages: MessageLog

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.settings.http_port}"


def web_app(settings: Settings, messages: MessageLog) -> web.Application:
    gateway, hooks, api = (
        SmsGateway(settings, messages),
        WebhookReceiver(messages),
        MessagesApi(messages),
    )
    app = web.Application()
    app.router.add_post("/sms/v1/messages", gateway.send)
    app.router.add_post("/hooks/{name}", hooks.receive)
    app.router.add_get("/api/messages", api.list)
    app.router.add_delete("/api/messages", api.clear)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/", api.page)
    return app


@asynccontextmanager
async def _smtp_server(settings: Settings, messages: MessageLog) -> AsyncIterator[None]:
    server = await start_smtp(settings, messages, server_context(settings.tls_directory))
    try:
        yield
    finally:
        server.close()
        await server.wait_closed()


@asynccontextmanager
async def _http_server(settings: Settings, messages: MessageLog) -> AsyncIterator[None]:
    runner = web.AppRunner(web_app(settings, messages), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, HOST, settings.http_port).start()
        yield
    finally:
        await runner.cleanup()


@asynccontextmanager
async def running_mailbox(settings: Settings) -> AsyncIterator[Mailbox]:
    """The mailbox listening on 127.0.0.1 (SMTP and HTTP) until the block ends."""
    messages = MessageLog(settings.messages_file)
    async with _smtp_server(settings, messages), _http_server(settings, messages):
        log.info(
            "mailbox: SMTP on %s:%d, page and APIs on http://%s:%d",
            HOST,
            settings.smtp_port,
            HOST,
            settings.http_port,
        )
        yield Mailbox(settings, messages)


async def serve(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with running_mailbox(settings):
        await stop.wait()
    log.info("mailbox stopped")


class _WithoutLoginDataWarning(logging.Filter):
    """aiosmtpd 1.4 warns that Session.login_data is deprecated on every AUTH it accepts."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "login_data is deprecated" not in record.getMessage()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    aiosmtpd_log = logging.getLogger("mail.log")
    aiosmtpd_log.setLevel(logging.WARNING)
    aiosmtpd_log.addFilter(_WithoutLoginDataWarning())
    asyncio.run(serve(settings_from(os.environ)))
