"""The Open311 GeoReport v2 routes under /open311/v2: thin adapters that read the raw query
or form-encoded body, call the Open311 handlers and answer in the format the path's
extension names, errors included (``intake.open311_format``)."""

import uuid
from collections.abc import Coroutine
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response

from intake.domain.model import Forbidden, Invalid, NotFound, Refused
from intake.domain.open311 import Open311Error, discovery
from intake.domain.open311_input import Form
from intake.handlers import Unavailable
from intake.open311_format import MEDIA_TYPES, error_response, format_of, render
from intake.open311_handlers import Filing, Open311

PREFIX = "/open311/v2"
_STATUS_OF: tuple[tuple[type[Exception], int], ...] = (
    (Invalid, 400),
    (NotFound, 404),
    (Refused, 409),
    (Forbidden, 403),
    (Unavailable, 503),
)
_FORM = "application/x-www-form-urlencoded"


def _as_open311(exc: Exception) -> Open311Error | None:
    if isinstance(exc, Open311Error):
        return exc
    status = next((code for kind, code in _STATUS_OF if isinstance(exc, kind)), None)
    return None if status is None else Open311Error(status, str(exc))


async def _answer(
    extension: str, content: Coroutine[Any, Any, Any], root: str, item: str = "request"
) -> Response:
    """The content as the extension asks, or the error it ended in, in that format (JSON
    when the extension is unknown)."""
    fmt = extension if extension in MEDIA_TYPES else "json"
    try:
        return render(format_of(extension), await content, root, item)
    except Exception as exc:
        error = _as_open311(exc)
        if error is None:
            raise
        return error_response(fmt, error)
    finally:
        content.close()  # never started when the format was refused


def _query(request: Request) -> Form:
    return parse_qs(request.url.query, keep_blank_values=True)


def _header(request: Request, name: str) -> str | None:
    value = request.headers.get(name)
    if value is not None and len(value) > 200:
        raise Open311Error(400, f"{name} must have at most 200 characters")
    return value


async def _filing(request: Request) -> Filing:
    media_type = request.headers.get("content-type", _FORM).split(";")[0].strip().lower()
    if media_type != _FORM:
        raise Open311Error(400, f"send the request form-encoded ({_FORM})")
    body = await request.body()
    try:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        raise Open311Error(400, "the request body must be UTF-8") from None
    return Filing(
        form=form,
        body=body,
        idempotency_key=_header(request, "Idempotency-Key"),
        correlation_id=_header(request, "X-Correlation-ID") or str(uuid.uuid4()),
    )


async def _filed(open311: Open311, request: Request) -> list[dict[str, Any]]:
    return await open311.submit(await _filing(request))


def _forwarded(request: Request, name: str, default: str) -> str:
    return request.headers.get(name, default).split(",")[0].strip() or default


async def _discovery(request: Request) -> dict[str, Any]:
    """The discovery document, with the endpoint's URL as the client reached it (behind the
    gateway or an Ingress: their X-Forwarded-Host and X-Forwarded-Proto)."""
    host = _forwarded(request, "x-forwarded-host", request.url.netloc)
    scheme = _forwarded(request, "x-forwarded-proto", request.url.scheme)
    return discovery(f"{scheme}://{host}{PREFIX}")


def open311_router(open311: Open311) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["open311"])

    @router.get("/discovery.{fmt}", summary="Open311 service discovery")
    async def discovery_document(fmt: str, request: Request) -> Response:
        return await _answer(fmt, _discovery(request), "discovery")

    @router.get("/services.{fmt}", summary="Services: routing's category taxonomy")
    async def services(fmt: str, request: Request) -> Response:
        return await _answer(fmt, open311.services(_query(request)), "services", "service")

    @router.get("/services/{code}.{fmt}", summary="A service definition with its attributes")
    async def definition(code: str, fmt: str, request: Request) -> Response:
        return await _answer(fmt, open311.definition(code, _query(request)), "service_definition")

    @router.post("/requests.{fmt}", summary="File a service request (api_key required)")
    async def submit(fmt: str, request: Request) -> Response:
        return await _answer(fmt, _filed(open311, request), "service_requests")

    @router.get("/requests.{fmt}", summary="Public service requests, filtered")
    async def requests(fmt: str, request: Request) -> Response:
        return await _answer(fmt, open311.requests(_query(request)), "service_requests")

    @router.get("/requests/{report_id}.{fmt}", summary="One public service request")
    async def one_request(report_id: str, fmt: str, request: Request) -> Response:
        return await _answer(fmt, open311.request(report_id, _query(request)), "service_requests")

    @router.get("/tokens/{token}.{fmt}", summary="The service request a token stands for")
    async def token(token: str, fmt: str) -> Response:
        return await _answer(fmt, open311.token(token), "service_requests")

    @router.api_route("/{rest:path}", methods=["GET", "POST"], include_in_schema=False)
    async def unknown(rest: str) -> Response:
        return error_response("json", Open311Error(404, f"no Open311 resource {rest!r}"))

    return router
