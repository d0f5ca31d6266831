"""The staff pages in headless Chromium: an administrator gives an agency's officer an account
from the directory, the officer signs in, works the report from the inbox and responds, the
citizen rates it poorly and appeals from a phone; an administrator routes a report from the
verification queue; an officer cannot open another agency's report; a wrong password."""

import uuid
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from intake.auth import issue_token
from tests.browser import DESKTOP, open_page
from tests.e2e.conftest import Platform
from tests.e2e.settling import at_agency
from tests.e2e.web_pages import SETTLE_MS, checked, file_report, reloaded_until, secrets, sign_in

ROAD = {
    "type": "pengaduan",
    "title": "Jalan berlubang di depan Pasar Soreang",
    "body": "Jalan raya Soreang depan pasar berlubang besar, sudah dua motor jatuh minggu ini.",
    "region_code": "32.04.05",
}
# Too vague for routing to decide, and unlike other tests' vague texts (no duplicate link).
VAGUE = {
    "type": "pengaduan",
    "title": "Mohon perhatian bapak ibu",
    "body": "Mohon perhatiannya, keluhan kami dari bulan lalu belum juga ada kabar, terima kasih.",
    "region_code": "32.04",
}


@pytest.fixture(scope="module")
def admin(platform: Platform) -> dict[str, str]:
    token = issue_token(secrets(platform)["LAPOR_JWT_SIGNING_KEY"], "administrator", "uji", "", 1)
    return {"Authorization": f"Bearer {token}"}


async def _routed(
    platform: Platform, admin: dict[str, str], confidential: bool = False
) -> tuple[dict[str, Any], str]:
    """A report at an agency (whichever routing chose), with its title, and the agency."""
    title = f"{ROAD['title']} {uuid.uuid4().hex[:4]}"
    filed = await file_report(platform, {**ROAD, "title": title, "confidential": confidential})
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        view = await at_agency(client, filed["tracking_id"], admin, "pemkab-3204")
    return {**filed, "title": title}, view["agency"]["code"]


async def _officer_account(page: Page, platform: Platform, agency_code: str) -> tuple[str, str]:
    """The administrator creates it in the agency directory; the page shows the password once."""
    await sign_in(page, platform, "admin", secrets(platform)["LAPOR_DEV_ADMIN_PASSWORD"])
    await page.goto(f"{platform.base_url}/admin/instansi/")
    await page.get_by_label("Nama atau kode instansi").fill(agency_code)
    await page.get_by_role("button", name="Cari").click()
    found = page.locator("#agencies li").filter(has=page.get_by_text(agency_code, exact=True))
    await found.get_by_role("button").click()
    username = f"petugas.{uuid.uuid4().hex[:6]}"
    await page.get_by_label("Nama pengguna").fill(username)
    await page.get_by_label("Nama lengkap").fill("Budi Santoso")
    await page.get_by_role("button", name="Buat akun").click()
    created = page.get_by_text(f"Akun {username} dibuat")
    await expect(created).to_be_visible()
    await checked(page, "admin-3-directory")
    password = ((await created.text_content()) or "").rsplit(": ", 1)[1].strip()
    return username, password


async def test_an_officer_responds_and_the_citizen_rates_and_appeals(
    browser: Browser, desktop: Page, phone: Page, platform: Platform, admin: dict[str, str]
) -> None:
    filed, agency_code = await _routed(platform, admin)
    username, password = await _officer_account(desktop, platform, agency_code)

    async with open_page(browser, DESKTOP) as officer:
        await sign_in(officer, platform, username, password)
        await expect(officer).to_have_url(f"{platform.base_url}/petugas/")
        link = officer.get_by_role("link", name=filed["title"])
        await expect(await reloaded_until(officer, link)).to_be_visible()
        await checked(officer, "officer-1-inbox")
        await link.click()
        await officer.get_by_role("button", name="Terima laporan").click()
        await expect(officer.get_by_text("Diproses", exact=True).first).to_be_visible()
        await officer.get_by_label("Tanggapan kepada pelapor").fill(
            "Lubang sudah kami tambal pada 20 November; mohon kabari bila masih ada kerusakan."
        )
        await officer.get_by_label("Jenis tanggapan").select_option("true")
        await officer.get_by_role("button", name="Kirim tanggapan").click()
        await expect(officer.get_by_text("Ditanggapi", exact=True).first).to_be_visible()
        await checked(officer, "officer-2-report")

    await phone.goto(f"{platform.base_url}/lacak/?id={filed['tracking_id']}")
    await phone.get_by_label("Kode akses (tidak wajib, khusus pelapor)").fill(
        filed["access_secret"]
    )
    await phone.get_by_role("button", name="Lacak", exact=True).click()
    await expect(phone.get_by_text("Lubang sudah kami tambal").first).to_be_visible()
    await phone.get_by_role("radio", name="1 ★").check()
    await phone.get_by_role("button", name="Kirim penilaian").click()
    await phone.get_by_label("Mengapa tindak lanjut belum memuaskan?").fill(
        "Lubangnya hanya ditutup tanah, sekarang sudah terbuka lagi setelah hujan."
    )
    await checked(phone, "citizen-8-appeal")
    await phone.get_by_role("button", name="Ajukan banding").click()
    await expect(phone.get_by_text("Banding", exact=True).first).to_be_visible()
    await expect(phone.get_by_text("Pelapor mengajukan banding").first).to_be_visible()


