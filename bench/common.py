"""What the bench parts share: sizes, figures, timed processes, builds and synthetic data."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dagster_project.settings import PROJECT_ROOT

BIN = Path(sys.executable).parent
CLI = str(BIN / "market-snapshots")
SEED = 20241018
#: The share of stock-days with a corporate action in every synthetic history the bench builds
#: (checked against the ground truth like the closes: ``bench/expected.py``).
ACTION_SHARE = 0.002


@dataclass(frozen=True)
class Scale:
    """Sizes of one bench run."""

    normalise_days: int  # PSX sessions of the normalise data set
    captures_per_day: int
    symbols: int
    history: dict[str, int]  # label -> sessions already built before the new day
    runs: int  # runs of each cheap figure (the median is reported)
    build_runs: int  # runs of each incremental-day and no-op build
    full_builds: int  # runs of each full build from scratch


FULL = Scale(2500, 12, 30, {"1 month": 21, "1 year": 248, "10 years": 2500}, 5, 3, 1)
QUICK = Scale(125, 4, 30, {"1 month": 21, "3 months": 63}, 2, 2, 1)


@dataclass
class Figure:
    """One measured quantity: the runs and their median."""

    name: str
    unit: str
    runs: list[float]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


# ---------------------------------------------------------------------------- processes


def timed_process(
    command: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path = PROJECT_ROOT
) -> tuple[float, float, str]:
    """Run ``command``; return (wall seconds, peak RSS in MB, combined output)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command),
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{output[-4000:]}")
    return elapsed, usage.ru_maxrss / 1024, output


def build_env(raw: Path, warehouse: Path, **extra: str) -> dict[str, str]:
    """The environment of a build of ``raw`` into ``warehouse`` (state dir beside it)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("MARKET_")}
    env.pop("DAGSTER_HOME", None)
    return env | {"MARKET_RAW_DIR": str(raw), "MARKET_WAREHOUSE": str(warehouse)} | extra


def build(raw: Path, warehouse: Path) -> tuple[float, float, str]:
    """``market-snapshots build`` in its own process: (seconds, peak MB, output)."""
    return timed_process([CLI, "build"], env=build_env(raw, warehouse))


# ---------------------------------------------------------------------------- data


def synth(out: Path, *, days: int, scale: Scale) -> Path:
    """Synthetic captures in ``out`` (kept: regenerated only when the parameters change)."""
    from dagster_project.tools.synth.captures import write_captures

    expected = out / "expected.json"
    wanted = {"days": days, "captures_per_day": scale.captures_per_day, "symbols": scale.symbols}
    wanted |= {"action_share": ACTION_SHARE}
    if expected.exists():
        params = json.loads(expected.read_text(encoding="utf-8"))["params"]
        if all(params.get(key) == value for key, value in wanted.items()):
            return out
        shutil.rmtree(out)
    write_captures(out, **wanted, seed=SEED)  # type: ignore[arg-type]
    return out


def capture_files(raw: Path) -> list[Path]:
    return sorted(path for path in raw.rglob("*") if path.suffix in (".txt", ".html"))


def page_date(path: Path) -> dt.date:
    return dt.date.fromisoformat(path.name.split("_")[1])
