"""The batched SQLite event log (``defs/dagster_private/event_storage.py``) on Dagster homes.

A batch must leave the same rows as Dagster's stock SQLite storage writing its events one by
one, and a home the build configures (``cli/build.py``'s ``dagster.yaml``) must stay readable by
a stock instance. Dagster quietly falls back to single writes when a batch fails, so the batch
is also stored directly and compared row by row.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from dagster._core.events import DagsterEventType
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log import SqliteEventLogStorage

from dagster_project.cli.build import prepare_dagster_home
from dagster_project.defs.dagster_private import BatchedSqliteEventLogStorage, MarketDbtCliResource
from dagster_project.defs.jobs import RANGE_END_TAG, RANGE_START_TAG
from dagster_project.defs.resources import resources
from dagster_project.settings import DBT_EXECUTABLE, make_settings

DAYS = ["2024-10-14", "2024-10-15", "2024-10-16", "2024-10-17", "2024-10-18"]
WEEK = dg.DailyPartitionsDefinition(start_date="2024-10-14", end_date="2024-10-19")
RANGE = {RANGE_START_TAG: DAYS[0], RANGE_END_TAG: DAYS[-1]}
#: Columns that record when a row was written, not what it holds.
WRITE_TIMES = {"create_timestamp"}


@dg.asset(partitions_def=WEEK, backfill_policy=dg.BackfillPolicy.single_run())
def movers() -> None:
    """A daily fact, built for every date of the run at once."""


@dg.asset(partitions_def=WEEK, backfill_policy=dg.BackfillPolicy.single_run(), deps=[movers])
def sectors() -> None:
    """A second daily fact."""


def _run_week(instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    job = dg.define_asset_job("week", selection=[movers, sectors])
    defs = dg.Definitions(assets=[movers, sectors], jobs=[job])
    result = defs.resolve_job_def("week").execute_in_process(instance=instance, tags=RANGE)
    assert result.success
    return result


def _week_events() -> tuple[str, list[EventLogEntry]]:
    """The run id and every event of a run of the week's facts (on an in-memory instance)."""
    with dg.DagsterInstance.ephemeral() as instance:
        run_id = _run_week(instance).run_id
        records = instance.get_records_for_run(run_id).records
    return run_id, [record.event_log_entry for record in records]


