"""Which taxonomy category a report is about: a multinomial naive Bayes over the features of
routing.text, in pure Python, deterministic.

Features (unigrams and bigrams of stemmed content words) count once per field, the title's
TITLE_WEIGHT times a body's, so a long rambling body does not drown its title. At prediction a
feature also weighs its inverse category frequency ("warga" counts less than "odgj"), and the
log-likelihood is divided by the square root of the report's total feature weight, so a long
report is not more certain just by being long. An unknown word is first corrected to a known
one an edit away (text.Speller), so "puskesmaa" still counts as "puskesmas".

Confidences are a softmax of the scores at a temperature that ``train`` chooses by stratified
k-fold cross-validation on its own examples: each example (the i-th of its category is in fold
i mod FOLDS) is scored by the model trained without its fold, and the temperature minimises
the negative log-likelihood of the true categories over all these held-out scores (a
golden-section search on log 1/T). ``learn`` keeps the seed model's temperature.
"""

import csv
import hashlib
import math
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from routing import text

TITLE_WEIGHT = 2.0
LESSON_WEIGHT = 3.0
SMOOTHING = 2.0
FOLDS = 5
EVIDENCE = 3
_SETTINGS = f"title={TITLE_WEIGHT} alpha={SMOOTHING} folds={FOLDS}"

Weights = dict[str, float]
Document = tuple[int, Weights]


@dataclass(frozen=True)
class Example:
    """A report whose category is known: a seed training example or a lesson from a correction."""

    category_code: str
    title: str
    body: str


@dataclass(frozen=True)
class Prediction:
    """A category the report may be about, how sure, and which of its words said so."""

    category_code: str
    confidence: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class _Counts:
    """Weighted feature counts per category index: what training and lessons add to."""

    features: Mapping[str, Mapping[int, float]]
    totals: tuple[float, ...]
    documents: tuple[float, ...]


@dataclass(frozen=True)
class _Tables:
    """log P(f|c) = log(alpha + n_fc) - log(alpha V + N_c) kept as bonus log(1 + n_fc / alpha)
    where f was seen in c (log alpha cancels), its average over categories, and idf."""

    bonus: Mapping[str, tuple[tuple[int, float], ...]]
    average: Mapping[str, float]
    idf: Mapping[str, float]
    log_prior: tuple[float, ...]
    log_norm: tuple[float, ...]


@dataclass(frozen=True)
class Classifier:
    """A trained model: immutable, so a learned model is a new one with a new version."""

    version: str
    categories: tuple[str, ...] = field(repr=False)
    temperature: float
    lessons: tuple[Example, ...] = field(repr=False)
    counts: _Counts = field(repr=False)
    tables: _Tables = field(repr=False)
    speller: text.Speller = field(repr=False)

    @classmethod
    def train(cls, examples: Sequence[Example], categories: Sequence[str]) -> "Classifier":
        codes = tuple(categories)
        documents, words = _documents(examples, codes)
        counts = _count(documents, len(codes), 1.0)
        temperature = _fit_temperature(documents, counts)
        version = f"nb-{_digest((*codes, _SETTINGS, text.lexicon().version), examples)}"
        return cls(version, codes, temperature, (), counts, _tables(counts), text.Speller.of(words))

    def predict(self, title: str, body: str, limit: int = 5) -> list[Prediction]:
        """The most likely categories, best first, with calibrated confidences."""
        heading, story = self._terms(title), self._terms(body)
        weights = _field_weights(text.features(heading), text.features(story))
        probabilities = _softmax(_scores(self.tables, weights), self.temperature)
        best = sorted(range(len(self.categories)), key=lambda c: (-probabilities[c], c))[:limit]
        evidence = _evidence(self.tables, weights, text.readable(heading + story))
        return [Prediction(self.categories[c], probabilities[c], evidence.get(c, ())) for c in best]

    def learn(self, lessons: Sequence[Example]) -> "Classifier":
        """A new model that also learned these corrections, each weighing LESSON_WEIGHT seed
        examples; this one is left unchanged."""
        added, words = _documents(lessons, self.categories)
        counts = _merge(self.counts, _count(added, len(self.categories), LESSON_WEIGHT), 1.0)
        learned = (*self.lessons, *lessons)
        version = f"{self.version.split('+')[0]}+{len(learned)}.{_digest((), learned)}"
        speller = text.Speller.of(Counter(self.speller.frequencies) + words)
        codes, tables = self.categories, _tables(counts)
        return Classifier(version, codes, self.temperature, learned, counts, tables, speller)

    def _terms(self, field_text: str) -> list[tuple[str, str]]:
        """(stem, word) of each content word, a misspelt word replaced by its likely spelling."""
        return text.terms([self.speller.correct(word) for word in text.words(field_text)])


