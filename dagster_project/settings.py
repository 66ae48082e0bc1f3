"""Paths and environment variables, resolved in one place.

Every path a build touches derives from these variables:

- ``MARKET_RAW_DIR`` (default ``raw/``): captures are read from here, recursively; only the fetch
  asset writes here (new files under ``fetched/``), nothing is ever modified or deleted.
- ``MARKET_WAREHOUSE`` (default ``warehouse/market.duckdb``): the published warehouse file.
- ``MARKET_STATE_DIR`` (default ``.state/`` beside the warehouse): the working database, dbt
  artifacts and Dagster storage.
- ``MARKET_LAKE`` (default ``lake/`` in the state directory): the normalised captures as Parquet,
  Hive-partitioned by capture date (``core/lake.py``); dbt's sources read it.
- ``MARKET_PAGES_FILE`` (default ``config/pages.yaml``): the pages the fetch asset captures.
- ``MARKET_TRUST_FILE_TIMES`` (default off): date a capture that shows no date, has no fetch
  sidecar and no date in its name by its file's modification time (``1``/``true``/``yes``).
- ``MARKET_HISTORY_START`` (default 2015-01-01): the first PSX session the daily partitions
  offer; a capture of an earlier market date is an error that names this variable.
- ``MARKET_SCHEDULE_CRON`` (default ``30 16 * * 1-5``, Pakistan time): when the daily schedule
  fetches and builds; ``MARKET_AUTOMATION=stopped`` leaves the schedule and sensors off.
- ``MARKET_LOG_LEVEL`` (default ``INFO``): the console log level of a build's Dagster runs.
- ``MARKET_DBT_TARGET`` (default ``dev``, DuckDB): ``spark`` builds the models on dbt-spark
  (``docs/spark.md``), in ``MARKET_SPARK_WAREHOUSE`` (default ``spark/`` in the state directory).
- ``MARKET_WORKERS`` (default 1): steps a run executes at once, each in its own process
  (Dagster's multiprocess executor); the normalise step is split into that many batches.

They are read once (:func:`load_settings`) and passed down as a :class:`Settings`: the CLI reads
them for a build, the Dagster definitions when they load (``defs/deployment.py``).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path

from dagster_project.core.errors import ConfigError

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"
# dbt is installed beside this interpreter (the project's .venv), whether or not it is on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
HOLIDAYS_SEED = DBT_PROJECT_DIR / "seeds" / "psx_holidays.csv"
INDEX_CODES_SEED = DBT_PROJECT_DIR / "seeds" / "psx_index_codes.csv"
DEFAULT_PAGES_FILE = PROJECT_ROOT / "config" / "pages.yaml"
#: The locked dependencies: a change to them makes the next build run (see ``build_options``).
UV_LOCK = PROJECT_ROOT / "uv.lock"

DEFAULT_MAX_CAPTURE_BYTES = 10 * 1024 * 1024
#: Seconds one HTML page may take to convert before it is rejected (``core/html_process.py``).
DEFAULT_HTML_TIMEOUT = 20
#: The synthetic history of ``make bench`` (``market-snapshots synth``) starts here, and the
#: real-page fixtures (from late 2020) and the shipped sample (2024) come after it.
DEFAULT_HISTORY_START = dt.date(2015, 1, 1)
#: After the PSX close (15:30 Pakistan time) on weekdays.
DEFAULT_SCHEDULE_CRON = "30 16 * * 1-5"
#: dbt's targets (``dbt/profiles.yml``): DuckDB, the default, and Spark.
DBT_TARGETS = ("dev", "spark")
#: The PSX calendar (``core/calendar.py``) knows no session before this day.
EARLIEST_HISTORY_START = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class Settings:
    """The resolved, absolute paths of one deployment."""

    raw_dir: Path
    warehouse: Path
    state_dir: Path
    lake: Path
    max_capture_bytes: int = DEFAULT_MAX_CAPTURE_BYTES
    html_timeout: int = DEFAULT_HTML_TIMEOUT
    pages_file: Path = DEFAULT_PAGES_FILE
    trust_file_times: bool = False
    history_start: dt.date = DEFAULT_HISTORY_START
    schedule_cron: str = DEFAULT_SCHEDULE_CRON
    automation: bool = True
    log_level: str = "INFO"
    #: Steps a run may execute at once, each in its own process (1: one process, in order).
    workers: int = 1
    #: The dbt target that builds the models: ``dev`` (DuckDB) or ``spark``.
    dbt_target: str = "dev"
    #: dbt-spark's warehouse and metastore (``MARKET_SPARK_WAREHOUSE``; default ``spark/`` in the
    #: state directory).
    spark_warehouse: Path | None = None

    @property
    def work_db(self) -> Path:
        """The private working database that landing, normalising and dbt write."""
        return self.state_dir / "work.duckdb"

    @property
    def dbt_target_dir(self) -> Path:
        return self.state_dir / "dbt" / "target"

    @property
    def dbt_log_dir(self) -> Path:
        return self.state_dir / "dbt" / "logs"

    @property
    def dagster_home(self) -> Path:
        return self.state_dir / "dagster_home"

    @property
    def build_lock(self) -> Path:
        return self.state_dir / "build.lock"

    @property
    def spark_dir(self) -> Path:
        return self.spark_warehouse or self.state_dir / "spark"

    def build_options(self) -> dict[str, str]:
        """The settings that change what a build produces (the no-op check compares them)."""
        return {
            "raw_dir": str(self.raw_dir),
            "warehouse": str(self.warehouse),
            "lake": str(self.lake),
            "max_capture_bytes": str(self.max_capture_bytes),
            "trust_file_times": "1" if self.trust_file_times else "0",
            "history_start": self.history_start.isoformat(),
            "dbt_target": self.dbt_target,
        }

    def as_env(self) -> dict[str, str]:
        """The environment variables that reproduce these settings (also read by dbt)."""
        return {
            "MARKET_RAW_DIR": str(self.raw_dir),
            "MARKET_WAREHOUSE": str(self.warehouse),
            "MARKET_STATE_DIR": str(self.state_dir),
            "MARKET_WORK_DB": str(self.work_db),
            "MARKET_LAKE": str(self.lake),
            "MARKET_MAX_CAPTURE_BYTES": str(self.max_capture_bytes),
            "MARKET_HTML_TIMEOUT": str(self.html_timeout),
            "MARKET_PAGES_FILE": str(self.pages_file),
            "MARKET_TRUST_FILE_TIMES": "1" if self.trust_file_times else "0",
            "MARKET_HISTORY_START": self.history_start.isoformat(),
            "MARKET_SCHEDULE_CRON": self.schedule_cron,
            "MARKET_AUTOMATION": "running" if self.automation else "stopped",
            "MARKET_LOG_LEVEL": self.log_level,
            "MARKET_WORKERS": str(self.workers),
            "MARKET_DBT_TARGET": self.dbt_target,
            "DBT_TARGET": self.dbt_target,
            "MARKET_SPARK_WAREHOUSE": str(self.spark_dir),
            "DBT_LOG_PATH": str(self.dbt_log_dir),
        }


def _absolute(value: str) -> Path:
    return Path(value).expanduser().resolve()


def make_settings(
    *,
    raw_dir: str | Path | None = None,
    warehouse: str | Path | None = None,
    state_dir: str | Path | None = None,
    lake: str | Path | None = None,
    max_capture_bytes: int | None = None,
    html_timeout: int | None = None,
    pages_file: str | Path | None = None,
    trust_file_times: bool = False,
    history_start: dt.date | None = None,
    schedule_cron: str | None = None,
    automation: bool = True,
    log_level: str | None = None,
    workers: int | None = None,
    dbt_target: str | None = None,
    spark_warehouse: str | Path | None = None,
) -> Settings:
    """Resolve settings from explicit values, falling back to the project defaults."""
    raw = _absolute(str(raw_dir)) if raw_dir else PROJECT_ROOT / "raw"
    wh = _absolute(str(warehouse)) if warehouse else PROJECT_ROOT / "warehouse" / "market.duckdb"
    state = _absolute(str(state_dir)) if state_dir else wh.parent / ".state"
    lake_root = _absolute(str(lake)) if lake else state / "lake"
    if wh.suffix != ".duckdb":
        raise ConfigError(f"MARKET_WAREHOUSE must name a .duckdb file, got {wh}")
    for name, path in (("warehouse", wh), ("state directory", state), ("lake", lake_root)):
        if path == raw or raw in path.parents:
            raise ConfigError(f"the {name} ({path}) must not be inside the raw dir ({raw})")
    cap = DEFAULT_MAX_CAPTURE_BYTES if max_capture_bytes is None else max_capture_bytes
    if cap <= 0:
        raise ConfigError(f"MARKET_MAX_CAPTURE_BYTES must be positive, got {cap}")
    html_limit = DEFAULT_HTML_TIMEOUT if html_timeout is None else html_timeout
    if html_limit <= 0:
        raise ConfigError(f"MARKET_HTML_TIMEOUT must be positive, got {html_limit}")
    pages = _absolute(str(pages_file)) if pages_file else DEFAULT_PAGES_FILE
    start = DEFAULT_HISTORY_START if history_start is None else history_start
    if start < EARLIEST_HISTORY_START:
        raise ConfigError(
            f"MARKET_HISTORY_START must be {EARLIEST_HISTORY_START} or later, got {start}"
        )
    steps = 1 if workers is None else workers
    if steps < 1:
        raise ConfigError(f"MARKET_WORKERS must be at least 1, got {steps}")
    target = dbt_target or "dev"
    if target not in DBT_TARGETS:
        raise ConfigError(
            f"MARKET_DBT_TARGET must be one of {', '.join(DBT_TARGETS)}, got {target!r}"
        )
    return Settings(
        raw_dir=raw,
        warehouse=wh,
        state_dir=state,
        lake=lake_root,
        max_capture_bytes=cap,
        html_timeout=html_limit,
        pages_file=pages,
        trust_file_times=trust_file_times,
        history_start=start,
        schedule_cron=schedule_cron or DEFAULT_SCHEDULE_CRON,
        automation=automation,
        log_level=(log_level or "INFO").upper(),
        workers=steps,
        dbt_target=target,
        spark_warehouse=_absolute(str(spark_warehouse)) if spark_warehouse else state / "spark",
    )


def parse_history_start(value: str | None) -> dt.date | None:
    """``MARKET_HISTORY_START`` as a date (None when unset)."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ConfigError(
            f"MARKET_HISTORY_START must be a date (YYYY-MM-DD), got {value!r}"
        ) from exc


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def parse_flag(name: str, value: str | None) -> bool:
    """An on/off environment variable: ``1``/``true``/``yes``/``on`` or ``0``/``false``/...."""
    text = (value or "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{name} must be 1 or 0 (true/false), got {value!r}")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Resolve settings from ``MARKET_*`` environment variables."""
    env = os.environ if env is None else env
    return make_settings(
        raw_dir=env.get("MARKET_RAW_DIR") or None,
        warehouse=env.get("MARKET_WAREHOUSE") or None,
        state_dir=env.get("MARKET_STATE_DIR") or None,
        lake=env.get("MARKET_LAKE") or None,
        max_capture_bytes=_integer(env, "MARKET_MAX_CAPTURE_BYTES"),
        html_timeout=_integer(env, "MARKET_HTML_TIMEOUT"),
        pages_file=env.get("MARKET_PAGES_FILE") or None,
        trust_file_times=parse_flag("MARKET_TRUST_FILE_TIMES", env.get("MARKET_TRUST_FILE_TIMES")),
        history_start=parse_history_start(env.get("MARKET_HISTORY_START")),
        schedule_cron=env.get("MARKET_SCHEDULE_CRON") or None,
        automation=parse_automation(env.get("MARKET_AUTOMATION")),
        log_level=env.get("MARKET_LOG_LEVEL") or None,
        workers=_integer(env, "MARKET_WORKERS"),
        dbt_target=env.get("MARKET_DBT_TARGET") or None,
        spark_warehouse=env.get("MARKET_SPARK_WAREHOUSE") or None,
    )


def _integer(env: Mapping[str, str], name: str) -> int | None:
    value = env.get(name)
    try:
        return int(value) if value else None
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {value!r}") from exc


def parse_automation(value: str | None) -> bool:
    """``MARKET_AUTOMATION``: ``running`` (the default) or ``stopped``."""
    text = (value or "running").strip().lower()
    if text not in ("running", "stopped"):
        raise ConfigError(f"MARKET_AUTOMATION must be running or stopped, got {value!r}")
    return text == "running"


def export_settings(settings: Settings, env: MutableMapping[str, str] | None = None) -> None:
    """Write the settings into the environment, for the processes a command starts (dbt, the
    Dagster UI and daemon) and for the Dagster definitions the command then loads."""
    target = os.environ if env is None else env
    target.update(settings.as_env())
