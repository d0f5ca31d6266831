"""Tests of other capabilities than routing need a report at a known agency, whatever routing
made of its text: routing's automatic decision, or an administrator's assignment when routing
left the report to the administrators (unsure, or linked as a duplicate)."""

from typing import Any

import httpx

from tests.eventually import eventually


async def _view(client: httpx.AsyncClient, path: str, admin: dict[str, str]) -> dict[str, Any]:
    return dict((await client.get(path, headers=admin)).json())


def _settled(view: dict[str, Any]) -> bool:
    return bool(view.get("agency") or view.get("routing_suggestions") or view.get("duplicate_of"))


async def at_agency(
    client: httpx.AsyncClient, tracking_id: str, admin: dict[str, str], fallback: str
) -> dict[str, Any]:
    """The administrators' view of the report once it is at an agency."""
    path = f"/api/v1/reports/{tracking_id}"
    view = await eventually(lambda: _view(client, path, admin), _settled)
    if view.get("agency"):
        return view
    assign = {"agency_code": fallback, "agency_name": f"Instansi {fallback}", "reason": "uji"}
    answer = await client.post(f"{path}/assign", json=assign, headers=admin)
    assert answer.status_code == 200, answer.text
    return await eventually(lambda: _view(client, path, admin), lambda v: bool(v.get("agency")))