def load_training(path: Path) -> list[Example]:
    """The examples of a CSV file with columns category, title, body."""
    with path.open(encoding="utf-8", newline="") as source:
        return [
            Example(row["category"], row["title"], row["body"]) for row in csv.DictReader(source)
        ]


def load_categories(path: Path) -> list[str]:
    """The category codes of taxonomy.toml, "<group>.<category>", in file order."""
    with path.open("rb") as source:
        groups = tomllib.load(source)["group"]
    return [f"{g['code']}.{c['code']}" for g in groups for c in g["categories"]]


def _documents(
    examples: Sequence[Example], categories: Sequence[str]
) -> tuple[list[Document], Counter[str]]:
    """Each example as (category index, feature weights), and how often each content word occurs."""
    index = {code: position for position, code in enumerate(categories)}
    documents, words = [], Counter[str]()
    for example in examples:
        heading, story = text.words(example.title), text.words(example.body)
        words.update(word for word in heading + story if text.is_content(word))
        title, body = text.features(text.terms(heading)), text.features(text.terms(story))
        documents.append((index[example.category_code], _field_weights(title, body)))
    return documents, words


def _field_weights(title: Iterable[str], body: Iterable[str]) -> Weights:
    weights: Weights = dict.fromkeys(body, 1.0)
    for feature in dict.fromkeys(title):
        weights[feature] = weights.get(feature, 0.0) + TITLE_WEIGHT
    return weights


def _count(documents: Iterable[Document], size: int, scale: float) -> _Counts:
    features: defaultdict[str, defaultdict[int, float]] = defaultdict(lambda: defaultdict(float))
    totals, counted = [0.0] * size, [0.0] * size
    for category, weights in documents:
        counted[category] += 1.0
        for feature, weight in weights.items():
            features[feature][category] += weight * scale
            totals[category] += weight * scale
    return _Counts({f: dict(c) for f, c in features.items()}, tuple(totals), tuple(counted))


def _merge(first: _Counts, second: _Counts, sign: float) -> _Counts:
    """first + second (sign 1) or first - second (sign -1)."""
    features = {feature: dict(by_category) for feature, by_category in first.features.items()}
    for feature, by_category in second.features.items():
        merged = features.setdefault(feature, {})
        for category, count in by_category.items():
            merged[category] = merged.get(category, 0.0) + sign * count
            if merged[category] < 1e-9:
                del merged[category]
        if not merged:
            del features[feature]
    totals = tuple(a + sign * b for a, b in zip(first.totals, second.totals, strict=True))
    counted = tuple(a + sign * b for a, b in zip(first.documents, second.documents, strict=True))
    return _Counts(features, totals, counted)


def _tables(counts: _Counts) -> _Tables:
    size, documents = len(counts.totals), sum(counts.documents)
    vocabulary = max(len(counts.features), 1)
    bonus = {
        feature: tuple((c, math.log1p(n / SMOOTHING)) for c, n in sorted(by_category.items()))
        for feature, by_category in counts.features.items()
    }
    return _Tables(
        bonus=bonus,
        average={f: sum(b for _, b in bonuses) / size for f, bonuses in bonus.items()},
        idf={f: math.log((size + 1) / (len(c) + 1)) for f, c in counts.features.items()},
        log_prior=tuple(math.log((d + 1.0) / (documents + size)) for d in counts.documents),
        log_norm=tuple(
            math.log(t + SMOOTHING * vocabulary) - math.log(SMOOTHING) for t in counts.totals
        ),
    )


