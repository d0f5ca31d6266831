"""The whole platform as `make up` runs it (five services and the gateway), on test ports.

Package-scoped: the services stop when the end-to-end tests end, so no running
intake appends to the log while other tests act as its writer. Escalation reads
its time from a file that stays at the moment the platform started unless a
test advances it, so no deadline fires by the wall clock.

Browser tests get headless Chromium (tests/browser.py): ``phone`` and ``desktop`` are pages
in fresh contexts, on one browser for the package; they go to ``platform.base_url``.
"""

import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page

from tests.browser import DESKTOP, PHONE, chromium, open_page
from tests.infra import PLATFORM, Infrastructure

SERVICES = ("intake", "routing", "escalation", "notification", "analytics")


@dataclass(frozen=True)
class Platform:
    base_url: str
    http_ports: dict[str, int]
    grpc_ports: dict[str, int]
    # The environment the platform's scripts ran with, for other scripts to find it.
    env: dict[str, str]
    # Escalation's time: tests advance it by writing an ISO 8601 moment here.
    clock: Path
    # The local mailbox: what notification sent (e-mail, SMS, webhooks).
    mailbox_url: str


@pytest.fixture(scope="package")
def platform(infra: Infrastructure) -> Iterator[Platform]:
    http_ports = {name: 18001 + i for i, name in enumerate(SERVICES)}
    grpc_ports = {name: 15051 + i for i, name in enumerate(SERVICES)}
    clock = infra.run_dir / "escalation-clock"
    clock.write_text(datetime.now(UTC).isoformat())  # before escalation starts: no race
    env = {
        **infra.environment(),
        "GATEWAY_PORT": "18080",
        "ESCALATION_CLOCK_FILE": str(clock),
        "ESCALATION_TICK_SECONDS": "0.2",
        "MAILBOX_SMTP_PORT": "18125",
        "MAILBOX_HTTP_PORT": "18126",
        # SMS go out at any hour here: the local night is tested in-process with a set clock.
        "NOTIFICATION_QUIET_HOURS": "",
        "NOTIFICATION_RETRY_BASE_SECONDS": "0.2",
        "NOTIFICATION_RETRY_CAP_SECONDS": "1",
        # Statistics read fresh documents, and today's reports are watched for spikes often.
        "ANALYTICS_CACHE_SECONDS": "0",
        "ANALYTICS_SPIKE_INTERVAL_SECONDS": "3",
    }
    for name in SERVICES:
        env[f"{name.upper()}_HTTP_PORT"] = str(http_ports[name])
        env[f"{name.upper()}_GRPC_PORT"] = str(grpc_ports[name])
    running = Platform(
        "http://127.0.0.1:18080", http_ports, grpc_ports, env, clock, "http://127.0.0.1:18126"
    )
    try:
        subprocess.run([str(PLATFORM), "services-up"], env=env, check=True)
        yield running
    finally:
        subprocess.run([str(PLATFORM), "services-down"], env=env, check=False)


@pytest.fixture(scope="package")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as started:
        yield started


@pytest.fixture
async def phone(browser: Browser) -> AsyncIterator[Page]:
    """A 360x740 touch screen at twice the pixel density."""
    async with open_page(browser, PHONE) as page:
        yield page


@pytest.fixture
async def desktop(browser: Browser) -> AsyncIterator[Page]:
    """A 1280x800 screen."""
    async with open_page(browser, DESKTOP) as page:
        yield page
