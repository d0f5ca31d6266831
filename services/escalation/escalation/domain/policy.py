"""Deadline policies (data/policies.toml): working-day limits per clock, report type and
category, under a version every computed deadline records."""

import tomllib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from lapor.report.v1.events_pb2 import (
    REPORT_TYPE_ASPIRATION,
    REPORT_TYPE_COMPLAINT,
    REPORT_TYPE_INFORMATION_REQUEST,
    ReportType,
)


class ClockKind(StrEnum):
    VERIFY = "verify"
    FIRST_RESPONSE = "first_response"
    COMPLETION = "completion"
    AUTO_CLOSE = "auto_close"


@dataclass(frozen=True)
class Policy:
    version: str
    effective_from: datetime
    verify: int
    first_response: int
    auto_close: int
    remind_before: int
    completion: dict[str, int]
    completion_by_category: dict[str, int]

    def limit(
        self, kind: ClockKind, type_: ReportType.ValueType, examination: bool, category: str
    ) -> int:
        if kind is ClockKind.COMPLETION:
            return self._completion(type_, examination, category)
        return int(getattr(self, kind.value))

    def _completion(self, type_: ReportType.ValueType, examination: bool, category: str) -> int:
        if category in self.completion_by_category:
            return self.completion_by_category[category]
        if type_ == REPORT_TYPE_COMPLAINT:
            return self.completion["complaint_examination" if examination else "complaint"]
        if type_ == REPORT_TYPE_INFORMATION_REQUEST:
            return self.completion["information_request"]
        if type_ == REPORT_TYPE_ASPIRATION:
            return self.completion["aspiration"]
        return self.completion["complaint"]


@dataclass(frozen=True)
class Policies:
    """Every policy version, oldest first."""

    versions: tuple[Policy, ...]

    def in_force(self, moment: datetime) -> Policy | None:
        """The policy in force at a moment, None before the first took effect."""
        found = [p for p in self.versions if p.effective_from <= moment]
        return found[-1] if found else None

    def at(self, moment: datetime) -> Policy:
        """The policy in force at a moment."""
        policy = self.in_force(moment)
        if policy is None:
            raise ValueError(f"no deadline policy was in force at {moment.isoformat()}")
        return policy


def _policy(d: dict[str, Any]) -> Policy:
    limits = [d["verify"], d["first_response"], d["auto_close"], *d["completion"].values()]
    if any(not isinstance(n, int) or n < 1 for n in limits):
        raise ValueError(f"{d['version']}: every limit is a whole number of working days, >= 1")
    return Policy(
        version=d["version"],
        effective_from=d["effective_from"],
        verify=d["verify"],
        first_response=d["first_response"],
        auto_close=d["auto_close"],
        remind_before=d["remind_before"],
        completion=dict(d["completion"]),
        completion_by_category=dict(d.get("completion_by_category", {})),
    )


def load_policies(path: Path) -> Policies:
    with path.open("rb") as data:
        versions = sorted(
            (_policy(d) for d in tomllib.load(data)["policy"]), key=lambda p: p.effective_from
        )
    if len({p.version for p in versions}) != len(versions):
        raise ValueError("policy versions must be unique")
    return Policies(tuple(versions))
