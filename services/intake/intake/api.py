"""Intake's REST API: thin routes that translate HTTP into handler calls and back.

Officers and administrators send ``Authorization: Bearer <token>``; a reporter
sends the report's access secret in ``X-Access-Secret``. Every command accepts
``Idempotency-Key``.
"""

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, FastAPI, Header, Query, Request, Response
from fastapi.responses import JSONResponse

from intake.auth import Unauthenticated, principal_from_token
from intake.domain.model import (
    PUBLIC,
    STATUS_LABELS,
    Forbidden,
    Invalid,
    NotFound,
    Principal,
    Refused,
    Role,
)
from intake.handlers import Idempotency, Outcome, ReportWriter, Unavailable
from intake.inbox_api import Deadlines, inbox_router
from intake.limits import RequestGuard
from intake.presenting import present
from intake.requests import ACTIONS, ReportIn, command_from, fields_of, submission
from intake.sessions import TooManyAttempts
from intake.store import ReportStore
from intake.views import ReportReader
from intake.web import web_assets
from lapor.events.v1.envelope_pb2 import (
    ACTOR_KIND_ADMINISTRATOR,
    ACTOR_KIND_CITIZEN,
    ACTOR_KIND_OFFICER,
    Actor,
)
from lapor_common.envelope import Causation
from lapor_common.tracking import normalize_tracking_id

_ACTOR_KINDS = {
    Role.OFFICER: ACTOR_KIND_OFFICER,
    Role.ADMINISTRATOR: ACTOR_KIND_ADMINISTRATOR,
}
Authorization = Annotated[str | None, Header(description="Bearer token of an officer or admin")]
AccessSecret = Annotated[str | None, Header(alias="X-Access-Secret")]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
CorrelationId = Annotated[str | None, Header(alias="X-Correlation-ID", max_length=200)]


def _outcome(outcome: Outcome) -> dict[str, Any]:
    label_id, label_en = STATUS_LABELS[outcome.status]
    answer: dict[str, Any] = {
        "tracking_id": outcome.report_id,
        "sequence": outcome.sequence,
        "status": outcome.status.value,
        "status_label": {"id": label_id, "en": label_en},
    }
    if outcome.access_secret:
        answer["access_secret"] = outcome.access_secret
    return answer


def _tracking_id(text: str) -> str:
    report_id = normalize_tracking_id(text)
    if report_id is None:
        raise NotFound(f"{text!r} is not a tracking id (e.g. 7K3M-9QXD-2F8A)")
    return report_id


def _idempotency(key: str | None, request_body: bytes, scope: str) -> Idempotency | None:
    return Idempotency.of(key, scope, request_body) if key else None


def principals(signing_key: str | None) -> Callable[[str | None], Principal]:
    def who(authorization: Authorization = None) -> Principal:
        if not authorization:
            return PUBLIC
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("use 'Authorization: Bearer <token>'")
        return principal_from_token(signing_key, token.strip())

    return who


def reports_router(
    writer: ReportWriter, reader: ReportReader, who: Callable[..., Principal]
) -> APIRouter:
    router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
    caller_type = Annotated[Principal, Depends(who)]

    @router.post("", status_code=201, summary="File a report (laporan)")
    async def submit(
        report: ReportIn,
        request: Request,
        response: Response,
        idempotency_key: IdempotencyKey = None,
        correlation_id: CorrelationId = None,
    ) -> dict[str, Any]:
        command, identity = submission(report)
        cause = Causation(Actor(kind=ACTOR_KIND_CITIZEN), correlation_id or str(uuid.uuid4()))
        idempotency = _idempotency(idempotency_key, await request.body(), "submit")
        outcome = await writer.submit(command, identity, cause, idempotency)
        response.headers["Location"] = f"/api/v1/reports/{outcome.report_id}"
        if outcome.replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return _outcome(outcome)

    @router.get(
        "/{tracking_id}", summary="A report as the caller may see it, now or as_of a moment"
    )
    async def get(
        tracking_id: str,
        caller: caller_type,
        access_secret: AccessSecret = None,
        as_of: Annotated[datetime | None, Query(description="ISO 8601 with offset")] = None,
    ) -> dict[str, Any]:
        if as_of is not None and as_of.tzinfo is None:
            raise Invalid(["as_of needs a UTC offset, e.g. 2026-11-22T10:00:00+07:00"])
        view = await reader.view(_tracking_id(tracking_id), caller, access_secret or "", as_of)
        return present(view)

    for action in ACTIONS:
        router.add_api_route(
            f"/{{tracking_id}}/{action}",
            _action_route(action, writer, caller_type),
            methods=["POST"],
            summary=f"{ACTIONS[action].__name__}",
            description=f"Body fields: {', '.join(fields_of(action)) or 'none'}; "
            "optionally expected_sequence.",
        )
    return router


