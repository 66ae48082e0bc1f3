"""The resources: one :class:`Settings` in, the same settings back inside a run.

A small asset reads its resources under ``dg.materialize``, so what a step sees is what Dagster
hands it (config through ``resources_run_config`` included), not just the Python objects.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from dagster_dbt import DbtCliResource

from dagster_project.core.errors import ConfigError
from dagster_project.core.fetch.pages import Page
from dagster_project.core.fetch.policy import FetchPolicy
from dagster_project.defs.resources import (
    FetchResource,
    MarketResource,
    fetch_resource,
    market_config,
    market_resource,
    resources,
    resources_run_config,
)
from dagster_project.settings import (
    DBT_PROJECT_DIR,
    DEFAULT_HISTORY_START,
    DEFAULT_MAX_CAPTURE_BYTES,
    DEFAULT_PAGES_FILE,
    SETTINGS,
    Settings,
    make_settings,
)


def _settings(tmp_path: Path, name: str = "a", **options: Any) -> Settings:
    return make_settings(
        raw_dir=tmp_path / name / "raw",
        warehouse=tmp_path / name / "warehouse" / "market.duckdb",
        **options,
    )


def test_market_config_names_every_field(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path,
        max_capture_bytes=4096,
        html_timeout=7,
        trust_file_times=True,
        history_start=dt.date(2020, 11, 2),
        workers=3,
        dbt_target="spark",
    )
    assert market_config(settings) == {
        "raw_dir": str(tmp_path / "a" / "raw"),
        "warehouse": str(tmp_path / "a" / "warehouse" / "market.duckdb"),
        "state_dir": str(tmp_path / "a" / "warehouse" / ".state"),
        "lake": str(tmp_path / "a" / "warehouse" / ".state" / "lake"),
        "max_capture_bytes": 4096,
        "html_timeout": 7,
        "trust_file_times": 1,
        "history_start": "2020-11-02",
        "workers": 3,
        "dbt_target": "spark",
        "spark_warehouse": str(tmp_path / "a" / "warehouse" / ".state" / "spark"),
    }


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"max_capture_bytes": 4096, "trust_file_times": True},
        {"history_start": dt.date(2020, 11, 2), "state_dir": "elsewhere/state"},
        {"lake": "elsewhere/lake"},
        {"workers": 2, "dbt_target": "spark", "spark_warehouse": "elsewhere/spark"},
    ],
)
def test_the_market_resource_gives_its_settings_back(
    tmp_path: Path, options: dict[str, Any]
) -> None:
    for name in ("state_dir", "lake", "spark_warehouse"):
        if name in options:
            options = {**options, name: tmp_path / options[name]}
    settings = _settings(tmp_path, **options)
    assert market_resource(settings).settings() == settings


def test_an_unset_history_start_is_the_default_and_a_bad_one_fails(tmp_path: Path) -> None:
    def market(history_start: str = "") -> MarketResource:
        return MarketResource(
            raw_dir=str(tmp_path / "raw"),
            warehouse=str(tmp_path / "w.duckdb"),
            state_dir=str(tmp_path / "state"),
            history_start=history_start,
        )

    assert market().settings().history_start == DEFAULT_HISTORY_START
    assert market().settings().work_db == tmp_path / "state" / "work.duckdb"
    assert market(" 2020-11-02 ").settings().history_start == dt.date(2020, 11, 2)
    bad = market("2020-13-01")
    with pytest.raises(ConfigError, match="MARKET_HISTORY_START must be a date"):
        bad.settings()


def test_the_fetch_policy_is_the_resources_fields(tmp_path: Path) -> None:
    assert FetchResource().policy() == FetchPolicy()
    custom = FetchResource(
        pages_file=str(tmp_path / "pages.yaml"),
        connect_timeout=1.5,
        read_timeout=2.5,
        total_timeout=9.0,
        attempts=2,
        backoff=0.25,
        max_bytes=1000,
        max_redirects=0,
        user_agent="tests/1.0",
    )
    assert custom.policy() == FetchPolicy(
        connect_timeout=1.5,
        read_timeout=2.5,
        total_timeout=9.0,
        attempts=2,
        backoff=0.25,
        max_bytes=1000,
        max_redirects=0,
        user_agent="tests/1.0",
    )
    with pytest.raises(ConfigError, match="attempts and max_bytes must be positive"):
        FetchResource(attempts=0).policy()


def test_the_fetch_resource_reads_its_page_list(tmp_path: Path) -> None:
    pages = tmp_path / "pages.yaml"
    pages.write_text(
        "pages:\n  - url: https://www.brecorder.com/\n    name: home\n"
        "  - url: https://www.brecorder.com/markets\n",
        encoding="utf-8",
    )
    settings = _settings(tmp_path, pages_file=pages)
    fetch = fetch_resource(settings)
    assert fetch.pages_path() == pages
    assert fetch.pages() == [
        Page(url="https://www.brecorder.com/", name="home"),
        Page(url="https://www.brecorder.com/markets"),
    ]
    relative = FetchResource(pages_file="~/pages.yaml").pages_path()
    assert relative == (Path.home() / "pages.yaml").resolve()
    assert FetchResource().pages_path() == DEFAULT_PAGES_FILE


def test_the_definitions_resources_come_from_one_settings(tmp_path: Path) -> None:
    settings = _settings(tmp_path, pages_file=tmp_path / "pages.yaml")
    built = resources(settings)
    assert set(built) == {"market", "fetch", "dbt"}
    # The page list is the fetch resource's; the market resource holds the paths.
    assert built["market"].settings() == dataclasses.replace(
        settings, pages_file=DEFAULT_PAGES_FILE
    )
    assert built["fetch"].pages_path() == tmp_path / "pages.yaml"
    dbt = built["dbt"]
    assert isinstance(dbt, DbtCliResource)
    assert Path(dbt.project_dir) == DBT_PROJECT_DIR


@dg.asset
def seen_settings(market: MarketResource, fetch: FetchResource) -> dict[str, str]:
    """What a step sees of its resources."""
    return {**market.settings().build_options(), "pages": str(fetch.pages_path())}


def test_run_config_points_a_runs_resources_at_other_settings(tmp_path: Path) -> None:
    deployed = resources(_settings(tmp_path, "deployed"))
    cli = _settings(tmp_path, "cli", trust_file_times=True, pages_file=tmp_path / "cli.yaml")
    result = dg.materialize(
        [seen_settings],
        resources={"market": deployed["market"], "fetch": deployed["fetch"]},
        run_config={"resources": resources_run_config(cli)},
    )
    assert result.success
    assert result.output_for_node("seen_settings") == {
        **cli.build_options(),
        "pages": str(tmp_path / "cli.yaml"),
    }
    assert resources_run_config(cli) == {
        "market": {"config": market_config(cli)},
        "fetch": {"config": {"pages_file": str(tmp_path / "cli.yaml")}},
    }


def test_a_dbt_command_runs_through_the_resource_without_an_in_process_adapter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path)
    monkeypatch.setenv("MARKET_WORK_DB", str(tmp_path / "work.duckdb"))
    dbt = resources(settings)["dbt"]
    invocation = dbt.cli(["parse"], target_path=tmp_path / "target", raise_on_error=False)
    invocation.wait()
    assert invocation.is_successful(), invocation.get_error()
    assert invocation.adapter is None
    assert (tmp_path / "target" / "manifest.json").is_file()


def test_the_market_resources_config_is_the_declared_settings() -> None:
    """Its fields are the settings declared with ``resource=True``, described by their help:
    the three paths required, the others defaulted (what the UI's launchpad shows)."""
    carried = [item for item in SETTINGS if item.spec.resource]
    schema = MarketResource.to_config_schema().as_field().config_type
    fields = schema.fields
    assert list(fields) == [item.name for item in carried]
    assert {name for name, field in fields.items() if field.is_required} == {
        "raw_dir",
        "warehouse",
        "state_dir",
    }
    for item in carried:
        assert fields[item.name].description == item.spec.help
    assert fields["max_capture_bytes"].default_value == DEFAULT_MAX_CAPTURE_BYTES
    assert fields["trust_file_times"].default_value == 0
    assert fields["history_start"].default_value == DEFAULT_HISTORY_START.isoformat()
    assert fields["lake"].default_value == ""
    assert set(market_config(make_settings())) == set(fields)
