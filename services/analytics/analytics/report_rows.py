"""Report snapshots as table rows: a ``report_facts`` document (``analytics.domain.facts``)
flattened, for the data teams' exports and, cut down, for open data.

The deadlines met and missed become counts (missed ones: the verification, first-response and
completion deadlines, as in the statistics); "no value yet" is null: an empty code or reason,
a milestone not reached, a rating not given (0 in the facts).
"""

from typing import Any

from analytics.domain.facts import COMPLETION, FIRST_RESPONSE, VERIFY, Facts
from analytics.tables import Column

Row = dict[str, Any]

REPORT_COLUMNS = [
    Column("report_id", "string"),
    Column("sequence", "integer"),
    Column("partition", "integer"),
    Column("submitted_at", "timestamp"),
    Column("day", "date"),
    Column("report_type", "string"),
    Column("channel", "string"),
    Column("category_code", "string"),
    Column("province_code", "string"),
    Column("regency_code", "string"),
    Column("region_code", "string"),
    Column("confidential", "boolean"),
    Column("anonymous", "boolean"),
    Column("agency_code", "string"),
    Column("agency_name", "string"),
    Column("status", "string"),
    Column("verified_at", "timestamp"),
    Column("routed_at", "timestamp"),
    Column("first_response_at", "timestamp"),
    Column("resolved_at", "timestamp"),
    Column("closed_at", "timestamp"),
    Column("closure", "string"),
    Column("rejection", "string"),
    Column("duplicate_of", "string"),
    Column("forwards", "integer"),
    Column("escalations", "integer"),
    Column("appeals", "integer"),
    Column("rating", "integer"),
    Column("deadlines_met", "integer"),
    Column("deadlines_missed", "integer"),
]
_OPTIONAL_TEXT = (
    "category_code",
    "regency_code",
    "agency_code",
    "agency_name",
    "closure",
    "rejection",
    "duplicate_of",
)
_AS_IS = (
    "sequence",
    "partition",
    "submitted_at",
    "day",
    "channel",
    "province_code",
    "region_code",
    "confidential",
    "anonymous",
    "status",
    "verified_at",
    "routed_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "forwards",
    "escalations",
    "appeals",
)
_COUNTED_MISSES = (VERIFY, FIRST_RESPONSE, COMPLETION)


def report_row(facts: Facts) -> Row:
    """One report's facts as a row of ``REPORT_COLUMNS``."""
    missed = [d for d in facts.get("missed", []) if d["clock"] in _COUNTED_MISSES]
    return {
        "report_id": facts["_id"],
        **{name: facts.get(name) for name in _AS_IS},
        "report_type": facts["type"],
        **{name: facts.get(name) or None for name in _OPTIONAL_TEXT},
        "rating": facts.get("rating") or None,
        "deadlines_met": len(facts.get("met", [])),
        "deadlines_missed": len(missed),
    }
