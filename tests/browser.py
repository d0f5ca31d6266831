"""The browser harness of the end-to-end tests: Debian's Chromium driven by Playwright's async
API (never a browser Playwright downloads), pages on a phone's and a desktop's screen in
Indonesian and Jakarta's time, axe-core's accessibility check and full-page screenshots.

deploy/local/setup.sh installs Chromium (``/usr/bin/chromium``) and links axe-core as
``.tools/axe.min.js``; tests/e2e/conftest.py makes fixtures of these.
"""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page, async_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / ".tools" / "axe.min.js"
SCREENSHOTS = ROOT / ".run" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


@dataclass(frozen=True)
class Device:
    """A screen the pages are tested on, in Indonesian and Jakarta's time."""

    width: int
    height: int
    scale: float = 1
    mobile: bool = False

    def options(self) -> dict[str, Any]:
        return {
            "viewport": {"width": self.width, "height": self.height},
            "device_scale_factor": self.scale,
            "is_mobile": self.mobile,
            "has_touch": self.mobile,
            "locale": "id-ID",
            "timezone_id": "Asia/Jakarta",
        }


PHONE = Device(360, 740, scale=2, mobile=True)
DESKTOP = Device(1280, 800)


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Headless Chromium with a fresh profile (each launch gets a new temporary one)."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


@asynccontextmanager
async def open_page(browser: Browser, device: Device) -> AsyncIterator[Page]:
    """A page in a browser context of its own: no cookies or storage shared with another."""
    context = await browser.new_context(**device.options())
    try:
        yield await context.new_page()
    finally:
        await context.close()


@dataclass(frozen=True)
class Violation:
    """One rule axe-core found broken, and where (a CSS selector per element)."""

    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}): {self.help}: {', '.join(self.targets)}"


_RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((v) => ({
    rule: v.id,
    impact: v.impact || "",
    help: v.help,
    targets: v.nodes.map((node) => node.target.flat().join(" ")),
  }));
}"""


async def accessibility_violations(page: Page) -> list[Violation]:
    """The page's violations of WCAG 2.0 and 2.1, levels A and AA, as axe-core finds them now.
    axe-core is evaluated over the DevTools protocol, so the page's Content Security Policy
    does not keep it out."""
    if not await page.evaluate("typeof axe === 'object'"):
        await page.evaluate(AXE.read_text())
    found = await page.evaluate(_RUN_AXE, WCAG_A_AA)
    return [Violation(v["rule"], v["impact"], v["help"], tuple(v["targets"])) for v in found]


def readable(violations: list[Violation]) -> str:
    """Violations one a line, for an assertion message."""
    return "\n".join(map(str, violations)) or "no violations"


async def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG of the page as it is now, as ``.run/screenshots/<name>.png``."""
    if not _NAME.match(name):
        raise ValueError(f"a screenshot's name is lower-case letters, digits, . _ -: {name!r}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=path, full_page=True)
    return path
