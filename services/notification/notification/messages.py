"""Words for a delivery: the template context in the recipient's language, and the shapes
each channel carries (e-mail subject and text, an SMS that fits, a webhook body, a feed
item). Dates are shown in the zone of whoever reads them; links point at the web portal."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from lapor.report.v1 import events_pb2 as e
from lapor_common.zones import WIB, WIT, WITA
from notification.domain.notices import NATIONAL_ADMINISTRATOR, Audience, Value
from notification.domain.recipients import Delivery
from notification.domain.sms import fit
from notification.outbox import Entry
from notification.rendering import Rendered, Templates

_DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "id": (
        "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
    ),
    "en": "January February March April May June July August September October November December",
}
_ZONE_NAMES = {WIB: "WIB", WITA: "WITA", WIT: "WIT"}
_REJECTIONS: dict[int, tuple[str, str]] = {
    e.REJECTION_REASON_INCOMPLETE: ("informasi laporan belum lengkap", "the report is incomplete"),
    e.REJECTION_REASON_TOO_GENERAL: ("laporan terlalu umum", "the report is too general"),
    e.REJECTION_REASON_NOT_PUBLIC_SERVICE: (
        "laporan tidak menyangkut pelayanan publik",
        "the report is not about a public service",
    ),
    e.REJECTION_REASON_DUPLICATE: ("laporan yang sama sudah ada", "the same report exists"),
    e.REJECTION_REASON_ABUSIVE: (
        "laporan memuat kata-kata yang tidak pantas",
        "the report contains abusive language",
    ),
}
_DATES = ("deadline", "until")
_ADMINISTRATORS = ("Pengelola SP4N-LAPOR! Nasional", "the national SP4N-LAPOR! administrators")


def when(iso: str, language: str, zone: ZoneInfo) -> str:
    """'Senin, 30 November 2026 pukul 23.59 WITA' / 'Monday 30 November 2026, 23:59 WITA'."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(zone)
    zone_name = _ZONE_NAMES.get(zone, str(zone))
    if language == "id":
        return f"{_date(moment, language)} pukul {moment:%H.%M} {zone_name}"
    return f"{_date(moment, language)}, {moment:%H:%M} {zone_name}"


def on(day: str, language: str) -> str:
    """A calendar day, YYYY-MM-DD: 'Senin, 30 November 2026' / 'Monday 30 November 2026'."""
    return _date(date.fromisoformat(day), language) if day else ""


def _date(moment: date, language: str) -> str:
    day, month = _DAYS[language][moment.weekday()], _MONTHS[language].split()[moment.month - 1]
    comma = "," if language == "id" else ""
    return f"{day}{comma} {moment.day} {month} {moment.year}"


