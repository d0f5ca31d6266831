"""Notification's REST API under /api/v1/notifications: reporters' preferences and feed (by
tracking id and access secret), agencies' feeds and subscriptions (bearer tokens), and the
delivery log of a report. Errors are JSON ``{"detail": ...}`` with a precise reason."""

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Header, HTTPException
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from lapor_common.mongo import Document
from lapor_common.tokens import Claims, Unauthenticated, verify
from lapor_common.tracking import normalize_tracking_id
from notification.domain.recipients import Channel, Preferences
from notification.feeds import Feeds, agency_feeds, since
from notification.outbox import DeliveryLog
from notification.store import FactsStore, PreferenceStore, Subscriptions
from notification.subscribing import SubscriptionIn, new_subscription

PREFIX = "/api/v1/notifications"
AccessSecret = Annotated[str | None, Header(alias="X-Access-Secret")]
Authorization = Annotated[str | None, Header()]
LastEventId = Annotated[str | None, Header(alias="Last-Event-ID")]
_POLL_S = 1.0
_HEARTBEAT_S = 15.0


class PreferencesIn(BaseModel):
    channels: list[Literal["email", "sms"]] | None = Field(
        None, description="Channels to use among the contacts given; null means the default."
    )
    essential_only: bool = Field(
        False, description="Only essential messages (receipt, requests, responses, closure)."
    )
    language: Literal["id", "en"] | None = Field(None, description="Language of the messages.")


def _preferences_out(prefs: Preferences) -> dict[str, Any]:
    channels = None if prefs.channels is None else sorted(c.value for c in prefs.channels)
    return {
        "channels": channels,
        "essential_only": prefs.essential_only,
        "language": prefs.language,
    }


class Ports:
    def __init__(
        self,
        *,
        facts: FactsStore,
        preferences: PreferenceStore,
        subscriptions: Subscriptions,
        feeds: Feeds,
        log_: DeliveryLog,
        signing_key: str | None,
        partitions: int,
        alert_partitions: int,
        allow_http_webhooks: bool,
    ) -> None:
        self.facts, self.preferences, self.subscriptions = facts, preferences, subscriptions
        self.feeds, self.log = feeds, log_
        self.signing_key, self.partitions = signing_key, partitions
        self.alert_partitions = alert_partitions
        self.allow_http_webhooks = allow_http_webhooks


def _tracking_id(text: str) -> str:
    found = normalize_tracking_id(text)
    if found is None:
        raise HTTPException(422, "the tracking id is malformed (e.g. 7K3M-9QXD-2F8A)")
    return found


def _claims(ports: Ports, authorization: str | None) -> Claims:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(401, "send 'Authorization: Bearer <token>'")
    try:
        return verify(ports.signing_key, token.strip())
    except Unauthenticated as exc:
        raise HTTPException(401, str(exc)) from exc


def _agency_caller(ports: Ports, authorization: str | None, code: str) -> Claims:
    claims = _claims(ports, authorization)
    if claims.role == "administrator" or (claims.role == "officer" and claims.agency == code):
        return claims
    raise HTTPException(403, "only this agency's officers and administrators may do this")


async def _reporter(ports: Ports, tracking_id: str, secret: str | None) -> str:
    report_id = _tracking_id(tracking_id)
    facts = (await ports.facts.get(report_id)).facts
    if facts.sequence == 0:
        raise HTTPException(404, "no report with that tracking id (yet)")
    given = hashlib.sha256((secret or "").encode()).digest()
    if not secret or not hmac.compare_digest(given, facts.secret_sha256):
        raise HTTPException(403, "send the report's access secret in X-Access-Secret")
    return report_id


def _stream(read: Callable[[str], Any], after: str) -> StreamingResponse:
    async def events() -> AsyncIterator[str]:
        cursor, quiet = after, 0.0
        while True:
            items = await read(cursor)
            for item in items:
                cursor = item["cursor"]
                yield f"id: {cursor}\nevent: notification\ndata: {json.dumps(item)}\n\n"
            quiet = 0.0 if items else quiet + _POLL_S
            if quiet >= _HEARTBEAT_S:
                quiet = 0.0
                yield ": keep-alive\n\n"
            await asyncio.sleep(_POLL_S)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)


def _log_out(doc: Document) -> Document:
    doc["id"] = doc.pop("_id")
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in doc.items()}


