from pathlib import Path

import pytest

from dagster_project.core.errors import ConfigError
from dagster_project.settings import PROJECT_ROOT, load_settings, make_settings


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
        make_settings(raw_dir=tmp_path / "raw", **resolved)  # type: ignore[arg-type]


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
