"""The browser harness itself (tests/browser.py), on pages of its own and without the platform:
Debian's Chromium starts headless with the phone's and the desktop's screens in Indonesian and
Jakarta's time; axe-core finds deliberate violations and none on a clean page, under a strict
Content Security Policy; a screenshot is a full-page PNG file."""

import uuid

import pytest
from playwright.async_api import Page

from tests.browser import SCREENSHOTS, accessibility_violations, readable, screenshot

PNG = b"\x89PNG\r\n\x1a\n"
SCREEN = """[innerWidth, innerHeight, devicePixelRatio, navigator.language,
  Intl.DateTimeFormat().resolvedOptions().timeZone, navigator.maxTouchPoints > 0]"""


def _page(main: str) -> str:
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Uji LAPOR!</title></head>
<body><main><h1>Laporan</h1>{main}</main></body></html>"""


CLEAN = _page(
    '<img src="data:," alt="Logo LAPOR!"><label for="judul">Judul laporan</label><input id="judul">'
)
BROKEN = _page('<img id="logo" src="data:,"><input id="judul">')


async def test_the_phone_and_the_desktop_are_the_screens_the_tests_expect(
    phone: Page, desktop: Page
) -> None:
    for page in (phone, desktop):
        await page.set_content(CLEAN)
    assert await phone.evaluate(SCREEN) == [360, 740, 2, "id-ID", "Asia/Jakarta", True]
    assert await desktop.evaluate(SCREEN) == [1280, 800, 1, "id-ID", "Asia/Jakarta", False]


async def test_axe_finds_an_image_without_alt_and_an_input_without_a_label(phone: Page) -> None:
    await phone.set_content(BROKEN)
    found = {v.rule: v for v in await accessibility_violations(phone)}
    assert set(found) == {"image-alt", "label"}, readable(list(found.values()))
    assert found["image-alt"].targets == ("#logo",)
    assert found["label"].targets == ("#judul",)
    assert "image-alt (critical)" in str(found["image-alt"])


async def test_axe_finds_nothing_on_a_clean_page(desktop: Page) -> None:
    await desktop.set_content(CLEAN)
    found = await accessibility_violations(desktop)
    assert found == [], readable(found)
    # A second check on the same page uses the axe-core already there.
    assert await accessibility_violations(desktop) == []


async def test_a_screenshot_is_a_png_of_the_whole_page(phone: Page) -> None:
    await phone.set_content(_page("<p>Laporan panjang</p>" * 100))
    height = await phone.evaluate("document.documentElement.scrollHeight")
    assert height > 2 * 740
    path = await screenshot(phone, f"harness-{uuid.uuid4().hex[:8]}")
    try:
        data = path.read_bytes()
        assert path.parent == SCREENSHOTS
        assert data.startswith(PNG)
        # The PNG's height (IHDR) at twice the pixel density: the whole page, not the screen.
        assert int.from_bytes(data[20:24], "big") == 2 * height
    finally:
        path.unlink()


async def test_a_screenshot_name_is_a_plain_file_name(phone: Page) -> None:
    with pytest.raises(ValueError, match="screenshot's name"):
        await screenshot(phone, "../outside")
