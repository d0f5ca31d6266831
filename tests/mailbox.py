"""The local mailbox (deploy/local/mailbox) as platform.sh runs it, for tests: a process on
free ports with its settings, and what it received."""

import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

MAILBOX = Path(__file__).resolve().parents[1] / "deploy/local/mailbox"
USER, PASSWORD, KEY = "notification", "local-secret", "test-sms-key"
FAILING, UNREACHABLE, PHONE = "+6281100000001", "+6281100000002", "+6281234567890"


def free_ports() -> tuple[int, int]:
    """Two ports nothing listens on now (both probes held open, so they differ)."""
    with socket.socket() as first, socket.socket() as second:
        first.bind(("127.0.0.1", 0))
        second.bind(("127.0.0.1", 0))
        return first.getsockname()[1], second.getsockname()[1]


@dataclass(frozen=True)
class Box:
    directory: Path
    smtp_port: int
    http_port: int
    credentials: bool

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def environment(self) -> dict[str, str]:
        settings = {
            "MAILBOX_SMTP_PORT": str(self.smtp_port),
            "MAILBOX_HTTP_PORT": str(self.http_port),
            "MAILBOX_DIR": str(self.directory),
            "MAILBOX_SMS_KEY": KEY,
            "MAILBOX_SMS_FAILING": f"{FAILING}, +6281100000009",
            "MAILBOX_SMS_UNREACHABLE": UNREACHABLE,
        }
        if self.credentials:
            settings |= {"MAILBOX_SMTP_USER": USER, "MAILBOX_SMTP_PASSWORD": PASSWORD}
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("MAILBOX_")}
        return inherited | settings

    def messages(self, kind: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = httpx.get(f"{self.url}/api/messages?kind={kind}").json()[kind]
        return found

    def sms(self, body: dict[str, Any], key: str = KEY) -> httpx.Response:
        headers = {"Authorization": f"Bearer {key}"}
        return httpx.post(f"{self.url}/sms/v1/messages", json=body, headers=headers)

    def tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.directory / "tls/cert.pem")


def new_box(directory: Path, *, credentials: bool) -> Box:
    return Box(directory, *free_ports(), credentials)


def _wait_healthy(box: Box, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        with suppress(httpx.TransportError):
            if httpx.get(f"{box.url}/healthz").text == "ok":
                return
        time.sleep(0.1)
    pytest.fail(f"the mailbox did not become healthy:\n{log.read_text()}")


def stop(process: subprocess.Popen[bytes], sig: signal.Signals = signal.SIGTERM) -> int:
    process.send_signal(sig)
    try:
        return process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


@contextmanager
def running(box: Box) -> Iterator[subprocess.Popen[bytes]]:
    """``python deploy/local/mailbox`` with the box's settings, healthy until the block ends."""
    log = box.directory.parent / f"{box.directory.name}.log"
    with log.open("ab") as output:
        command = [sys.executable, str(MAILBOX)]
        process = subprocess.Popen(command, env=box.environment(), stdout=output, stderr=output)
    try:
        _wait_healthy(box, process, log)
        yield process
    finally:
        if process.poll() is None:
            stop(process)