async def test_an_administrator_routes_a_report_from_the_queue(
    desktop: Page, platform: Platform
) -> None:
    filed = await file_report(
        platform, {**VAGUE, "body": f"{VAGUE['body']} {uuid.uuid4().hex[:6]}"}
    )
    await sign_in(desktop, platform, "admin", secrets(platform)["LAPOR_DEV_ADMIN_PASSWORD"])
    await expect(desktop).to_have_url(f"{platform.base_url}/admin/")
    row = desktop.locator("#queue li").filter(has_text=filed["tracking_id"])
    await expect(await reloaded_until(desktop, row)).to_be_visible()
    await checked(desktop, "admin-1-queue")
    await row.get_by_role("link").click()
    suggestion = desktop.locator(".suggestions button").first
    await expect(await reloaded_until(desktop, suggestion)).to_be_visible()
    await suggestion.click()
    assert await desktop.get_by_label("Kode instansi").input_value() != ""
    await checked(desktop, "admin-2-report")
    await desktop.get_by_role("button", name="Teruskan", exact=True).click()
    await expect(desktop.get_by_text("Diteruskan ke Instansi").first).to_be_visible(
        timeout=SETTLE_MS
    )
    await desktop.goto(f"{platform.base_url}/admin/tenggat/")
    await expect(desktop.get_by_text("14 hari kerja").first).to_be_visible()
    await checked(desktop, "admin-4-policy")


async def test_an_officer_cannot_work_or_read_another_agencys_report(
    desktop: Page, platform: Platform, admin: dict[str, str]
) -> None:
    public, agency_code = await _routed(platform, admin)
    secret, _ = await _routed(platform, admin, confidential=True)
    other = "pemkot-3273" if not agency_code.startswith("pemkot-3273") else "pemkab-3204"
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        created = await client.post(
            "/api/v1/accounts",
            headers=admin,
            json={
                "username": f"lain.{uuid.uuid4().hex[:6]}",
                "role": "officer",
                "agency_code": other,
                "display_name": "Ani",
            },
        )
    assert created.status_code == 201, created.text
    account = created.json()
    await sign_in(desktop, platform, account["username"], account["initial_password"])
    # A public report of another agency: its public view, said to be so, with no action.
    await desktop.goto(f"{platform.base_url}/petugas/laporan/?id={public['tracking_id']}")
    await expect(desktop.get_by_role("alert")).to_contain_text("tidak berada di instansi Anda")
    await expect(desktop.get_by_role("button", name="Terima laporan")).to_have_count(0)
    # A confidential one: intake answers as if it did not exist.
    await desktop.goto(f"{platform.base_url}/petugas/laporan/?id={secret['tracking_id']}")
    await expect(desktop.get_by_role("alert")).to_contain_text("no report")
    await expect(desktop.locator("#report")).to_be_empty()


async def test_a_wrong_password_is_refused_plainly(desktop: Page, platform: Platform) -> None:
    await desktop.goto(f"{platform.base_url}/masuk/")
    await desktop.get_by_label("Nama pengguna").fill("admin")
    await desktop.get_by_label("Kata sandi").fill("bukan-kata-sandinya")
    await desktop.get_by_role("button", name="Masuk", exact=True).click()
    await expect(desktop.get_by_role("alert")).to_be_visible()
    await expect(desktop.get_by_label("Kata sandi")).to_have_value("")
    await checked(desktop, "staff-1-sign-in")
