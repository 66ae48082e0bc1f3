"""What every client check shares: its report, its failure, and running a command."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dagster_project.settings import PROJECT_ROOT

# Client environments live here (git-ignored), one folder each, rebuilt when their pins change.
CACHE_DIR = PROJECT_ROOT / ".bi"
PINS_DIR = Path(__file__).with_name("pins")
TEST_OUTPUT = PROJECT_ROOT / "test-output"


class CheckFailed(Exception):
    """A client did not do what docs/bi-clients.md says it does."""


@dataclass
class Report:
    """What one client check verified, line by line, as ``make bi-check`` prints it."""

    client: str
    versions: str = ""
    lines: list[str] = field(default_factory=list)

    def ok(self, text: str) -> None:
        """Something the docs promise, seen to work."""
        self.lines.append(f"ok       {text}")

    def caveat(self, text: str) -> None:
        """A limitation the docs state, seen to be exactly as stated."""
        self.lines.append(f"caveat   {text}")

    def unchecked(self, text: str) -> None:
        """Something this machine cannot check (it has no network beyond the registries)."""
        self.lines.append(f"unchecked {text}")


def expect(condition: bool, message: str) -> None:
    """Fail the client's check with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message)


def run(
    command: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 900,
    log: Path | None = None,
    stdin: str = "",
) -> str:
    """Run ``command`` and return its stdout; on failure raise with the end of its output.

    With ``log``, stdout and stderr also go to that file (installers are long-winded).
    """
    try:
        done = subprocess.run(
            list(command),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd=cwd,
            env=None if env is None else dict(env),
        )
    except subprocess.TimeoutExpired as exc:
        raise CheckFailed(f"`{' '.join(command)}` did not finish in {timeout:.0f} s") from exc
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(done.stdout + done.stderr, encoding="utf-8")
    if done.returncode != 0:
        tail = (done.stderr or done.stdout)[-2000:]
        raise CheckFailed(f"`{' '.join(command)}` exited {done.returncode}:\n{tail}")
    return done.stdout


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without the project's and Python's own settings, plus ``extra``."""
    dropped = ("MARKET_", "DAGSTER_", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")
    env = {key: value for key, value in os.environ.items() if not key.startswith(dropped)}
    env.update(extra)
    return env
