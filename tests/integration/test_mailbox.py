"""The local mailbox (deploy/local/mailbox) as platform.sh runs it: a process on free ports,
driven over 127.0.0.1 with real clients (aiosmtplib with STARTTLS, httpx)."""

import json
import signal
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import httpx
import pytest

from tests.mailbox import (
    FAILING,
    KEY,
    PASSWORD,
    PHONE,
    UNREACHABLE,
    USER,
    Box,
    new_box,
    running,
    stop,
)


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Box]:
    box = new_box(tmp_path_factory.mktemp("mailbox") / "box", credentials=True)
    with running(box):
        yield box


@pytest.fixture
def box(started: Box) -> Box:
    assert httpx.delete(f"{started.url}/api/messages").status_code == 204
    return started


def _email(to: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "LAPOR! <noreply@lapor.go.id>"
    message["To"] = to
    message["Subject"] = "Laporan Anda diterima — nomor LPR-7"
    message["Message-ID"] = "<lpr-7@lapor.go.id>"
    message.set_content("Terima kasih, Bu Siti.\nLaporan LPR-7 sedang diproses.")
    message.add_alternative("<p>Terima kasih, <b>Bu Siti</b>.</p>", subtype="html")
    return message


async def test_an_email_over_starttls_with_auth_is_recorded_decoded(box: Box) -> None:
    await aiosmtplib.send(
        _email("siti@example.id"),
        hostname="127.0.0.1",
        port=box.smtp_port,
        start_tls=True,
        tls_context=box.tls(),
        username=USER,
        password=PASSWORD,
    )

    [email] = box.messages("email")
    assert email["mail_from"] == "noreply@lapor.go.id"
    assert email["rcpt_tos"] == ["siti@example.id"]
    assert email["subject"] == "Laporan Anda diterima — nomor LPR-7"
    assert email["message_id"] == "<lpr-7@lapor.go.id>"
    assert email["text"] == "Terima kasih, Bu Siti.\nLaporan LPR-7 sedang diproses.\n"
    assert email["html"] == "<p>Terima kasih, <b>Bu Siti</b>.</p>\n"
    assert email["headers"]["Subject"] == email["subject"]
    assert (email["tls"], email["authenticated_as"]) == (True, USER)
    received_at = datetime.fromisoformat(email["received_at"])
    assert received_at.utcoffset() == timedelta(0)
    assert received_at.isoformat(timespec="microseconds") == email["received_at"]


async def test_auth_is_offered_only_after_starttls_and_checks_the_password(box: Box) -> None:
    smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=box.smtp_port, start_tls=False)
    await smtp.connect()
    await smtp.ehlo()
    assert smtp.supports_extension("starttls")
    assert not smtp.supports_extension("auth")
    with pytest.raises(aiosmtplib.SMTPSenderRefused) as refused:
        await smtp.mail("noreply@lapor.go.id")
    assert refused.value.code == 530
    with pytest.raises(aiosmtplib.SMTPAuthenticationError) as plain_before_tls:
        await smtp.auth_plain(USER, PASSWORD)
    assert plain_before_tls.value.code == 538

    await smtp.starttls(tls_context=box.tls())
    await smtp.ehlo()
    assert smtp.supports_extension("auth")
    with pytest.raises(aiosmtplib.SMTPAuthenticationError) as wrong:
        await smtp.auth_login(USER, "not-the-password")
    assert wrong.value.code == 535
    await smtp.auth_plain(USER, PASSWORD)
    await smtp.quit()


@pytest.mark.parametrize(
    ("recipient", "code", "reply"),
    [
        ("nobody@bounce.invalid", 550, "5.1.1 mailbox unavailable"),
        ("busy@later.invalid", 451, "4.3.0 try again later"),
    ],
)
async def test_test_domains_refuse_recipients(
    box: Box, recipient: str, code: int, reply: str
) -> None:
    smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=box.smtp_port, tls_context=box.tls())
    await smtp.connect()
    await smtp.login(USER, PASSWORD)
    await smtp.mail("noreply@lapor.go.id")
    with pytest.raises(aiosmtplib.SMTPRecipientRefused) as refused:
        await smtp.rcpt(recipient)
    assert (refused.value.code, refused.value.message) == (code, reply)
    await smtp.quit()
    assert box.messages("email") == []


def test_an_sms_reference_is_sent_once_and_repeats_are_counted(box: Box) -> None:
    body = {"reference": "notif-1", "to": PHONE, "text": "Laporan LPR-7 diterima."}
    first, again = box.sms(body), box.sms(body)

    assert first.status_code == 202
    answer = first.json()
    assert (answer["reference"], answer["parts"], answer["encoding"]) == ("notif-1", 1, "GSM-7")
    assert again.status_code == 200
    assert again.json() == {**first.json(), "duplicate": True}
    [sms] = box.messages("sms")
    assert (sms["id"], sms["sender"], sms["requests"]) == (first.json()["id"], "1708", 2)


@pytest.mark.parametrize(
    ("text", "parts", "encoding"),
    [
        ("a" * 160, 1, "GSM-7"),
        ("a" * 161, 2, "GSM-7"),
        ("{" * 80, 1, "GSM-7"),
        ("€" * 81, 2, "GSM-7"),
        ("Laporan diterima 👍", 1, "UCS-2"),
        ("ç" * 70, 1, "UCS-2"),
        ("ç" * 71, 2, "UCS-2"),
    ],
)
def test_sms_parts_and_encoding(box: Box, text: str, parts: int, encoding: str) -> None:
    answer = box.sms({"reference": "parts", "to": PHONE, "text": text})
    assert (answer.json()["parts"], answer.json()["encoding"]) == (parts, encoding)


