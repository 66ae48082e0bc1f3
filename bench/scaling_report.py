"""``python -m bench.scaling table``: the tables of ``docs/scaling.md`` from ``result.json`` files.

Three tables: each volume's sizes and builds; where the DuckDB build's time goes (Dagster's
step events, kept in ``result.json``); where the Spark build's time goes (dbt's
``run_results.json``, summed by kind of node, in ``<work>/<label>/spark-target/``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def _cell(run: dict[str, Any] | None) -> str:
    if not run:
        return "–"
    if run["returncode"] != 0:
        return f"failed ({run['seconds']:.0f} s)"
    pss = f" / {run['peak_tree_pss_mb']:,}" if "peak_tree_pss_mb" in run else ""
    largest = run.get("peak_process_mb", run["max_rss_mb"])
    return f"{run['seconds']:,.0f} s, {run['peak_tree_mb']:,}{pss} MB ({largest:,})"


def _matches(result: dict[str, Any]) -> str:
    """Whether the DuckDB build and the new day matched ``expected.json``, or which checks not."""
    verdicts = [
        (step, result.get(step, {}).get("matches_expected_json")) for step in ("duckdb", "newday")
    ]
    checked = [(step, found) for step, found in verdicts if found]
    failed = [f"{step}: {name}" for step, found in checked for name, ok in found.items() if not ok]
    if not checked:
        return "–"
    return "yes" if not failed else "no (" + ", ".join(failed) + ")"


def table(results: Sequence[dict[str, Any]]) -> str:
    """The markdown table of ``docs/scaling.md`` from ``run``'s results.

    A build's cell: seconds, the process tree's peak RSS / PSS (when sampled) and, in brackets,
    the largest process's peak RSS, in MB."""
    lines = [
        "| volume | sessions × symbols × captures | quote rows | raw files, MB | DuckDB build "
        "| warehouse MB | lake files, MB | Spark build | new day | load (1 min) "
        "| matches expected.json |",
        "| --- " * 11 + "|",
    ]
    for result in results:
        raw, duck = result.get("raw", {}), result.get("duckdb") or {}
        steps = [step for step in ("duckdb", "spark", "newday") if result.get(step)]
        loads = [f"{result[step]['load_before'][0]:.1f}" for step in steps]
        lines.append(
            f"| {result['label']} | {raw.get('sessions', '?')} × {result['symbols']} × "
            f"{result['captures_per_day']} | {result.get('rows', {}).get('quotes', 0):,} | "
            f"{raw.get('files', 0):,}, {raw.get('mb', 0):,.0f} | {_cell(duck)} | "
            f"{duck.get('warehouse', {}).get('mb', '–')} | "
            f"{duck.get('lake', {}).get('files', 0):,}, {duck.get('lake', {}).get('mb', '–')} | "
            f"{_cell(result.get('spark'))} | {_cell(result.get('newday'))} | {', '.join(loads)} | "
            f"{_matches(result)} |"
        )
    return "\n".join(lines)


STEP_NAMES = {
    "landing__capture_files": "landing",
    "normalised_captures": "normalise + lake",
    "market_dbt_models": "dbt base models",
    "market_dbt_daily_facts": "dbt daily facts",
    "warehouse__published": "publish",
}


def step_table(results: Sequence[dict[str, Any]]) -> str:
    """Seconds per Dagster step of each DuckDB build; the rest is start-up, planning, events."""
    head = " | ".join(STEP_NAMES.values())
    lines = [f"| volume | {head} | rest | total |", "| --- " * (len(STEP_NAMES) + 3) + "|"]
    for result in results:
        duck = result.get("duckdb") or {}
        steps = duck.get("steps_s")
        if not steps:
            continue
        cells = [steps.get(key, 0.0) for key in STEP_NAMES]
        rest = duck["seconds"] - sum(steps.values())
        row = " | ".join(f"{cell:.1f}" for cell in [*cells, rest, duck["seconds"]])
        lines.append(f"| {result['label']} | {row} |")
    return "\n".join(lines)


def spark_table(paths: Sequence[Path]) -> str:
    """Seconds per kind of dbt node in each volume's Spark build (``execution_time`` summed)."""
    kinds = {"operation": "on-run-start hook", "model": "models", "test": "data tests"}
    kinds |= {"unit_test": "unit tests", "seed": "seeds"}
    head = " | ".join(kinds.values())
    lines = [f"| volume | market dates | {head} | of the models: daily facts | wall |"]
    lines.append("| --- " * (len(kinds) + 4) + "|")
    for path in paths:
        result = json.loads(path.read_text(encoding="utf-8"))
        run_results = path.parent / "spark-target" / "run_results.json"
        if not result.get("spark") or not run_results.is_file():
            continue
        manifest = json.loads((run_results.parent / "manifest.json").read_text(encoding="utf-8"))
        seconds, daily = dict.fromkeys(kinds, 0.0), 0.0
        for node in json.loads(run_results.read_text(encoding="utf-8"))["results"]:
            kind = node["unique_id"].split(".")[0]
            seconds[kind] = seconds.get(kind, 0.0) + node["execution_time"]
            tags = manifest["nodes"].get(node["unique_id"], {}).get("tags", [])
            daily += node["execution_time"] if kind == "model" and "daily" in tags else 0.0
        cells = " | ".join(f"{seconds[kind]:,.0f}" for kind in kinds)
        lines.append(
            f"| {result['label']} | {result['raw']['sessions']:,} | {cells} | {daily:,.0f} | "
            f"{result['spark']['seconds']:,.0f} |"
        )
    return "\n".join(lines)


def report(paths: Sequence[Path]) -> str:
    """All three tables, with their headings."""
    results = [json.loads(path.read_text(encoding="utf-8")) for path in paths]
    return (
        f"{table(results)}\n\nDuckDB build steps (s):\n\n{step_table(results)}"
        f"\n\nSpark build, dbt nodes (s):\n\n{spark_table(paths)}"
    )
