"""The operator's cockpit for real: ``dagster dev`` driven through its GraphQL API and a browser."""

import datetime as dt
import shutil
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dagster_project.settings import PROJECT_ROOT
from tests.builds import query
from tests.support import CHROMIUM, launch_chromium
from tests.ui.dagster_dev import FETCHED_PAGE_DATE, DagsterDev

OUTPUT = PROJECT_ROOT / "test-output"
FACTS = [
    ["marts", "fct_daily_movers"],
    ["marts", "fct_sector_daily"],
    ["marts", "fct_index_changes"],
]

LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""
RUN_STATUS = "query Run($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"
BACKFILL = """
mutation Backfill($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
  }
}
"""
BACKFILL_STATUS = """
query Backfill($id: String!) {
  partitionBackfillOrError(backfillId: $id) { ... on PartitionBackfill { status } }
}
"""


def location(dev: DagsterDev) -> dict[str, str]:
    data = dev.graphql(
        "{ repositoriesOrError { ... on RepositoryConnection "
        "{ nodes { name location { name } } } } }"
    )
    node = data["repositoriesOrError"]["nodes"][0]
    return {"repositoryName": node["name"], "repositoryLocationName": node["location"]["name"]}


def wait_for(check: Any, *, timeout: float, what: str, dev: DagsterDev) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(3)
    pytest.fail(f"timed out waiting for {what}\n" + dev.log.read_text()[-4000:])


def run_status(dev: DagsterDev, run_id: str) -> str:
    status: str = dev.graphql(RUN_STATUS, {"id": run_id})["runOrError"]["status"]
    return status


def test_whole_graph_launched_from_the_api_fetches_builds_and_publishes(
    dagster_dev: DagsterDev,
) -> None:
    repo = location(dagster_dev)
    answer = dagster_dev.graphql(
        LAUNCH,
        {
            "params": {
                "selector": {**repo, "jobName": "daily_close"},
                "runConfigData": {},
                "executionMetadata": {
                    "tags": [{"key": "dagster/partition", "value": FETCHED_PAGE_DATE.isoformat()}]
                },
            }
        },
    )["launchRun"]
    assert answer["__typename"] == "LaunchRunSuccess", answer
    run_id = answer["run"]["runId"]
    final = wait_for(
        lambda: (
            (status := run_status(dagster_dev, run_id)) in ("SUCCESS", "FAILURE", "CANCELED")
            and status
        ),
        timeout=600,
        what="the daily_close run",
        dev=dagster_dev,
    )
    assert final == "SUCCESS", dagster_dev.log.read_text()[-6000:]

    settings = dagster_dev.settings
    assert query(
        settings,
        "select close_price, change from marts.fct_daily_movers "
        "where market_date = ? and symbol = 'AIRLINK'",
        [FETCHED_PAGE_DATE],
    ) == [(Decimal("136.22"), Decimal("0.01"))]
    fetched = query(
        settings,
        "select source_path, status from audit.captures where source_path like 'fetched/%'",
    )
    assert len(fetched) == 1 and fetched[0][1] == "loaded"
    assert list((settings.raw_dir / "fetched").rglob("*.txt"))


def test_a_range_backfilled_from_the_api_runs_once_and_publishes(dagster_dev: DagsterDev) -> None:
    keys = [{"path": path} for path in FACTS]
    answer = dagster_dev.graphql(
        BACKFILL,
        {
            "params": {
                "assetSelection": keys,
                "partitionNames": ["2024-10-18", "2024-10-21"],
                "fromFailure": False,
            }
        },
    )["launchPartitionBackfill"]
    assert answer["__typename"] == "LaunchBackfillSuccess", answer
    backfill_id = answer["backfillId"]

    def done() -> str | None:
        status: str = dagster_dev.graphql(BACKFILL_STATUS, {"id": backfill_id})[
            "partitionBackfillOrError"
        ]["status"]
        return status if status not in ("REQUESTED",) else None

    status = wait_for(done, timeout=600, what="the backfill", dev=dagster_dev)
    assert status in ("COMPLETED", "COMPLETED_SUCCESS"), dagster_dev.log.read_text()[-6000:]
    runs = dagster_dev.graphql(
        "query Runs($tags: [ExecutionTag!]) { runsOrError(filter: {tags: $tags}) "
        "{ ... on Runs { results { runId status } } } }",
        {"tags": [{"key": "dagster/backfill", "value": backfill_id}]},
    )["runsOrError"]["results"]
    assert len(runs) == 1 and runs[0]["status"] == "SUCCESS", runs
    # Publish the rebuilt dates, as an operator does next from the UI.
    repo = location(dagster_dev)
    launched = dagster_dev.graphql(
        LAUNCH,
        {"params": {"selector": {**repo, "jobName": "publish_warehouse"}, "runConfigData": {}}},
    )["launchRun"]
    run_id = launched["run"]["runId"]
    wait_for(
        lambda: run_status(dagster_dev, run_id) == "SUCCESS",
        timeout=300,
        what="the publish run",
        dev=dagster_dev,
    )
    dates = query(
        dagster_dev.settings, "select distinct market_date from marts.fct_daily_movers order by 1"
    )
    assert dates == [(dt.date(2024, 10, 18),), (FETCHED_PAGE_DATE,)]


@pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (.ci/run installs it)"
)
def test_the_asset_graph_page_shows_the_lineage_in_a_browser(
    dagster_dev: DagsterDev, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    where = location(dagster_dev)["repositoryLocationName"]
    # Each group's assets, as its List tab names them (the lineage graph of a large group is
    # drawn zoomed out, with long names cut short and nodes outside the view not drawn).
    groups = {
        "landing": ("landing / fetched_pages", "landing / capture_files"),
        "marts": (
            "marts / dim_symbol",
            "marts / fct_daily_movers",
            "marts / fct_sector_daily",
            "marts / fct_index_changes",
        ),
        "warehouse": ("warehouse / published",),
    }
    shot = tmp_path / "dagster-asset-graph.png"
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            tab = browser.new_page(viewport={"width": 1600, "height": 1000})
            tab.goto(
                f"{dagster_dev.url}/asset-groups", wait_until="domcontentloaded", timeout=120_000
            )
            for group in groups:
                tab.get_by_text(group, exact=True).first.wait_for(timeout=120_000)
            skip = tab.get_by_role("button", name="Skip")
            if skip.count():
                skip.first.click()
            tab.screenshot(path=str(shot), full_page=True)
            for group, names in groups.items():
                page = f"{dagster_dev.url}/locations/{where}/asset-groups/{group}"
                tab.goto(page, wait_until="domcontentloaded", timeout=120_000)
                tab.locator("svg").first.wait_for(timeout=120_000)
                tab.screenshot(path=str(tmp_path / f"dagster-group-{group}.png"), full_page=True)
                tab.goto(f"{page}/list", wait_until="domcontentloaded", timeout=120_000)
                for name in names:
                    tab.get_by_text(name, exact=True).first.wait_for(timeout=120_000)
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
    OUTPUT.mkdir(exist_ok=True)
    for picture in tmp_path.glob("*.png"):
        shutil.copy2(picture, OUTPUT / picture.name)
