"""What the browser tests of the web pages share: signing in through the page, checking a
page with axe-core and keeping its screenshot, filing reports through the API for set-up."""

from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Locator, Page, expect

from tests.browser import accessibility_violations, readable, screenshot
from tests.e2e.conftest import Platform

# Routing's work and the read models are asynchronous: a page shows it within this bound.
SETTLE_MS = 30_000
_RELOADS = 60


def secrets(platform: Platform) -> dict[str, str]:
    run_dir = Path(platform.env["LAPOR_RUN_DIR"])
    lines = (run_dir / "secrets.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


async def checked(page: Page, name: str) -> Path:
    """The page has no WCAG 2.1 A/AA violation axe-core can find; its screenshot is kept."""
    violations = await accessibility_violations(page)
    assert not violations, f"{name}:\n{readable(violations)}"
    return await screenshot(page, name)


async def sign_in(page: Page, platform: Platform, username: str, password: str) -> None:
    await page.goto(f"{platform.base_url}/masuk/")
    await page.get_by_label("Nama pengguna").fill(username)
    await page.get_by_label("Kata sandi").fill(password)
    await page.get_by_role("button", name="Masuk", exact=True).click()
    await expect(page.get_by_role("button", name="Keluar", exact=False)).to_be_visible()


async def file_report(platform: Platform, report: dict[str, Any]) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        answer = await client.post("/api/v1/reports", json=report)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def reloaded_until(page: Page, probe: Locator) -> Locator:
    """Reloads the page (as a person would) until the probe is visible, a bounded number of
    times; the caller's assertion then fails with what the page showed last."""
    for _ in range(_RELOADS):
        if await probe.count() and await probe.first.is_visible():
            break
        await page.wait_for_timeout(500)
        await page.reload()
        await page.wait_for_load_state("networkidle")
    return probe.first
