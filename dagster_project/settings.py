"""Paths and environment variables, each declared once and resolved in one place.

Each setting is a field of :class:`Settings` declared with ``settings_spec.setting``; from the
declarations come :func:`make_settings`, :func:`load_settings` (read once: by the CLI for a build,
by the Dagster definitions when they load), ``as_env()``, the CLI options (``cli/options.py``), the
``market`` resource (``defs/resources.py``) and the table of ``docs/configuration.md``.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dagster_project.settings_checks import (
    at_least,
    duckdb_file_outside_raw,
    memory_size,
    not_before,
    one_of,
    outside_raw,
    positive,
    upper,
)
from dagster_project.settings_spec import Declared, declarations, parse_date, setting, two_words

PACKAGE_DIR = Path(__file__).resolve().parent
#: A checkout, or an installed wheel: it carries dbt/ and config/ in the package (pyproject's
#: force-include) and builds under the directory it is run from.
CHECKOUT = (PACKAGE_DIR.parent / "dbt" / "dbt_project.yml").is_file()
PROJECT_ROOT = PACKAGE_DIR.parent if CHECKOUT else Path.cwd()
PROJECT_FILES = PACKAGE_DIR.parent if CHECKOUT else PACKAGE_DIR / "project"
DBT_PROJECT_DIR = PROJECT_FILES / "dbt"
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
HOLIDAYS_SEED = DBT_PROJECT_DIR / "seeds" / "psx_holidays.csv"
INDEX_CODES_SEED = DBT_PROJECT_DIR / "seeds" / "psx_index_codes.csv"
DEFAULT_PAGES_FILE = PROJECT_FILES / "config" / "pages.yaml"
#: The locked dependencies (none in a wheel): a change makes the next build run.
UV_LOCK = PROJECT_FILES / "uv.lock"

DEFAULT_MAX_CAPTURE_BYTES = 10 * 1024 * 1024
#: Seconds one HTML page may take to convert before it is rejected (core/capture/html_process.py).
DEFAULT_HTML_TIMEOUT = 20
#: Where make bench's synthetic history starts; the real-page fixtures and the sample come later.
DEFAULT_HISTORY_START = dt.date(2015, 1, 1)
#: After the PSX close (15:30 Pakistan time) on weekdays.
DEFAULT_SCHEDULE_CRON = "30 16 * * 1-5"
#: DuckDB's memory_limit in dbt's profile (a ten-year 100x history's models need ~1.5 GB unbounded).
DEFAULT_DUCKDB_MEMORY_LIMIT = "2GB"
#: dbt's targets (``dbt/profiles.yml``): DuckDB, the default, and Spark.
DBT_TARGETS = ("dev", "spark")
#: The PSX calendar (``core/dating/calendar.py``) knows no session before this day.
EARLIEST_HISTORY_START = dt.date(2000, 1, 1)


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The resolved, absolute paths and options of one deployment, one field a setting."""

    raw_dir: Path = setting(
        PROJECT_ROOT / "raw",
        env="MARKET_RAW_DIR",
        help="the captures to read, recursively",
        details="; only the fetch asset adds files (under `fetched/`), none is ever modified "
        "or deleted",
        shown_default="`raw/`",
        option=True,
        resource=True,
        resource_required=True,
        rebuilds=True,
    )
    warehouse: Path = setting(
        PROJECT_ROOT / "warehouse" / "market.duckdb",
        env="MARKET_WAREHOUSE",
        help="the published warehouse (a .duckdb file)",
        shown_default="`warehouse/market.duckdb`",
        check=duckdb_file_outside_raw,
        option=True,
        resource=True,
        resource_required=True,
        rebuilds=True,
    )
    state_dir: Path = setting(
        env="MARKET_STATE_DIR",
        help="the working files",
        details=": the working database (`work.duckdb`), dbt artifacts, Dagster storage "
        "(`dagster_home/`)",
        shown_default="`.state/` beside the warehouse",
        derive=lambda resolved: resolved["warehouse"].parent / ".state",
        check=outside_raw("state directory"),
        option=True,
        resource=True,
        resource_required=True,
    )
    lake: Path = setting(
        env="MARKET_LAKE",
        help="the normalised captures as Parquet, Hive-partitioned by capture date",
        details=" (`<table>/capture_date=YYYY-MM-DD/data.parquet`), and landing's "
        "`capture_files/data.parquet`; dbt's sources read it (on DuckDB through the working "
        "database's `normalised.*`, which mirror it partition by partition); a local folder",
        shown_default="`lake/` in the state directory",
        derive=lambda resolved: resolved["state_dir"] / "lake",
        check=outside_raw("lake"),
        resource=True,
        rebuilds=True,
    )
    max_capture_bytes: int = setting(
        DEFAULT_MAX_CAPTURE_BYTES,
        env="MARKET_MAX_CAPTURE_BYTES",
        help="larger captures are rejected without being read",
        check=positive,
        resource=True,
        rebuilds=True,
    )
    html_timeout: int = setting(
        DEFAULT_HTML_TIMEOUT,
        env="MARKET_HTML_TIMEOUT",
        help="seconds one HTML page may take to convert before it is rejected",
        details=" with `HTML took longer than N s to convert` (the conversion runs in a worker "
        "process); no capture holds a build longer",
        check=positive,
        resource=True,
    )
    pages_file: Path = setting(
        DEFAULT_PAGES_FILE,
        env="MARKET_PAGES_FILE",
        help="the pages the fetch asset captures",
        details=" (the `fetch` resource's `pages_file`); fetched politely and guarded "
        "(robots.txt obeyed, redirects only on the page's own host and never https to http, "
        "public addresses only unless the URL itself is local, Retry-After honoured, one total "
        "timeout per page, credentials never stored: see the file's comments)",
        shown_default="`config/pages.yaml`",
    )
    trust_file_times: bool = setting(
        False,
        env="MARKET_TRUST_FILE_TIMES",
        help="date a capture that shows no date, has no fetch sidecar and no date in its name "
        "by its file's modification time",
        details=" (`1`/`true`/`yes` turn it on)",
        option=True,
        resource=True,
        rebuilds=True,
    )
    history_start: dt.date = setting(
        DEFAULT_HISTORY_START,
        env="MARKET_HISTORY_START",
        help="the earliest PSX session the warehouse may hold",
        details="; a capture of an earlier market date is rejected with a reason naming this "
        "variable (the other captures still load). The daily partitions (the UI's partition "
        "bar) begin at the first session built, recorded in <state dir>/first_session, never "
        "before this",
        parse=parse_date,
        check=not_before(EARLIEST_HISTORY_START),
        resource=True,
        rebuilds=True,
    )
    schedule_cron: str = setting(
        DEFAULT_SCHEDULE_CRON,
        env="MARKET_SCHEDULE_CRON",
        help="when the daily schedule fetches and builds",
        details=" (`after_psx_close`, Asia/Karachi time)",
    )
    automation: bool = setting(
        True,
        env="MARKET_AUTOMATION",
        help="`stopped` leaves the schedule and sensors off by default",
        **two_words("running", "stopped"),
    )
    log_level: str = setting(
        "INFO",
        env="MARKET_LOG_LEVEL",
        help="the level of a build's Dagster log (its log file, and the terminal with --verbose)",
        coerce=upper,
    )
    workers: int = setting(
        1,
        env="MARKET_WORKERS",
        help="steps a run executes at once, each in a process of its own",
        details=" (Dagster's multiprocess executor; `1`: every step in one process, the fastest "
        "below a few thousand new captures). The normalise step is split into that many "
        "batches of capture dates, parsed side by side ([architecture.md](architecture.md)); "
        "the steps that write the working database still take turns",
        check=at_least(1),
        resource=True,
    )
    duckdb_memory_limit: str = setting(
        DEFAULT_DUCKDB_MEMORY_LIMIT,
        env="MARKET_DUCKDB_MEMORY_LIMIT",
        help="the memory DuckDB may use for dbt's models before it spills to disk",
        details=" (`work.duckdb.tmp/` beside the working database), so that a build's memory is "
        "bounded whatever the history ([scaling.md](scaling.md)); a DuckDB size such as `2GB`",
        check=memory_size,
    )
    dbt_target: str = setting(
        "dev",
        env="MARKET_DBT_TARGET",
        help="the engine that builds the dbt models: dev (DuckDB) or spark",
        details=" (dbt-spark on a local SparkSession; needs `uv sync --extra spark` and Java "
        "17, [spark.md](spark.md)). A switch rebuilds every date",
        check=one_of(DBT_TARGETS),
        resource=True,
        rebuilds=True,
    )
    spark_warehouse: Path = setting(
        env="MARKET_SPARK_WAREHOUSE",
        help="only for the Spark target: Spark's Parquet tables (`warehouse/`) and its Derby "
        "metastore",
        details=" ([spark.md](spark.md))",
        shown_default="`spark/` in the state directory",
        derive=lambda resolved: resolved["state_dir"] / "spark",
        resource=True,
    )

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
        return self.spark_warehouse

    def build_options(self) -> dict[str, str]:
        """The settings that change what a build produces (the no-op check compares them)."""
        return {item.name: item.show(getattr(self, item.name)) for item in REBUILDS}

    def as_env(self) -> dict[str, str]:
        """The environment variables that reproduce these settings, plus the three read by dbt
        alone (``MARKET_WORK_DB``, ``DBT_TARGET``, ``DBT_LOG_PATH``), derived from them."""
        env = {item.env: item.show(getattr(self, item.name)) for item in SETTINGS}
        env["MARKET_WORK_DB"] = str(self.work_db)
        env["DBT_TARGET"] = self.dbt_target
        env["DBT_LOG_PATH"] = str(self.dbt_log_dir)
        return env


