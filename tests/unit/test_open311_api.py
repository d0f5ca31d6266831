"""Open311 GeoReport v2 conformance, field by field, in JSON and XML: discovery, services,
service definitions, tokens and the error format (wiki.open311.org/GeoReport_v2)."""

import pytest

from tests.unit.open311_client import CATEGORIES, W3C, Open311Api, assert_error, xml_of

SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
ATTRIBUTE_FIELDS = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
}


@pytest.fixture
def api() -> Open311Api:
    return Open311Api()


async def test_discovery_names_the_v2_endpoint_and_its_formats(api: Open311Api) -> None:
    found = (await api.get("discovery.json")).json()
    assert W3C.match(found["changeset"])
    assert found["contact"]
    assert found["key_service"]
    [endpoint] = found["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://intake/open311/v2"
    assert endpoint["type"] == "production"
    assert W3C.match(endpoint["changeset"])
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}


async def test_discovery_names_the_url_the_client_reached_behind_a_proxy(api: Open311Api) -> None:
    forwarded = {"X-Forwarded-Host": "lapor.example.id", "X-Forwarded-Proto": "https, http"}
    found = (await api.client.get("/open311/v2/discovery.json", headers=forwarded)).json()
    assert found["endpoints"][0]["url"] == "https://lapor.example.id/open311/v2"


async def test_discovery_in_xml(api: Open311Api) -> None:
    root = xml_of((await api.get("discovery.xml")).text)
    assert root.tag == "discovery"
    assert [e.tag for e in root] == ["changeset", "contact", "key_service", "endpoints"]
    [endpoint] = root.find("endpoints") or []
    assert endpoint.tag == "endpoint"
    assert [f.text for f in endpoint.iterfind("formats/format")] == [
        "application/json",
        "text/xml",
    ]


async def test_services_are_routings_categories(api: Open311Api) -> None:
    response = await api.get("services.json")
    assert response.status_code == 200
    services = response.json()
    assert [s["service_code"] for s in services] == list(CATEGORIES)
    for service in services:
        assert set(service) == SERVICE_FIELDS
        assert service["metadata"] is True
        assert service["type"] == "realtime"
    jalan = services[0]
    assert jalan["service_name"] == "Jalan rusak dan berlubang"
    assert jalan["description"] == "Jalan rusak dan berlubang / Damaged roads and potholes"
    assert jalan["group"] == "Infrastruktur"
    assert jalan["keywords"] == "infrastruktur, jalan"
    assert services[1]["keywords"] == "sosial, pkh"


async def test_services_in_xml(api: Open311Api) -> None:
    root = xml_of((await api.get("services.xml")).text)
    assert root.tag == "services"
    assert {s.tag for s in root} == {"service"}
    first = root[0]
    assert {e.tag for e in first} == SERVICE_FIELDS
    assert first.findtext("metadata") == "true"
    assert first.findtext("service_code") == "infrastruktur.jalan"


async def test_a_service_definition_lists_lapors_attributes(api: Open311Api) -> None:
    definition = (await api.get("services/infrastruktur.jalan.json")).json()
    assert definition["service_code"] == "infrastruktur.jalan"
    attributes = definition["attributes"]
    assert [a["code"] for a in attributes] == [
        "jenis",
        "judul",
        "kode_wilayah",
        "anonim",
        "rahasia",
        "berkadar_pengawasan",
    ]
    for order, attribute in enumerate(attributes, start=1):
        assert set(attribute) == ATTRIBUTE_FIELDS
        assert attribute["order"] == order
        assert attribute["variable"] is True
        assert attribute["required"] is False
        assert " / " in attribute["description"]  # Bahasa Indonesia, then English
        if attribute["datatype"] == "singlevaluelist":
            assert attribute["values"]
            assert all(set(v) == {"key", "name"} for v in attribute["values"])
        else:
            assert attribute["datatype"] == "string"
            assert attribute["values"] == []
    assert [v["key"] for v in attributes[0]["values"]] == [
        "pengaduan",
        "aspirasi",
        "permintaan_informasi",
    ]
    assert [v["key"] for v in attributes[3]["values"]] == ["ya", "tidak"]


async def test_a_service_definition_in_xml(api: Open311Api) -> None:
    root = xml_of((await api.get("services/sosial.pkh.xml")).text)
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "sosial.pkh"
    attributes = root.findall("attributes/attribute")
    assert len(attributes) == 6
    assert {e.tag for e in attributes[0]} == ATTRIBUTE_FIELDS
    assert attributes[0].findtext("variable") == "true"
    values = attributes[0].findall("values/value")
    assert [v.findtext("key") for v in values] == ["pengaduan", "aspirasi", "permintaan_informasi"]
    assert all(v.findtext("name") for v in values)


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_an_unknown_service_is_not_found(api: Open311Api, fmt: str) -> None:
    response = await api.get(f"services/infrastruktur.tidak-ada.{fmt}")
    assert "infrastruktur.tidak-ada" in assert_error(response, 404, fmt)


async def test_services_are_unavailable_while_routing_has_never_answered(api: Open311Api) -> None:
    api.taxonomy.known = {}
    assert_error(await api.get("services.json"), 503)


@pytest.mark.parametrize("path", ["services.html", "discovery.csv", "requests.yaml"])
async def test_an_unknown_format_is_not_found_in_the_error_format(
    api: Open311Api, path: str
) -> None:
    assert ".json or .xml" in assert_error(await api.get(path), 404)


async def test_an_unknown_resource_is_not_found_in_the_error_format(api: Open311Api) -> None:
    assert_error(await api.get("layanan.json"), 404)


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_a_jurisdiction_is_a_region_or_an_agency(api: Open311Api, fmt: str) -> None:
    for jurisdiction in ("32.04", "pemkab-3204"):
        response = await api.get(f"services.{fmt}", jurisdiction_id=jurisdiction)
        assert response.status_code == 200, response.text
    for unknown in ("99.99", "dinas-tidak-ada", "<script>"):
        response = await api.get(f"services.{fmt}", jurisdiction_id=unknown)
        assert "jurisdiction_id" in assert_error(response, 404, fmt)


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_a_token_resolves_to_its_request(api: Open311Api, fmt: str) -> None:
    answer = (await api.post()).json()[0]
    response = await api.get(f"tokens/{answer['token']}.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        assert response.json() == [
            {"service_request_id": answer["service_request_id"], "token": answer["token"]}
        ]
    else:
        root = xml_of(response.text)
        assert root.tag == "service_requests"
        assert root.findtext("request/service_request_id") == answer["service_request_id"]
        assert root.findtext("request/token") == answer["token"]
    assert_error(await api.get(f"tokens/tidak-ada.{fmt}"), 404, fmt)
