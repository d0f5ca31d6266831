"""The category listing (taxonomy + the programme each rule tags) on the real data files, and
the same list through routing's gRPC servicer and its HTTP route."""

from dataclasses import asdict
from pathlib import Path
from typing import Any, cast

import httpx
import pytest

from lapor.routing.v1 import routing_service_pb2 as pb
from routing.api import routing_api, routing_http
from routing.classifier import Classifier
from routing.directory_log import DirectoryLog
from routing.domain import Router
from routing.handlers import Knowledge
from routing.rpc import RoutingService
from routing.rules import Rules, load_rules
from routing.taxonomy import Listing, Taxonomy, listing, load_taxonomy

DATA = Path(__file__).resolve().parents[2] / "services/routing/routing/data"


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(DATA / "taxonomy.toml")


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules(DATA / "rules.toml")


@pytest.fixture(scope="module")
def listed(taxonomy: Taxonomy, rules: Rules) -> Listing:
    return listing(taxonomy, rules)


def test_every_category_is_listed_once_in_taxonomy_order(
    taxonomy: Taxonomy, rules: Rules, listed: Listing
) -> None:
    assert [c.code for c in listed.categories] == list(taxonomy.categories)
    assert len(listed.categories) == 59
    assert (listed.taxonomy_version, listed.rule_version) == (taxonomy.version, rules.version)


def test_a_category_carries_its_names_its_groups_and_its_programme(listed: Listing) -> None:
    pkh = next(c for c in listed.categories if c.code == "sosial.pkh")
    assert asdict(pkh) == {
        "code": "sosial.pkh",
        "name": "Program Keluarga Harapan (PKH)",
        "name_en": "Family Hope Programme (PKH)",
        "group_code": "sosial",
        "group_name": "Bantuan sosial",
        "group_name_en": "Social assistance",
        "programme": "pkh",
    }


def test_a_category_whose_rule_tags_no_programme_has_an_empty_one(
    rules: Rules, listed: Listing
) -> None:
    programmes = {c.code: c.programme for c in listed.categories}
    assert programmes["infrastruktur.jalan"] == ""
    assert programmes == {code: rule.programme for code, rule in rules.by_category.items()}
    assert {"pkh", "bpnt", "jkn", "makan-bergizi-gratis"} <= set(programmes.values())


class RulesOnly:
    """Stands in for the Router: listing the categories reads only its rules."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules


@pytest.fixture(scope="module")
def knowledge(rules: Rules) -> Knowledge:
    return Knowledge(cast(Router, RulesOnly(rules)), cast(Classifier, None))


async def test_the_grpc_query_answers_the_listing(
    knowledge: Knowledge, taxonomy: Taxonomy, listed: Listing
) -> None:
    service = RoutingService(knowledge, taxonomy)
    context: Any = None  # the query never aborts
    answer = await service.ListCategories(pb.ListCategoriesRequest(), context)
    assert (answer.taxonomy_version, answer.rule_version) == (
        listed.taxonomy_version,
        listed.rule_version,
    )
    assert [c.code for c in answer.categories] == [c.code for c in listed.categories]
    pkh = next(c for c in answer.categories if c.code == "sosial.pkh")
    assert (pkh.group_code, pkh.group_name_en, pkh.programme) == (
        "sosial",
        "Social assistance",
        "pkh",
    )


async def test_the_http_route_answers_the_listing(
    knowledge: Knowledge, taxonomy: Taxonomy, listed: Listing
) -> None:
    app = routing_http(routing_api(knowledge, cast(DirectoryLog, None), taxonomy, None))
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://routing") as client:
        response = await client.get("/api/v1/routing/categories")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == asdict(listed) | {"categories": [asdict(c) for c in listed.categories]}
    assert set(body) == {"taxonomy_version", "rule_version", "categories"}
