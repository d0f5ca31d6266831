"""The category classifier's quality and speed: stratified k-fold top-1/top-3 accuracy and a
reliability table (confidence bins against accuracy) on the seed corpus, training time and time
per prediction; and the same figures on the held-out evaluation set when it exists, for a model
trained on the whole seed corpus.

    PYTHONPATH=libs:services/routing .venv/bin/python bench/routing_classifier.py --folds 5
"""

import argparse
import math
import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from routing.classifier import Classifier, Example, load_categories, load_training

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "services/routing/routing/data"
BINS = 10


@dataclass(frozen=True)
class Outcome:
    """One held-out report: its category, the categories predicted (best first), the top
    confidence, the confidence given to the true category, and how long predicting took."""

    truth: str
    ranked: tuple[str, ...]
    confidence: float
    truth_confidence: float
    seconds: float


def folds(examples: Sequence[Example], count: int) -> list[list[Example]]:
    """Stratified folds: the i-th example of each category goes to fold i mod count."""
    seen: defaultdict[str, int] = defaultdict(int)
    split: list[list[Example]] = [[] for _ in range(count)]
    for example in examples:
        split[seen[example.category_code] % count].append(example)
        seen[example.category_code] += 1
    return split


def evaluate(model: Classifier, examples: Sequence[Example]) -> list[Outcome]:
    outcomes = []
    for example in examples:
        started = time.perf_counter()
        predictions = model.predict(example.title, example.body, limit=len(model.categories))
        seconds = time.perf_counter() - started
        truth = next(
            (p.confidence for p in predictions if p.category_code == example.category_code), 0.0
        )
        ranked = tuple(p.category_code for p in predictions)
        outcomes.append(
            Outcome(example.category_code, ranked, predictions[0].confidence, truth, seconds)
        )
    return outcomes


def trained(examples: Sequence[Example], categories: Sequence[str]) -> tuple[Classifier, float]:
    started = time.perf_counter()
    model = Classifier.train(examples, categories)
    return model, time.perf_counter() - started


def cross_validate(
    examples: Sequence[Example], categories: Sequence[str], count: int
) -> tuple[list[Outcome], list[float]]:
    outcomes, timings = [], []
    for held in folds(examples, count):
        kept = set(map(id, held))
        model, seconds = trained([e for e in examples if id(e) not in kept], categories)
        timings.append(seconds)
        outcomes.extend(evaluate(model, held))
    return outcomes, timings


def report(title: str, outcomes: Sequence[Outcome], training: Sequence[float]) -> None:
    total = len(outcomes)
    top1 = sum(o.ranked[0] == o.truth for o in outcomes) / total
    top3 = sum(o.truth in o.ranked[:3] for o in outcomes) / total
    loss = -sum(math.log(max(o.truth_confidence, 1e-12)) for o in outcomes) / total
    print(f"\n{title}: {total} reports")
    print(f"  top-1 accuracy {top1:.3f}   top-3 accuracy {top3:.3f}   log loss {loss:.3f}")
    for line in reliability(outcomes):
        print(f"  {line}")
    per_prediction = [o.seconds * 1000 for o in outcomes]
    print(f"  training {statistics.mean(training):.2f} s (mean of {len(training)})")
    print(
        f"  prediction {statistics.mean(per_prediction):.3f} ms mean, "
        f"{statistics.quantiles(per_prediction, n=100)[98]:.3f} ms p99"
    )


def reliability(outcomes: Sequence[Outcome]) -> list[str]:
    """Per confidence bin: how many, the mean confidence, and how many were right."""
    bins: defaultdict[int, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        bins[min(int(outcome.confidence * BINS), BINS - 1)].append(outcome)
    lines = ["confidence    reports  mean conf  accuracy"]
    gap = 0.0
    for index in sorted(bins):
        members = bins[index]
        confidence = statistics.mean(o.confidence for o in members)
        accuracy = statistics.mean(o.ranked[0] == o.truth for o in members)
        gap += len(members) * abs(confidence - accuracy)
        low, high = index / BINS, (index + 1) / BINS
        lines.append(
            f"{low:.1f}-{high:.1f}   {len(members):7d}  {confidence:9.3f}  {accuracy:8.3f}"
        )
    lines.append(f"expected calibration error {gap / len(outcomes):.3f}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--training", type=Path, default=DATA / "training.csv")
    parser.add_argument("--taxonomy", type=Path, default=DATA / "taxonomy.toml")
    parser.add_argument("--eval", type=Path, default=ROOT / "tests/data/routing_eval.csv")
    args = parser.parse_args()
    examples, categories = load_training(args.training), load_categories(args.taxonomy)
    outcomes, timings = cross_validate(examples, categories, args.folds)
    report(f"{args.folds}-fold cross-validation on {args.training.name}", outcomes, timings)
    if args.eval.exists():
        model, seconds = trained(examples, categories)
        report(f"held-out {args.eval.name}", evaluate(model, load_training(args.eval)), [seconds])
    else:
        print(f"\n{args.eval} does not exist: no held-out figures")


if __name__ == "__main__":
    main()
