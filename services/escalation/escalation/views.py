"""Deadlines as JSON for people and programs: a report's clocks with where they stand, and the
deadline policies with what each clock's miss sets off (labels in Bahasa Indonesia first)."""

from datetime import datetime
from typing import Any

from escalation.domain.clocks import Clock, Rules
from escalation.domain.policy import Policies, Policy
from escalation.domain.standing import standing
from escalation.labels import (
    ESCALATION_LEVELS,
    KIND_LABELS,
    LEGAL_BASIS,
    ON_MISS,
    UNIT_LABEL,
)
from lapor_common.zones import zone_of_agency


def clock_view(clock: Clock, rules: Rules, now: datetime) -> dict[str, Any]:
    zone = zone_of_agency(clock.agency_code)
    stands = standing(clock, rules.calendar, now)
    return {
        "clock": clock.kind.value,
        "kind_label": KIND_LABELS[clock.kind],
        "agency_code": clock.agency_code,
        "started_at": clock.started_at.isoformat(),
        "deadline": clock.deadline.isoformat(),
        "deadline_local": clock.deadline.astimezone(zone).isoformat(),
        "zone": zone.key,
        "working_days_left": stands.working_days_left,
        "overdue": stands.overdue,
        "policy_version": clock.policy_version,
        "paused": clock.paused_at is not None,
        "reminded": clock.reminded,
    }


def _policy(policy: Policy) -> dict[str, Any]:
    return {
        "version": policy.version,
        "effective_from": policy.effective_from.isoformat(),
        "verify": policy.verify,
        "first_response": policy.first_response,
        "auto_close": policy.auto_close,
        "remind_before": policy.remind_before,
        "completion": policy.completion,
        "completion_by_category": policy.completion_by_category,
    }


def policy_view(policies: Policies, now: datetime) -> dict[str, Any]:
    """Every policy version, oldest first, and the one in force ``now`` (None before the
    first)."""
    in_force = policies.in_force(now)
    return {
        "in_force": in_force.version if in_force else None,
        "policies": [_policy(p) for p in policies.versions],
        "unit": "working days",
        "unit_label": UNIT_LABEL,
        "clocks": [
            {"clock": kind.value, "kind_label": label, "on_miss": ON_MISS[kind]}
            for kind, label in KIND_LABELS.items()
        ],
        "escalation_levels": [
            {"level": level, "label": label} for level, label in ESCALATION_LEVELS
        ],
        "legal_basis": LEGAL_BASIS,
    }
