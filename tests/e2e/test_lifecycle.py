"""A report's whole life through the running platform's public REST API, and its privacy."""

import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from pymongo.asynchronous.database import AsyncDatabase

from intake.auth import issue_token
from lapor_common.mongo import mongo_client
from lapor_common.topics import DEAD_LETTER, REPORT_COMMANDS, REPORT_EVENTS
from tests.e2e.conftest import Platform
from tests.e2e.settling import at_agency
from tests.infra import Infrastructure
from tests.kafka_reading import all_records

AGENCY = "pemkab-3204"


def _secrets(run_dir: Path) -> dict[str, str]:
    lines = (run_dir / "secrets.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


@pytest.fixture(scope="module")
def tokens(platform: Platform, infra: Infrastructure) -> dict[str, str]:
    key = _secrets(infra.run_dir)["LAPOR_JWT_SIGNING_KEY"]
    return {
        "officer": issue_token(key, "officer", "budi", AGENCY, 1),
        "other_officer": issue_token(key, "officer", "ani", "pemkot-3273", 1),
        "admin": issue_token(key, "administrator", "admin", "", 1),
        "expired": issue_token(key, "administrator", "admin", "", -1),
        "forged": issue_token(
            "not-the-signing-key-of-this-platform", "administrator", "admin", "", 1
        ),
    }


@pytest.fixture(scope="module")
def contact() -> dict[str, str]:
    digits = "".join(random.choices("0123456789", k=9))
    return {
        "name": "Dewi Lestari",
        "phone": f"+62812{digits}",
        "email": f"dewi.{digits}@contoh.id",
        "id_number": f"3204{digits}123",
    }


def _officer_token(infra: Infrastructure, agency: str) -> str:
    return issue_token(
        _secrets(infra.run_dir)["LAPOR_JWT_SIGNING_KEY"], "officer", "budi", agency, 1
    )


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _status(client: httpx.AsyncClient, tracking_id: str) -> str:
    view = (await client.get(f"/api/v1/reports/{tracking_id}")).json()
    return str(view.get("status", {}).get("code"))


async def _act(
    client: httpx.AsyncClient, tracking_id: str, action: str, body: dict[str, Any], **headers: str
) -> httpx.Response:
    return await client.post(f"/api/v1/reports/{tracking_id}/{action}", json=body, headers=headers)


async def test_a_complaint_lives_from_submission_to_appeal_and_erasure(
    platform: Platform, infra: Infrastructure, tokens: dict[str, str], contact: dict[str, str]
) -> None:
    report = {
        "type": "pengaduan",
        "title": "Pungutan liar di kantor desa",
        "body": "Petugas kantor desa meminta uang Rp50.000 untuk surat keterangan domisili.",
        "region_code": "32.04.05",
        "reporter": contact,
    }
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        created = (await client.post("/api/v1/reports", json=report)).json()
        tracking_id, secret = created["tracking_id"], created["access_secret"]
        reporter = {"X-Access-Secret": secret}
        settled = await at_agency(client, tracking_id, _bearer(tokens["admin"]), AGENCY)
        officer = _bearer(_officer_token(infra, settled["agency"]["code"]))
        routed = settled["status"]["code"]
        before_work = datetime.now(UTC)
        steps: list[tuple[str, dict[str, Any], dict[str, str], str | None]] = [
            ("acknowledge", {}, officer, "DIPROSES"),
            ("request-information", {"question": "Kapan kejadiannya?"}, officer, None),
            ("provide-information", {"answer": "Senin pagi, 3 Nov."}, reporter, "DIPROSES"),
            ("respond", {"text": "Petugas sudah ditegur.", "final": True}, officer, "DITANGGAPI"),
            ("rate", {"score": 2, "comment": "Uang belum kembali"}, reporter, "DITANGGAPI"),
            ("appeal", {"reason": "Uang belum dikembalikan"}, reporter, "BANDING"),
        ]
        outcomes = [
            (await _act(client, tracking_id, action, body, **headers)).json()
            for action, body, headers, _ in steps
        ]
        officer_view = (await client.get(f"/api/v1/reports/{tracking_id}", headers=officer)).json()
        public_view = (await client.get(f"/api/v1/reports/{tracking_id}")).json()
        past = (
            await client.get(
                f"/api/v1/reports/{tracking_id}", params={"as_of": before_work.isoformat()}
            )
        ).json()
        erased = await _act(
            client,
            tracking_id,
            "erase-reporter",
            {"reason": "atas permintaan pelapor"},
            **_bearer(tokens["admin"]),
        )
        after_erasure = (
            await client.get(f"/api/v1/reports/{tracking_id}", headers=reporter)
        ).json()

    assert routed == "DITERUSKAN_KE_INSTANSI"
    for (action, _, _, expected), outcome in zip(steps, outcomes, strict=True):
        assert "sequence" in outcome, (action, outcome)
        if expected:
            assert outcome["status"] == expected, action
    first = settled["sequence"] + 1
    assert [o["sequence"] for o in outcomes] == list(range(first, first + 6))
    assert officer_view["reporter"]["phone"] == contact["phone"]
    assert officer_view["audience"] == "officer"
    assert "reporter" not in public_view
    assert all("Kapan" not in entry["text"]["id"] for entry in public_view["timeline"])
    assert past["status"]["code"] == "DITERUSKAN_KE_INSTANSI"
    assert erased.status_code == 200, erased.text
    assert "reporter" not in after_erasure
    assert after_erasure["reporter_erased"] is True


async def test_refusals_are_precise(
    platform: Platform, infra: Infrastructure, tokens: dict[str, str]
) -> None:
    report = {
        "type": "aspirasi",
        "title": "Perbanyak taman kota",
        "body": "Mohon taman kota diperbanyak agar anak-anak punya tempat bermain yang aman.",
        "region_code": "32.04",
        "anonymous": True,
    }
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        created = (await client.post("/api/v1/reports", json=report)).json()
        tracking_id = created["tracking_id"]
        settled = await at_agency(client, tracking_id, _bearer(tokens["admin"]), AGENCY)
        here = _officer_token(infra, settled["agency"]["code"])
        answers = {
            "expired": await _act(
                client, tracking_id, "acknowledge", {}, **_bearer(tokens["expired"])
            ),
            "forged": await _act(
                client, tracking_id, "acknowledge", {}, **_bearer(tokens["forged"])
            ),
            "other agency": await _act(
                client, tracking_id, "acknowledge", {}, **_bearer(tokens["other_officer"])
            ),
            "public": await _act(client, tracking_id, "acknowledge", {}),
            "wrong secret": await _act(
                client, tracking_id, "reply", {"text": "halo"}, **{"X-Access-Secret": "nope"}
            ),
            "wrong state": await _act(
                client, tracking_id, "verify", {}, **_bearer(tokens["admin"])
            ),
            "stale": await _act(
                client,
                tracking_id,
                "acknowledge",
                {"expected_sequence": 1},
                **_bearer(here),
            ),
            "unknown field": await _act(
                client, tracking_id, "acknowledge", {"nota": "x"}, **_bearer(here)
            ),
            "unknown report": await _act(
                client, "0000-0000-0000", "acknowledge", {}, **_bearer(tokens["officer"])
            ),
        }
    codes = {name: answer.status_code for name, answer in answers.items()}
    assert codes == {
        "expired": 401,
        "forged": 401,
        "other agency": 403,
        "public": 403,
        "wrong secret": 403,
        "wrong state": 409,
        "stale": 409,
        "unknown field": 422,
        "unknown report": 404,
    }
    assert all(answer.json().get("detail") for answer in answers.values())


async def test_no_identity_is_readable_in_the_topics_or_the_database(
    platform: Platform, infra: Infrastructure, tokens: dict[str, str], contact: dict[str, str]
) -> None:
    """After a report with contact details, neither its phone number nor its e-mail address
    appears anywhere in the raw bytes of the platform's topics or databases."""
    report = {
        "type": "pengaduan",
        "title": "KTP elektronik belum jadi",
        "body": "Sudah enam bulan sejak rekam data KTP-el di Disdukcapil, kartu belum juga jadi.",
        "region_code": "32.04",
        "reporter": contact,
    }
    async with httpx.AsyncClient(base_url=platform.base_url) as client:
        created = (await client.post("/api/v1/reports", json=report)).json()
        await at_agency(client, created["tracking_id"], _bearer(tokens["admin"]), AGENCY)
    needles = [contact["phone"].encode(), contact["email"].encode(), contact["phone"][3:].encode()]
    topic_bytes = await _all_topic_bytes(infra.kafka_bootstrap_servers)
    topic_bytes += await _agency_topic_bytes(infra.kafka_bootstrap_servers)
    database_bytes = await _all_database_bytes(infra.mongo_uri)
    disk_bytes = _all_files_bytes(infra.run_dir / "kafka") + _all_files_bytes(
        infra.run_dir / "ferretdb"
    )
    assert b"KTP elektronik" in topic_bytes  # the scan does read the report itself
    for needle in needles:
        assert needle not in topic_bytes
        assert needle not in database_bytes
        assert needle not in disk_bytes


async def _all_topic_bytes(servers: str) -> bytes:
    records = await all_records(servers, [REPORT_EVENTS, REPORT_COMMANDS, DEAD_LETTER])
    return b"".join((r.key or b"") + (r.value or b"") for r in records)


async def _agency_topic_bytes(servers: str) -> bytes:
    admin = AIOKafkaAdminClient(bootstrap_servers=servers)
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if t.startswith("lapor.agency.")]
    finally:
        await admin.close()
    records = await all_records(servers, topics) if topics else []
    return b"".join((r.key or b"") + (r.value or b"") for r in records)


async def _all_database_bytes(uri: str) -> bytes:
    import bson  # noqa: PLC0415 - pymongo's

    client = mongo_client(uri, "privacy-scan")
    chunks: list[bytes] = []
    try:
        for name in await client.list_database_names():
            database: AsyncDatabase[dict[str, Any]] = client[name]
            for collection in await database.list_collection_names():
                async for document in database[collection].find():
                    chunks.append(bson.encode(document))
    finally:
        await client.close()
    return b"".join(chunks)


def _all_files_bytes(folder: Path) -> bytes:
    if not folder.exists():  # infrastructure in containers: the client scans above suffice
        return b""
    return b"".join(path.read_bytes() for path in folder.rglob("*") if path.is_file())
