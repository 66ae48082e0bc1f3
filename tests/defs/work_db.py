"""A small working database for the planner's tests (jobs, sensors): written with SQL, it holds
the loaded captures of ``intermediate.int_captures_classified`` and daily tables that name the
captures they were built from, which is all the planner reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from dagster_project.core.build import planning
from dagster_project.defs.jobs import facts_fingerprint
from dagster_project.defs.transform.dbt import DAILY_MODELS
from dagster_project.settings import Settings, make_settings

THU, FRI = dt.date(2024, 10, 17), dt.date(2024, 10, 18)


def write_work_db(
    tmp_path: Path,
    *,
    loaded: dict[dt.date, str],
    built: dict[dt.date, str],
    stamp: str | None = None,
) -> Settings:
    """Settings whose working database loads ``loaded`` and whose facts hold ``built``.

    The facts stamp is the running code's (the facts match the code) unless ``stamp`` is given.
    """
    settings = make_settings(
        raw_dir=tmp_path / "raw",
        warehouse=tmp_path / "warehouse" / "market.duckdb",
        state_dir=tmp_path / "state",
    )
    settings.raw_dir.mkdir(parents=True, exist_ok=True)
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.work_db))
    try:
        con.execute(
            "create schema intermediate; create table intermediate.int_captures_classified "
            "(market_date date, capture_id varchar, status varchar, captured_at timestamptz)"
        )
        for day, capture in loaded.items():
            con.execute(
                "insert into intermediate.int_captures_classified values (?, ?, 'loaded', null)",
                [day, capture],
            )
        for model in DAILY_MODELS:
            con.execute(f"create schema if not exists {model.schema}")
            con.execute(f"create table {model.relation} (market_date date, capture_id varchar)")
            for day, capture in built.items():
                con.execute(f"insert into {model.relation} values (?, ?)", [day, capture])
    finally:
        con.close()
    planning.write_facts_stamp(settings.state_dir, facts_fingerprint() if stamp is None else stamp)
    return settings
