"""Does the batched SQLite event log still pay for itself? One run of two partitioned assets over
N daily partitions (a rebuild's daily facts), on a Dagster home with Dagster's stock SQLite
storage and on one with ``defs/dagster_private/``'s batched storage, each in a fresh process.

``python -m bench.event_storage [--days 2500]`` prints the seconds of each run; the figure goes in
``docs/performance.md`` ("Costs the code is shaped around") on any upgrade of the Dagster pins.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STOCK_YAML = "telemetry:\n  enabled: false\n"
BATCHED_YAML = (
    STOCK_YAML + "storage:\n  custom:\n    module: dagster_project.defs.dagster_private\n"
    "    class: BatchedSqliteStorage\n    config:\n      base_dir:\n        env: DAGSTER_HOME\n"
)
START = dt.date(2015, 1, 1)


def run_once(days: int) -> float:
    """In this process (DAGSTER_HOME set by the caller): one run over ``days`` partitions."""
    import dagster as dg

    end = START + dt.timedelta(days=days)
    partitions = dg.DailyPartitionsDefinition(
        start_date=START.isoformat(), end_date=end.isoformat()
    )
    policy = dg.BackfillPolicy.single_run()

    @dg.asset(partitions_def=partitions, backfill_policy=policy)
    def movers() -> None:
        """A daily fact, built for every date of the run at once."""

    @dg.asset(partitions_def=partitions, backfill_policy=policy, deps=[movers])
    def sectors() -> None:
        """A second daily fact."""

    job = dg.define_asset_job("facts", selection=[movers, sectors])
    defs = dg.Definitions(assets=[movers, sectors], jobs=[job])
    tags = {
        "dagster/asset_partition_range_start": START.isoformat(),
        "dagster/asset_partition_range_end": (end - dt.timedelta(days=1)).isoformat(),
    }
    with dg.DagsterInstance.get() as instance:
        started = time.perf_counter()
        result = defs.resolve_job_def("facts").execute_in_process(instance=instance, tags=tags)
        seconds = time.perf_counter() - started
    assert result.success
    return seconds


def measure(yaml: str, days: int) -> float:
    """Seconds of one run on a new Dagster home configured by ``yaml`` (a fresh process)."""
    with tempfile.TemporaryDirectory() as home:
        Path(home, "dagster.yaml").write_text(yaml)
        env = os.environ | {"DAGSTER_HOME": home, "DAGSTER_EVENT_BATCH_SIZE": "5000"}
        out = subprocess.run(
            [sys.executable, "-m", "bench.event_storage", "--days", str(days), "--child"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return float(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=2500)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(f"{run_once(args.days):.2f}")
        return
    stock, batched = measure(STOCK_YAML, args.days), measure(BATCHED_YAML, args.days)
    print(f"{args.days} partitions x 2 assets: stock SQLite {stock:.1f} s, batched {batched:.1f} s")


if __name__ == "__main__":
    main()
