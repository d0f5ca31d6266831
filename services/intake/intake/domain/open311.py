"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) over LAPOR's reports: the category
taxonomy as service definitions, a report's public state as a service request, statuses
open/closed, and W3C datetimes. Pure: no I/O, never the reporter's identity."""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from intake.domain.model import STATUS_LABELS, ReportState, Status

# Every datetime the API writes is in WIB (UTC+07:00, no daylight saving), whatever the zone
# of the report's agency: one offset, so clients compare them as they are.
WIB = timezone(timedelta(hours=7), "WIB")
# Statuses after which nothing more is expected of the agency.
CLOSED = frozenset({Status.SELESAI, Status.DITOLAK, Status.DIARSIPKAN, Status.DIGABUNGKAN})
YES_NO = (("ya", "Ya / Yes"), ("tidak", "Tidak / No"))
REPORT_TYPES = (
    ("pengaduan", "Pengaduan / Complaint"),
    ("aspirasi", "Aspirasi / Aspiration"),
    ("permintaan_informasi", "Permintaan informasi / Information request"),
)


class Open311Error(Exception):
    """An answer in the Open311 error format: HTTP status (400, 403, 404, 503) and why."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass(frozen=True)
class Attribute:
    """What LAPOR needs beyond core Open311, as a service definition's attribute."""

    code: str
    datatype: str
    description: str
    values: tuple[tuple[str, str], ...] = ()

    def problem(self, value: str) -> str | None:
        """Why the value is not acceptable for this attribute, or None."""
        if self.values and value not in {key for key, _ in self.values}:
            keys = ", ".join(key for key, _ in self.values)
            return f"attribute[{self.code}] must be one of {keys}"
        if len(value) > 200:
            return f"attribute[{self.code}] must have at most 200 characters"
        return None


ATTRIBUTES = (
    Attribute(
        "jenis",
        "singlevaluelist",
        "Jenis laporan (bawaan: pengaduan) / Type of report (default: complaint)",
        REPORT_TYPES,
    ),
    Attribute(
        "judul",
        "string",
        "Judul singkat, 5-200 karakter (bawaan: nama layanan) / "
        "Short title, 5 to 200 characters (default: the service's name)",
    ),
    Attribute(
        "kode_wilayah",
        "string",
        "Kode wilayah Kemendagri, mis. 32.04.05 / Kemendagri region code, e.g. 32.04.05",
    ),
    Attribute(
        "anonim",
        "singlevaluelist",
        "Sembunyikan identitas pelapor dari instansi / Hide the reporter's identity from agencies",
        YES_NO,
    ),
    Attribute(
        "rahasia",
        "singlevaluelist",
        "Sembunyikan seluruh laporan dari publik / Hide the whole report from the public",
        YES_NO,
    ),
    Attribute(
        "berkadar_pengawasan",
        "singlevaluelist",
        "Pengaduan yang perlu pemeriksaan (60 hari kerja) / "
        "A complaint needing examination (60 working days)",
        YES_NO,
    ),
)
ATTRIBUTE_CODES = {attribute.code: attribute for attribute in ATTRIBUTES}


@dataclass(frozen=True)
class Service:
    """A category of routing's taxonomy, as Open311 lists it."""

    code: str
    name: str
    name_en: str
    group_code: str
    group_name: str
    programme: str = ""


def w3c(moment: datetime) -> str:
    """A W3C datetime with its offset, in WIB: 2026-11-23T15:04:05+07:00."""
    return moment.astimezone(WIB).isoformat(timespec="seconds")


def open311_status(status: Status) -> str:
    return "closed" if status in CLOSED else "open"


def service_entry(service: Service) -> dict[str, Any]:
    keywords = [service.group_code, service.code.split(".")[-1], service.programme]
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": f"{service.name} / {service.name_en}",
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(dict.fromkeys(word for word in keywords if word)),
        "group": service.group_name,
    }


def service_definition(service: Service) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "attributes": [
            {
                "variable": True,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": False,
                "datatype_description": "",
                "order": order,
                "description": attribute.description,
                "values": [{"key": key, "name": name} for key, name in attribute.values],
            }
            for order, attribute in enumerate(ATTRIBUTES, start=1)
        ],
    }


@dataclass(frozen=True)
class Extras:
    """What a service request shows beyond the report's own state."""

    service_name: str = ""
    address: str = ""
    expected: datetime | None = None


def service_request(state: ReportState, extras: Extras) -> dict[str, Any]:
    """A report's public state as an Open311 service request: never the reporter's identity,
    only what the public sees. Absent values are None (left out of the answer)."""
    label_id, label_en = STATUS_LABELS[state.status]
    latitude, longitude = state.location if state.location else (None, None)
    return {
        "service_request_id": state.report_id,
        "status": open311_status(state.status),
        "status_notes": state.public_response or None,
        "service_name": extras.service_name or None,
        "service_code": state.category_code or None,
        "description": state.body,
        "agency_responsible": state.agency_name or None,
        "service_notice": f"{label_id} / {label_en}",
        "requested_datetime": w3c(state.submitted_at),
        "updated_datetime": w3c(state.updated_at or state.submitted_at),
        "expected_datetime": w3c(extras.expected) if extras.expected else None,
        "address": extras.address or None,
        "lat": latitude,
        "long": longitude,
    }


def expected_deadline(clocks: list[tuple[str, datetime, bool]]) -> datetime | None:
    """When the request is expected to be fulfilled: the running completion clock's deadline,
    else the nearest running deadline (verification, first response, automatic close)."""
    running = [(kind, deadline) for kind, deadline, paused in clocks if not paused]
    completion = [deadline for kind, deadline in running if kind == "completion"]
    if completion:
        return min(completion)
    return min((deadline for _, deadline in running), default=None)


def address_of(region_code: str, names: dict[str, str]) -> str:
    """The region and the regions it lies in, most precise first: "Soreang, Bandung, Jawa
    Barat"."""
    parts = region_code.split(".") if region_code else []
    codes = [".".join(parts[:n]) for n in range(len(parts), 0, -1)]
    return ", ".join(names[code] for code in codes if code in names)


SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = datetime(2026, 11, 23, tzinfo=WIB)


def discovery(url: str) -> dict[str, Any]:
    """The service discovery document for the endpoint at ``url``."""
    return {
        "changeset": w3c(CHANGESET),
        "contact": "Administrator LAPOR! / LAPOR! administrators",
        "key_service": "Kunci API dari administrator platform / API keys from the administrators",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": w3c(CHANGESET),
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
