"""The machine a run measured, and the code it measured: figures mean nothing without them."""

import os
import platform as host
import subprocess
from pathlib import Path
from typing import Any


def _first(path: str, prefix: str) -> str:
    for line in Path(path).read_text().splitlines():
        if line.startswith(prefix):
            return line.split(":", 1)[1].strip()
    return ""


def _output(*command: str, cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=cwd)
    except (OSError, subprocess.CalledProcessError):
        return ""
    return (done.stdout or done.stderr).strip()


def machine() -> dict[str, Any]:
    memory_kib = int(_first("/proc/meminfo", "MemTotal").split()[0])
    java = _output("java", "-version") or "not found"
    return {
        "cpu": _first("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kib / 2**20, 1),
        "kernel": host.release(),
        "python": host.python_version(),
        "java": java.splitlines()[0],
        "load_average_at_start": list(os.getloadavg()),
    }


def commit(root: Path) -> dict[str, Any]:
    """The commit measured, and whether the working tree differed from it."""
    return {
        "commit": _output("git", "rev-parse", "HEAD", cwd=root),
        "dirty": bool(_output("git", "status", "--porcelain", "--untracked-files=no", cwd=root)),
    }