def reporter_routes(router: APIRouter, ports: Ports) -> None:
    @router.get("/reports/{tracking_id}/preferences")
    async def get_preferences(tracking_id: str, secret: AccessSecret = None) -> dict[str, Any]:
        report_id = await _reporter(ports, tracking_id, secret)
        return _preferences_out(await ports.preferences.get(report_id))

    @router.put("/reports/{tracking_id}/preferences")
    async def put_preferences(
        tracking_id: str, body: PreferencesIn, secret: AccessSecret = None
    ) -> dict[str, Any]:
        report_id = await _reporter(ports, tracking_id, secret)
        channels = None if body.channels is None else frozenset(map(Channel, body.channels))
        prefs = Preferences(channels, body.essential_only, body.language)
        await ports.preferences.put(report_id, prefs)
        return _preferences_out(prefs)

    @router.get("/reports/{tracking_id}/feed")
    async def reporter_feed_items(
        tracking_id: str, secret: AccessSecret = None, after: str = ""
    ) -> dict[str, Any]:
        report_id = await _reporter(ports, tracking_id, secret)
        items = since((await ports.facts.get(report_id)).feed, after)
        return {"items": items, "cursor": items[-1]["cursor"] if items else after}

    @router.get("/reports/{tracking_id}/feed/stream")
    async def reporter_feed_stream(
        tracking_id: str, secret: AccessSecret = None, last: LastEventId = None
    ) -> StreamingResponse:
        report_id = await _reporter(ports, tracking_id, secret)

        async def read(after: str) -> list[Document]:
            return since((await ports.facts.get(report_id)).feed, after)

        return _stream(read, last or "")

    @router.get("/reports/{tracking_id}/deliveries")
    async def deliveries(
        tracking_id: str, secret: AccessSecret = None, authorization: Authorization = None
    ) -> dict[str, Any]:
        """The delivery log of a report: for its reporter or an administrator."""
        if authorization:
            if _claims(ports, authorization).role != "administrator":
                raise HTTPException(403, "only administrators may read other reports' logs")
            report_id = _tracking_id(tracking_id)
        else:
            report_id = await _reporter(ports, tracking_id, secret)
        found = await ports.log.of((await ports.facts.get(report_id)).log)
        return {"tracking_id": report_id, "deliveries": [_log_out(d) for d in found]}


def agency_routes(router: APIRouter, ports: Ports) -> None:
    def feeds_of(code: str) -> list[str]:
        return agency_feeds(code, ports.partitions, ports.alert_partitions)

    @router.get("/agencies/{code}/feed")
    async def agency_feed_items(
        code: str, authorization: Authorization = None, after: str = ""
    ) -> dict[str, Any]:
        _agency_caller(ports, authorization, code)
        items = await ports.feeds.read(feeds_of(code), after)
        return {"items": items, "cursor": items[-1]["cursor"] if items else after}

    @router.get("/agencies/{code}/feed/stream")
    async def agency_feed_stream(
        code: str, authorization: Authorization = None, last: LastEventId = None
    ) -> StreamingResponse:
        _agency_caller(ports, authorization, code)
        return _stream(lambda after: ports.feeds.read(feeds_of(code), after), last or "")

    @router.get("/agencies/{code}/subscriptions")
    async def subscriptions(code: str, authorization: Authorization = None) -> dict[str, Any]:
        _agency_caller(ports, authorization, code)
        found = await ports.subscriptions.of(code)
        return {"subscriptions": [s.__dict__ | {"secret": ""} for s in found]}

    @router.post("/agencies/{code}/subscriptions", status_code=201)
    async def subscribe(
        code: str, body: SubscriptionIn, authorization: Authorization = None
    ) -> dict[str, Any]:
        """Add an address. A webhook's signing secret is in this answer only: keep it."""
        _agency_caller(ports, authorization, code)
        try:
            wanted = new_subscription(code, body, ports.allow_http_webhooks)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from exc
        return dict((await ports.subscriptions.add(wanted)).__dict__)

    @router.delete("/agencies/{code}/subscriptions/{subscription_id}", status_code=204)
    async def unsubscribe(
        code: str, subscription_id: str, authorization: Authorization = None
    ) -> None:
        _agency_caller(ports, authorization, code)
        if not await ports.subscriptions.remove(code, subscription_id):
            raise HTTPException(404, "no such subscription for this agency")


def notifications_api(ports: Ports) -> FastAPI:
    app = FastAPI(
        title="LAPOR! notification",
        version="1.0.0",
        description="Preferences, in-app feeds, agencies' subscriptions and the delivery log.",
    )
    router = APIRouter(prefix=PREFIX, tags=["notifications"])
    reporter_routes(router, ports)
    agency_routes(router, ports)
    app.include_router(router)
    return app
