"""Intake's integration API in-process: the REST app (httpx over ASGI) and the gRPC servicer
(with a stand-in context), over the writer with fakes, real integration keys kept in an
in-memory collection."""

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, NoReturn, cast

import grpc
import httpx
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from intake.api import build_app, principals
from intake.credentials import Credentials
from intake.domain.model import Invalid
from intake.integration import AgencyIntegration
from intake.integration_api import IMPORT_PATH, credentials_router, integration_router
from intake.integration_rpc import AgencyIntegrationService, Context
from lapor_common.mongo import Document
from tests.unit.api_client import KEY, MAX_BODY, TOKENS, bearer
from tests.unit.reports import AGENCY, AGENCY_NAME, AT, OTHER_AGENCY, Harness

INTEGRATION = "/api/v1/integration"
DIRECTORY = {AGENCY: AGENCY_NAME, OTHER_AGENCY: "Pemerintah Kota Bandung"}
IMPORT_LIMIT = 64 * 1024


class FakeCollection:
    """The few collection operations integration keys use, on a dict keyed by ``_id``."""

    def __init__(self) -> None:
        self.documents: dict[str, Document] = {}

    async def insert_one(self, document: Document) -> None:
        if document["_id"] in self.documents:
            raise DuplicateKeyError("duplicate _id")
        self.documents[document["_id"]] = dict(document)

    async def find_one(self, query: Document, projection: Document | None = None) -> Any:
        found = self.documents.get(query["_id"])
        return dict(found) if found is not None else None

    async def update_one(self, query: Document, update: Document) -> None:
        self.documents[query["_id"]].update(update["$set"])

    def find(self, query: Document, projection: Document | None = None) -> "FakeCursor":
        hidden = {name for name, shown in (projection or {}).items() if not shown}
        return FakeCursor(
            [
                {k: v for k, v in d.items() if k not in hidden}
                for d in self.documents.values()
                if all(d.get(k) == v for k, v in query.items())
            ]
        )


class FakeCursor:
    def __init__(self, documents: list[Document]) -> None:
        self._documents = documents

    def sort(self, field: str, direction: int) -> "FakeCursor":
        self._documents.sort(key=lambda d: d[field], reverse=direction < 0)
        return self

    async def __aiter__(self) -> AsyncIterator[Document]:
        for document in self._documents:
            yield document


async def agency_name(code: str) -> str:
    if code not in DIRECTORY:
        raise Invalid([f"agency_code {code!r} is not in the agency directory"])
    return DIRECTORY[code]


class Aborted(Exception):
    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        super().__init__(f"{code.name}: {details}")
        self.code = code


class FakeContext:
    """A gRPC servicer context with metadata, whose abort raises as grpc.aio's does."""

    def __init__(self, **metadata: str) -> None:
        self._metadata = tuple(metadata.items())

    def invocation_metadata(self) -> tuple[tuple[str, str], ...]:
        return self._metadata

    async def abort(self, code: grpc.StatusCode, details: str) -> NoReturn:
        raise Aborted(code, details)


def grpc_context(api_key: str = "") -> Context:
    """A context whose metadata carries the key (none when empty)."""
    return cast(Context, FakeContext(**({"x-api-key": api_key} if api_key else {})))


class IntegrationApi:
    """The app and the servicer over a fresh Harness."""

    def __init__(self, concurrency: int = 32) -> None:
        self.fx = Harness()
        self.log = self.fx.log
        self.keys = FakeCollection()
        self.credentials = Credentials(cast(AsyncCollection[Document], self.keys))
        self.integration = AgencyIntegration(
            self.fx.writer, self.fx.store, self.fx.copy, concurrency=concurrency, clock=self.now
        )
        app = build_app(
            self.fx.writer,
            self.fx.reader,
            self.fx.store,
            KEY,
            MAX_BODY,
            channels=[
                integration_router(self.integration, self.credentials),
                credentials_router(self.credentials, agency_name, principals(KEY), self.now),
            ],
            larger_bodies={IMPORT_PATH: IMPORT_LIMIT},
        )
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app), base_url="http://intake"
        )
        self.service = AgencyIntegrationService(self.integration, self.credentials)

    def now(self) -> datetime:
        return AT

    async def issue(self, agency: str = AGENCY) -> str:
        """A new integration key for the agency, issued by an administrator."""
        response = await self.client.post(
            f"{INTEGRATION}/credentials",
            json={"agency_code": agency, "label": "SIPP"},
            headers=bearer(TOKENS["admin"]),
        )
        assert response.status_code == 201, response.text
        api_key: str = response.json()["api_key"]
        return api_key

    async def import_reports(self, key: str, reports: list[dict[str, Any]]) -> httpx.Response:
        return await self.client.post(
            f"{INTEGRATION}/reports", json={"reports": reports}, headers={"X-Api-Key": key}
        )

    async def imported(self, key: str, reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
        response = await self.import_reports(key, reports)
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results
