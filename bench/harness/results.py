"""What a benchmark run found: per scenario the ceiling measured in the same run, the measured
values, their ratio to the ceiling and the goals met; written as JSON and shown as a table."""

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Ceiling:
    """The physical limit a scenario is held against, measured on the same machine and run."""

    what: str
    value: float
    unit: str


@dataclass(frozen=True)
class Goal:
    """A goal on one measured value: at least (or at most) ``bound``."""

    text: str
    key: str
    bound: float
    at_least: bool = True

    def met(self, measured: Mapping[str, float]) -> bool:
        value = measured.get(self.key)
        if value is None or math.isnan(value):
            return False
        return value >= self.bound if self.at_least else value <= self.bound


@dataclass(frozen=True)
class Outcome:
    """What a scenario measured. ``summary`` is the table's cell; ``measured`` has every
    value, the ratio to the ceiling (``ratio``) among them."""

    summary: str
    measured: dict[str, float]
    ceiling: Ceiling | None = None
    notes: tuple[str, ...] = ()


@dataclass
class Result:
    """One scenario's row: its outcome judged against its goals, or the error that ended it."""

    name: str
    title: str
    goals: list[dict[str, Any]]
    seconds: float
    outcome: Outcome | None = None
    error: str = ""
    passed: bool = field(init=False)

    def __post_init__(self) -> None:
        self.passed = self.outcome is not None and all(goal["met"] for goal in self.goals)


def judged(
    name: str, title: str, goals: Sequence[Goal], outcome: Outcome, seconds: float
) -> Result:
    checks = [{"goal": g.text, "met": g.met(outcome.measured)} for g in goals]
    return Result(name, title, checks, seconds, outcome)


def failed(name: str, title: str, goals: Sequence[Goal], error: str, seconds: float) -> Result:
    checks = [{"goal": g.text, "met": False} for g in goals]
    return Result(name, title, checks, seconds, error=error)


def ratio(measured: float, ceiling: float) -> float:
    return measured / ceiling if ceiling > 0 else math.nan


def _number(value: float) -> str:
    if math.isnan(value):
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}"


def _cells(result: Result) -> list[str]:
    outcome = result.outcome
    goals = "; ".join(g["goal"] for g in result.goals) or "-"
    met = ", ".join("yes" if g["met"] else "no" for g in result.goals) or "-"
    if outcome is None:
        return [result.title, f"failed: {result.error}", "-", "-", goals, met]
    ceiling = outcome.ceiling
    limit = f"{_number(ceiling.value)} {ceiling.unit} ({ceiling.what})" if ceiling else "-"
    share = outcome.measured.get("ratio")
    return [result.title, outcome.summary, limit, _number(share or math.nan), goals, met]


def table(results: Sequence[Result]) -> str:
    """A Markdown table: the one printed, and the one the README shows."""
    head = ["Scenario", "Measured", "Ceiling (same run)", "Ratio", "Goal", "Met"]
    rows = [head, ["---"] * len(head), *(_cells(r) for r in results)]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in rows)


def _tidy(value: Any) -> Any:
    """Floats to three decimals, NaN (nothing measured) to null."""
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 3)
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_tidy(v) for v in value]
    return value


def _entry(result: Result) -> dict[str, Any]:
    outcome = result.outcome or Outcome("", {})
    return {
        "name": result.name,
        "title": result.title,
        "passed": result.passed,
        "summary": outcome.summary,
        "ceiling": asdict(outcome.ceiling) if outcome.ceiling else None,
        "ratio": outcome.measured.get("ratio"),
        "goals": result.goals,
        "measured": outcome.measured,
        "notes": outcome.notes,
        "error": result.error,
        "seconds": result.seconds,
    }


def document(results: Sequence[Result], run: Mapping[str, Any]) -> dict[str, Any]:
    entries = [_entry(result) for result in results]
    tidy: dict[str, Any] = _tidy({**run, "scenarios": entries, "table": table(results)})
    return tidy


def write(folder: Path, stamp: str, content: Mapping[str, Any]) -> list[Path]:
    """``latest.json`` and a copy named after the run's UTC date and time."""
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(content, indent=2, ensure_ascii=False, allow_nan=False, default=str) + "\n"
    paths = [folder / "latest.json", folder / f"{stamp}.json"]
    for path in paths:
        path.write_text(text, encoding="utf-8")
    return paths
