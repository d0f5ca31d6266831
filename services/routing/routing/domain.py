"""Routing policy as a pure function: policy(event, directory) -> commands.

Interim rule until the taxonomy, rules and classifier land: a report goes to
the government of the regency/city of its region code, or of its province when
only a province is given. It is an explicit, versioned rule, recorded as such.
"""

from lapor.report.v1.events_pb2 import DECIDED_BY_RULE, ReportSubmitted
from lapor.routing.v1.commands_pb2 import RouteReport
from routing.directory import Agency

RULE_VERSION = "regional-government/1"


def route_submission(event: ReportSubmitted, governments: dict[str, Agency]) -> RouteReport | None:
    """Where a new report goes, or None when its region names no known government."""
    parts = event.region_code.split(".")
    for code in (".".join(parts[:2]), parts[0]):
        agency = governments.get(code)
        if agency is not None:
            return RouteReport(
                agency_code=agency.code,
                agency_name=agency.name,
                category_code=event.category_code,
                decided_by=DECIDED_BY_RULE,
                confidence=1.0,
                rule_version=RULE_VERSION,
                reason=f"region {event.region_code} lies in {agency.name}",
            )
    return None
