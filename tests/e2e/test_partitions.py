"""Daily partitions: dates materialised one by one, or backfilled together, equal a full build."""

import datetime as dt
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.cli.runs import range_tags, run_backfill, run_build
from dagster_project.core.dating.market_time import PKT
from dagster_project.definitions import defs
from dagster_project.defs.resources import resources_run_config
from dagster_project.settings import Settings, export_settings, make_settings
from tests.builds import copy_build, query, snapshot
from tests.captures import SAMPLE, index_line, page, stock_line, write


def write_two_sessions(raw: Path) -> None:
    thursday = [
        stock_line("AGL", "38.00", "0.50"),
        stock_line("HUBC", "96.80", "2.30"),
        stock_line("PRL", "26.40", "-0.10"),
        index_line("KSE100", "85585", "150"),
    ]
    write(
        raw / "thu.txt",
        page(dt.date(2024, 10, 17), thursday),
        captured_at=dt.datetime(2024, 10, 17, 16, 0, tzinfo=PKT),
    )
    write(
        raw / "fri.txt",
        SAMPLE.read_bytes(),
        captured_at=dt.datetime(2024, 10, 18, 16, 45, tzinfo=PKT),
    )


def dbt_parse_reasons(settings: Settings) -> list[list[str]]:
    """For each dbt invocation in the state's dbt log, oldest first: why it parsed in full.

    dbt rotates its log at 10 MB (``dbt.log.1`` is the newest of the older files).
    """
    invocations: list[list[str]] = []
    target = settings.dbt_target_dir
    rotated = sorted(target.glob("dbt.log.*"), key=lambda path: -int(path.suffix[1:]))
    lines = [
        line
        for log in [*rotated, target / "dbt.log"]
        for line in log.read_text("utf-8").splitlines()
    ]
    for line in lines:
        if not line.startswith("{"):
            continue
        event = json.loads(line)
        code = event["info"]["code"]
        if code == "A001":  # "Running with dbt=…": an invocation starts
            invocations.append([])
        elif code == "I024" and invocations:  # "Unable to do partial parsing because …"
            invocations[-1].append(event["data"]["reason"])
    return invocations


@pytest.fixture
def env_for() -> Iterator[object]:
    saved = dict(os.environ)

    def apply(settings: Settings) -> None:
        export_settings(settings)

    yield apply
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The two sessions built in full, once for the module (tests change copies of it)."""
    root = tmp_path_factory.mktemp("partitions")
    raw = root / "raw"
    write_two_sessions(raw)
    settings = make_settings(raw_dir=raw, warehouse=root / "full" / "market.duckdb")
    saved = dict(os.environ)
    export_settings(settings)
    try:
        assert run_build(settings, instance=dg.DagsterInstance.ephemeral()).success
    finally:
        os.environ.clear()
        os.environ.update(saved)
    yield settings


def test_dates_one_by_one_then_a_backfill_equal_a_full_build(
    full: Settings,
    tmp_path: Path,
    env_for,  # type: ignore[no-untyped-def]
) -> None:
    raw = full.raw_dir
    expected = snapshot(full.warehouse)
    assert [
        row[0]
        for row in query(full, "select distinct market_date from marts.fct_daily_movers order by 1")
    ] == [dt.date(2024, 10, 17), dt.date(2024, 10, 18)]

    parts = make_settings(raw_dir=raw, warehouse=tmp_path / "parts" / "market.duckdb")
    env_for(parts)
    instance = dg.DagsterInstance.ephemeral()
    # Runs of the parts' deployment: their resources point at its settings.
    config = {"resources": resources_run_config(parts)}
    ingest = defs.resolve_job_def("ingest_captures")
    assert ingest.execute_in_process(instance=instance, run_config=config).success
    dates_job = defs.resolve_job_def("build_market_dates")
    assert dates_job.execute_in_process(
        instance=instance, partition_key="2024-10-17", run_config=config
    ).success
    thursday_only = query(parts, "select distinct market_date from marts.fct_daily_movers")
    assert thursday_only == [(dt.date(2024, 10, 17),)]
    assert dates_job.execute_in_process(
        instance=instance, partition_key="2024-10-18", run_config=config
    ).success
    assert snapshot(parts.warehouse) == expected

    backfill = dates_job.execute_in_process(
        instance=instance,
        tags=range_tags([dt.date(2024, 10, 17), dt.date(2024, 10, 18)]),
        run_config=config,
    )
    assert backfill.success
    assert snapshot(parts.warehouse) == expected
    materialized = instance.get_materialized_partitions(dg.AssetKey(["marts", "fct_daily_movers"]))
    assert {"2024-10-17", "2024-10-18"} <= materialized
    # A view over the facts is one object: the two-date run materialised it once, unpartitioned.
    view = dg.AssetKey(["marts", "latest_daily_movers"])
    events = instance.fetch_materializations(view, limit=10).records
    assert [record.run_id for record in events].count(backfill.run_id) == 1
    assert events[0].partition_key is None
    # The window reaches dbt in the environment, which dbt reads only while it runs: moving it
    # never makes dbt parse the project again (a changed --vars would, at every run).
    reasons = dbt_parse_reasons(parts)
    assert len(reasons) >= 4  # the base models, then the three runs of the daily facts
    assert reasons[-3:] == [[], [], []]


def test_backfill_command_rebuilds_a_range_after_a_capture_changes(
    full: Settings,
    tmp_path: Path,
    env_for,  # type: ignore[no-untyped-def]
) -> None:
    settings = copy_build(full, tmp_path)  # the two sessions, built
    raw = settings.raw_dir
    env_for(settings)
    instance = dg.DagsterInstance.ephemeral()
    # A later capture of Thursday arrives: a backfill of the range picks it up.
    later = page(dt.date(2024, 10, 17), [stock_line("HUBC", "97.00", "2.50")])
    write(raw / "thu-late.txt", later, captured_at=dt.datetime(2024, 10, 17, 17, 0, tzinfo=PKT))
    outcome = run_backfill(
        settings, instance=instance, start=dt.date(2024, 10, 14), end=dt.date(2024, 10, 18)
    )
    assert outcome.success, outcome.failures
    assert query(
        settings,
        "select symbol, close_price from marts.fct_daily_movers where market_date = '2024-10-17'",
    ) == [("HUBC", pytest.approx(97))]
    assert query(
        settings, "select count(*) from marts.fct_daily_movers where market_date = '2024-10-18'"
    ) == [(30,)]


def test_an_empty_range_is_refused(tmp_path: Path) -> None:
    settings = make_settings(raw_dir=tmp_path, warehouse=tmp_path.parent / "x" / "market.duckdb")
    outcome = run_backfill(
        settings,
        instance=dg.DagsterInstance.ephemeral(),
        start=dt.date(2024, 10, 18),
        end=dt.date(2024, 10, 17),
    )
    assert not outcome.success and "empty" in outcome.failures[0]
    shutil.rmtree(tmp_path.parent / "x", ignore_errors=True)