def _scores(tables: _Tables, weights: Weights) -> list[float]:
    """Per category, log prior plus the idf-weighted log-likelihood of the known features,
    divided by the square root of their total weight."""
    scores, known = [0.0] * len(tables.log_prior), 0.0
    for feature, weight in weights.items():
        weighed = weight * tables.idf.get(feature, 0.0)
        for category, bonus in tables.bonus.get(feature, ()):
            scores[category] += weighed * bonus
        known += weighed
    scale = math.sqrt(max(known, 1.0))
    return [
        prior + (score - known * norm) / scale
        for prior, score, norm in zip(tables.log_prior, scores, tables.log_norm, strict=True)
    ]


def _evidence(
    tables: _Tables, weights: Weights, readable: Mapping[str, str]
) -> dict[int, tuple[str, ...]]:
    """Per category, the features that lifted it most above the average category."""
    lifts: defaultdict[int, list[tuple[float, str]]] = defaultdict(list)
    for feature, weight in weights.items():
        if feature in tables.bonus:
            weighed, average = weight * tables.idf[feature], tables.average[feature]
            for category, bonus in tables.bonus[feature]:
                if bonus > average:
                    lifts[category].append((weighed * (average - bonus), feature))
    return {
        category: tuple(readable.get(feature, feature) for _, feature in sorted(found)[:EVIDENCE])
        for category, found in lifts.items()
    }


def _softmax(scores: Sequence[float], temperature: float) -> list[float]:
    top = max(scores)
    exps = [math.exp((score - top) / temperature) for score in scores]
    total = sum(exps)
    return [value / total for value in exps]


def _fit_temperature(documents: Sequence[Document], counts: _Counts) -> float:
    """The temperature minimising held-out negative log-likelihood under stratified k-fold CV."""
    held_out = []
    for tables, fold in _folds(documents, counts):
        for category, weights in fold:
            scores = _scores(tables, weights)
            top = max(scores)
            held_out.append((scores[category] - top, [score - top for score in scores]))

    def loss(log_inverse: float) -> float:
        inverse = math.exp(log_inverse)
        return sum(
            math.log(sum(math.exp(score * inverse) for score in scores)) - mine * inverse
            for mine, scores in held_out
        )

    return math.exp(-_golden_minimum(loss, -3.0, 4.0))


def _folds(
    documents: Sequence[Document], counts: _Counts
) -> Iterable[tuple[_Tables, list[Document]]]:
    """Per fold, the tables of a model trained without it, and its documents."""
    seen: Counter[int] = Counter()
    fold_of = []
    for category, _ in documents:
        fold_of.append(seen[category] % FOLDS)
        seen[category] += 1
    for fold in range(FOLDS):
        held = [document for document, f in zip(documents, fold_of, strict=True) if f == fold]
        yield _tables(_merge(counts, _count(held, len(counts.totals), 1.0), -1.0)), held


def _golden_minimum(function: Callable[[float], float], low: float, high: float) -> float:
    """The minimum of a unimodal function on [low, high] by golden-section search."""
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    left, right = high - ratio * (high - low), low + ratio * (high - low)
    at_left, at_right = function(left), function(right)
    for _ in range(18):
        if at_left < at_right:
            high, right, at_right = right, left, at_left
            left = high - ratio * (high - low)
            at_left = function(left)
        else:
            low, left, at_left = left, right, at_right
            right = low + ratio * (high - low)
            at_right = function(right)
    return (low + high) / 2.0


def _digest(categories: Sequence[str], examples: Iterable[Example]) -> str:
    digest = hashlib.sha256("\n".join(categories).encode())
    for example in examples:
        digest.update(f"\x1e{example.category_code}\x1f{example.title}\x1f{example.body}".encode())
    return digest.hexdigest()[:8]
