"""The JSON bodies of intake's REST API and their translation into commands."""

import re
from typing import Any, Literal

from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from pydantic import BaseModel, ConfigDict, Field

from intake.domain.model import Invalid
from intake.domain.submission import SubmitReport, identity_problems
from lapor.report.v1 import commands_pb2 as c
from lapor.report.v1 import events_pb2

REPORT_TYPES = {
    "pengaduan": events_pb2.REPORT_TYPE_COMPLAINT,
    "aspirasi": events_pb2.REPORT_TYPE_ASPIRATION,
    "permintaan_informasi": events_pb2.REPORT_TYPE_INFORMATION_REQUEST,
}
CHANNELS = {
    "web": events_pb2.CHANNEL_WEB,
    "mobile": events_pb2.CHANNEL_MOBILE,
    "social_media": events_pb2.CHANNEL_SOCIAL_MEDIA,
}
# Every command on a report, by the last segment of its URL.
ACTIONS: dict[str, type[Message]] = {
    "verify": c.VerifyReport,
    "reject": c.RejectReport,
    "archive": c.ArchiveReport,
    "postpone": c.PostponeReport,
    "assign": c.AssignAgency,
    "forward": c.ForwardReport,
    "decline": c.DeclineReport,
    "acknowledge": c.AcknowledgeReport,
    "request-information": c.RequestInformation,
    "provide-information": c.ProvideInformation,
    "respond": c.RespondToReport,
    "resolve": c.ResolveReport,
    "reply": c.ReplyToReport,
    "rate": c.RateReport,
    "appeal": c.AppealReport,
    "accept": c.AcceptOutcome,
    "erase-reporter": c.EraseReporterData,
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Location(Strict):
    latitude: float
    longitude: float


class Reporter(Strict):
    """Optional identity and contact; encrypted before anything is stored."""

    name: str = Field("", max_length=200)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=254)
    id_number: str = Field("", max_length=16, description="NIK, 16 digits")


class ReportIn(Strict):
    """A new report as a citizen files it."""

    type: Literal["pengaduan", "aspirasi", "permintaan_informasi"] = Field(
        description="pengaduan (complaint), aspirasi (aspiration) or permintaan_informasi"
    )
    requires_examination: bool = Field(
        False, description="Complaints only: berkadar pengawasan (needs examination)"
    )
    title: str = Field(description="Short title, 5 to 200 characters")
    body: str = Field(description="What happened, where and when; 20 to 10,000 characters")
    category_code: str = Field("", max_length=64, description="Category, if the reporter chose")
    region_code: str = Field(description="Kemendagri region code, e.g. 32.04 or 32.04.05")
    location: Location | None = None
    channel: Literal["web", "mobile", "social_media"] = "web"
    anonymous: bool = Field(False, description="Hide the reporter's identity from agencies")
    confidential: bool = Field(False, description="Hide the whole report from the public")
    language: Literal["id", "en"] = Field("id", description="Language of messages to the reporter")
    reporter: Reporter | None = None


def submission(report: ReportIn) -> tuple[SubmitReport, events_pb2.ReporterIdentity | None]:
    location = report.location
    command = SubmitReport(
        type=REPORT_TYPES[report.type],
        requires_examination=report.requires_examination,
        title=report.title,
        body=report.body,
        category_code=report.category_code,
        region_code=report.region_code,
        location=(location.latitude, location.longitude) if location else None,
        channel=CHANNELS[report.channel],
        anonymous=report.anonymous,
        confidential=report.confidential,
        language=report.language,
    )
    reporter = report.reporter or Reporter()
    return command, identity_of(reporter.name, reporter.phone, reporter.email, reporter.id_number)


def identity_of(
    name: str, phone: str, email: str, id_number: str
) -> events_pb2.ReporterIdentity | None:
    """The identity a reporter gave, checked and tidied, or None when they gave none."""
    name, email, id_number = name.strip(), email.strip().lower(), id_number.strip()
    phone = re.sub(r"[\s()-]", "", phone)
    if not any((name, phone, email, id_number)):
        return None
    problems = identity_problems(name, phone, email, id_number)
    if problems:
        raise Invalid(problems)
    return events_pb2.ReporterIdentity(name=name, phone=phone, email=email, id_number=id_number)


def _expand_enums(cls: type[Message], fields: dict[str, Any]) -> dict[str, Any]:
    """Let enum values be written short: "duplicate" for REJECTION_REASON_DUPLICATE."""
    expanded = dict(fields)
    for field in cls.DESCRIPTOR.fields:
        value = fields.get(field.name)
        if field.type == FieldDescriptor.TYPE_ENUM and isinstance(value, str) and field.enum_type:
            for candidate in field.enum_type.values:
                if candidate.name.endswith("_" + value.upper().replace("-", "_")):
                    expanded[field.name] = candidate.name
    return expanded


def command_from(action: str, body: dict[str, Any]) -> Message:
    """The command an action's JSON body describes; unknown fields and wrong types are refused."""
    cls = ACTIONS[action]
    try:
        return json_format.ParseDict(_expand_enums(cls, body), cls(), ignore_unknown_fields=False)
    except json_format.ParseError as exc:
        raise Invalid([str(exc)]) from exc


def fields_of(action: str) -> list[str]:
    return [field.name for field in ACTIONS[action].DESCRIPTOR.fields]
