"""Which taxonomy category a report is about: a multinomial naive Bayes over the features of
routing.text, in pure Python.

A report's features are the unigrams and bigrams of its stemmed content words, the title's
weighted more than the body's, each counted once per field so a long rambling body does not
drown its title. An unknown word of five letters or more is first corrected to the most
frequent training word one edit away (symmetric-delete lookup), so typos still count.

Confidences are the posterior softened by a temperature. ``train`` chooses it by stratified
k-fold cross-validation on its own examples: every example is scored by a model trained
without its fold, and the temperature is the one that minimises the negative log-likelihood
of the true categories over those held-out scores (a golden-section search on 1/T, where the
likelihood is convex). ``learn`` keeps the temperature of the seed model.
"""

import csv
import hashlib
import math
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from routing import text

TITLE_WEIGHT = 2.0
LESSON_WEIGHT = 3.0
SMOOTHING = 0.1
FOLDS = 5
EVIDENCE = 3
CORRECTABLE = 6
IDF_POWER = 0.0
LENGTH_POWER = 0.0

Weights = dict[str, float]


@dataclass(frozen=True)
class Example:
    """A report whose category is known: a seed training example or a lesson from a correction."""

    category_code: str
    title: str
    body: str


@dataclass(frozen=True)
class Prediction:
    category_code: str
    confidence: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class _Counts:
    """Weighted feature counts per category index: what training and lessons add to."""

    features: Mapping[str, Mapping[int, float]]
    totals: tuple[float, ...]
    documents: tuple[float, ...]
    words: Mapping[str, int]


@dataclass(frozen=True)
class _Tables:
    """The counts turned into what scoring needs: for a feature seen in category c,
    log(1 + n_fc / alpha); per category, the log prior and the log normaliser."""

    bonus: Mapping[str, tuple[tuple[int, float], ...]]
    idf: Mapping[str, float]
    log_prior: tuple[float, ...]
    log_norm: tuple[float, ...]


@dataclass(frozen=True)
class Classifier:
    version: str
    categories: tuple[str, ...]
    temperature: float
    lessons: tuple[Example, ...]
    counts: _Counts
    tables: _Tables
    spelling: Mapping[str, str]

    @classmethod
    def train(cls, examples: Sequence[Example], categories: Sequence[str]) -> "Classifier":
        codes = tuple(categories)
        documents, words = _documents(examples, codes)
        counts = _count(documents, len(codes), 1.0, words)
        return cls(
            version=f"nb-{_digest(codes, examples)}",
            categories=codes,
            temperature=_fit_temperature(documents, counts),
            lessons=(),
            counts=counts,
            tables=_tables(counts),
            spelling=_spelling_index(counts.words),
        )

    def predict(self, title: str, body: str, limit: int = 5) -> list[Prediction]:
        """The most likely categories, best first, with calibrated confidences."""
        heading, story = self._corrected(text.words(title)), self._corrected(text.words(body))
        weights = _field_weights(_features(heading), _features(story))
        probabilities = _softmax(_scores(self.tables, weights), self.temperature)
        best = sorted(range(len(self.categories)), key=lambda c: (-probabilities[c], c))
        readable = _readable(heading + story)
        return [
            Prediction(self.categories[c], probabilities[c], self._evidence(c, weights, readable))
            for c in best[:limit]
        ]

    def learn(self, lessons: Sequence[Example]) -> "Classifier":
        """A new model that also learned these corrections; this one is left unchanged."""
        added, words = _documents(lessons, self.categories)
        counts = _count(
            added, len(self.categories), LESSON_WEIGHT, Counter(self.counts.words) + words
        )
        counts = _add(self.counts, counts)
        learned = (*self.lessons, *lessons)
        base = self.version.split("+")[0]
        return Classifier(
            version=f"{base}+{len(learned)}.{_digest((), learned)}",
            categories=self.categories,
            temperature=self.temperature,
            lessons=learned,
            counts=counts,
            tables=_tables(counts),
            spelling=_spelling_index(counts.words),
        )

    def _corrected(self, found: list[str]) -> list[tuple[str, str]]:
        """(stem, word) of each content word, a misspelt word replaced by its likely spelling."""
        return text.terms([self._spell(word) for word in found])

    def _spell(self, word: str) -> str:
        if word in self.counts.words or len(word) < CORRECTABLE or not text.is_content(word):
            return word
        known = [self.spelling[v] for v in _deletes(word) if v in self.spelling]
        return max(known, key=lambda w: (self.counts.words[w], w), default=word)

    def _evidence(
        self, category: int, weights: Weights, readable: Mapping[str, str]
    ) -> tuple[str, ...]:
        """The features that weighed most for a category compared with the others."""
        size = len(self.categories)
        lift = {}
        for feature, weight in weights.items():
            bonuses = dict(self.tables.bonus.get(feature, ()))
            mine = bonuses.get(category, 0.0)
            lift[feature] = weight * (mine - sum(bonuses.values()) / size)
        ranked = sorted((f for f in lift if lift[f] > 0), key=lambda f: (-lift[f], f))
        return tuple(readable.get(feature, feature) for feature in ranked[:EVIDENCE])


