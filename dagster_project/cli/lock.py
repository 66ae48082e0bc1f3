"""The state directory's build lock, and the processes a killed build left behind.

One build at a time per state directory (``flock`` on ``build.lock``). The lock file holds the
running build's token, which every process the build starts inherits in its environment
(:data:`~dagster_project.core.processes.BUILD_TOKEN`); a build that ends normally empties it.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from dagster_project.core.capture.text import printable
from dagster_project.core.errors import BuildLockedError
from dagster_project.core.processes import BUILD_TOKEN, processes_with_token, stop_processes
from dagster_project.settings import Settings


@contextmanager
def build_lock(settings: Settings) -> Iterator[None]:
    """Hold the state directory's build lock; fail fast if another build holds it.

    The lock file holds the running build's token, which every process it starts inherits
    (:data:`BUILD_TOKEN`); a build that ends normally empties it. A token found there belongs to
    a build that was killed: its processes still running (a dbt child, a step worker) are
    stopped before this build starts, so it never meets them on the working database.
    """
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    with settings.build_lock.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildLockedError(
                f"another build is running on {settings.state_dir} (lock {settings.build_lock}); "
                "try again when it has finished"
            ) from exc
        before = os.environ.get(BUILD_TOKEN)
        try:
            handle.seek(0)
            if previous := handle.read().strip():
                _stop_leftovers(previous)
            token = f"{os.getpid()}-{time.time_ns()}"
            handle.seek(0)
            handle.truncate()
            handle.write(token)
            handle.flush()
            os.environ[BUILD_TOKEN] = token
            yield
            handle.truncate(0)
        finally:
            if before is None:
                os.environ.pop(BUILD_TOKEN, None)
            else:
                os.environ[BUILD_TOKEN] = before
            fcntl.flock(handle, fcntl.LOCK_UN)


def _stop_leftovers(token: str) -> None:
    """Stop what a killed build (``token``) left running, saying so; fail if it cannot."""
    leftovers = processes_with_token(token)
    if not leftovers:
        return
    named = ", ".join(f"{pid} {name}" for pid, name in sorted(leftovers.items()))
    print(
        f"market-snapshots: stopping {len(leftovers)} process(es) left running by a killed "
        f"build ({printable(named)})",
        file=sys.stderr,
    )
    if alive := stop_processes(leftovers):
        raise BuildLockedError(
            f"processes of a killed build still run and cannot be stopped (pid "
            f"{', '.join(map(str, alive))}): stop them, then build again"
        )
