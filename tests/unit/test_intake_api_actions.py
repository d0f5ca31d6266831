"""POST /api/v1/reports/{id}/{action}: every action through HTTP, its event and status, and
every refusal with its status code (httpx over ASGI, fakes behind the writer)."""

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from intake.requests import ACTIONS
from tests.unit.api_client import MAX_BODY, REPORTS, Api
from tests.unit.reports import AGENCY, OTHER_AGENCY

Step = tuple[list[str], str, dict[str, Any], str, str]
# action: (actions before it, caller, body, status after it, event it appends)
STEPS: dict[str, Step] = {
    "verify": ([], "admin", {"note": "lengkap"}, "MENUNGGU_VERIFIKASI", "ReportVerified"),
    "reject": ([], "admin", {"reason": "duplicate", "note": "x"}, "DITOLAK", "ReportRejected"),
    "archive": ([], "admin", {"reason": "sudah selesai"}, "DIARSIPKAN", "ReportArchived"),
    "postpone": (
        [],
        "admin",
        {"reason": "menunggu data", "until": "2026-03-09T00:00:00+07:00"},
        "MENUNGGU_VERIFIKASI",
        "ReportPostponed",
    ),
    "assign": (
        [],
        "admin",
        {"agency_code": AGENCY, "agency_name": "Pemkab Bandung"},
        "DITERUSKAN_KE_INSTANSI",
        "ReportRouted",
    ),
    "forward": (
        ["assign"],
        "admin",
        {"to_agency_code": OTHER_AGENCY, "to_agency_name": "Pemkot", "reason": "kota"},
        "DITERUSKAN_KE_INSTANSI",
        "ReportForwarded",
    ),
    "decline": (
        ["assign"],
        "officer",
        {"reason": "bukan"},
        "MENUNGGU_VERIFIKASI",
        "ReportForwarded",
    ),
    "acknowledge": (["assign"], "officer", {}, "DIPROSES", "ReportAcknowledged"),
    "request-information": (
        ["assign", "acknowledge"],
        "officer",
        {"question": "Di km berapa?"},
        "MENUNGGU_TANGGAPAN_PELAPOR",
        "InformationRequested",
    ),
    "provide-information": (
        ["assign", "acknowledge", "request-information"],
        "reporter",
        {"answer": "Km 12"},
        "DIPROSES",
        "InformationProvided",
    ),
    "respond": (
        ["assign", "acknowledge"],
        "officer",
        {"text": "Sudah ditambal", "final": True},
        "DITANGGAPI",
        "ReportResponded",
    ),
    "resolve": (["assign"], "officer", {"summary": "Selesai"}, "DITANGGAPI", "ReportResolved"),
    "reply": (
        [],
        "reporter",
        {"text": "Mohon dipercepat"},
        "MENUNGGU_VERIFIKASI",
        "ReporterReplied",
    ),
    "rate": (
        ["assign", "acknowledge", "respond"],
        "reporter",
        {"score": 2, "comment": "lambat"},
        "DITANGGAPI",
        "ReportRated",
    ),
    "appeal": (
        ["assign", "acknowledge", "respond", "rate"],
        "reporter",
        {"reason": "Lubang muncul lagi"},
        "BANDING",
        "ReportAppealed",
    ),
    "accept": (["assign", "respond"], "reporter", {"comment": "oke"}, "SELESAI", "ReportClosed"),
    "erase-reporter": (
        [],
        "admin",
        {"reason": "atas permintaan"},
        "MENUNGGU_VERIFIKASI",
        "ReporterDataErased",
    ),
}


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    api = Api()
    async with api.client:
        yield api


async def _at(api: Api, before: list[str]) -> tuple[str, str]:
    """A new report after the given actions, each by its rightful caller with its body."""
    created = await api.file()
    tracking_id, secret = created["tracking_id"], created["access_secret"]
    for action in before:
        _, caller, body, _, _ = STEPS[action]
        response = await api.act(tracking_id, action, body, caller, secret)
        assert response.status_code == 200, (action, response.text)
    return tracking_id, secret


def test_every_action_has_a_step() -> None:
    assert set(STEPS) == set(ACTIONS)


