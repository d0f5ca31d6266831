"""What Open311 clients send, checked: API keys, a new service request's parameters and the
filters of GET requests. Pure: every refusal is an Open311Error with the reason."""

import hashlib
import hmac
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from intake.domain.model import Status
from intake.domain.open311 import ATTRIBUTE_CODES, CLOSED, Open311Error, Service
from intake.domain.submission import SubmitReport
from lapor.report.v1.events_pb2 import (
    CHANNEL_OPEN311,
    REPORT_TYPE_ASPIRATION,
    REPORT_TYPE_COMPLAINT,
    REPORT_TYPE_INFORMATION_REQUEST,
)

Form = dict[str, list[str]]
WINDOW = timedelta(days=90)
_SHA256_HEX = re.compile(r"^[0-9a-fA-F]{64}$")
MAX_REQUESTS = 1000
_TYPES = {
    "pengaduan": REPORT_TYPE_COMPLAINT,
    "aspirasi": REPORT_TYPE_ASPIRATION,
    "permintaan_informasi": REPORT_TYPE_INFORMATION_REQUEST,
}


def one(form: Form, name: str) -> str:
    """A parameter's value, stripped ("" when absent); given twice is a bad request."""
    values = form.get(name, [])
    if len(values) > 1:
        raise Open311Error(400, f"{name} was given more than once")
    return values[0].strip() if values else ""


def listed(form: Form, name: str) -> list[str]:
    """A comma-delimited parameter's values."""
    return [item.strip() for item in one(form, name).split(",") if item.strip()]


class ApiKeys:
    """Clients' keys as configured, ``<client>:<sha256 hex of key>,...``; only hashes are kept
    and a key is compared with every hash in constant time."""

    def __init__(self, configured: str) -> None:
        self._hashes: list[tuple[str, bytes]] = []
        for entry in filter(None, (part.strip() for part in configured.split(","))):
            client, _, digest = entry.partition(":")
            if not client or not _SHA256_HEX.match(digest):
                raise ValueError("each API key must be '<client name>:<sha256 hex of the key>'")
            self._hashes.append((client, bytes.fromhex(digest)))

    def client_of(self, key: str) -> str | None:
        """The client the key belongs to, or None."""
        digest = hashlib.sha256(key.encode()).digest()
        found = None
        for client, known in self._hashes:
            if hmac.compare_digest(digest, known):
                found = client
        return found


@dataclass(frozen=True)
class NewRequest:
    """A POSTed service request, checked: the submission and the contact it came with."""

    submission: SubmitReport
    name: str
    phone: str
    email: str


def _attributes(form: Form) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in form:
        if not name.startswith("attribute["):
            continue
        code = name.removeprefix("attribute[").removesuffix("]")
        attribute = ATTRIBUTE_CODES.get(code)
        if attribute is None or not name.endswith("]"):
            raise Open311Error(400, f"{name} is not an attribute of this service")
        problem = attribute.problem(one(form, name))
        if problem:
            raise Open311Error(400, problem)
        found[code] = one(form, name)
    return found


def _location(form: Form) -> tuple[float, float] | None:
    latitude, longitude = one(form, "lat"), one(form, "long")
    if not latitude and not longitude:
        return None
    try:
        point = (float(latitude), float(longitude))
    except ValueError:
        raise Open311Error(400, "lat and long must both be decimal degrees") from None
    if not all(map(math.isfinite, point)) or not (
        -90 <= point[0] <= 90 and -180 <= point[1] <= 180
    ):
        raise Open311Error(400, "lat must be within -90..90 and long within -180..180")
    return point


def _body(form: Form) -> str:
    """The description, with what LAPOR has no field for kept in the text: the address, its
    id and media links (routing also locates a report from its text)."""
    lines = [one(form, "description")]
    for name, label in (
        ("address_string", "Alamat / Address"),
        ("address_id", "ID alamat / Address id"),
        ("media_url", "Media"),
    ):
        if one(form, name):
            lines.append(f"{label}: {one(form, name)}")
    return "\n".join(lines)


