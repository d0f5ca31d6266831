"""Analysts' read models: a fold in a file of their own, loaded and folded over events."""

from pathlib import Path

import pytest

from analytics.analyst_events import analyst_event
from analytics.analyst_models import AnalystModel, Folding, load_model
from lapor.report.v1 import events_pb2 as e
from tests.infra import ROOT
from tests.unit.analytics.records import record

COUNTING = """
def fold(state, event):
    if event["event_type"] == "ReportClosed":
        return None
    count = (state or {}).get("events", 0)
    return {"events": count + 1, "last": event["event_type"]}
"""


def _submitted(region: str, category: str = "") -> e.ReportSubmitted:
    return e.ReportSubmitted(
        type=e.REPORT_TYPE_COMPLAINT, title="t", region_code=region, category_code=category
    )


ROUTED = e.ReportRouted(agency_code="a-1", agency_name="A")
EVENTS = [
    analyst_event(record("R-2", 1, _submitted("32.73.01.1001", "infrastruktur.jalan"))),
    analyst_event(record("R-1", 1, _submitted("32.73.01.1001"))),
    analyst_event(record("R-1", 2, ROUTED)),
    analyst_event(record("R-3", 1, _submitted("11.01"))),
    analyst_event(record("R-3", 2, e.ReportClosed(reason=e.CLOSURE_REASON_ACCEPTED))),
]


def _folded(model: AnalystModel) -> list[dict[str, object]]:
    folding = Folding(model)
    for event in EVENTS:
        folding.apply(event)
    return folding.documents()


def _module(tmp_path: Path, text: str, name: str = "counting.py") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_fold_alone_is_kept_per_report_in_a_collection_named_after_the_file(
    tmp_path: Path,
) -> None:
    model = load_model(_module(tmp_path, COUNTING))
    assert model.collection == "counting"
    assert _folded(model) == [
        {"_id": "R-1", "events": 2, "last": "ReportRouted"},
        {"_id": "R-2", "events": 1, "last": "ReportSubmitted"},
    ]


def test_a_key_of_its_own_groups_events_and_none_skips_them(tmp_path: Path) -> None:
    text = COUNTING + '\nCOLLECTION = "per_type"\n\ndef key(event):\n'
    text += '    return None if event["sequence"] > 1 else event["event_type"]\n'
    model = load_model(_module(tmp_path, text))
    assert model.collection == "per_type"
    assert _folded(model) == [{"_id": "ReportSubmitted", "events": 3, "last": "ReportSubmitted"}]


def test_a_state_of_its_own_id_does_not_displace_the_key(tmp_path: Path) -> None:
    model = load_model(_module(tmp_path, "def fold(state, event):\n    return {'_id': 'x'}\n"))
    folding = Folding(model)
    folding.apply(EVENTS[0])
    assert folding.documents() == [{"_id": "R-2"}]


def test_a_file_without_a_fold_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="fold"):
        load_model(_module(tmp_path, "COLLECTION = 'x'\n"))
    with pytest.raises(ValueError, match="COLLECTION"):
        load_model(_module(tmp_path, COUNTING + "COLLECTION = ''\n"))


def test_the_worked_example_counts_west_java_villages_submissions() -> None:
    model = load_model(ROOT / "docs/examples/reports_per_village.py")
    assert model.collection == "reports_per_village"
    assert _folded(model) == [
        {
            "_id": "32.73.01.1001",
            "count": 2,
            "first_day": "2025-07-01",
            "last_day": "2025-07-01",
            "categories": {"infrastruktur": 1, "tanpa_kategori": 1},
        }
    ]