def _action_route(
    action: str, writer: ReportWriter, caller_type: Any
) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def act(
        tracking_id: str,
        request: Request,
        response: Response,
        *,
        caller: caller_type,
        body: Annotated[dict[str, Any], Body()] | None = None,
        access_secret: AccessSecret = None,
        idempotency_key: IdempotencyKey = None,
        correlation_id: CorrelationId = None,
    ) -> dict[str, Any]:
        fields = dict(body or {})
        expected = fields.pop("expected_sequence", 0)
        if isinstance(expected, bool) or not isinstance(expected, int) or expected < 0:
            raise Invalid(["expected_sequence must be a non-negative integer"])
        command = command_from(action, fields)
        actor = Actor(kind=_ACTOR_KINDS.get(caller.role, ACTOR_KIND_CITIZEN), id=caller.agency_code)
        cause = Causation(actor, correlation_id or str(uuid.uuid4()))
        idempotency = _idempotency(idempotency_key, await request.body(), action)
        outcome = await writer.act(
            _tracking_id(tracking_id),
            command,
            caller,
            cause,
            expected_sequence=expected,
            idempotency=idempotency,
            secret=access_secret or "",
        )
        if outcome.replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return _outcome(outcome)

    act.__name__ = action.replace("-", "_")
    return act


def _error(status: int) -> Callable[[Request, Exception], JSONResponse]:
    def handle(_: Request, exc: Exception) -> JSONResponse:
        body: dict[str, Any] = {"detail": str(exc)}
        if isinstance(exc, Invalid):
            body["problems"] = exc.problems
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if status == 503:
            headers = {"Retry-After": "1"}
        return JSONResponse(body, status_code=status, headers=headers)

    return handle


def _too_many_attempts(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TooManyAttempts)
    headers = {"Retry-After": str(exc.seconds)}
    return JSONResponse({"detail": str(exc)}, status_code=429, headers=headers)


def build_app(
    writer: ReportWriter,
    reader: ReportReader,
    store: ReportStore,
    signing_key: str | None,
    max_body_bytes: int,
    *,
    channels: Sequence[APIRouter] = (),
    larger_bodies: Mapping[str, int] | None = None,
    deadlines: Deadlines | None = None,
    web: Path | None = None,
) -> FastAPI:
    """``channels``: the routers of further ways in (SMS 1708, Open311, agencies' systems);
    ``larger_bodies``: paths allowed bodies over ``max_body_bytes`` (bulk imports), with their
    limits; ``deadlines``: escalation's, for the inbox (none: never known); ``web``: the web
    front end's assets, served where no route (not even one added later, such as the health
    checks) answers."""
    app = FastAPI(
        title="LAPOR! intake",
        description="Pintu masuk laporan warga / The front door for citizens' reports",
        version="1.0.0",
    )
    who = principals(signing_key)
    app.include_router(reports_router(writer, reader, who))
    app.include_router(inbox_router(store, who, deadlines))
    for channel in channels:
        app.include_router(channel)
    for exception, status in (
        (Invalid, 422),
        (NotFound, 404),
        (Refused, 409),
        (Forbidden, 403),
        (Unauthenticated, 401),
        (Unavailable, 503),
    ):
        app.add_exception_handler(exception, _error(status))
    app.add_exception_handler(TooManyAttempts, _too_many_attempts)
    app.add_middleware(RequestGuard, max_bytes=max_body_bytes, larger=larger_bodies)
    if web is not None:
        app.router.default = web_assets(web)
    return app
