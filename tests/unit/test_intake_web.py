"""The web front end's assets on intake's app (FastAPI's TestClient over a temporary folder):
index pages, redirects to a directory's slash, 404.html, the security headers, ETags and 304s,
gzip for assets only, and every API and health route still answering as before."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Headers

from intake.api import build_app
from intake.web import SECURITY_HEADERS
from lapor_common.health import Readiness, health_router
from tests.unit.api_client import MAX_BODY
from tests.unit.reports import Harness

STYLE = "body { color: #222; }\n" * 100
FILES = {
    "index.html": "<!doctype html><title>Beranda</title>",
    "lacak/index.html": "<!doctype html><title>Lacak laporan</title>",
    "404.html": "<!doctype html><title>Tidak ditemukan</title>",
    "css/lapor.css": STYLE,
    "js/app.js": "export const app = 1;\n",
}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    fx = Harness()
    app = build_app(fx.writer, fx.reader, fx.store, None, MAX_BODY, web=tmp_path)
    app.include_router(health_router(Readiness()))  # as the runtime does, after build_app
    with TestClient(app) as started:
        yield started


def assert_hardened(headers: Headers) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value, name


@pytest.mark.parametrize(
    ("path", "name"), [("/", "index.html"), ("/lacak/", "lacak/index.html"), ("/js/app.js", "")]
)
def test_pages_and_files_are_served_hardened(client: TestClient, path: str, name: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.text == FILES[name or path.lstrip("/")]
    assert_hardened(response.headers)
    assert response.headers["etag"]


def test_a_directory_without_its_slash_redirects_to_it_relatively(client: TestClient) -> None:
    response = client.get("/lacak?id=7K3M-9QXD-2F8A", follow_redirects=False)
    assert response.status_code in (307, 308)
    assert response.headers["location"] == "/lacak/?id=7K3M-9QXD-2F8A"
    assert_hardened(response.headers)


@pytest.mark.parametrize("path", ["/tidak-ada", "/lacak/tidak-ada.html", "/css/"])
def test_an_unknown_path_is_the_404_page(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.text == FILES["404.html"]
    assert_hardened(response.headers)


def test_a_revisit_with_the_etag_is_not_modified(client: TestClient) -> None:
    first = client.get("/css/lapor.css")
    again = client.get("/css/lapor.css", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["cache-control"] == "no-cache"


def test_assets_are_gzipped_and_api_answers_are_not(client: TestClient) -> None:
    gzip = {"Accept-Encoding": "gzip"}
    asset = client.get("/css/lapor.css", headers=gzip)
    assert asset.headers["content-encoding"] == "gzip"
    assert asset.text == STYLE
    api = client.get("/openapi.json", headers=gzip)
    assert api.status_code == 200
    assert len(api.content) > 500
    assert "content-encoding" not in api.headers
    assert "content-security-policy" not in api.headers


@pytest.mark.parametrize("path", ["/api/v1/tidak-ada", "/open311/v3/services.json"])
def test_unknown_api_paths_still_answer_json(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_api_and_health_routes_are_answered_before_the_assets(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/api/v1/reports/7K3M-9QXD-2F8A").json()["detail"]
    assert client.post("/api/v1/inbox").status_code == 405
