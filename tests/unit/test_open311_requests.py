"""Open311 service requests, field by field in JSON and XML: POST (API key, attributes,
location, contact sealed, idempotency), GET one and GET the list with its filters; public
information only, confidential reports as if unknown, and bad requests in the error format."""

import json
from datetime import timedelta
from typing import Any

import pytest

from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1.events_pb2 import (
    CHANNEL_OPEN311,
    REJECTION_REASON_TOO_GENERAL,
    REPORT_TYPE_ASPIRATION,
    REPORT_TYPE_COMPLAINT,
    GeoPoint,
    ReportSubmitted,
)
from tests.unit.open311_client import FORM, Open311Api
from tests.unit.reports import ADMIN, AGENCY, AT, OFFICER, cause_of, route_command
from tests.unit.test_open311_api import W3C, assert_error, xml_of

# What every service request carries; status_notes, agency_responsible and expected_datetime
# come once there is something to say.
REQUIRED = {
    "service_request_id",
    "status",
    "service_name",
    "service_code",
    "description",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "address",
    "lat",
    "long",
}
RESPONSE = "Lubang sudah ditambal oleh Dinas PUPR."
CONTACT_TEXTS = ("Dewi", "Lestari", "contoh", "81234567890", "3456-7890")


@pytest.fixture
def api() -> Open311Api:
    return Open311Api()


def submitted(api: Open311Api) -> ReportSubmitted:
    [event] = api.fx.log.events
    assert isinstance(event.payload, ReportSubmitted)
    return event.payload


async def one(api: Open311Api, report_id: str) -> dict[str, Any]:
    response = await api.get(f"requests/{report_id}.json")
    assert response.status_code == 200, response.text
    [request] = response.json()
    assert isinstance(request, dict)
    return request


async def routed_and_answered(api: Open311Api, report_id: str) -> None:
    """Routing sends it to AGENCY; the agency responds, finally."""
    await api.fx.writer.take(route_command(report_id))
    respond = c.RespondToReport(text=RESPONSE, final=True)
    await api.fx.writer.act(report_id, respond, OFFICER, cause_of(OFFICER))


# POST requests


async def test_a_request_is_filed_as_a_report_of_the_open311_channel(api: Open311Api) -> None:
    response = await api.post()
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    [answer] = response.json()
    assert set(answer) == {"service_request_id", "token", "service_notice"}
    assert " / " in answer["service_notice"]
    payload = submitted(api)
    [event] = api.fx.log.events
    assert event.envelope.report_id == answer["service_request_id"]
    assert event.envelope.actor.id == "open311:warga-app"  # the client, never the citizen
    assert payload.HasField("reporter")
    assert (payload.channel, payload.type, payload.language) == (
        CHANNEL_OPEN311,
        REPORT_TYPE_COMPLAINT,
        "id",
    )
    assert payload.title == "Jalan rusak dan berlubang"  # the service's name
    assert payload.body == FORM["description"] + "\nAlamat / Address: Jl. Raya Soreang depan pasar"
    assert (payload.category_code, payload.region_code) == ("infrastruktur.jalan", "32.04.05")
    assert payload.location == GeoPoint(latitude=-7.0253, longitude=107.5197)
    assert payload.reporter_gave_email
    assert payload.reporter_gave_phone
    assert (payload.anonymous, payload.confidential, payload.requires_examination) == (False,) * 3


async def test_the_contact_is_sealed_and_no_secret_is_answered(api: Open311Api) -> None:
    response = await api.post()
    raw = api.fx.log.events[0].envelope.SerializeToString()
    for text in CONTACT_TEXTS:
        assert text.encode() not in raw
    state = api.fx.store.states[response.json()[0]["service_request_id"]]
    assert state.reporter is not None
    identity = await api.fx.vault.open(state.reporter)
    assert identity is not None
    assert (identity.name, identity.email, identity.phone) == (
        "Dewi Lestari",
        "dewi@contoh.id",
        "+6281234567890",
    )
    [secret] = api.fx.vault.secrets.values()
    assert secret not in response.text


async def test_the_answer_in_xml(api: Open311Api) -> None:
    response = await api.post("xml")
    assert response.status_code == 200
    root = xml_of(response.text)
    assert root.tag == "service_requests"
    [request] = list(root)
    assert request.tag == "request"
    assert [e.tag for e in request] == ["service_request_id", "token", "service_notice"]


