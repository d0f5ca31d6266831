"""Routing's REST API: routing suggestions for the web forms and administrators, the category
taxonomy, and the agency directory (searched by anyone, changed by administrators)."""

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Header, HTTPException, Query
from google.protobuf.message import Message
from pydantic import BaseModel, ConfigDict, Field

from lapor.directory.v1.events_pb2 import (
    AgencyConnected,
    AgencyDisconnected,
    AgencyMerged,
    AgencyRenamed,
)
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_ADMINISTRATOR, Actor
from lapor_common.tokens import Unauthenticated, verify
from routing.directory import Agency
from routing.directory_log import DirectoryLog
from routing.domain import Assessment
from routing.handlers import Knowledge
from routing.registry import ChangeRefused, UnknownAgency
from routing.taxonomy import Taxonomy, listing

Authorization = Annotated[str | None, Header(description="Bearer token of an administrator")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class SuggestIn(Strict):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=10_000)
    region_code: str = Field("", max_length=13, pattern=r"^(\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)?$")
    category_code: str = Field("", max_length=100)


class Reason(Strict):
    reason: str = Field(min_length=1, max_length=1000)


class RenameIn(Reason):
    name: str = Field(min_length=3, max_length=200)


class MergeIn(Reason):
    into_agency_code: str = Field(min_length=1, max_length=200)


def _suggestions(assessment: Assessment) -> dict[str, Any]:
    located = assessment.located
    return {
        "region": None
        if located is None
        else {
            "region_code": located.region_code,
            "confidence": located.confidence,
            "evidence": located.evidence,
        },
        "suggestions": [
            {
                "agency_code": s.agency_code,
                "agency_name": s.agency_name,
                "category": s.category_code,
                "confidence": s.confidence,
                "reason": s.reason,
            }
            for s in assessment.suggestions
        ],
        "hints": [{"reason": h.reason, "explanation": h.explanation} for h in assessment.hints],
        "rule_version": assessment.rule_version,
        "model_version": assessment.model_version,
    }


def _agency(agency: Agency, knowledge: Knowledge) -> dict[str, Any]:
    registry = knowledge.router.registry
    connection = registry.connected.get(agency.code)
    return {
        "code": agency.code,
        "name": registry.name(agency),
        "name_en": agency.name_en,
        "kind": agency.kind.value,
        "parent_code": agency.parent_code,
        "region_code": agency.region_code,
        "merged_into": registry.merged_into.get(agency.code),
        "connection": None
        if connection is None
        else {
            "topic": connection.topic,
            "consumer_group_prefix": connection.consumer_group_prefix,
            "principal": connection.principal,
            "since": connection.since.isoformat(),
        },
    }


def _administrator(key: str | None, authorization: str | None) -> Actor:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(401, "send Authorization: Bearer <administrator token>")
    try:
        claims = verify(key, token)
    except Unauthenticated as exc:
        raise HTTPException(401, str(exc)) from exc
    if claims.role != "administrator":
        raise HTTPException(403, "only national administrators change the directory")
    return Actor(kind=ACTOR_KIND_ADMINISTRATOR, id=claims.subject)


def routing_api(
    knowledge: Knowledge, log: DirectoryLog, taxonomy: Taxonomy, signing_key: str | None
) -> APIRouter:
    api = APIRouter(prefix="/api/v1")

    @api.post("/routing/suggest")
    async def suggest(body: SuggestIn) -> dict[str, Any]:
        """Ranked agencies for a report's text: the web forms and administrators use it."""
        router = knowledge.router
        assessment = router.assess(body.title, body.body, body.region_code, body.category_code)
        return _suggestions(assessment)

    @api.get("/routing/categories")
    async def categories() -> dict[str, Any]:
        """Every category in taxonomy order, with its group and the programme its rule tags."""
        return asdict(listing(taxonomy, knowledge.router.rules))

    @api.get("/agencies")
    async def search(
        q: Annotated[str, Query(min_length=2, max_length=100)],
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> dict[str, Any]:
        found = knowledge.router.directory.search(q, limit)
        return {"agencies": [_agency(a, knowledge) for a in found]}

    @api.get("/agencies/{code}")
    async def agency(code: str) -> dict[str, Any]:
        directory = knowledge.router.directory
        found = directory.get(code)
        if found is None:
            raise HTTPException(404, f"no agency with code {code!r}")
        chain = [a.code for a in directory.chain(code)]
        return {**_agency(found, knowledge), "escalation_chain": chain}

    async def _change(code: str, change: Message, authorization: str | None) -> dict[str, Any]:
        actor = _administrator(signing_key, authorization)
        try:
            await log.change(code, change, actor)
        except UnknownAgency as exc:
            raise HTTPException(404, str(exc)) from exc
        except ChangeRefused as exc:
            raise HTTPException(409, str(exc)) from exc
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc
        except TimeoutError as exc:
            raise HTTPException(503, "recorded, but not yet read back; retry the GET") from exc
        found = knowledge.router.directory.get(code)
        assert found is not None
        return _agency(found, knowledge)

    @api.post("/agencies/{code}/connect", status_code=201)
    async def connect(code: str, authorization: Authorization = None) -> dict[str, Any]:
        """Give the agency's systems their own topic and read access to it."""
        return await _change(code, AgencyConnected(), authorization)

    @api.post("/agencies/{code}/disconnect")
    async def disconnect(
        code: str, body: Reason, authorization: Authorization = None
    ) -> dict[str, Any]:
        return await _change(code, AgencyDisconnected(reason=body.reason), authorization)

    @api.post("/agencies/{code}/rename")
    async def rename(
        code: str, body: RenameIn, authorization: Authorization = None
    ) -> dict[str, Any]:
        change = AgencyRenamed(name=body.name.strip(), reason=body.reason)
        return await _change(code, change, authorization)

    @api.post("/agencies/{code}/merge")
    async def merge(
        code: str, body: MergeIn, authorization: Authorization = None
    ) -> dict[str, Any]:
        change = AgencyMerged(into_agency_code=body.into_agency_code, reason=body.reason)
        return await _change(code, change, authorization)

    return api


def routing_http(api: APIRouter) -> FastAPI:
    http = FastAPI(title="LAPOR! routing", version="1.0.0")
    http.include_router(api)
    return http
