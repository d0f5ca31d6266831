"""Reports per village in West Java (province 32): an analyst's read model for lapor-data.

    lapor-data replay --model docs/examples/reports_per_village.py --database analyst_villages

One document per village (a Kemendagri code PP.RR.DD.VVVV starting with "32."): how many
reports were submitted there, the first and the last day one was (WIB calendar), and how many
per category group the reporter chose ("tanpa_kategori" when none). docs/analysts.md walks
through it.
"""

from datetime import timedelta, timezone
from typing import Any

COLLECTION = "reports_per_village"
PROVINCE = "32."
VILLAGE_PARTS = 4  # PP.RR.DD.VVVV
WIB = timezone(timedelta(hours=7), "WIB")


def key(event: dict[str, Any]) -> str | None:
    """The village a submission was made in; None (skipped) for every other event."""
    if event["event_type"] != "ReportSubmitted":
        return None
    region = event["payload"]["region_code"]
    if region.startswith(PROVINCE) and len(region.split(".")) == VILLAGE_PARTS:
        return str(region)
    return None


def fold(state: dict[str, Any] | None, event: dict[str, Any]) -> dict[str, Any]:
    """The village's counts with one more submission."""
    day = event["occurred_at"].astimezone(WIB).date().isoformat()
    group = event["payload"]["category_code"].split(".")[0] or "tanpa_kategori"
    if state is None:
        state = {"count": 0, "first_day": day, "last_day": day, "categories": {}}
    categories = dict(state["categories"])
    categories[group] = categories.get(group, 0) + 1
    return {
        "count": state["count"] + 1,
        "first_day": min(state["first_day"], day),
        "last_day": max(state["last_day"], day),
        "categories": dict(sorted(categories.items())),
    }
