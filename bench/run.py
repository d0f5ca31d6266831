"""`make bench`: the platform against the physical limits of the same machine, in the same run.

Starts Kafka, FerretDB and the five services on private ports with a run dir of their own
(.run/bench), runs every scenario, each against a ceiling measured in the same run, stops
everything (also when a scenario fails), writes bench/results/latest.json and a copy named
after the run's UTC date and time, and prints the table.

    PYTHONPATH=.:libs:services/intake:services/routing:services/escalation:services/analytics \
        .venv/bin/python -m bench.run [--smoke] [--seed 7] [--only intake ...] \
        [--escalation-reports 1000000]

``--smoke`` runs every scenario tiny (seconds each): it checks the harness works, not how fast.
"""

import argparse
import asyncio
import logging
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.harness.load import Mix, shape
from bench.harness.machine import commit, machine
from bench.harness.results import Result, document, failed, judged, table, write
from bench.harness.scenario import FULL, SMOKE, Bench, Scenario, Sizes
from bench.harness.stack import ROOT, infrastructure, services
from bench.scenarios import (
    bulk_import,
    escalation,
    freshness,
    idle,
    intake_api,
    projection,
    replay,
    streams,
)

log = logging.getLogger("bench")
# Run before the others of their phase, on a platform that has done nothing yet: memory at
# rest, and freshness before the load of the others leaves routing a backlog.
FIRST = ("idle", "freshness")
RESULTS = ROOT / "bench/results"
# In the order of the table. The platform scenarios run first, then the others.
SCENARIOS: tuple[Scenario, ...] = (
    intake_api.SCENARIO,
    bulk_import.SCENARIO,
    replay.SCENARIO,
    projection.SCENARIO,
    freshness.SCENARIO,
    streams.SCENARIO,
    escalation.SCENARIO,
    idle.SCENARIO,
)


def attempt(scenario: Scenario, bench: Bench) -> Result:
    """Run one scenario on a loop of its own; a failure is its result, not the run's end."""
    log.info("scenario %s: %s", scenario.name, scenario.title)
    began = time.monotonic()
    try:
        outcome = asyncio.run(scenario.measure(bench))
    except Exception as exc:
        log.exception("scenario %s failed", scenario.name)
        return failed(scenario.name, scenario.title, scenario.goals, repr(exc), _since(began))
    return judged(scenario.name, scenario.title, scenario.goals, outcome, _since(began))


def _since(began: float) -> float:
    return round(time.monotonic() - began, 1)


def _phase(chosen: Iterable[Scenario], bench: Bench, needs: str) -> dict[str, Result]:
    ordered = sorted(chosen, key=lambda s: FIRST.index(s.name) if s.name in FIRST else len(FIRST))
    return {s.name: attempt(s, bench) for s in ordered if s.needs == needs}


def _unstarted(chosen: Iterable[Scenario], needs: str, error: Exception) -> dict[str, Result]:
    reason = f"the platform did not start: {error!r}"
    return {
        s.name: failed(s.name, s.title, s.goals, reason, 0.0) for s in chosen if s.needs == needs
    }


def run_all(chosen: Sequence[Scenario], mix: Mix, seed: int, sizes: Sizes) -> list[Result]:
    found: dict[str, Result] = {}
    with infrastructure(ROOT / ".run/bench") as stack:
        bench = Bench(stack, mix, seed, sizes)
        try:
            with services(stack):
                found |= _phase(chosen, bench, "platform")
        except Exception as exc:
            log.exception("the platform phase ended early")
            found = _unstarted(chosen, "platform", exc) | found
        found |= _phase(chosen, bench, "infrastructure")
    return [found[s.name] for s in chosen]


def _sizes(args: argparse.Namespace) -> Sizes:
    sizes = SMOKE if args.smoke else FULL
    if args.escalation_reports:
        return replace(sizes, escalation_reports=args.escalation_reports)
    return sizes


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="Every scenario, tiny.")
    parser.add_argument("--seed", type=int, default=7, help="Seed of the load generator.")
    parser.add_argument("--only", nargs="*", default=[], help="Only these scenarios, by name.")
    parser.add_argument("--results", type=Path, default=RESULTS, help="Folder for the JSON.")
    parser.add_argument(
        "--escalation-reports", type=int, help="Open reports for escalation (full: 100,000)."
    )
    args = parser.parse_args()
    unknown = set(args.only) - {s.name for s in SCENARIOS}
    if unknown:
        parser.error(f"no scenario named {', '.join(sorted(unknown))}")
    return args


def main() -> None:
    args = _arguments()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    chosen = [s for s in SCENARIOS if not args.only or s.name in args.only]
    sizes = _sizes(args)
    started, began = datetime.now(UTC), time.monotonic()
    regions = Path(os.environ.get("LAPOR_REGIONS_DIR", ROOT.parent / "shared/data/regions"))
    mix = Mix.load(regions)
    run: dict[str, Any] = {
        "started_at": started.isoformat(),
        "mode": "smoke" if args.smoke else "full",
        "seed": args.seed,
        "sizes": asdict(sizes),
        "machine": machine(),
        "code": commit(ROOT),
        "load": shape(mix.reports(args.seed, 5000)),
    }
    results = run_all(chosen, mix, args.seed, sizes)
    run |= {"finished_at": datetime.now(UTC).isoformat(), "seconds": _since(began)}
    paths = write(args.results, started.strftime("%Y%m%dT%H%M%SZ"), document(results, run))
    print(table(results))
    print(f"\nwritten to {', '.join(str(p) for p in paths)}")


if __name__ == "__main__":
    main()