def _rows(storage: SqliteEventLogStorage, shard: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of one shard, without the columns of write times."""
    con = sqlite3.connect(storage.path_for_shard(shard))
    try:
        tables = [
            row[0] for row in con.execute("select name from sqlite_master where type='table'")
        ]
        found = {}
        for table in tables:
            if table == "secondary_indexes":  # the migrations the storage ran, and when
                continue
            columns = [row[1] for row in con.execute(f"pragma table_info({table})")]
            kept = ", ".join(f'"{column}"' for column in columns if column not in WRITE_TIMES)
            found[table] = con.execute(f"select {kept} from {table} order by 1").fetchall()
        return found
    finally:
        con.close()


def _storages(tmp_path: Path) -> tuple[BatchedSqliteEventLogStorage, SqliteEventLogStorage]:
    # As in BatchedSqliteStorage, the stock storage lays out the folder first.
    SqliteEventLogStorage(str(tmp_path / "batched")).dispose()
    return BatchedSqliteEventLogStorage(str(tmp_path / "batched")), SqliteEventLogStorage(
        str(tmp_path / "stock")
    )


def _materializations(events: list[EventLogEntry]) -> list[EventLogEntry]:
    return [
        event
        for event in events
        if event.dagster_event_type == DagsterEventType.ASSET_MATERIALIZATION
    ]


def _assert_stored_alike(
    batched: BatchedSqliteEventLogStorage,
    stock: SqliteEventLogStorage,
    events: list[EventLogEntry],
    run_id: str,
) -> None:
    """``events`` stored as one batch and event by event leave the same rows in every shard."""
    batched.store_event_batch(events)
    for event in events:
        stock.store_event(event)
    for shard in ("index", run_id):
        assert _rows(batched, shard) == _rows(stock, shard), shard


def test_a_batch_writes_the_rows_of_event_by_event(tmp_path: Path) -> None:
    run_id, events = _week_events()
    batch = _materializations(events)
    assert len(batch) == 10  # 2 assets x 5 days
    batched, stock = _storages(tmp_path)
    try:
        _assert_stored_alike(batched, stock, batch, run_id)
        index = _rows(batched, "index")
        assert len(index["event_logs"]) == 10 and len(index["asset_keys"]) == 2
        for key in (movers.key, sectors.key):
            assert batched.get_materialized_partitions(key) == set(DAYS)
        latest = batched.get_latest_materialization_events([movers.key, sectors.key])
        partitions = {
            key: event.get_dagster_event().partition for key, event in latest.items() if event
        }
        assert partitions == {movers.key: DAYS[-1], sectors.key: DAYS[-1]}
    finally:
        batched.dispose()
        stock.dispose()


def test_a_batch_of_other_events_is_stored_one_by_one(tmp_path: Path) -> None:
    run_id, events = _week_events()
    assert len(events) > len(_materializations(events))
    batched, stock = _storages(tmp_path)
    try:
        _assert_stored_alike(batched, stock, events, run_id)
        assert len(_rows(batched, run_id)["event_logs"]) == len(events)
    finally:
        batched.dispose()
        stock.dispose()


def test_the_event_log_alone_opens_a_new_folder(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    storage = BatchedSqliteEventLogStorage(str(folder))
    try:
        assert (folder / "index.db").is_file()
        assert storage.get_logs_for_run("no-such-run") == []
    finally:
        storage.dispose()


def test_commits_skip_the_fsync_and_found_tables_are_not_asked_again(tmp_path: Path) -> None:
    storage = BatchedSqliteEventLogStorage(str(tmp_path / "log"))
    try:
        for shard in ("index", "some-run"):
            with storage.run_connection(shard) as conn:
                # synchronous=NORMAL (1): fewer waits for the disk, none at all on a commit in WAL
                assert conn.exec_driver_sql("pragma synchronous").scalar() == 1
        with storage.index_connection() as conn:  # Dagster keeps its index shard in WAL mode
            assert conn.exec_driver_sql("pragma journal_mode").scalar() == "wal"
        assert storage.has_table("event_logs")
        assert not storage.has_table("no_such_table")
        assert storage._tables_found == {"event_logs"}  # only a table that exists is remembered
        (tmp_path / "log" / "index.db").unlink()  # were it asked again, it would be missing now
        assert storage.has_table("event_logs")
    finally:
        storage.dispose()


def test_a_build_home_batches_a_runs_events_and_stays_stock_readable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    for name in ("DAGSTER_HOME", "DAGSTER_EVENT_BATCH_SIZE"):
        monkeypatch.setenv(name, "")  # restored (unset) after the test
        monkeypatch.delenv(name)
    settings = make_settings(raw_dir=tmp_path / "raw", warehouse=tmp_path / "wh" / "w.duckdb")
    home = prepare_dagster_home(settings)
    assert home == settings.dagster_home
    assert os.environ["DAGSTER_EVENT_BATCH_SIZE"] == "5000"  # what makes Dagster batch
    assert "class: BatchedSqliteStorage" in (home / "dagster.yaml").read_text()

    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance.event_log_storage, BatchedSqliteEventLogStorage)
        run_id = _run_week(instance).run_id
        planned = instance.get_records_for_run(
            run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION_PLANNED
        ).records
        # One planned event per asset with the run's range, not one per partition.
        assert len(planned) == 2
        assert instance.get_materialized_partitions(movers.key) == set(DAYS)
    assert "Exception while storing event batch" not in capfd.readouterr().err

    stock_home = tmp_path / "stock_home"
    stock_home.mkdir()
    (stock_home / "dagster.yaml").write_text(f"storage:\n  sqlite:\n    base_dir: {home}\n")
    with dg.DagsterInstance.from_config(str(stock_home)) as stock:
        assert type(stock.event_log_storage) is SqliteEventLogStorage
        assert stock.get_run_by_id(run_id) is not None
        records = stock.fetch_materializations(sectors.key, limit=10).records
        assert sorted(record.partition_key or "" for record in records) == DAYS


def test_the_dbt_resource_knows_the_installed_dbt_without_running_it(tmp_path: Path) -> None:
    dbt = resources(
        make_settings(raw_dir=tmp_path / "raw", warehouse=tmp_path / "wh" / "market.duckdb")
    )["dbt"]
    assert isinstance(dbt, MarketDbtCliResource)
    # What dagster-dbt would have asked `dbt --version` for, from the package metadata.
    reported = subprocess.run(
        [DBT_EXECUTABLE, "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert f"installed: {dbt._cli_version}" in reported
    assert dbt._initialize_dbt_core_adapter(["build"]) is None