def new_request(form: Form, services: dict[str, Service], jurisdiction_region: str) -> NewRequest:
    """A POSTed service request's parameters as a submission (channel Open311). Its region is
    attribute[kode_wilayah], else the region jurisdiction_id names, else none (routing then
    locates the report from its text)."""
    code = one(form, "service_code")
    if not code:
        raise Open311Error(400, "service_code is required")
    service = services.get(code)
    if service is None:
        raise Open311Error(400, f"service_code {code!r} is not a service of this server")
    attributes = _attributes(form)
    location = _location(form)
    region_code = attributes.get("kode_wilayah") or jurisdiction_region
    located = location or one(form, "address_string") or one(form, "address_id") or region_code
    if not located:
        raise Open311Error(
            400, "a location is required: lat and long, address_string or address_id"
        )
    submission = SubmitReport(
        type=_TYPES[attributes.get("jenis", "pengaduan")],
        requires_examination=attributes.get("berkadar_pengawasan") == "ya",
        title=attributes.get("judul") or service.name,
        body=_body(form),
        category_code=code,
        region_code=region_code,
        location=location,
        channel=CHANNEL_OPEN311,
        anonymous=attributes.get("anonim") == "ya",
        confidential=attributes.get("rahasia") == "ya",
    )
    name = f"{one(form, 'first_name')} {one(form, 'last_name')}".strip()
    return NewRequest(submission, name, one(form, "phone"), one(form, "email"))


@dataclass(frozen=True)
class RequestQuery:
    """Filters of public reports: Open311's GET requests (by ids alone, or by services,
    statuses and a window) and the web's search (GET /api/v1/reports)."""

    ids: tuple[str, ...]
    service_codes: tuple[str, ...]  # category codes
    statuses: tuple[Status, ...]  # the LAPOR statuses the open/closed filter stands for
    start: datetime | None  # None: no bound
    end: datetime | None
    region_code: str = ""  # a region jurisdiction: reports in it or in the regions it holds
    agency_code: str = ""  # an agency jurisdiction: reports now at that agency
    limit: int = MAX_REQUESTS
    text: str = ""  # found in the title or the body, whatever the case
    offset: int = 0  # how many matching reports, newest first, to pass over


def _moment(form: Form, name: str) -> datetime | None:
    text = one(form, name)
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        example = "2026-11-01T00:00:00+07:00"
        raise Open311Error(400, f"{name} must be a W3C datetime, e.g. {example}") from None
    if moment.tzinfo is None:
        raise Open311Error(400, f"{name} needs its UTC offset, e.g. 2026-11-01T00:00:00+07:00")
    return moment


def _statuses(form: Form) -> tuple[Status, ...]:
    wanted = set(listed(form, "status"))
    if not wanted <= {"open", "closed"}:
        raise Open311Error(400, "status must be open, closed or open,closed")
    if not wanted or wanted == {"open", "closed"}:
        return ()
    closed = "closed" in wanted
    return tuple(s for s in Status if (s in CLOSED) == closed)


def request_query(form: Form, now: datetime) -> RequestQuery:
    """The filters of GET requests; without dates, the 90 days before now."""
    start, end = _moment(form, "start_date"), _moment(form, "end_date")
    if start is None and end is None:
        end = now
    if end is None:
        assert start is not None
        end = start + WINDOW
    start = start or end - WINDOW
    if end < start:
        raise Open311Error(400, "end_date must not be before start_date")
    if end - start > WINDOW:
        raise Open311Error(400, "start_date and end_date may not span more than 90 days")
    ids = listed(form, "service_request_id")
    if len(ids) > MAX_REQUESTS:
        raise Open311Error(400, f"at most {MAX_REQUESTS} service_request_id at once")
    return RequestQuery(
        ids=tuple(ids),
        service_codes=tuple(listed(form, "service_code")),
        statuses=_statuses(form),
        start=start,
        end=end,
    )
