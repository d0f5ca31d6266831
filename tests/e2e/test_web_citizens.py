"""The citizens' pages in headless Chromium on a 360-pixel phone: filing a report with the
region picker and the suggestions, the receipt, tracking it publicly and as its reporter,
browsing and searching, the statistics dashboard, and switching to English."""

import re
import uuid

from playwright.async_api import Page, expect

from tests.e2e.conftest import Platform
from tests.e2e.web_pages import SETTLE_MS, checked, file_report, reloaded_until

# Filed once a run and unlike other tests' texts, so routing never links it as a duplicate.
SOREANG = (
    "Gorong-gorong di samping SDN Soreang 3 tersumbat sampah, air meluap ke jalan raya "
    "setiap hujan deras dan jalan mulai berlubang."
)


async def _fill_the_form(page: Page, title: str) -> None:
    await page.get_by_label("Judul laporan").fill(title)
    await page.get_by_label("Isi laporan").fill(SOREANG)
    await page.get_by_label("Provinsi").select_option("32")
    await expect(page.get_by_label("Kabupaten / Kota")).to_be_enabled()
    await page.get_by_label("Kabupaten / Kota").select_option("32.04")
    await expect(page.get_by_label("Kecamatan")).to_be_enabled()
    await page.get_by_label("Kecamatan").select_option("32.04.05")
    await page.get_by_label("E-mail").fill(f"warga.{uuid.uuid4().hex[:8]}@contoh.id")


async def test_a_citizen_files_a_report_and_tracks_it(phone: Page, platform: Platform) -> None:
    title = f"Gorong-gorong tersumbat di Soreang {uuid.uuid4().hex[:6]}"
    await phone.goto(platform.base_url + "/")
    await _fill_the_form(phone, title)
    # Routing's suggestions appear as the citizen types; choosing one fills the category.
    suggestion = phone.locator("#suggestions button").first
    await expect(suggestion).to_be_visible(timeout=SETTLE_MS)
    await suggestion.click()
    assert await phone.get_by_label("Kategori (tidak wajib)").input_value() != ""
    await checked(phone, "citizen-1-report-form")
    await phone.get_by_role("button", name="Kirim laporan").click()

    receipt = phone.get_by_role("region", name="Laporan Anda sudah kami terima")
    await expect(receipt).to_be_visible()
    tracking_id = (await phone.locator("#receipt-id").text_content()) or ""
    secret = (await phone.locator("#receipt-secret").text_content()) or ""
    assert len(tracking_id) == 14
    assert len(secret) >= 16
    await checked(phone, "citizen-2-receipt")

    await phone.get_by_role("link", name="Ikuti laporan ini").click()
    await expect(phone.get_by_role("heading", name=title)).to_be_visible()
    agency = phone.locator("dd").filter(has_text="Kabupaten Bandung")
    await expect(await reloaded_until(phone, agency)).to_be_visible()
    await expect(phone.get_by_text("Anda melihat tampilan publik")).to_be_visible()
    await checked(phone, "citizen-3-track-public")

    await phone.get_by_label("Kode akses (tidak wajib, khusus pelapor)").fill(secret)
    await phone.get_by_role("button", name="Lacak", exact=True).click()
    await expect(phone.get_by_role("heading", name="Kirim pesan kepada instansi")).to_be_visible()
    await expect(phone.get_by_text("hari kerja lagi").first).to_be_visible()
    await checked(phone, "citizen-4-track-reporter")


async def test_a_wrong_form_says_what_is_missing_and_sends_nothing(
    phone: Page, platform: Platform
) -> None:
    await phone.goto(platform.base_url + "/")
    await phone.get_by_label("Judul laporan").fill("Rus")
    await phone.get_by_role("button", name="Kirim laporan").click()
    await expect(phone.get_by_text("Judul minimal 5 karakter.")).to_be_visible()
    await expect(phone.get_by_text("Isi laporan minimal 20 karakter.")).to_be_visible()
    await expect(phone.get_by_label("Judul laporan")).to_have_attribute("aria-invalid", "true")
    await expect(phone.get_by_label("Judul laporan")).to_be_focused()
    assert await phone.locator("#receipt").is_hidden()


async def test_public_reports_can_be_browsed_and_searched(phone: Page, platform: Platform) -> None:
    word = f"lampu{uuid.uuid4().hex[:6]}"
    report = await file_report(
        platform,
        {
            "type": "pengaduan",
            "title": f"Lampu jalan padam {word}",
            "body": "Lampu penerangan jalan di depan pasar Soreang padam sejak dua minggu lalu.",
            "region_code": "32.04.05",
        },
    )
    await phone.goto(platform.base_url + "/jelajahi/")
    await phone.get_by_label("Kata dalam judul atau isi").fill(word.upper())
    await phone.get_by_role("button", name="Cari").click()
    found = phone.get_by_role("link", name=f"Lampu jalan padam {word}")
    await expect(found).to_be_visible(timeout=SETTLE_MS)
    await checked(phone, "citizen-5-browse")
    await found.click()
    await expect(phone).to_have_url(f"{platform.base_url}/lacak/?id={report['tracking_id']}")


async def test_the_dashboard_shows_the_new_numbers(phone: Page, platform: Platform) -> None:
    await phone.goto(platform.base_url + "/statistik/")
    received = phone.locator("[data-figure=reports] strong")
    await expect(received).to_have_text(re.compile(r"^\d"), timeout=SETTLE_MS)
    before = int((await received.text_content() or "").replace(".", ""))
    await file_report(
        platform,
        {
            "type": "aspirasi",
            "title": "Usul taman bermain di Soreang",
            "body": "Mohon dibangun taman bermain anak di dekat alun-alun Soreang, Kab. Bandung.",
            "region_code": "32.04.05",
        },
    )
    more = phone.locator("[data-figure=reports] strong").filter(
        has_not_text=f"{before:,}".replace(",", ".")
    )
    await expect(await reloaded_until(phone, more)).to_be_visible()
    assert int((await received.text_content() or "").replace(".", "")) > before
    await expect(phone.get_by_role("img", name="Menurut kanal").first).to_be_visible()
    await checked(phone, "citizen-6-dashboard")


async def test_the_pages_switch_to_english_and_remember_it(phone: Page, platform: Platform) -> None:
    await phone.goto(platform.base_url + "/lacak/")
    await phone.get_by_role("button", name="Switch to English").click()
    await expect(phone.get_by_role("heading", name="Track a report")).to_be_visible()
    await expect(phone.locator("html")).to_have_attribute("lang", "en")
    await phone.goto(platform.base_url + "/")
    await expect(phone.get_by_role("heading", name="File a report")).to_be_visible()
    await checked(phone, "citizen-7-english")
