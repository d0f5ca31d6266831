"""Routing's gRPC API (lapor.routing.v1.RoutingService): suggestions, the agency directory
with its escalation chains, and the category taxonomy. Bad input is INVALID_ARGUMENT, an
unknown agency NOT_FOUND."""

from dataclasses import asdict
from typing import Any

import grpc
from pydantic import ValidationError

from lapor.routing.v1 import routing_service_pb2 as pb
from lapor.routing.v1 import routing_service_pb2_grpc as pb_grpc
from lapor_common.runtime import GrpcRegistration
from routing.api import SuggestIn
from routing.directory import Agency
from routing.domain import as_messages
from routing.handlers import Knowledge
from routing.taxonomy import Taxonomy, listing

Context = grpc.aio.ServicerContext[Any, Any]


def _agency(agency: Agency, knowledge: Knowledge) -> pb.Agency:
    registry = knowledge.router.registry
    return pb.Agency(
        code=agency.code,
        name=registry.name(agency),
        kind=agency.kind.value,
        parent_code=agency.parent_code,
        region_code=agency.region_code,
        ministry_code=agency.ministry_code,
        connected=agency.code in registry.connected,
        merged_into=registry.merged_into.get(agency.code, ""),
    )


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())


class RoutingService(pb_grpc.RoutingServiceServicer):
    def __init__(self, knowledge: Knowledge, taxonomy: Taxonomy) -> None:
        self._knowledge = knowledge
        self._taxonomy = taxonomy

    async def Suggest(self, request: pb.SuggestRequest, context: Context) -> pb.SuggestResponse:
        fields = {f: getattr(request, f) for f in ("title", "body", "region_code", "category_code")}
        try:
            asked = SuggestIn.model_validate(fields)
        except ValidationError as exc:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, _problems(exc))
        router = self._knowledge.router
        found = router.assess(asked.title, asked.body, asked.region_code, asked.category_code)
        located = found.located
        suggestions, hints = as_messages(found)
        return pb.SuggestResponse(
            suggestions=suggestions,
            hints=hints,
            region_code=located.region_code if located else "",
            region_confidence=located.confidence if located else 0.0,
            rule_version=found.rule_version,
            model_version=found.model_version,
        )

    async def GetAgency(
        self, request: pb.GetAgencyRequest, context: Context
    ) -> pb.GetAgencyResponse:
        router = self._knowledge.router
        agency = router.directory.get(request.code)
        if agency is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no agency with code {request.code!r}")
        rule = router.rules.by_category.get(request.category_code)
        if request.category_code and rule is None:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT, f"unknown category {request.category_code!r}"
            )
        chain = router.directory.chain(agency.code, rule.ministry if rule else "")
        return pb.GetAgencyResponse(
            agency=_agency(agency, self._knowledge),
            escalation_chain=[_agency(a, self._knowledge) for a in chain],
        )

    async def ListCategories(
        self, request: pb.ListCategoriesRequest, context: Context
    ) -> pb.ListCategoriesResponse:
        listed = listing(self._taxonomy, self._knowledge.router.rules)
        return pb.ListCategoriesResponse(
            categories=[pb.Category(**asdict(category)) for category in listed.categories],
            taxonomy_version=listed.taxonomy_version,
            rule_version=listed.rule_version,
        )


def registration(knowledge: Knowledge, taxonomy: Taxonomy) -> GrpcRegistration:
    def register(server: grpc.aio.Server) -> str:
        servicer = RoutingService(knowledge, taxonomy)
        pb_grpc.add_RoutingServiceServicer_to_server(servicer, server)
        return pb.DESCRIPTOR.services_by_name["RoutingService"].full_name

    return register
