"""Helpers shared by the test packages: the CLI as a user runs it, and headless Chromium."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from dagster_project.settings import PROJECT_ROOT

CLI = str(Path(sys.executable).with_name("market-snapshots"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Debian's Chromium, headless, with nothing reaching for the network on its own.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def user_env(**extra: str) -> dict[str, str]:
    """This process's environment without the test session's ``MARKET_*`` and Dagster settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("MARKET_")}
    env.pop("DAGSTER_HOME", None)
    env.update(extra)
    return env


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``market-snapshots ARGS`` in a subprocess, as a user runs it from the project root."""
    return subprocess.run(
        [CLI, *args],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        cwd=PROJECT_ROOT,
        env=user_env(**env),
    )


_LOG_PATH = re.compile(r"^(?:log|the build's full log): (.+)$", re.MULTILINE)


def with_build_log(printed: str) -> str:
    """What a build printed, followed by its full log (the file the printed ``log:`` line names):
    the quiet build prints stages only, Dagster's and dbt's own lines are in that file."""
    found = _LOG_PATH.findall(printed)
    logs = [Path(path).read_text(errors="replace") for path in found if Path(path).is_file()]
    return "\n".join([printed, *logs])


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium through Playwright (Playwright never downloads a browser here)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
