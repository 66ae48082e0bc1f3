"""Readers during builds, two builds at once, and captures added while a build runs."""

from __future__ import annotations

import fcntl
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dagster_project.settings import Settings
from tests.builds import copy_build
from tests.faults.builds import add_day, dbt_building, start_build, wait_for

pytestmark = pytest.mark.e2e

READER = r"""
import json, sys, time
from pathlib import Path
import duckdb

warehouse, out, stop = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
deadline = time.monotonic() + float(sys.argv[4])
hold = sys.argv[5] == "held"
QUERY = '''
select
    (select count(*) from marts.fct_daily_movers),
    (select count(distinct market_date) from marts.fct_daily_movers),
    (select count(*) from marts.fct_index_changes),
    (select count(*) from audit.captures),
    (select count(*) from marts.latest_daily_movers),
    (select count(distinct market_date) from marts.latest_daily_movers)
'''
held = None
with out.open("w") as log:
    while not stop.exists() and time.monotonic() < deadline:
        if not warehouse.exists():
            time.sleep(0.01)
            continue
        try:
            if hold:
                # One connection for the whole run, like a BI tool that never reconnects.
                held = held or duckdb.connect(str(warehouse), read_only=True)
                row = held.execute(QUERY).fetchall()[0]
            else:
                con = duckdb.connect(str(warehouse), read_only=True)
                try:
                    row = con.execute(QUERY).fetchall()[0]
                finally:
                    con.close()
            log.write(json.dumps({"row": list(row)}) + "\n")
        except Exception as exc:
            log.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
        log.flush()
        time.sleep(0.02)
"""


def build_lock_held(warehouse: Path) -> bool:
    """True while some process holds the build lock of the warehouse's state directory."""
    lock = warehouse.parent / ".state" / "build.lock"
    if not lock.exists():
        return False
    with lock.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def market_dates(log: str) -> int:
    found = re.search(r"market dates: (\d+)", log)
    assert found, log[-2000:]
    return int(found.group(1))


def test_readers_builds_and_late_captures(sample_build: Settings, tmp_path: Path) -> None:
    copied = copy_build(sample_build, tmp_path)  # the sample, built: one market date
    raw, warehouse = copied.raw_dir, copied.warehouse
    warehouse.unlink()  # not published yet: the readers poll while the first publish makes it
    add_day(raw, 0)  # the first build's new market date
    stop = tmp_path / "stop"
    readers = {
        mode: subprocess.Popen(
            [
                sys.executable,
                "-c",
                READER,
                str(warehouse),
                str(tmp_path / mode),
                str(stop),
                "400",
                mode,
            ]
        )
        for mode in ("fresh", "held")
    }
    try:
        logs = []
        for number in range(2):
            build = start_build(raw, warehouse, log=tmp_path / f"build-{number}.log")
            if number == 0:
                # Two builds at once: the second fails fast and clearly, touching nothing.
                wait_for(
                    lambda: build_lock_held(warehouse),
                    timeout=180,
                    what="the first build to take the build lock",
                    build=build,
                )
                rival = start_build(raw, warehouse, log=tmp_path / "rival.log")
                assert rival.wait(timeout=120) == 2, rival.text()[-2000:]
                assert "another build is running" in rival.text()
            wait_for(
                lambda build=build: dbt_building(build),
                timeout=180,
                what="dbt build to start (landing is over)",
                build=build,
            )
            if number == 0:
                add_day(raw, 1)  # landed too late for this build: the next one takes it
            assert build.wait() == 0, build.text()[-4000:]
            logs.append(build.text())
        assert [market_dates(log) for log in logs] == [2, 3]
        time.sleep(0.5)
    finally:
        stop.touch()
        for reader in readers.values():
            reader.wait(timeout=60)

    seen: dict[str, set[int]] = {}
    for mode in readers:
        rows = [json.loads(line) for line in (tmp_path / mode).read_text().splitlines()]
        assert [row["error"] for row in rows if "error" in row] == [], mode
        assert len(rows) >= 20, (mode, len(rows))
        for row in rows:
            movers, dates, indices, captures, latest, latest_dates = row["row"]
            # One build's counts, never a mix: every table agrees on the number of market dates.
            assert (movers, indices, captures, latest, latest_dates) == (
                30 * dates,
                4 * dates,
                dates,
                30,
                1,
            ), (mode, row)
            seen.setdefault(mode, set()).add(dates)
    assert seen["fresh"] == {2, 3}
    assert seen["held"] == {2}  # an open connection keeps reading the file it opened
