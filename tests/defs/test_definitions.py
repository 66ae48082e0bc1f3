import json

import dagster as dg

from dagster_project.definitions import defs
from dagster_project.defs.transform.dbt import DBT_MANIFEST


def keys() -> set[str]:
    return {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}


def test_definitions_load_with_the_whole_graph() -> None:
    assert {
        "landing/fetched_pages",
        "landing/capture_files",
        "normalised/captures",
        "normalised/quotes",
        "normalised/index_levels",
        "normalised/rejected_lines",
        "normalised/headlines",
        "staging/stg_brecorder__quotes",
        "marts/fct_daily_movers",
        "marts/fct_sector_daily",
        "marts/fct_index_changes",
        "marts/fct_headlines",
        "marts/bridge_headline_symbol",
        "marts/dim_symbol",
        "audit/captures",
        "audit/rejected_lines",
        "warehouse/published",
    } <= keys()
    for job in ("ingest_captures", "build_market_dates", "publish_warehouse", "fetch_pages"):
        assert defs.resolve_job_def(job) is not None


def test_lineage_runs_from_raw_files_to_the_published_warehouse() -> None:
    graph = defs.resolve_asset_graph()
    upstream = graph.get(dg.AssetKey(["warehouse", "published"])).parent_keys
    assert dg.AssetKey(["marts", "fct_daily_movers"]) in upstream
    assert dg.AssetKey(["audit", "captures"]) in upstream
    staging = graph.get(dg.AssetKey(["staging", "stg_brecorder__quotes"])).parent_keys
    assert staging == {dg.AssetKey(["normalised", "quotes"])}
    normalised = graph.get(dg.AssetKey(["normalised", "quotes"])).parent_keys
    assert normalised == {dg.AssetKey(["landing", "capture_files"])}


def test_dbt_tests_are_asset_checks() -> None:
    checks = defs.resolve_asset_graph().asset_check_keys
    assert any(check.asset_key == dg.AssetKey(["marts", "fct_daily_movers"]) for check in checks)


def test_every_asset_has_a_group_and_a_description() -> None:
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if node.is_materializable:
            assert node.group_name and node.group_name != "default", key
            assert node.description, key


def test_the_daily_fact_tables_are_partitioned_and_the_views_over_them_are_not() -> None:
    graph = defs.resolve_asset_graph()
    partitioned = {
        key.to_user_string()
        for key in graph.get_all_asset_keys()
        if graph.get(key).partitions_def is not None
    }
    assert partitioned == {
        "marts/fct_daily_movers",
        "marts/fct_sector_daily",
        "marts/fct_index_changes",
        "marts/fct_intraday_quotes",
        "marts/fct_intraday_index_levels",
        "marts/fct_headlines",
        "marts/bridge_headline_symbol",
        "marts/fct_corporate_actions",
        # Rebuilt by period, for the periods the run's market dates fall in.
        "marts/fct_period_movers",
        "marts/fct_index_period_changes",
    }
    assert graph.get(dg.AssetKey(["marts", "fct_adjusted_closes"])).partitions_def is None
    # The views are rebuilt in the daily run, once per run rather than once per partition.
    daily_job = defs.resolve_job_def("build_market_dates")
    assert (
        dg.AssetKey(["marts", "latest_daily_movers"]) in daily_job.asset_layer.executable_asset_keys
    )
    assert graph.get(dg.AssetKey(["bi", "daily_movers"])).partitions_def is None


def test_every_dbt_data_test_is_an_asset_check_of_a_model() -> None:
    """dagster-dbt logs a warning and an observation, not a check, for a test it cannot attach:
    a source test (the landing sources are tested on their staging models) or a singular test
    on several models without ``meta.dagster.ref``."""
    nodes = json.loads(DBT_MANIFEST.read_text())["nodes"].values()
    tests = {node["name"] for node in nodes if node["resource_type"] == "test"}
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert len(tests) > 100
    assert tests <= checks


def test_every_published_column_has_its_type_in_the_ui() -> None:
    """The contracts' data_types reach each published asset's column schema (the UI's Type)."""
    graph = defs.resolve_asset_graph()
    published = [
        key for key in graph.get_all_asset_keys() if key.path[0] in ("marts", "bi", "audit")
    ]
    assert len(published) == 25
    for key in published:
        schema = graph.get(key).metadata["dagster/column_schema"]
        assert schema.columns, key
        assert all(column.type and column.type != "?" for column in schema.columns), key
    movers = graph.get(dg.AssetKey(["marts", "fct_daily_movers"])).metadata
    types = {column.name: column.type for column in movers["dagster/column_schema"].columns}
    assert types["close_price"] == "decimal(18,2)" and types["market_date"] == "date"