@pytest.mark.parametrize("action", sorted(STEPS))
async def test_every_action_appends_its_event_and_answers_the_new_status(
    api: Api, action: str
) -> None:
    before, caller, body, status, event_type = STEPS[action]
    tracking_id, secret = await _at(api, before)
    response = await api.act(tracking_id, action, body, caller, secret)
    assert response.status_code == 200, response.text
    answer = response.json()
    sequence = len(before) + 2
    assert answer["tracking_id"] == tracking_id
    assert (answer["sequence"], answer["status"]) == (sequence, status)
    assert set(answer["status_label"]) == {"id", "en"}
    assert "access_secret" not in answer
    assert api.log.sequences(tracking_id) == list(range(1, sequence + 1))
    assert api.log.types(tracking_id)[-1] == event_type
    view = await api.view(tracking_id, "admin")
    assert (view["sequence"], view["status"]["code"]) == (sequence, status)


@pytest.mark.parametrize(
    ("caller", "kind", "actor_id"),
    [("admin", 3, ""), ("officer", 2, AGENCY), ("reporter", 1, "")],
)
async def test_the_actor_on_the_log_is_the_callers_kind(
    api: Api, caller: str, kind: int, actor_id: str
) -> None:
    action = {"admin": "forward", "officer": "acknowledge", "reporter": "reply"}[caller]
    before, _, body, _, _ = STEPS[action]
    tracking_id, secret = await _at(api, before)
    await api.act(tracking_id, action, body, caller, secret, **{"X-Correlation-ID": "c-9"})
    envelope = api.log.of(tracking_id)[-1].envelope
    assert (envelope.actor.kind, envelope.actor.id, envelope.correlation_id) == (
        kind,
        actor_id,
        "c-9",
    )


async def test_enum_values_may_be_written_short_or_in_full(api: Api) -> None:
    for reason in ("too_general", "TOO_GENERAL", "REJECTION_REASON_TOO_GENERAL"):
        tracking_id, _ = await _at(api, [])
        response = await api.act(tracking_id, "reject", {"reason": reason}, "admin")
        assert response.status_code == 200, (reason, response.text)


async def test_a_decline_is_never_a_closure_and_that_agency_cannot_get_it_back(api: Api) -> None:
    tracking_id, _ = await _at(api, ["assign", "decline"])
    view = await api.view(tracking_id, "admin")
    assert (view["status"]["code"], view["agency"], view["declined_by"]) == (
        "MENUNGGU_VERIFIKASI",
        None,
        [AGENCY],
    )
    again = await api.act(tracking_id, "assign", STEPS["assign"][2], "admin")
    assert again.status_code == 409
    assert "declined" in again.json()["detail"]


# refusals


@pytest.mark.parametrize(
    ("action", "caller"),
    [
        ("acknowledge", "stranger"),  # an officer of another agency
        ("acknowledge", "public"),
        ("acknowledge", "admin"),
        ("verify", "officer"),
        ("verify", "public"),
        ("reply", "public"),  # the reporter's action without the access secret
        ("rate", "officer"),
        ("erase-reporter", "officer"),
    ],
)
async def test_the_wrong_caller_is_forbidden(api: Api, action: str, caller: str) -> None:
    before, _, body, _, _ = STEPS[action]
    tracking_id, _ = await _at(api, before)
    count = len(api.log.events)
    response = await api.act(tracking_id, action, body, caller)
    assert response.status_code == 403, response.text
    assert response.json()["detail"]
    assert len(api.log.events) == count


async def test_a_wrong_access_secret_is_forbidden(api: Api) -> None:
    tracking_id, _ = await _at(api, [])
    response = await api.act(tracking_id, "reply", {"text": "halo"}, "reporter", "tebakan")
    assert response.status_code == 403
    assert "access secret" in response.json()["detail"]
    assert len(api.log.events) == 1


async def test_the_secret_of_another_report_is_forbidden(api: Api) -> None:
    tracking_id, _ = await _at(api, [])
    _, other_secret = await _at(api, [])
    response = await api.act(tracking_id, "reply", {"text": "halo"}, "reporter", other_secret)
    assert response.status_code == 403


@pytest.mark.parametrize("tracking_id", ["ZZZZ-ZZZZ-ZZZZ", "no-such-report"])
async def test_an_unknown_report_is_not_found(api: Api, tracking_id: str) -> None:
    response = await api.act(tracking_id, "verify", {}, "admin")
    assert response.status_code == 404
    assert api.log.events == []


@pytest.mark.parametrize(
    ("before", "action", "caller"),
    [
        ([], "accept", "reporter"),
        (["verify"], "verify", "admin"),
        (["reject"], "assign", "admin"),
        (["assign", "respond", "rate"], "rate", "reporter"),
        (["assign", "respond"], "appeal", "reporter"),  # no poor rating
    ],
)
async def test_an_action_the_state_does_not_allow_is_a_conflict(
    api: Api, before: list[str], action: str, caller: str
) -> None:
    tracking_id, secret = await _at(api, before)
    count = len(api.log.events)
    response = await api.act(tracking_id, action, STEPS[action][2], caller, secret)
    assert response.status_code == 409, response.text
    assert len(api.log.events) == count


