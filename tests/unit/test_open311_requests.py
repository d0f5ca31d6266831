"""Open311 service requests read back, field by field in JSON and XML: GET one and GET the
list with its filters; public information only, never the reporter, confidential reports as
if unknown, and bad filters in the error format."""

import json
from datetime import timedelta
from typing import Any

import pytest

from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1.events_pb2 import (
    REJECTION_REASON_TOO_GENERAL,
)
from tests.unit.open311_client import (
    CONTACT_TEXTS,
    FORM,
    W3C,
    Open311Api,
    assert_error,
    xml_of,
)
from tests.unit.reports import ADMIN, AGENCY, AT, OFFICER, cause_of, route_command

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


@pytest.fixture
def api() -> Open311Api:
    return Open311Api()


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
        ({"service_request_id": ",".join(["7K3M-9QXD-2F8A"] * 1001)}, "at most 1000"),
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
