"""The public search of reports (GET /api/v1/reports): its parameters checked and made the
public query Open311 lists reports by, and what a result shows of a report's text. Pure."""

from dataclasses import dataclass, replace

from intake.domain.codes import AGENCY_CODE, CATEGORY_CODE, REGION_CODE
from intake.domain.model import Invalid, Status
from intake.domain.open311_input import RequestQuery

MAX_LIMIT = 50
MAX_OFFSET = 1000
TEXT_LENGTH = (2, 100)
EXCERPT_CHARACTERS = 200


@dataclass(frozen=True)
class Search:
    text: str = ""
    statuses: tuple[Status, ...] = ()
    category_code: str = ""
    region_code: str = ""
    agency_code: str = ""
    limit: int = 20
    offset: int = 0


def _problems(search: Search) -> list[str]:
    shortest, longest = TEXT_LENGTH
    checks = [
        (
            not search.text or shortest <= len(search.text) <= longest,
            f"q must be {shortest} to {longest} characters",
        ),
        (
            not search.category_code or CATEGORY_CODE.match(search.category_code),
            "category must be a category code, e.g. infrastruktur.jalan",
        ),
        (
            not search.region_code or REGION_CODE.match(search.region_code),
            "region must be a Kemendagri region code, e.g. 32, 32.04 or 32.04.05",
        ),
        (
            not search.agency_code or AGENCY_CODE.match(search.agency_code),
            "agency must be an agency code, e.g. pemkab-3204",
        ),
        (1 <= search.limit <= MAX_LIMIT, f"limit must be 1 to {MAX_LIMIT}"),
        (0 <= search.offset <= MAX_OFFSET, f"offset must be 0 to {MAX_OFFSET}"),
    ]
    return [problem for fine, problem in checks if not fine]


def search_query(search: Search) -> RequestQuery:
    """The public query of a search, one report more than the page (is there more?); Invalid
    with every problem."""
    search = replace(search, text=" ".join(search.text.split()))
    problems = _problems(search)
    if problems:
        raise Invalid(problems)
    return RequestQuery(
        ids=(),
        service_codes=(search.category_code,) if search.category_code else (),
        statuses=search.statuses,
        start=None,
        end=None,
        region_code=search.region_code,
        agency_code=search.agency_code,
        limit=search.limit + 1,
        text=search.text,
        offset=search.offset,
    )


def excerpt(body: str, characters: int = EXCERPT_CHARACTERS) -> str:
    """The body's beginning, at most about ``characters`` long, cut at a word's end."""
    text = " ".join(body.split())
    if len(text) <= characters:
        return text
    cut = text[: characters + 1].rpartition(" ")[0] or text[:characters]
    return cut.rstrip(" ,.;:-") + "…"
