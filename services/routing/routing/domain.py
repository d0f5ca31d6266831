"""Routing policy as pure functions: which agency a report goes to, and where next when an
agency declares it is not its authority.

Interim rule until the taxonomy, rules and classifier land: a report goes to
the government of the regency/city of its region code, then to its province
government; an agency that declined is never chosen again, and after
``MAX_DECLINES`` declines (or with no candidate left) the report waits for the
national administrators. It is an explicit, versioned rule, recorded as such.
"""

from dataclasses import dataclass

from lapor.report.v1.events_pb2 import DECIDED_BY_RULE
from lapor.routing.v1.commands_pb2 import RouteReport
from routing.directory import Agency

RULE_VERSION = "regional-government/2"
MAX_DECLINES = 3


@dataclass(frozen=True)
class Case:
    """What routing remembers of a report."""

    report_id: str
    region_code: str
    category_code: str
    declined: tuple[str, ...] = ()


def candidates(region_code: str, governments: dict[str, Agency]) -> list[Agency]:
    """The governments responsible for a region, nearest first."""
    parts = region_code.split(".")
    codes = dict.fromkeys([".".join(parts[:2]), parts[0]])
    return [governments[code] for code in codes if code in governments]


def decide_route(case: Case, governments: dict[str, Agency]) -> RouteReport | None:
    """The next agency for a report, or None when it is for the national administrators."""
    if len(case.declined) >= MAX_DECLINES:
        return None
    for agency in candidates(case.region_code, governments):
        if agency.code not in case.declined:
            declined = f"; declined by {', '.join(case.declined)}" if case.declined else ""
            return RouteReport(
                agency_code=agency.code,
                agency_name=agency.name,
                category_code=case.category_code,
                decided_by=DECIDED_BY_RULE,
                confidence=1.0,
                rule_version=RULE_VERSION,
                reason=f"region {case.region_code} lies in {agency.name}{declined}",
            )
    return None
