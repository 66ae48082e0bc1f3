"""Parts 2 and 3 of ``make bench``: one new day on histories of each size, full and no-op builds."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import statistics
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.common import Figure, Scale, build, capture_files, page_date, synth
from bench.expected import compare

# ---------------------------------------------------------------------------- 2+3. builds


def _link_tree(files: list[Path], source: Path, target: Path) -> None:
    """Hard-link ``files`` (under ``source``) into ``target``; mtimes are shared."""
    for path in files:
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        if not destination.exists():
            os.link(path, destination)


def _normalised_count(output: str) -> int | None:
    """Captures the build parsed: from the normalise step's log, or 0 for a skipped no-op."""
    found = re.findall(r"normalised (\d+) new capture", output)
    if found:
        return sum(int(count) for count in found)
    return 0 if re.search(r"^nothing new: ", output, re.MULTILINE) else None


def part_builds(work: Path, scale: Scale, *, reuse: bool = False) -> dict[str, Any]:
    """History warehouses of each size; one new market date on top of each.

    With ``reuse``, a history already built by an earlier bench run (its snapshot) is reused:
    only the new day is measured.
    """
    results: dict[str, Any] = {"incremental_day": {}, "full_build": {}, "noop_rebuild": {}}
    for label, sessions in scale.history.items():
        base = work / "history" / label.replace(" ", "-")
        everything = synth(base / "all", days=sessions + 1, scale=scale)
        files = capture_files(everything)
        last_session = dt.date.fromisoformat(
            max(json.loads((everything / "expected.json").read_text())["market_dates"])
        )
        new_day = [path for path in files if page_date(path) >= last_session]
        history = [path for path in files if page_date(path) < last_session]
        raw, warehouse = base / "raw", base / "warehouse" / "market.duckdb"
        snapshot = base / "snapshot"
        if not (reuse and snapshot.is_dir()):
            _build_history(results, label, scale, everything, history, raw, warehouse)
            shutil.rmtree(snapshot, ignore_errors=True)
            shutil.copytree(warehouse.parent, snapshot)
        day_runs = []
        for _ in range(scale.build_runs):
            shutil.rmtree(warehouse.parent)
            shutil.copytree(snapshot, warehouse.parent)
            for path in new_day:
                (raw / path.relative_to(everything)).unlink(missing_ok=True)
            _link_tree(new_day, everything, raw)
            seconds, _, output = build(raw, warehouse)
            day_runs.append(seconds)
        results["incremental_day"][label] = {
            "runs": day_runs,
            "median": statistics.median(day_runs),
            "history_sessions": sessions,
            "new_files": len(new_day),
            "new_day": last_session.isoformat(),
            "captures_parsed": _normalised_count(output),
            "matches_expected_json": compare(warehouse, everything / "expected.json"),
        }
        results["warehouse"] = str(warehouse)
    days = results["incremental_day"]
    smallest, *_, largest = list(scale.history)
    results["incremental_ratio"] = days[largest]["median"] / days[smallest]["median"]
    results["targets"] = {
        f"{largest} day within 1.5x of {smallest}": results["incremental_ratio"] <= 1.5,
        "no-op rebuild skips parsing": all(
            noop["skips_parsing"] for noop in results["noop_rebuild"].values()
        ),
    }
    return results


def _build_history(
    results: dict[str, Any],
    label: str,
    scale: Scale,
    everything: Path,
    history: list[Path],
    raw: Path,
    warehouse: Path,
) -> None:
    """Full builds of the history from scratch, then no-op rebuilds; recorded in ``results``."""
    full_runs, full_peaks = [], []
    for _ in range(scale.full_builds):
        shutil.rmtree(raw, ignore_errors=True)
        shutil.rmtree(warehouse.parent, ignore_errors=True)
        _link_tree(history, everything, raw)
        seconds, peak, output = build(raw, warehouse)
        full_runs.append(seconds)
        full_peaks.append(peak)
    results["full_build"][label] = asdict(
        Figure("full build", "s", full_runs, {"peak_mb": max(full_peaks), "captures": len(history)})
    ) | {"median": statistics.median(full_runs)}
    noop_runs, parsed = [], []
    for _ in range(scale.build_runs):
        seconds, _, output = build(raw, warehouse)
        noop_runs.append(seconds)
        parsed.append(_normalised_count(output))
    results["noop_rebuild"][label] = {
        "runs": noop_runs,
        "median": statistics.median(noop_runs),
        "captures_parsed": parsed,
        "skips_parsing": all(count == 0 for count in parsed),
    }
