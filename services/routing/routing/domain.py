"""Routing policy as pure functions: where a report should go, how sure routing is, and the
command that follows (route it, ask the administrators, or link it to its duplicate).

``Router.assess`` combines the region (given, or recognised in the text), the
classifier's categories and the responsibility rules into ranked suggestions.
``decide`` turns an assessment into one command for intake, the report's
single writer. A report is never dropped: whatever routing cannot decide with
confidence waits for the national administrators with the suggestions.
"""

from dataclasses import dataclass
from datetime import datetime

from google.protobuf.message import Message

from lapor.report.v1.events_pb2 import DECIDED_BY_MODEL, RouteSuggestion, VerificationHint
from lapor.routing.v1.commands_pb2 import LinkDuplicate, RouteReport, SuggestRoutes
from routing.classifier import Classifier, Prediction
from routing.directory import Directory
from routing.duplicates import Match
from routing.gazetteer import Gazetteer
from routing.registry import Registry
from routing.rules import Rules, resolve, targets
from routing.text import words
from routing.verification import Hint, hints

MAX_DECLINES = 3
REPORTER_CHOICE_WEIGHT = 3.0
NOT_EXACT = 0.5
FALLBACK = 0.3


@dataclass(frozen=True)
class Case:
    """What routing remembers of a report."""

    report_id: str
    title: str
    body: str
    region_code: str
    category_code: str  # the reporter's choice, possibly empty
    submitted_at: datetime
    location: tuple[float, float] | None = None
    declined: tuple[str, ...] = ()
    agency_code: str = ""
    routed_category: str = ""
    learned: bool = False


@dataclass(frozen=True)
class Located:
    region_code: str
    confidence: float
    evidence: str


@dataclass(frozen=True)
class Suggestion:
    agency_code: str
    agency_name: str
    category_code: str
    confidence: float
    reason: str


@dataclass(frozen=True)
class Assessment:
    suggestions: list[Suggestion]
    located: Located | None
    hints: list[Hint]
    rule_version: str
    model_version: str

    @property
    def best(self) -> Suggestion | None:
        return self.suggestions[0] if self.suggestions else None


@dataclass(frozen=True)
class Router:
    """Everything routing knows, loaded once; swapped whole when the model or directory change."""

    directory: Directory
    gazetteer: Gazetteer
    rules: Rules
    classifier: Classifier
    registry: Registry

    def locate(self, region_code: str, text: str) -> Located | None:
        """The region code given, made more precise by a place the text names inside it (a
        province's code and "kec. Soreang"); else the place the text names, if any."""
        given = region_code if self.directory.province(region_code) else ""
        places = self.gazetteer.locate(text)
        inside = [p for p in places if p.region_code.startswith(f"{given}.")] if given else []
        if given and "." not in given and inside:
            return Located(
                inside[0].region_code, 1.0, f"kode wilayah {given}, {inside[0].evidence}"
            )
        if given:
            return Located(given, 1.0, f"kode wilayah {given}")
        if not places:
            return None
        place = places[0]
        return Located(place.region_code, place.confidence, place.evidence)

    def categories(self, title: str, body: str, chosen: str) -> list[Prediction]:
        """The classifier's categories, the reporter's own choice weighing in when valid."""
        predictions = self.classifier.predict(title, body, limit=len(self.rules.by_category))
        if chosen not in self.rules.by_category:
            return predictions
        weighted = [
            (p, p.confidence * (REPORTER_CHOICE_WEIGHT if p.category_code == chosen else 1.0))
            for p in predictions
        ]
        total = sum(w for _, w in weighted) or 1.0
        ranked = sorted(weighted, key=lambda pw: -pw[1])
        return [Prediction(p.category_code, round(w / total, 4), p.evidence) for p, w in ranked]

    def assess(
        self, title: str, body: str, region_code: str = "", chosen: str = "", limit: int = 5
    ) -> Assessment:
        text = f"{title}\n{body}"
        located = self.locate(region_code, text)
        normalised = " ".join(words(text))
        found: dict[str, Suggestion] = {}
        for prediction in self.categories(title, body, chosen)[:limit]:
            for suggestion in self._suggestions(prediction, located, normalised):
                kept = found.get(suggestion.agency_code)
                if kept is None or kept.confidence < suggestion.confidence:
                    found[suggestion.agency_code] = suggestion
        ranked = sorted(found.values(), key=lambda s: (-s.confidence, s.agency_code))
        return Assessment(
            suggestions=ranked[: limit * 2],
            located=located,
            hints=hints(title, body, located is not None),
            rule_version=self.rules.version,
            model_version=self.classifier.version,
        )

    def _suggestions(
        self, prediction: Prediction, located: Located | None, text: str
    ) -> list[Suggestion]:
        rule = self.rules.by_category.get(prediction.category_code)
        if rule is None:
            return []
        region = located.region_code if located else ""
        found = []
        for rank, target in enumerate(targets(rule, text)):
            responsible = resolve(target, region, self.directory)
            if responsible is None:
                continue
            code = self.registry.current(responsible.agency.code)
            agency = self.directory.get(code) or responsible.agency
            weight = 1.0 if target.national or located is None else located.confidence
            weight *= (1.0 if responsible.exact else NOT_EXACT) * (1.0 if rank == 0 else FALLBACK)
            confidence = round(prediction.confidence * weight, 4)
            reason = _reason(prediction, located, responsible.why, target.national != "")
            found.append(
                Suggestion(code, self.registry.name(agency), rule.category, confidence, reason)
            )
        return found