def test_the_sms_gateway_wants_its_bearer_key(box: Box) -> None:
    body = {"reference": "r", "to": PHONE, "text": "x"}
    missing = httpx.post(f"{box.url}/sms/v1/messages", json=body)
    wrong = box.sms(body, key="guess")
    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert "error" in missing.json()
    assert box.messages("sms") == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{not json", "the body is not valid JSON"),
        ([1, 2], "the body must be a JSON object"),
        ({"to": PHONE, "text": "x"}, '"reference" is required'),
        ({"reference": "r" * 101, "to": PHONE, "text": "x"}, '"reference" must be 1 to 100'),
        ({"reference": "r", "to": "+6591234567", "text": "x"}, '"to" must be an Indonesian'),
        ({"reference": "r", "to": "+62812345", "text": "x"}, "+62 then 8 to 13 digits"),
        ({"reference": "r", "to": PHONE, "text": ""}, '"text" must be 1 to 1530'),
        ({"reference": "r", "to": PHONE, "text": "x" * 1531}, "not 1531"),
        ({"reference": "r", "to": PHONE, "text": 7}, '"text" must be a string, not int'),
        ({"reference": "r", "to": PHONE, "text": "x", "from": "y"}, "unknown fields: from"),
    ],
)
def test_bad_sms_requests_get_the_precise_reason(box: Box, body: object, reason: str) -> None:
    content = body if isinstance(body, str) else json.dumps(body)
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    answer = httpx.post(f"{box.url}/sms/v1/messages", content=content, headers=headers)
    assert answer.status_code == 400
    assert reason in answer.json()["error"]


def test_failing_and_unreachable_numbers_are_not_sent(box: Box) -> None:
    failing = {"reference": "retry-me", "to": FAILING, "text": "x"}
    assert [box.sms(failing).status_code for _ in range(2)] == [503, 503]
    assert box.sms({"reference": "gone", "to": UNREACHABLE, "text": "x"}).status_code == 422
    assert box.messages("sms") == []


def test_webhooks_are_recorded_with_the_lapor_headers(box: Box) -> None:
    headers = {"X-Lapor-Signature": "sha256=abc", "X-Other": "no", "Content-Type": "text/plain"}
    answer = httpx.post(f"{box.url}/hooks/dinas-pu", content="Laporan ✓", headers=headers)
    failed = httpx.post(f"{box.url}/hooks/failing-agency", content="x", headers=headers)

    assert (answer.status_code, failed.status_code) == (204, 500)
    [hook] = box.messages("webhook")
    assert (hook["name"], hook["body"]) == ("dinas-pu", "Laporan ✓")
    assert hook["headers"] == {"X-Lapor-Signature": "sha256=abc", "Content-Type": "text/plain"}


def test_messages_are_listed_by_kind_oldest_first_and_cleared(box: Box) -> None:
    for number in (1, 2):
        box.sms({"reference": f"order-{number}", "to": PHONE, "text": f"pesan {number}"})
    everything = httpx.get(f"{box.url}/api/messages").json()
    only_sms = httpx.get(f"{box.url}/api/messages", params={"kind": "sms"}).json()
    bad_kind = httpx.get(f"{box.url}/api/messages", params={"kind": "fax"})

    assert set(everything) == {"email", "sms", "webhook"}
    assert [sms["reference"] for sms in only_sms["sms"]] == ["order-1", "order-2"]
    assert list(only_sms) == ["sms"]
    assert bad_kind.status_code == 400
    assert httpx.delete(f"{box.url}/api/messages").status_code == 204
    assert box.messages("sms") == []
    assert (box.directory / "messages.jsonl").read_text() == ""


def test_the_page_is_bilingual_and_escapes_what_it_shows(box: Box) -> None:
    box.sms({"reference": "page", "to": PHONE, "text": "<script>alert('x')</script>"})
    page = httpx.get(box.url)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Kotak surat lokal / Local mailbox" in page.text
    assert "Surel / E-mail" in page.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page.text
    assert "<script>" not in page.text


async def test_history_and_certificate_survive_a_restart(tmp_path: Path) -> None:
    box = new_box(tmp_path / "box", credentials=False)
    sms = {"reference": "kept", "to": PHONE, "text": "tetap ada"}
    with running(box) as process:
        await aiosmtplib.send(
            _email("budi@example.id"), hostname="127.0.0.1", port=box.smtp_port, start_tls=False
        )
        box.sms(sms)
        assert stop(process) == 0
    certificate = (box.directory / "tls/cert.pem").read_bytes()
    with running(box) as process:
        assert box.sms(sms).json()["duplicate"] is True
        [email] = box.messages("email")
        assert (email["tls"], email["authenticated_as"]) == (False, "")
        assert stop(process, signal.SIGINT) == 0
    with running(box):
        assert [(sms["reference"], sms["requests"]) for sms in box.messages("sms")] == [("kept", 2)]
    assert (box.directory / "tls/cert.pem").read_bytes() == certificate
