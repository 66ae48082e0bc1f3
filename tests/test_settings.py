import datetime as dt
import itertools
from pathlib import Path

import pytest

from dagster_project.core.errors import ConfigError
from dagster_project.settings import (
    DEFAULT_SCHEDULE_CRON,
    PROJECT_ROOT,
    SETTINGS,
    load_settings,
    make_settings,
)
from dagster_project.settings_spec import table_rows


def test_defaults_live_in_the_project() -> None:
    settings = load_settings({})
    assert settings.raw_dir == PROJECT_ROOT / "raw"
    assert settings.warehouse == PROJECT_ROOT / "warehouse" / "market.duckdb"
    assert settings.state_dir == PROJECT_ROOT / "warehouse" / ".state"
    assert settings.work_db.parent == settings.state_dir
    assert settings.lake == settings.state_dir / "lake"


def test_environment_overrides(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "MARKET_RAW_DIR": str(tmp_path / "captures"),
            "MARKET_WAREHOUSE": str(tmp_path / "out" / "w.duckdb"),
            "MARKET_MAX_CAPTURE_BYTES": "1000",
            "MARKET_HTML_TIMEOUT": "5",
            "MARKET_LAKE": str(tmp_path / "lake"),
        }
    )
    assert settings.html_timeout == 5
    assert settings.as_env()["MARKET_HTML_TIMEOUT"] == "5"
    assert settings.lake == tmp_path / "lake"
    assert settings.as_env()["MARKET_LAKE"] == str(tmp_path / "lake")
    assert settings.raw_dir == tmp_path / "captures"
    assert settings.state_dir == tmp_path / "out" / ".state"
    assert settings.max_capture_bytes == 1000
    assert settings.as_env()["MARKET_WORK_DB"] == str(tmp_path / "out" / ".state" / "work.duckdb")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"warehouse": "raw/market.duckdb"}, "must not be inside the raw dir"),
        ({"state_dir": "raw/state"}, "must not be inside the raw dir"),
        ({"lake": "raw/lake"}, "the lake .* must not be inside the raw dir"),
        ({"warehouse": "market.sqlite"}, "must name a .duckdb file"),
        ({"max_capture_bytes": 0}, "must be positive"),
        ({"html_timeout": 0}, "MARKET_HTML_TIMEOUT must be positive"),
    ],
)
def test_invalid_settings_are_refused(
    tmp_path: Path, kwargs: dict[str, object], message: str
) -> None:
    resolved = {
        key: (tmp_path / value if isinstance(value, str) else value)
        for key, value in kwargs.items()
    }
    with pytest.raises(ConfigError, match=message):
        make_settings(raw_dir=tmp_path / "raw", **resolved)


def test_non_integer_size_cap_is_refused() -> None:
    with pytest.raises(ConfigError, match="must be an integer"):
        load_settings({"MARKET_MAX_CAPTURE_BYTES": "ten"})


def test_workers_and_the_dbt_target_come_from_the_environment(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "MARKET_WAREHOUSE": str(tmp_path / "w.duckdb"),
            "MARKET_WORKERS": "4",
            "MARKET_DBT_TARGET": "spark",
        }
    )
    assert (settings.workers, settings.dbt_target) == (4, "spark")
    assert settings.spark_dir == tmp_path / ".state" / "spark"
    env = settings.as_env()
    assert (env["MARKET_WORKERS"], env["DBT_TARGET"]) == ("4", "spark")
    assert env["MARKET_SPARK_WAREHOUSE"] == str(tmp_path / ".state" / "spark")
    assert settings.build_options()["dbt_target"] == "spark", "a switch of engine rebuilds"
    default = load_settings({"MARKET_WAREHOUSE": str(tmp_path / "w.duckdb")})
    assert (default.workers, default.dbt_target) == (1, "dev")
    assert default.as_env()["DBT_TARGET"] == "dev"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MARKET_WORKERS": "0"}, "MARKET_WORKERS must be at least 1"),
        ({"MARKET_WORKERS": "two"}, "MARKET_WORKERS must be an integer"),
        ({"MARKET_DBT_TARGET": "snowflake"}, "MARKET_DBT_TARGET must be one of dev, spark"),
    ],
)
def test_bad_workers_or_dbt_target_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(env)


def test_the_configuration_doc_tables_every_setting() -> None:
    """``docs/configuration.md`` holds the table of the declarations, row for row."""
    expected = table_rows(SETTINGS)
    doc = PROJECT_ROOT / "docs" / "configuration.md"
    lines = doc.read_text(encoding="utf-8").splitlines()
    start = lines.index(expected[0]) if expected[0] in lines else len(lines)
    table = list(itertools.takewhile(lambda line: line.startswith("|"), lines[start:]))
    missing = [row for row in expected if row not in table]
    stale = [row for row in table if row not in expected]
    assert table == expected, (
        f"{doc}: the settings table differs from the declarations in settings.py.\n"
        "Rows to write:\n"
        + "\n".join(missing)
        + "\nRows to remove:\n"
        + "\n".join(stale)
        + "\nThe whole table:\n"
        + "\n".join(expected)
    )


def test_as_env_gives_the_same_settings_back(tmp_path: Path) -> None:
    settings = make_settings(
        raw_dir=tmp_path / "raw",
        warehouse=tmp_path / "wh" / "w.duckdb",
        state_dir=tmp_path / "state",
        lake=tmp_path / "lake",
        max_capture_bytes=99,
        html_timeout=3,
        pages_file=tmp_path / "pages.yaml",
        trust_file_times=True,
        history_start=dt.date(2020, 11, 2),
        schedule_cron="0 17 * * 1-5",
        automation=False,
        log_level="debug",
        workers=2,
        dbt_target="spark",
        spark_warehouse=tmp_path / "spark",
    )
    assert settings.log_level == "DEBUG"
    env = settings.as_env()
    assert {variable for variable in env if variable.startswith("MARKET_")} == {
        item.env for item in SETTINGS
    } | {"MARKET_WORK_DB"}
    assert (env["MARKET_AUTOMATION"], env["MARKET_TRUST_FILE_TIMES"]) == ("stopped", "1")
    assert env["MARKET_HISTORY_START"] == "2020-11-02"
    assert load_settings(env) == settings


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MARKET_AUTOMATION": "paused"}, "MARKET_AUTOMATION must be running or stopped"),
        ({"MARKET_TRUST_FILE_TIMES": "maybe"}, "MARKET_TRUST_FILE_TIMES must be 1 or 0"),
        ({"MARKET_HISTORY_START": "1999-12-31"}, "MARKET_HISTORY_START must be 2000-01-01 or"),
        ({"MARKET_HISTORY_START": "2020-13-01"}, "MARKET_HISTORY_START must be a date"),
    ],
)
def test_bad_text_forms_name_their_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(env)


def test_text_forms_and_defaults() -> None:
    assert not load_settings({"MARKET_AUTOMATION": " Stopped "}).automation
    assert load_settings({"MARKET_AUTOMATION": ""}).automation
    assert load_settings({"MARKET_TRUST_FILE_TIMES": "yes"}).trust_file_times
    assert load_settings({"MARKET_LOG_LEVEL": "warning"}).log_level == "WARNING"
    assert load_settings({"MARKET_SCHEDULE_CRON": ""}).schedule_cron == DEFAULT_SCHEDULE_CRON


def test_an_unknown_setting_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="unexpected settings raw"):
        make_settings(raw="raw")