async def test_a_stale_expected_sequence_is_a_conflict(api: Api) -> None:
    tracking_id, _ = await _at(api, ["assign"])
    stale = await api.act(tracking_id, "acknowledge", {"expected_sequence": 1}, "officer")
    assert stale.status_code == 409
    assert "sequence 2" in stale.json()["detail"]
    current = await api.act(tracking_id, "acknowledge", {"expected_sequence": 2}, "officer")
    assert current.status_code == 200, current.text
    assert api.log.sequences(tracking_id) == [1, 2, 3]


async def test_a_retried_action_gets_the_same_answer_and_appends_nothing(api: Api) -> None:
    tracking_id, _ = await _at(api, ["assign"])
    headers = {"Idempotency-Key": "ack-1"}
    first = await api.act(tracking_id, "acknowledge", {"note": "ok"}, "officer", **headers)
    await api.act(tracking_id, "respond", {"text": "Sudah"}, "officer")
    again = await api.act(tracking_id, "acknowledge", {"note": "ok"}, "officer", **headers)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert api.log.sequences(tracking_id) == [1, 2, 3, 4]
    other = await api.act(tracking_id, "acknowledge", {"note": "lain"}, "officer", **headers)
    assert other.status_code == 409
    assert api.log.sequences(tracking_id) == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("verify", {"nota": "x"}),  # unknown field
        ("reply", {"text": "x", "attachment": "y"}),
        ("rate", {"score": "five"}),  # wrong types
        ("rate", {"score": 2.5}),
        ("rate", {"score": True}),
        ("rate", {"score": -1}),
        ("respond", {"text": "x", "final": "yes"}),
        ("verify", {"note": 5}),
        ("postpone", {"reason": "x", "until": "besok"}),
        ("reject", {"reason": "bogus"}),
        ("archive", {}),  # missing content
        ("reject", {}),
        ("postpone", {"reason": "x"}),
        ("assign", {"agency_name": "tanpa kode"}),
        ("rate", {"score": 9}),
        ("verify", {"expected_sequence": -1}),
        ("verify", {"expected_sequence": "1"}),
        ("verify", {"expected_sequence": 1.0}),
    ],
)
async def test_bad_content_is_unprocessable(api: Api, action: str, body: dict[str, Any]) -> None:
    before, caller, _, _, _ = STEPS[action]
    tracking_id, secret = await _at(api, before)
    count = len(api.log.events)
    response = await api.act(tracking_id, action, body, caller, secret)
    assert response.status_code == 422, response.text
    assert response.json()["detail"]
    assert len(api.log.events) == count


async def test_a_boolean_is_not_an_expected_sequence(api: Api) -> None:
    """JSON true is not an integer, yet isinstance(True, int) holds in Python: the route takes
    {"expected_sequence": true} as sequence 1 instead of refusing the wrong type."""
    tracking_id, _ = await _at(api, [])
    response = await api.act(tracking_id, "verify", {"expected_sequence": True}, "admin")
    assert response.status_code == 422, response.text
    assert len(api.log.events) == 1


@pytest.mark.parametrize(
    "content", [b"[]", b'"verify"', b"not json", b'{"note": "x"', b'{"note": "\xff\xfe"}']
)
async def test_what_is_not_a_json_object_is_unprocessable(api: Api, content: bytes) -> None:
    tracking_id, _ = await _at(api, [])
    response = await api.client.post(
        f"{REPORTS}/{tracking_id}/verify",
        content=content,
        headers={"content-type": "application/json", **api.headers("admin")},
    )
    assert response.status_code == 422, response.text
    assert len(api.log.events) == 1


async def test_an_empty_body_is_no_fields(api: Api) -> None:
    tracking_id, _ = await _at(api, [])
    response = await api.client.post(
        f"{REPORTS}/{tracking_id}/verify", headers=api.headers("admin")
    )
    assert response.status_code == 200, response.text


async def test_an_oversized_action_body_is_refused(api: Api) -> None:
    tracking_id, secret = await _at(api, [])
    content = json.dumps({"text": "x" * MAX_BODY}).encode()
    response = await api.client.post(
        f"{REPORTS}/{tracking_id}/reply",
        content=content,
        headers={"content-type": "application/json", "X-Access-Secret": secret},
    )
    assert response.status_code == 413
    assert len(api.log.events) == 1
