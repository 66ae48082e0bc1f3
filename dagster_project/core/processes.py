"""Processes: whether one still runs, and the ones a killed build left behind.

The leftovers of a killed build carry its pid in their file names (staging files), and its
processes carry its token in their environment (:data:`BUILD_TOKEN`): a build's children (dbt,
the HTML worker, step workers) inherit the variable, so the next build can find and stop them
even when the build itself was killed with SIGKILL and could not take them down.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterable
from pathlib import Path

#: The environment variable every process of a running build carries (its token).
BUILD_TOKEN = "MARKET_SNAPSHOTS_BUILD"
_PROC = Path("/proc")


def pid_is_alive(pid: int) -> bool:
    """True when ``pid`` is this process or another one that still runs (a zombie does not)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _state(pid) not in {"Z", "X", None} or not _PROC.is_dir()


def _state(pid: int) -> str | None:
    """The one-letter state of ``/proc/<pid>/stat`` (``R``, ``S``, ``Z`` …), None when gone."""
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def _parent(pid: int) -> int:
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return 0
    return int(stat.rsplit(")", 1)[1].split()[1])


def ancestors() -> set[int]:
    """This process and every process above it."""
    found = {os.getpid()}
    pid = os.getppid()
    while pid > 1 and pid not in found:
        found.add(pid)
        pid = _parent(pid)
    return found


def processes_with_token(token: str) -> dict[int, str]:
    """Running processes whose environment has ``BUILD_TOKEN=token``: pid -> command name.

    This process and its ancestors are never listed. Empty where there is no ``/proc``.
    """
    wanted = f"{BUILD_TOKEN}={token}".encode()
    mine = ancestors()
    found = {}
    for entry in _PROC.iterdir() if _PROC.is_dir() else ():
        if not entry.name.isdigit() or int(entry.name) in mine:
            continue
        try:
            environment = (entry / "environ").read_bytes().split(b"\0")
            if wanted in environment and pid_is_alive(int(entry.name)):
                found[int(entry.name)] = (entry / "comm").read_text().strip()
        except OSError:  # gone meanwhile, or another user's
            continue
    return found


def stop_processes(pids: Iterable[int], *, grace: float = 5.0, timeout: float = 15.0) -> list[int]:
    """SIGTERM ``pids``, SIGKILL those still running after ``grace`` seconds; the pids still
    running after ``timeout`` seconds (none, unless they belong to another user)."""
    left = set(pids)
    for number, sig in enumerate((signal.SIGTERM, signal.SIGKILL)):
        for pid in left:
            try:
                os.kill(pid, sig)
            except (ProcessLookupError, PermissionError):
                continue
        deadline = time.monotonic() + (grace if number == 0 else timeout - grace)
        while left and time.monotonic() < deadline:
            left = {pid for pid in left if pid_is_alive(pid)}
            time.sleep(0.05)
        left = {pid for pid in left if pid_is_alive(pid)}
        if not left:
            break
    return sorted(left)
