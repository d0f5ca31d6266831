"""Open311 GeoReport v2 over intake: services from routing's taxonomy, service requests filed
through the single writer (channel Open311) and read from intake's reports, public only."""

import asyncio
import base64
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from intake.domain.codes import AGENCY_CODE
from intake.domain.model import ReportState
from intake.domain.open311 import (
    Extras,
    Open311Error,
    Service,
    address_of,
    open311_status,
    service_definition,
    service_entry,
    service_request,
)
from intake.domain.open311_input import ApiKeys, Form, new_request, one, request_query
from intake.handlers import Clock, Idempotency, ReportWriter, utc_now
from intake.identity import IdentityVault
from intake.requests import identity_of
from intake.store import ReportStore
from lapor.events.v1.envelope_pb2 import ACTOR_KIND_CITIZEN, Actor
from lapor_common.envelope import Causation
from lapor_common.routing_reference import Category, RoutingUnavailable
from lapor_common.tracking import normalize_tracking_id

NOTICE = (
    "Laporan diterima dan diteruskan ke instansi yang berwenang; pelapor yang memberi e-mail "
    "atau nomor telepon menerima kode aksesnya. / The report was received and goes to the "
    "competent agency; a reporter who gave an e-mail address or phone number receives its "
    "access code."
)


class Taxonomy(Protocol):
    """Routing's categories and agencies (``lapor_common.routing_reference``)."""

    async def categories(self) -> dict[str, Category]: ...

    async def agency_name(self, code: str) -> str | None: ...


class Deadlines(Protocol):
    """When reports are expected to be fulfilled (``intake.open311_ports``)."""

    async def expected(self, report_ids: list[str]) -> dict[str, datetime]: ...


class Tokens(Protocol):
    async def keep(self, token: str, report_id: str) -> None: ...

    async def find(self, token: str) -> str | None: ...


@dataclass(frozen=True)
class Jurisdiction:
    region_code: str = ""
    agency_code: str = ""


@dataclass(frozen=True)
class Filing:
    """A POST's raw request as the handler needs it."""

    form: Form
    body: bytes
    idempotency_key: str | None
    correlation_id: str


class Open311:
    def __init__(
        self,
        *,
        writer: ReportWriter,
        store: ReportStore,
        tokens: Tokens,
        taxonomy: Taxonomy,
        deadlines: Deadlines,
        vault: IdentityVault,
        keys: ApiKeys,
        region_names: dict[str, str],
        clock: Clock = utc_now,
    ) -> None:
        self._writer, self._store, self._tokens = writer, store, tokens
        self._taxonomy, self._deadlines, self._vault = taxonomy, deadlines, vault
        self._keys, self._regions, self._clock = keys, region_names, clock

    async def services(self, form: Form) -> list[dict[str, Any]]:
        await self.jurisdiction(one(form, "jurisdiction_id"))
        return [service_entry(service) for service in (await self._services()).values()]

    async def definition(self, code: str, form: Form) -> dict[str, Any]:
        await self.jurisdiction(one(form, "jurisdiction_id"))
        service = (await self._services()).get(code)
        if service is None:
            raise Open311Error(404, f"service_code {code!r} is not a service of this server")
        return service_definition(service)

    async def submit(self, filing: Filing) -> list[dict[str, Any]]:
        """File the request as a report; its id, a token for it and a notice. The reporter's
        access secret is never in the answer: notification sends it to the contact given."""
        form = filing.form
        client = self._keys.client_of(one(form, "api_key"))
        if client is None:
            raise Open311Error(403, "api_key is missing or not valid")
        where = await self.jurisdiction(one(form, "jurisdiction_id"))
        new = new_request(form, await self._services(), where.region_code)
        identity = identity_of(new.name, new.phone, new.email, "")
        actor = Actor(kind=ACTOR_KIND_CITIZEN, id=f"open311:{client}")
        key = filing.idempotency_key
        idempotency = Idempotency.of(key, "open311-submit", filing.body) if key else None
        outcome = await self._writer.submit(
            new.submission, identity, Causation(actor, filing.correlation_id), idempotency
        )
        token = self._token_of(outcome.report_id)
        await self._tokens.keep(token, outcome.report_id)
        return [{"service_request_id": outcome.report_id, "token": token, "service_notice": NOTICE}]

    async def requests(self, form: Form) -> list[dict[str, Any]]:
        """Public requests by ids, or those matching the filters (newest first, at most 1000)."""
        query = request_query(form, self._clock())
        where = await self.jurisdiction(one(form, "jurisdiction_id"))
        if query.ids:
            found = await asyncio.gather(*map(self._public, query.ids))
            return await self._described([state for state in found if state is not None])
        query = replace(query, region_code=where.region_code, agency_code=where.agency_code)
        return await self._described(await self._store.public(query))

    async def request(self, report_id: str, form: Form) -> list[dict[str, Any]]:
        await self.jurisdiction(one(form, "jurisdiction_id"))
        state = await self._public(report_id)
        if state is None:
            raise Open311Error(404, f"no service request {report_id!r}")
        return await self._described([state])

    async def token(self, token: str) -> list[dict[str, Any]]:
        report_id = await self._tokens.find(token)
        if report_id is None:
            raise Open311Error(404, f"no token {token!r}")
        return [{"service_request_id": report_id, "token": token}]

    async def jurisdiction(self, text: str) -> Jurisdiction:
        """A Kemendagri region code or an agency code of routing's directory; "" is none."""
        if not text or text in self._regions:
            return Jurisdiction(region_code=text)
        try:
            known = AGENCY_CODE.match(text) and await self._taxonomy.agency_name(text)
        except RoutingUnavailable as exc:
            raise Open311Error(503, "agencies cannot be checked now; try again shortly") from exc
        if not known:
            raise Open311Error(
                404, f"jurisdiction_id {text!r} is neither a region code nor an agency code"
            )
        return Jurisdiction(agency_code=text)

    async def _services(self) -> dict[str, Service]:
        categories = await self._taxonomy.categories()
        if not categories:
            raise Open311Error(503, "the list of services is unavailable; try again shortly")
        return {
            c.code: Service(c.code, c.name, c.name_en, c.group_code, c.group_name, c.programme)
            for c in categories.values()
        }

    async def _public(self, text: str) -> ReportState | None:
        """The report if the public may see it: a confidential one is as if unknown."""
        report_id = normalize_tracking_id(text)
        state = await self._store.get(report_id) if report_id else None
        return None if state is None or state.confidential else state

    async def _described(self, states: list[ReportState]) -> list[dict[str, Any]]:
        categories = await self._taxonomy.categories()
        still_open = [s.report_id for s in states if open311_status(s.status) == "open"]
        expected = await self._deadlines.expected(still_open) if still_open else {}
        return [
            service_request(
                state,
                Extras(
                    service_name=_name(categories.get(state.category_code)),
                    address=address_of(state.region_code, self._regions),
                    expected=expected.get(state.report_id),
                ),
            )
            for state in states
        ]

    def _token_of(self, report_id: str) -> str:
        """A token only this deployment can compute from the id: the same on a retry."""
        raw = self._vault.derive("open311-token", report_id)[:15]
        return base64.urlsafe_b64encode(raw).decode()


def _name(category: Category | None) -> str:
    return category.name if category else ""