def decimal(number: float, language: str) -> str:
    """At most two decimals, none trailing, the language's separator: '0,25' / '0.25', '3'."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if language == "id" else text


@dataclass(frozen=True)
class Links:
    base: str

    def tracking(self, tracking_id: str) -> str:
        return f"{self.base}/lacak/{tracking_id}"

    def inbox(self, tracking_id: str) -> str:
        return f"{self.base}/instansi/laporan/{tracking_id}"

    def queue(self) -> str:
        return f"{self.base}/admin/antrean"

    def spikes(self) -> str:
        return f"{self.base}/admin/statistik/lonjakan"


class Composer:
    def __init__(self, templates: Templates, links: Links, sms_parts: int) -> None:
        self._templates = templates
        self._links = links
        self._sms_parts = sms_parts

    def context(
        self, entry: Entry, language: str, zone: ZoneInfo, secret: str
    ) -> dict[str, object]:
        d, report = entry.delivery, entry.report
        tracking = self._links.tracking(d.report_id)
        context: dict[str, object] = {
            "tracking_id": d.report_id,
            "title": report.get("title", ""),
            "tracking_url": tracking,
            "rating_url": f"{tracking}#nilai",
            "appeal_url": f"{tracking}#banding",
            "inbox_url": self._links.inbox(d.report_id),
            "queue_url": self._links.queue(),
            "spikes_url": self._links.spikes(),
            "language": language,
            "access_secret": secret,
            "category_name": "",
            "deadline": "",
            # A reporter who came by SMS may answer by SMS too.
            "came_by_sms": bool(report.get("came_by_sms", False)),
        }
        if d.audience is Audience.AGENCY:
            context["agency_name"] = _agency_name(d.agency_code, report, language)
        context.update(_localized(d.context, language, zone))
        return context

    def inbox(self, report_id: str) -> str:
        return self._links.inbox(report_id)

    def _inbox_of(self, entry: Entry) -> str:
        """The inbox link of the entry's report; none for an alert, which is about none."""
        report_id = entry.delivery.report_id
        return self._links.inbox(report_id) if report_id else ""

    def render(self, kind: str, language: str, context: Mapping[str, object]) -> Rendered:
        return self._templates.render(kind, language, context)

    def sms(self, rendered: Rendered, tracking_id: str) -> str:
        return fit(rendered.short, tracking_id or "LAPOR!", self._sms_parts)

    def digest(self, items: list[tuple[Entry, Rendered]], language: str, agency: str) -> Rendered:
        lines = [
            {
                "tracking_id": entry.delivery.report_id,
                "short": rendered.short,
                "inbox_url": self._inbox_of(entry),
            }
            for entry, rendered in items
        ]
        context = {"agency_name": agency, "items": lines, "count": len(lines), "language": language}
        base = {"tracking_id": "", "title": "", "tracking_url": "", "access_secret": ""}
        return self._templates.render("digest", language, {**base, **context})


def _agency_name(code: str, report: Mapping[str, object], language: str) -> object:
    """The recipient agency's name: the report's agency's, the national administrators' in
    words, or else its code (the directory's names are routing's)."""
    if code == NATIONAL_ADMINISTRATOR:
        return _ADMINISTRATORS[0] if language == "id" else _ADMINISTRATORS[1]
    if report.get("agency_code") == code and report.get("agency_name"):
        return report["agency_name"]
    return code


def _localized(context: Mapping[str, Value], language: str, zone: ZoneInfo) -> dict[str, Value]:
    found = dict(context)
    for key in _DATES:
        if isinstance(found.get(key), str):
            found[key] = when(str(found[key]), language, zone)
    if isinstance(found.get("day"), str):
        found["day"] = on(str(found["day"]), language)
    if isinstance(found.get("baseline_mean"), int | float):
        found["baseline_mean"] = decimal(float(found["baseline_mean"]), language)
    if found.get("missed_by") == NATIONAL_ADMINISTRATOR:
        found["missed_by"] = str(_agency_name(NATIONAL_ADMINISTRATOR, {}, language))
    if "reason_code" in found:
        labels = _REJECTIONS.get(int(found.pop("reason_code")), ("", ""))
        found["reason"] = labels[0] if language == "id" else labels[1]
    return found


def webhook_body(delivery: Delivery, entry: Entry, rendered: Rendered, inbox: str) -> bytes:
    """What an agency's system receives: the notice's facts, never the reporter's identity."""
    body = {
        "delivery_id": delivery.id,
        "event_id": delivery.event_id,
        "kind": delivery.kind,
        "tracking_id": delivery.report_id,
        "agency_code": delivery.agency_code,
        "title": entry.report.get("title", ""),
        "occurred_at": entry.occurred_at.isoformat(),
        "text": rendered.short,
        "details": dict(delivery.context),
        "links": {"inbox": inbox},
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def feed_item(entry: Entry, rendered: Rendered, now: datetime) -> dict[str, object]:
    at = now.isoformat()
    return {
        "id": entry.id,
        "cursor": f"{at}|{entry.id}",
        "at": at,
        "kind": entry.delivery.kind,
        "tracking_id": entry.delivery.report_id,
        "subject": rendered.subject,
        "text": rendered.short,
    }