async def test_attributes_carry_what_lapor_needs_beyond_open311(api: Open311Api) -> None:
    await api.post(
        **{
            "attribute[jenis]": "aspirasi",
            "attribute[judul]": "Usul trotoar di Soreang",
            "attribute[anonim]": "ya",
            "attribute[rahasia]": "ya",
            "attribute[kode_wilayah]": "32.04",
        }
    )
    payload = submitted(api)
    assert payload.type == REPORT_TYPE_ASPIRATION
    assert payload.title == "Usul trotoar di Soreang"
    assert (payload.anonymous, payload.confidential, payload.region_code) == (True, True, "32.04")


async def test_a_complaint_can_need_examination(api: Open311Api) -> None:
    await api.post(**{"attribute[berkadar_pengawasan]": "ya"})
    assert submitted(api).requires_examination


async def test_the_region_comes_from_a_region_jurisdiction(api: Open311Api) -> None:
    await api.post(**{"attribute[kode_wilayah]": None, "jurisdiction_id": "32.73"})
    assert submitted(api).region_code == "32.73"


async def test_an_agency_jurisdiction_is_accepted_but_routing_decides(api: Open311Api) -> None:
    """No wrong door: the client's agency is no routing decision; the region stays unset and
    routing locates the report from its text."""
    await api.post(**{"attribute[kode_wilayah]": None, "jurisdiction_id": AGENCY})
    payload = submitted(api)
    assert payload.region_code == ""
    assert "Soreang" in payload.body


async def test_media_and_address_ids_stay_in_the_description(api: Open311Api) -> None:
    await api.post(media_url="https://contoh.id/foto.jpg", address_id="RT-03/RW-07")
    body = submitted(api).body
    assert "Media: https://contoh.id/foto.jpg" in body
    assert "ID alamat / Address id: RT-03/RW-07" in body


async def test_a_retry_with_the_same_idempotency_key_files_one_report(api: Open311Api) -> None:
    fields = {**FORM}
    answers = [
        await api.client.post(
            "/open311/v2/requests.json", data=fields, headers={"Idempotency-Key": "k-1"}
        )
        for _ in range(2)
    ]
    assert answers[0].json() == answers[1].json()
    assert len(api.fx.log.events) == 1


async def test_a_retry_without_an_idempotency_key_files_a_second_report(api: Open311Api) -> None:
    first, second = await api.file(), await api.file()
    assert first != second
    assert len(api.fx.log.events) == 2


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("changes", "code", "says"),
    [
        ({"api_key": None}, 403, "api_key"),
        ({"api_key": "kunci-salah"}, 403, "api_key"),
        ({"service_code": None}, 400, "service_code is required"),
        ({"service_code": "infrastruktur.tidak-ada"}, 400, "service_code"),
        ({"lat": "selatan"}, 400, "lat and long"),
        ({"long": None}, 400, "lat and long"),
        ({"lat": "-91"}, 400, "-90..90"),
        ({"long": "181"}, 400, "-180..180"),
        ({"lat": "nan"}, 400, "-90..90"),
        (
            {"lat": None, "long": None, "address_string": None, "attribute[kode_wilayah]": None},
            400,
            "a location is required",
        ),
        ({"attribute[kode_wilayah]": "99.99"}, 400, "region_code"),
        ({"jurisdiction_id": "dinas-tidak-ada"}, 404, "jurisdiction_id"),
        ({"attribute[jenis]": "keluhan"}, 400, "attribute[jenis] must be one of"),
        ({"attribute[warna]": "merah"}, 400, "attribute[warna]"),
        ({"attribute[anonim]": "mungkin"}, 400, "ya, tidak"),
        ({"attribute[judul]": "x" * 201}, 400, "at most 200"),
        ({"attribute[judul]": "Oh"}, 400, "title must have 5 to 200"),
        ({"description": "Rusak.", "address_string": None}, 400, "body must have 20 to 10000"),
        ({"email": "bukan-email"}, 400, "e-mail"),
        ({"phone": "12ab"}, 400, "phone"),
        ({"attribute[jenis]": "aspirasi", "attribute[berkadar_pengawasan]": "ya"}, 400, "only"),
    ],
)
async def test_bad_requests_are_refused_in_the_error_format(
    api: Open311Api, fmt: str, changes: dict[str, str | None], code: int, says: str
) -> None:
    response = await api.post(fmt, **changes)
    assert says in assert_error(response, code, fmt)
    assert api.fx.log.events == []


async def test_a_request_that_is_not_form_encoded_is_refused(api: Open311Api) -> None:
    response = await api.client.post("/open311/v2/requests.json", json=FORM)
    assert "form-encoded" in assert_error(response, 400)


