"""``core/processes.py``: live processes, and the leftovers of a killed build, with real ones."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

from dagster_project.core.processes import (
    BUILD_TOKEN,
    pid_is_alive,
    processes_with_token,
    stop_processes,
)

SLEEPER = "import signal, time; {ignore}time.sleep(120)"
PARENT = (
    "import subprocess, sys; "
    "child = subprocess.Popen([sys.executable, '-c', {sleeper!r}]); "
    "print(child.pid, flush=True); child.wait()"
)


def orphan(token: str, *, ignore_term: bool = False) -> int:
    """A process whose parent was SIGKILLed, as a killed build's dbt child is; its pid."""
    ignore = "signal.signal(signal.SIGTERM, signal.SIG_IGN); " if ignore_term else ""
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT.format(sleeper=SLEEPER.format(ignore=ignore))],
        env={**os.environ, BUILD_TOKEN: token},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    assert pid_is_alive(child)
    return child


def found_within(token: str, seconds: float = 10.0) -> dict[int, str]:
    """:func:`processes_with_token`, asked again for up to ``seconds`` while it finds nothing.

    Once (7 Dec, a fresh clone's ``make test`` beside the other xdist worker's builds) the
    orphan was not found at once although it was alive; a leftover of a killed build has been
    running for seconds when the next build looks, so a short wait shows the same rule."""
    deadline = time.monotonic() + seconds
    found = processes_with_token(token)
    while not found and time.monotonic() < deadline:
        time.sleep(0.1)
        found = processes_with_token(token)
    return found


def test_a_killed_builds_leftover_is_found_and_stopped() -> None:
    token = uuid.uuid4().hex
    child = orphan(token)
    found = found_within(token)
    assert list(found) == [child]
    assert found[child].startswith("python")
    assert processes_with_token(uuid.uuid4().hex) == {}  # another build's token: not ours
    assert stop_processes(found) == []
    assert not pid_is_alive(child)
    assert processes_with_token(token) == {}


def test_a_leftover_ignoring_sigterm_is_killed() -> None:
    token = uuid.uuid4().hex
    child = orphan(token, ignore_term=True)
    assert stop_processes([child], grace=0.3) == []
    assert not pid_is_alive(child)


def test_a_process_never_lists_itself_or_its_parents() -> None:
    token = uuid.uuid4().hex
    script = (
        "from dagster_project.core.processes import processes_with_token; "
        f"print(sorted(processes_with_token({token!r})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, BUILD_TOKEN: token},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"


def test_pid_is_alive() -> None:
    assert pid_is_alive(os.getpid())
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert not pid_is_alive(int(done.stdout))
