"""The local gateway and the Kubernetes Ingress route the same paths to the same services."""

from pathlib import Path

import pytest
import yaml

from deploy.local.gateway import ROUTES, upstream_for

INGRESS = Path(__file__).parents[2] / "deploy/k8s/base/ingress.yaml"


def _ingress_paths() -> dict[str, str]:
    document = yaml.safe_load(INGRESS.read_text(encoding="utf-8"))
    paths = document["spec"]["rules"][0]["http"]["paths"]
    return {p["path"]: p["backend"]["service"]["name"] for p in paths}


def test_every_gateway_prefix_goes_to_the_same_service_in_the_ingress() -> None:
    gateway = {prefix: service.lower() for prefix, service, _ in ROUTES}
    assert gateway == _ingress_paths()


def test_the_web_pages_fall_through_to_intake_and_apis_keep_their_owner(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for service in ("INTAKE", "ANALYTICS"):
        monkeypatch.delenv(f"{service}_HTTP_PORT", raising=False)
    assert upstream_for("/lacak/") == "http://127.0.0.1:8001"
    assert upstream_for("/assets/app.css") == "http://127.0.0.1:8001"
    assert upstream_for("/api/v1/stats/summary") == "http://127.0.0.1:8005"
    assert upstream_for("/api/v1/open-data/schema.json") == "http://127.0.0.1:8005"
