"""Read models an analyst writes as a plain Python fold in a file of their own.

The file defines::

    def fold(state: dict | None, event: dict) -> dict | None: ...   # required
    def key(event: dict) -> str | None: ...   # optional; default: the report id
    COLLECTION = "name"                        # optional; default: the file's stem

``event`` is an analyst's event (``analytics.analyst_events``). ``key`` says which document an
event belongs to (None: the event is skipped); ``fold`` gets that document's state so far
(None the first time) and returns the new one (None deletes the document).
"""

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analytics.analyst_events import AnalystEvent

State = dict[str, Any]
Fold = Callable[[State | None, AnalystEvent], State | None]
Key = Callable[[AnalystEvent], str | None]


def by_report(event: AnalystEvent) -> str:
    return str(event["report_id"])


@dataclass(frozen=True)
class AnalystModel:
    fold: Fold
    key: Key
    collection: str


def load_model(path: Path) -> AnalystModel:
    """The read model the file at ``path`` defines; ValueError if it defines no ``fold``."""
    spec = importlib.util.spec_from_file_location(f"lapor_analyst_model_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ValueError(f"{path} is not a Python file")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fold = getattr(module, "fold", None)
    if not callable(fold):
        raise ValueError(f"{path} defines no fold(state, event) function")
    key = getattr(module, "key", by_report)
    collection = getattr(module, "COLLECTION", path.stem)
    if not callable(key) or not isinstance(collection, str) or not collection:
        raise ValueError(f"{path}: key must be a function and COLLECTION a non-empty string")
    return AnalystModel(fold=fold, key=key, collection=collection)


@dataclass
class Folding:
    """An analyst's read model folded in memory: key -> state."""

    model: AnalystModel
    states: dict[str, State] = field(default_factory=dict)

    def apply(self, event: AnalystEvent) -> None:
        key = self.model.key(event)
        if key is None:
            return
        state = self.model.fold(self.states.get(key), event)
        if state is None:
            self.states.pop(key, None)
        else:
            self.states[key] = state

    def documents(self) -> list[State]:
        """The documents to store, ``{"_id": key, **state}``, in ``_id`` order."""
        return [
            {"_id": key, **{k: v for k, v in self.states[key].items() if k != "_id"}}
            for key in sorted(self.states)
        ]
