"""The demo loader (deploy/local/demo.py) against the running platform: a small load files
reports and takes them through their lives, as intake's API shows afterwards."""

from typing import Any

import httpx
from rich.progress import Progress

from deploy.local.demo import Options, load
from intake.auth import issue_token
from tests.e2e.conftest import Platform
from tests.e2e.test_lifecycle import _secrets
from tests.infra import ROOT, Infrastructure

REGIONS = ROOT.parent / "shared/data/regions"


def _events(view: dict[str, Any]) -> set[str]:
    return {entry["event_type"] for entry in view["timeline"]}


async def test_a_small_demo_load_is_filed_routed_worked_resolved_and_rated(
    platform: Platform, infra: Infrastructure
) -> None:
    key = _secrets(infra.run_dir)["LAPOR_JWT_SIGNING_KEY"]
    options = Options(platform.base_url, platform.base_url, key, REGIONS, reports=12, seed=3)
    tally = await load(options, Progress(disable=True))
    admin = {"Authorization": f"Bearer {issue_token(key, 'administrator', 'e2e', '', 1)}"}
    async with httpx.AsyncClient(base_url=platform.base_url, headers=admin) as client:
        views = [
            (await client.get(f"/api/v1/reports/{tracking_id}")).json()
            for tracking_id in tally.tracking_ids
        ]
    assert tally.errors == []
    assert len(views) == 12
    # Every report was decided: at an agency (routed or assigned), linked, or rejected.
    for view in views:
        assert view["agency"] or view.get("duplicate_of") or view["status"]["code"] == "DITOLAK"
    assert any("ReportRouted" in _events(view) for view in views)
    resolved = [view for view in views if "ReportResolved" in _events(view)]
    rated = [view for view in views if view["rating"]]
    assert resolved
    assert rated
    assert {view["rating"] for view in rated} <= {1, 2, 3, 4, 5}
    assert tally.counts["resolved"] == len(resolved)
