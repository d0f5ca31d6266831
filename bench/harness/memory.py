"""Resident memory of running processes, each with every process it started."""

from pathlib import Path

MIB = 2**20


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _status(pid: int, field: str) -> int:
    """A memory figure of /proc/<pid>/status, in bytes (0 for a process that has gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    return 0


def peak_rss(pid: int) -> int:
    """The most the process itself has had resident, in bytes."""
    return _status(pid, "VmHWM")


def tree_rss(pid: int) -> int:
    """Bytes resident in the process and all its descendants."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        total += _status(current, "VmRSS")
        pending += _children(current)
    return total