def _reason(prediction: Prediction, located: Located | None, why: str, national: bool) -> str:
    words = ", ".join(prediction.evidence[:4])
    parts = [f"kategori {prediction.category_code} ({prediction.confidence:.2f}; {words})"]
    if located is not None and not national:
        parts.append(f"wilayah {located.region_code} dari {located.evidence}")
    parts.append(why)
    return "; ".join(parts)


def as_messages(assessment: Assessment) -> tuple[list[RouteSuggestion], list[VerificationHint]]:
    """The assessment's suggestions and hints as the contracts carry them."""
    suggestions = [
        RouteSuggestion(
            agency_code=s.agency_code,
            agency_name=s.agency_name,
            category_code=s.category_code,
            confidence=s.confidence,
            reason=s.reason,
        )
        for s in assessment.suggestions
    ]
    hints = [
        VerificationHint(reason=h.reason, explanation=h.explanation)  # type: ignore[arg-type]
        for h in assessment.hints
    ]
    return suggestions, hints


def _suggest(assessment: Assessment, reason: str) -> SuggestRoutes:
    suggestions, hints = as_messages(assessment)
    return SuggestRoutes(
        suggestions=suggestions,
        hints=hints,
        rule_version=assessment.rule_version,
        model_version=assessment.model_version,
        reason=reason,
    )


def _route(assessment: Assessment, chosen: Suggestion, declined: tuple[str, ...]) -> RouteReport:
    after = f"; bukan wewenang menurut {', '.join(declined)}" if declined else ""
    return RouteReport(
        agency_code=chosen.agency_code,
        agency_name=chosen.agency_name,
        category_code=chosen.category_code,
        decided_by=DECIDED_BY_MODEL,
        confidence=chosen.confidence,
        rule_version=assessment.rule_version,
        model_version=assessment.model_version,
        reason=chosen.reason + after,
    )


def _after_declines(case: Case, assessment: Assessment) -> Message:
    """ "Not our authority": the next best agency that has not declined, whatever its
    confidence; the administrators after MAX_DECLINES or when none is left."""
    if len(case.declined) >= MAX_DECLINES:
        return _suggest(assessment, f"{len(case.declined)} instansi menyatakan bukan wewenangnya")
    open_to = [s for s in assessment.suggestions if s.agency_code not in case.declined]
    if not open_to:
        return _suggest(assessment, "tidak ada instansi lain yang berwenang")
    return _route(assessment, open_to[0], case.declined)


def _link(match: Match) -> LinkDuplicate:
    original = match.original
    return LinkDuplicate(
        original_report_id=original.report_id,
        similarity=match.similarity,
        reason=f"kemiripan {match.similarity:.2f} dengan laporan terbuka di wilayah "
        f"{original.area}, kategori {original.category_code}",
    )


def decide(
    case: Case, assessment: Assessment, duplicate: Match | None, threshold: float
) -> Message:
    """The one command routing sends for a report it has just assessed."""
    if case.declined:
        return _after_declines(case, assessment)
    if duplicate is not None:
        return _link(duplicate)
    best = assessment.best
    if assessment.hints:
        reason = "perlu diperiksa administrator: " + assessment.hints[0].explanation
    elif best is None:
        reason = "instansi yang berwenang tidak dapat ditentukan"
    elif best.confidence < threshold:
        reason = f"keyakinan {best.confidence:.2f} di bawah {threshold:.2f}"
    else:
        return _route(assessment, best, ())
    return _suggest(assessment, reason)