async def test_a_parameter_given_twice_is_refused(api: Open311Api) -> None:
    body = "&".join(f"{k}={v}" for k, v in FORM.items()) + "&service_code=sosial.pkh"
    response = await api.client.post(
        "/open311/v2/requests.json",
        content=body.replace("+", "%2B"),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert "more than once" in assert_error(response, 400)


# GET one request


async def test_a_new_request_reads_back_field_by_field(api: Open311Api) -> None:
    report_id = await api.file()
    request = await one(api, report_id)
    assert set(request) == REQUIRED
    assert request["service_request_id"] == report_id
    assert request["status"] == "open"
    assert request["service_code"] == "infrastruktur.jalan"
    assert request["service_name"] == "Jalan rusak dan berlubang"
    assert request["description"].startswith(FORM["description"])
    assert request["service_notice"] == "Menunggu Verifikasi / Awaiting verification"
    assert request["address"] == "Soreang, Kabupaten Bandung, Jawa Barat"
    assert (request["lat"], request["long"]) == (-7.0253, 107.5197)
    for field in ("requested_datetime", "updated_datetime"):
        assert W3C.match(request[field]), request[field]
        assert request[field].endswith("+07:00")
    assert request["requested_datetime"] == "2026-03-02T16:30:00+07:00"  # AT in WIB


async def test_routing_response_and_deadline_fill_the_rest(api: Open311Api) -> None:
    report_id = await api.file()
    api.fx.now = AT + timedelta(hours=2)
    await routed_and_answered(api, report_id)
    api.deadlines.by_report[report_id] = AT + timedelta(days=20)
    request = await one(api, report_id)
    assert set(request) == REQUIRED | {"agency_responsible", "status_notes", "expected_datetime"}
    assert request["agency_responsible"] == f"Pemerintah {AGENCY}"  # as routing named it
    assert request["status_notes"] == RESPONSE
    assert request["status"] == "open"  # ditanggapi: the reporter may still appeal
    assert request["expected_datetime"] == "2026-03-22T16:30:00+07:00"
    assert request["updated_datetime"] == "2026-03-02T18:30:00+07:00"


async def test_without_escalation_expected_datetime_is_left_out(api: Open311Api) -> None:
    report_id = await api.file()
    request = await one(api, report_id)  # FakeDeadlines knows nothing, as when unreachable
    assert "expected_datetime" not in request
    assert api.deadlines.asked == [[report_id]]


@pytest.mark.parametrize(
    "command",
    [
        c.RejectReport(reason=REJECTION_REASON_TOO_GENERAL, note="kurang"),
        c.ArchiveReport(reason="di luar LAPOR"),
    ],
)
async def test_rejected_and_archived_requests_are_closed(
    api: Open311Api, command: c.RejectReport | c.ArchiveReport
) -> None:
    report_id = await api.file()
    await api.fx.writer.act(report_id, command, ADMIN, cause_of(ADMIN))
    assert (await one(api, report_id))["status"] == "closed"
    assert api.deadlines.asked == []  # a closed request expects nothing


async def test_one_request_in_xml(api: Open311Api) -> None:
    report_id = await api.file()
    await routed_and_answered(api, report_id)
    root = xml_of((await api.get(f"requests/{report_id}.xml")).text)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert {e.tag for e in request} == REQUIRED | {"agency_responsible", "status_notes"}
    assert request.findtext("status") == "open"
    assert request.findtext("lat") == "-7.0253"
    assert W3C.match(request.findtext("requested_datetime") or "")


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_a_confidential_request_is_as_unknown_as_one_that_never_was(
    api: Open311Api, fmt: str
) -> None:
    secret = await api.file(**{"attribute[rahasia]": "ya"})
    unknown = "ABCD-EFGH-JKMN"
    hidden = await api.get(f"requests/{secret}.{fmt}")
    missing = await api.get(f"requests/{unknown}.{fmt}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.text.replace(secret, unknown) == missing.text
    assert_error(await api.get(f"requests/bukan-nomor.{fmt}"), 404, fmt)


async def test_no_reporter_identity_is_ever_answered(api: Open311Api) -> None:
    named = await api.file()
    anonymous = await api.file(**{"attribute[anonim]": "ya"})
    await routed_and_answered(api, named)
    for fmt in ("json", "xml"):
        for path in (f"requests/{named}.{fmt}", f"requests/{anonymous}.{fmt}", f"requests.{fmt}"):
            text = (await api.get(path)).text
            for contact in CONTACT_TEXTS:
                assert contact not in text, (path, contact)


# GET requests


async def file_three(api: Open311Api) -> list[str]:
    """A road report (open), a PKH report at a later moment (closed) and a confidential one."""
    road = await api.file()
    api.fx.now = AT + timedelta(days=10)
    pkh = await api.file(service_code="sosial.pkh", **{"attribute[kode_wilayah]": "32.73"})
    await api.fx.writer.act(pkh, c.ArchiveReport(reason="selesai"), ADMIN, cause_of(ADMIN))
    api.fx.now = AT + timedelta(days=20)
    hidden = await api.file(**{"attribute[rahasia]": "ya"})
    return [road, pkh, hidden]


async def listed(api: Open311Api, **params: str) -> list[str]:
    response = await api.get("requests.json", **params)
    assert response.status_code == 200, response.text
    return [request["service_request_id"] for request in response.json()]


async def test_the_list_is_public_requests_of_the_last_90_days_newest_first(
    api: Open311Api,
) -> None:
    road, pkh, _ = await file_three(api)
    assert await listed(api) == [pkh, road]
    api.fx.now = AT + timedelta(days=95)
    assert await listed(api) == [pkh]


async def test_the_list_filters_by_service_status_and_dates(api: Open311Api) -> None:
    road, pkh, _ = await file_three(api)
    assert await listed(api, service_code="sosial.pkh") == [pkh]
    assert await listed(api, service_code="sosial.pkh,infrastruktur.jalan") == [pkh, road]
    assert await listed(api, status="open") == [road]
    assert await listed(api, status="closed") == [pkh]
    assert await listed(api, status="open,closed") == [pkh, road]
    assert await listed(api, start_date="2026-03-05T00:00:00+07:00") == [pkh]
    assert await listed(api, end_date="2026-03-05T00:00:00Z") == [road]
    window = {"start_date": "2026-03-01T00:00:00+07:00", "end_date": "2026-03-03T00:00:00+07:00"}
    assert await listed(api, **window) == [road]


async def test_the_list_filters_by_jurisdiction(api: Open311Api) -> None:
    road, pkh, _ = await file_three(api)
    assert await listed(api, jurisdiction_id="32") == [pkh, road]
    assert await listed(api, jurisdiction_id="32.04") == [road]
    assert await listed(api, jurisdiction_id="32.73") == [pkh]
    assert await listed(api, jurisdiction_id=AGENCY) == []
    await api.fx.writer.take(route_command(road))
    assert await listed(api, jurisdiction_id=AGENCY) == [road]


async def test_the_list_by_ids_leaves_out_confidential_and_unknown_ones(api: Open311Api) -> None:
    road, pkh, hidden = await file_three(api)
    ids = ",".join([road, hidden, "ABCD-EFGH-JKMN", pkh, "bukan"])
    assert await listed(api, service_request_id=ids) == [road, pkh]


async def test_the_list_in_xml(api: Open311Api) -> None:
    road, pkh, _ = await file_three(api)
    root = xml_of((await api.get("requests.xml")).text)
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.iter("request")] == [pkh, road]
    assert all({e.tag for e in r} >= REQUIRED for r in root.iter("request"))


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"start_date": "kemarin"}, "W3C datetime"),
        ({"start_date": "2026-03-01T00:00:00"}, "UTC offset"),
        ({"end_date": "2026-13-01T00:00:00+07:00"}, "W3C datetime"),
        (
            {"start_date": "2026-03-05T00:00:00+07:00", "end_date": "2026-03-01T00:00:00+07:00"},
            "not be before",
        ),
        (
            {"start_date": "2026-01-01T00:00:00+07:00", "end_date": "2026-06-01T00:00:00+07:00"},
            "90 days",
        ),
        ({"status": "pending"}, "status must be"),
        ({"status": "Open"}, "status must be"),
    ],
)
async def test_bad_filters_are_refused_in_the_error_format(
    api: Open311Api, fmt: str, params: dict[str, str], says: str
) -> None:
    assert says in assert_error(await api.get(f"requests.{fmt}", **params), 400, fmt)


async def test_an_unknown_jurisdiction_is_not_found(api: Open311Api) -> None:
    assert_error(await api.get("requests.json", jurisdiction_id="99"), 404)


async def test_json_answers_are_utf8_with_real_types(api: Open311Api) -> None:
    report_id = await api.file(
        description="Jalan di Cibeureum rusak parah — mohon segera ditangani."
    )
    response = await api.get(f"requests/{report_id}.json")
    assert "—" in response.content.decode("utf-8")
    [request] = json.loads(response.content)
    assert isinstance(request["lat"], float)
    assert isinstance(request["status"], str)