def load_training(path: Path) -> list[Example]:
    with path.open(encoding="utf-8", newline="") as source:
        return [
            Example(row["category"], row["title"], row["body"]) for row in csv.DictReader(source)
        ]


def load_categories(path: Path) -> list[str]:
    """The category codes of taxonomy.toml, "<group>.<category>", in file order."""
    with path.open("rb") as source:
        groups = tomllib.load(source)["group"]
    return [
        f"{group['code']}.{category['code']}"
        for group in groups
        for category in group["categories"]
    ]


def _documents(
    examples: Sequence[Example], categories: Sequence[str]
) -> tuple[list[tuple[int, Weights]], Counter[str]]:
    """Each example as (category index, feature weights), and how often each content word occurs."""
    index = {code: position for position, code in enumerate(categories)}
    documents, words = [], Counter[str]()
    for example in examples:
        heading, story = text.words(example.title), text.words(example.body)
        words.update(word for word in heading + story if text.is_content(word))
        weights = _field_weights(_features(text.terms(heading)), _features(text.terms(story)))
        documents.append((index[example.category_code], weights))
    return documents, words


def _features(terms: Sequence[tuple[str, str]]) -> list[str]:
    return text.features([stem for stem, _ in terms])


def _field_weights(title: Iterable[str], body: Iterable[str]) -> Weights:
    weights: Weights = dict.fromkeys(body, 1.0)
    for feature in set(title):
        weights[feature] = weights.get(feature, 0.0) + TITLE_WEIGHT
    return weights


def _count(
    documents: Iterable[tuple[int, Weights]], size: int, scale: float, words: Mapping[str, int]
) -> _Counts:
    features: defaultdict[str, defaultdict[int, float]] = defaultdict(lambda: defaultdict(float))
    totals, docs = [0.0] * size, [0.0] * size
    for category, weights in documents:
        docs[category] += 1.0
        for feature, weight in weights.items():
            features[feature][category] += weight * scale
            totals[category] += weight * scale
    return _Counts(
        {f: dict(c) for f, c in features.items()}, tuple(totals), tuple(docs), dict(words)
    )


def _add(first: _Counts, second: _Counts) -> _Counts:
    features = {feature: dict(by_category) for feature, by_category in first.features.items()}
    for feature, by_category in second.features.items():
        merged = features.setdefault(feature, {})
        for category, count in by_category.items():
            merged[category] = merged.get(category, 0.0) + count
    totals = tuple(a + b for a, b in zip(first.totals, second.totals, strict=True))
    documents = tuple(a + b for a, b in zip(first.documents, second.documents, strict=True))
    return _Counts(features, totals, documents, second.words)


