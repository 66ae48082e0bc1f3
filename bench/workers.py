"""Part 7 of ``make bench``: the normalise fan-out. The full build of the normalise data set from
scratch with ``MARKET_WORKERS=1`` (every step in one process, the default) and ``2`` (Dagster's
multiprocess executor, the normalise batches side by side), alternated, in one bench run."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

from bench.common import CLI, Scale, build_env, synth, timed_process

#: Seconds from the first normalise step's start to the last one's success, per run.
_NORMALISE_SPAN = (
    "import json, dagster as dg\n"
    "spans = []\n"
    "with dg.DagsterInstance.get() as instance:\n"
    "    for run in instance.get_runs():\n"
    "        times = [event.timestamp for event in instance.all_logs(run.run_id)\n"
    "                 if (event.step_key or '').startswith('normalised_captures.')\n"
    "                 and event.dagster_event_type\n"
    "                 and event.dagster_event_type.value in ('STEP_START', 'STEP_SUCCESS')]\n"
    "        if times:\n"
    "            spans.append(max(times) - min(times))\n"
    "print(json.dumps(sum(spans)))\n"
)


def _normalise_seconds(home: Path) -> float:
    env = os.environ | {"DAGSTER_HOME": str(home)}
    _, _, output = timed_process([sys.executable, "-c", _NORMALISE_SPAN], env=env)
    return float(json.loads(output.strip().splitlines()[-1]))


def part_workers(work: Path, scale: Scale, *, runs: int = 2) -> dict[str, Any]:
    """Full builds with one and two workers: wall seconds, the normalise steps' span, peak MB."""
    raw = synth(
        work / "data" / f"normalise-{scale.normalise_days}d", days=scale.normalise_days, scale=scale
    )
    found: dict[str, dict[str, list[float]]] = {
        str(workers): {"build_s": [], "normalise_s": [], "peak_mb": []} for workers in (1, 2)
    }
    for _ in range(runs):
        for workers, figures in found.items():
            warehouse = work / "workers" / f"w{workers}" / "market.duckdb"
            shutil.rmtree(warehouse.parent, ignore_errors=True)
            env = build_env(raw, warehouse, MARKET_WORKERS=workers)
            seconds, peak, _ = timed_process([CLI, "build"], env=env)
            figures["build_s"].append(seconds)
            figures["peak_mb"].append(peak)
            home = warehouse.parent / ".state" / "dagster_home"
            figures["normalise_s"].append(_normalise_seconds(home))
    medians = {
        workers: {name: statistics.median(values) for name, values in figures.items()}
        for workers, figures in found.items()
    }
    return {
        "captures_dir": str(raw),
        "runs": found,
        "median": medians,
        "normalise_ratio_2_to_1": medians["2"]["normalise_s"] / medians["1"]["normalise_s"],
        "build_ratio_2_to_1": medians["2"]["build_s"] / medians["1"]["build_s"],
        "load": os.getloadavg(),
    }
