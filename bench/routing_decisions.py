"""Routing decisions per second: the whole decision (region, categories, rules, ranking,
verification hints, the command) for real-style complaint texts, in one process, as the
routing handler makes it for each report. Also: how the decisions split (routed, left to the
administrators) and how long loading routing's knowledge takes.

    PYTHONPATH=libs:services/routing .venv/bin/python bench/routing_decisions.py \
        --regions ../shared/data/regions --texts tests/data/routing_eval.csv
"""

import argparse
import csv
import resource
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lapor.routing.v1.commands_pb2 import RouteReport
from routing.classifier import Classifier, load_training
from routing.directory import load_directory
from routing.domain import Case, Router, decide
from routing.gazetteer import Gazetteer
from routing.registry import Registry
from routing.rules import load_rules, resolve, targets
from routing.taxonomy import load_taxonomy
from routing.text import words

DATA = Path(__file__).resolve().parents[1] / "services/routing/routing/data"
AT = datetime(2026, 11, 2, tzinfo=UTC)


def load_router(regions: Path) -> Router:
    """Routing's whole knowledge, as the service loads it at start."""
    taxonomy = load_taxonomy(DATA / "taxonomy.toml")
    model = Classifier.train(load_training(DATA / "training.csv"), list(taxonomy.categories))
    return Router(
        directory=load_directory(regions),
        gazetteer=Gazetteer.load(regions),
        rules=load_rules(DATA / "rules.toml"),
        classifier=model,
        registry=Registry(),
    )


def _cases(texts: Path) -> list[tuple[Case, str]]:
    """Each text as a report (with its region code when the row has one) and its label."""
    with texts.open(encoding="utf-8", newline="") as rows:
        return [
            (
                Case(f"R{i}", row["title"], row["body"], row.get("regency_code", ""), "", AT),
                row.get("category", ""),
            )
            for i, row in enumerate(csv.DictReader(rows))
        ]


def _expected_agency(router: Router, case: Case, category: str) -> str:
    """The agency the rules name for the labelled category in the report's region."""
    rule = router.rules.by_category.get(category)
    if rule is None:
        return ""
    text = " ".join(words(f"{case.title} {case.body}"))
    found = resolve(targets(rule, text)[0], case.region_code, router.directory)
    return found.agency.code if found else ""


@dataclass
class Scores:
    known: int = 0  # reports whose right agency the rules name
    first: int = 0  # ... that routing suggests first
    anywhere: int = 0  # ... that routing suggests at all
    routed: int = 0  # ... that routing would route automatically
    routed_right: int = 0  # ... to the right agency


def _agency_accuracy(router: Router, cases: list[tuple[Case, str]], threshold: float) -> Scores:
    scores = Scores()
    for case, category in cases:
        expected = _expected_agency(router, case, category)
        if not expected:
            continue
        assessment = router.assess(case.title, case.body, case.region_code)
        suggested = [s.agency_code for s in assessment.suggestions]
        command = decide(case, assessment, None, threshold)
        scores.known += 1
        scores.first += suggested[:1] == [expected]
        scores.anywhere += expected in suggested
        if isinstance(command, RouteReport):
            scores.routed += 1
            scores.routed_right += command.agency_code == expected
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=Path, required=True)
    parser.add_argument("--texts", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threshold", type=float, default=0.6)
    args = parser.parse_args()
    started = time.perf_counter()
    router = load_router(args.regions)
    loaded = time.perf_counter() - started
    cases = _cases(args.texts)
    outcomes: Counter[str] = Counter()
    timings = []
    for _ in range(args.rounds):
        for case, _ in cases:
            begin = time.perf_counter()
            assessment = router.assess(case.title, case.body, case.region_code)
            command = decide(case, assessment, None, args.threshold)
            timings.append(time.perf_counter() - begin)
            outcomes[type(command).__name__] += 1
    total = sum(timings)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"knowledge loaded in {loaded:.2f} s (directory, gazetteer, rules, model training)")
    print(f"peak memory of this process with it loaded: {peak} MiB")
    print(f"{len(timings)} decisions in {total:.2f} s: {len(timings) / total:.0f} decisions/s")
    print(
        f"per decision: median {statistics.median(timings) * 1000:.2f} ms, "
        f"p99 {statistics.quantiles(timings, n=100)[98] * 1000:.2f} ms"
    )
    routed = outcomes[RouteReport.__name__] / sum(outcomes.values())
    print(f"routed automatically at {args.threshold}: {routed:.0%}; {dict(outcomes)}")
    s = _agency_accuracy(router, cases, args.threshold)
    print(
        f"right agency (the rules applied to the labelled category and region), {s.known} "
        f"reports: first suggestion {s.first / s.known:.1%}, among the suggestions "
        f"{s.anywhere / s.known:.1%}; routed automatically {s.routed}, of which right "
        f"{s.routed_right / s.routed:.1%}"
    )


if __name__ == "__main__":
    main()