#: Every setting, in the order of the fields (an earlier one's value derives a later default).
SETTINGS: tuple[Declared, ...] = declarations(Settings)
#: The settings by field name.
SETTING: Mapping[str, Declared] = {item.name: item for item in SETTINGS}
#: The settings that change what a build produces.
REBUILDS = tuple(item for item in SETTINGS if item.spec.rebuilds)


def make_settings(**values: object) -> Settings:
    """Resolve settings from explicit values (by field name; None or empty: the default)."""
    unknown = set(values) - set(SETTING)
    if unknown:
        raise TypeError(f"make_settings() got unexpected settings {', '.join(sorted(unknown))}")
    resolved: dict[str, Any] = {}
    for item in SETTINGS:
        resolved[item.name] = item.resolve(values.get(item.name), resolved)
    return Settings(**resolved)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Resolve settings from their ``MARKET_*`` environment variables (unset or empty: the
    default)."""
    env = os.environ if env is None else env
    return make_settings(
        **{item.name: item.parse(text) for item in SETTINGS if (text := env.get(item.env))}
    )


def export_settings(settings: Settings, env: MutableMapping[str, str] | None = None) -> None:
    """Write the settings into the environment, for the processes a command starts (dbt, the
    Dagster UI and daemon) and for the Dagster definitions the command then loads."""
    target = os.environ if env is None else env
    target.update(settings.as_env())
