"""`make bench` in smoke mode: the harness starts a platform of its own, runs every scenario
tiny, stops everything and writes a well-formed results file. Nothing here is about speed: no
figure is compared with any bound, only that every scenario measured something."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.run import SCENARIOS
from tests.infra import ROOT

NO_CEILING = {"escalation", "idle"}
MACHINE = {"cpu", "cores", "memory_gib", "kernel", "python", "java"}


def _smoke(results: Path) -> subprocess.CompletedProcess[str]:
    services = ":".join(
        str(ROOT / "services" / name) for name in ("intake", "routing", "escalation", "analytics")
    )
    env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'libs'}:{services}"}
    command = [sys.executable, "-m", "bench.run", "--smoke", "--results", str(results)]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def _well_formed(scenario: dict[str, Any]) -> None:
    assert scenario["error"] == "", scenario["error"]
    assert isinstance(scenario["passed"], bool)
    assert scenario["measured"]
    assert scenario["summary"]
    assert all(isinstance(goal["met"], bool) for goal in scenario["goals"])
    if scenario["name"] in NO_CEILING:
        assert scenario["ceiling"] is None
    else:
        assert set(scenario["ceiling"]) == {"what", "value", "unit"}
        assert isinstance(scenario["ratio"], float)


def test_a_smoke_run_writes_every_scenario_with_its_ceiling_and_goals(tmp_path: Path) -> None:
    done = _smoke(tmp_path)

    assert done.returncode == 0, done.stderr[-3000:]
    written = json.loads((tmp_path / "latest.json").read_text())
    [dated] = [p for p in tmp_path.glob("*.json") if p.name != "latest.json"]
    assert json.loads(dated.read_text()) == written
    assert written["mode"] == "smoke"
    assert set(written["machine"]) >= MACHINE
    assert re.fullmatch(r"[0-9a-f]{40}", written["code"]["commit"])
    assert [s["name"] for s in written["scenarios"]] == [s.name for s in SCENARIOS]
    for scenario in written["scenarios"]:
        _well_formed(scenario)
    assert written["table"] in done.stdout
