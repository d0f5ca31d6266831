"""Filing Open311 service requests, field by field in JSON and XML: the API key, attributes,
location, the contact sealed, no secret answered, idempotency, and bad requests in the error
format."""

import pytest

from lapor.report.v1.events_pb2 import (
    CHANNEL_OPEN311,
    REPORT_TYPE_ASPIRATION,
    REPORT_TYPE_COMPLAINT,
    GeoPoint,
    ReportSubmitted,
)
from tests.unit.open311_client import (
    CONTACT_TEXTS,
    FORM,
    Open311Api,
    assert_error,
    xml_of,
)
from tests.unit.reports import AGENCY


@pytest.fixture
def api() -> Open311Api:
    return Open311Api()


def submitted(api: Open311Api) -> ReportSubmitted:
    [event] = api.fx.log.events
    assert isinstance(event.payload, ReportSubmitted)
    return event.payload


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