def _subtract(whole: _Counts, part: _Counts) -> _Counts:
    features = {}
    for feature, by_category in whole.features.items():
        held = part.features.get(feature, {})
        left = {
            c: n - held.get(c, 0.0) for c, n in by_category.items() if n - held.get(c, 0.0) > 1e-9
        }
        if left:
            features[feature] = left
    totals = tuple(a - b for a, b in zip(whole.totals, part.totals, strict=True))
    documents = tuple(a - b for a, b in zip(whole.documents, part.documents, strict=True))
    return _Counts(features, totals, documents, whole.words)


def _tables(counts: _Counts) -> _Tables:
    vocabulary = len(counts.features)
    all_documents = sum(counts.documents)
    size = len(counts.totals)
    bonus = {
        feature: tuple((c, math.log1p(n / SMOOTHING)) for c, n in sorted(by_category.items()))
        for feature, by_category in counts.features.items()
    }
    return _Tables(
        bonus=bonus,
        idf={
            f: math.log((size + 1) / (len(c) + 1)) ** IDF_POWER for f, c in counts.features.items()
        },
        log_prior=tuple(math.log((d + 1.0) / (all_documents + size)) for d in counts.documents),
        log_norm=tuple(
            math.log(t + SMOOTHING * vocabulary) - math.log(SMOOTHING) for t in counts.totals
        ),
    )


def _scores(tables: _Tables, weights: Weights) -> list[float]:
    """Log joint probability per category, up to a constant, of the known features."""
    scores = list(tables.log_prior)
    known = 0.0
    for feature, weight in weights.items():
        weight *= tables.idf.get(feature, 0.0)
        for category, bonus in tables.bonus.get(feature, ()):
            scores[category] += weight * bonus
        known += weight
    scale = max(known, 1.0) ** LENGTH_POWER
    return [
        (score - known * norm) / scale for score, norm in zip(scores, tables.log_norm, strict=True)
    ]


def _softmax(scores: Sequence[float], temperature: float) -> list[float]:
    top = max(scores)
    exps = [math.exp((score - top) / temperature) for score in scores]
    total = sum(exps)
    return [value / total for value in exps]


def _fit_temperature(documents: Sequence[tuple[int, Weights]], counts: _Counts) -> float:
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
    documents: Sequence[tuple[int, Weights]], counts: _Counts
) -> Iterable[tuple[_Tables, list[tuple[int, Weights]]]]:
    seen: Counter[int] = Counter()
    fold_of = []
    for category, _ in documents:
        fold_of.append(seen[category] % FOLDS)
        seen[category] += 1
    for fold in range(FOLDS):
        held = [document for document, f in zip(documents, fold_of, strict=True) if f == fold]
        part = _count(held, len(counts.totals), 1.0, {})
        yield _tables(_subtract(counts, part)), held


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


def _deletes(word: str) -> set[str]:
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def _spelling_index(words: Mapping[str, int]) -> dict[str, str]:
    """Each word, and each word with one letter deleted, mapped to its most frequent source."""
    index: dict[str, str] = {}
    for word in sorted(words, key=lambda w: (-words[w], w)):
        if len(word) >= CORRECTABLE - 1 and word.isalpha():
            for variant in _deletes(word):
                index.setdefault(variant, word)
    return index


def _readable(found: Sequence[tuple[str, str]]) -> dict[str, str]:
    """A feature in the words the reporter used: the first word that gave each stem."""
    words: dict[str, str] = {}
    for stem, word in found:
        words.setdefault(stem, word)
    pairs = {
        f"{a} {b}": f"{words[a]} {words[b]}"
        for (a, _), (b, _) in zip(found, found[1:], strict=False)
    }
    return {**words, **pairs}


def _digest(categories: Sequence[str], examples: Iterable[Example]) -> str:
    digest = hashlib.sha256("\n".join(categories).encode())
    for example in examples:
        digest.update(f"\x1e{example.category_code}\x1f{example.title}\x1f{example.body}".encode())
    return digest.hexdigest()[:8]
