"""The demo loader's client of intake's REST API: citizens, administrators and officers, each
with the credentials the platform accepts (bearer tokens signed with its development key,
the report's access secret), retries that are safe (every request carries an idempotency
key), and failures that say what was refused and why."""

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx

from deploy.local.demo_plan import Plan
from lapor_common.tokens import issue

REPORTS = "/api/v1/reports"
ATTEMPTS = 5
TOKEN_LIFETIME = timedelta(hours=4)


class Unreachable(Exception):
    """The platform cannot be used at all: not running, or not accepting our tokens."""


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _refusal(action: str, answer: httpx.Response) -> RuntimeError:
    try:
        detail = answer.json().get("detail", answer.text)
    except ValueError:
        detail = answer.text
    return RuntimeError(f"{action} answered {answer.status_code}: {detail}")


class Api:
    def __init__(
        self, client: httpx.AsyncClient, signing_key: str, run: str, settle_seconds: float
    ) -> None:
        self._client = client
        self._key = signing_key
        self._run = run
        self._settle_seconds = settle_seconds
        self._admin = _bearer(issue(signing_key, "administrator", "demo-admin", "", TOKEN_LIFETIME))
        self._officers: dict[str, dict[str, str]] = {}
        self._correlation: dict[str, str] = {}

    async def check(self) -> None:
        """Fail early and clearly when intake does not answer or refuses our tokens."""
        try:
            answer = await self._client.get(
                "/api/v1/inbox", params={"limit": 1}, headers=self._admin
            )
        except httpx.TransportError as exc:
            raise Unreachable(
                f"cannot reach intake at {self._client.base_url} ({exc!r}); "
                "is the platform running (make up)?"
            ) from exc
        if answer.status_code == 401:
            raise Unreachable(
                "intake refused the administrator token: the signing key is not the platform's "
                "(use --secrets with its secrets.env, or set LAPOR_JWT_SIGNING_KEY)"
            )
        if answer.status_code != 200:
            raise Unreachable(f"intake is not ready: {_refusal('GET /api/v1/inbox', answer)}")

    async def _send(self, path: str, body: Any, headers: dict[str, str]) -> httpx.Response:
        """POST, retried while intake is briefly unavailable; the idempotency key makes a
        retry of a request that did arrive a no-op."""
        headers = {**headers, "Idempotency-Key": f"demo-{self._run}-{uuid.uuid4().hex}"}
        for attempt in range(ATTEMPTS):
            try:
                answer = await self._client.post(path, json=body, headers=headers)
            except httpx.TransportError:
                if attempt == ATTEMPTS - 1:
                    raise
            else:
                if answer.status_code != 503 or attempt == ATTEMPTS - 1:
                    return answer
            await asyncio.sleep(0.5 * 2**attempt)
        raise AssertionError("unreachable")

    async def submit(self, plan: Plan) -> dict[str, Any]:
        correlation = f"demo-{self._run}-{plan.index}"
        answer = await self._send(REPORTS, plan.report, {"X-Correlation-ID": correlation})
        if answer.status_code != 201:
            raise _refusal("filing the report", answer)
        created: dict[str, Any] = answer.json()
        self._correlation[created["tracking_id"]] = correlation
        return created

    async def view(self, tracking_id: str) -> dict[str, Any]:
        answer = await self._client.get(f"{REPORTS}/{tracking_id}", headers=self._admin)
        if answer.status_code != 200:
            raise _refusal(f"reading {tracking_id}", answer)
        view: dict[str, Any] = answer.json()
        return view

    async def settled(self, tracking_id: str) -> dict[str, Any] | None:
        """The administrators' view once routing has decided (routed, left to the
        administrators with suggestions, or linked as a duplicate); None if it did not in time."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._settle_seconds
        while loop.time() < deadline:
            view = await self.view(tracking_id)
            if view.get("agency") or view.get("routing_suggestions") or view.get("duplicate_of"):
                return view
            await asyncio.sleep(0.25)
        return None

    async def _act(
        self, tracking_id: str, action: str, body: dict[str, Any], headers: dict[str, str]
    ) -> httpx.Response:
        correlation = self._correlation.get(tracking_id, "")
        headers = {**headers, "X-Correlation-ID": correlation} if correlation else headers
        return await self._send(f"{REPORTS}/{tracking_id}/{action}", body, headers)

    async def _done(self, action: str, answer: httpx.Response) -> dict[str, Any]:
        if answer.status_code != 200:
            raise _refusal(action, answer)
        outcome: dict[str, Any] = answer.json()
        return outcome

    async def admin(self, tracking_id: str, action: str, body: dict[str, Any]) -> dict[str, Any]:
        return await self._done(action, await self._act(tracking_id, action, body, self._admin))

    async def reporter(
        self, tracking_id: str, secret: str, action: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        answer = await self._act(tracking_id, action, body, {"X-Access-Secret": secret})
        return await self._done(action, answer)

    async def officer(
        self, tracking_id: str, agency: str, action: str, body: dict[str, Any]
    ) -> str:
        """Act as an officer of the agency; if the report has moved on (escalated, say), as
        one of the agency it is at now. Returns the agency that acted."""
        answer = await self._act(tracking_id, action, body, self._officer(agency))
        if answer.status_code == 403:
            now = (await self.view(tracking_id)).get("agency") or {}
            if now.get("code") and now["code"] != agency:
                agency = now["code"]
                answer = await self._act(tracking_id, action, body, self._officer(agency))
        await self._done(action, answer)
        return agency

    def _officer(self, agency: str) -> dict[str, str]:
        if agency not in self._officers:
            token = issue(self._key, "officer", f"petugas-{agency}", agency, TOKEN_LIFETIME)
            self._officers[agency] = _bearer(token)
        return self._officers[agency]
