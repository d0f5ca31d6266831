"""Processes a scenario starts itself (a ceiling's server, a service restarted on purpose):
started, waited for, and always stopped."""

import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def answers(url: str) -> bool:
    """Whether the URL answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=1) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


@contextmanager
def running(
    command: Sequence[str], env: dict[str, str], log: Path, cwd: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """The command, its output in ``log``; terminated (killed after 10 s) on exit."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=output, stderr=output)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until(
    ready: Callable[[], bool], process: subprocess.Popen[bytes], timeout_s: float
) -> float:
    """Seconds until ``ready()`` held; an error if the process ended or time ran out first."""
    began = time.perf_counter()
    while not ready():
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode} during start")
        if time.perf_counter() - began > timeout_s:
            raise TimeoutError(f"{process.args!r} not ready after {timeout_s:.0f} s")
        time.sleep(0.05)
    return time.perf_counter() - began
