"""Every Dagster resource of the project, configured from one :class:`Settings`.

- ``market``: the raw dir, the published warehouse, the state dir (with the working DuckDB
  file) and the lake, as :class:`MarketResource`;
- ``fetch``: the pages to fetch and how patiently (:class:`FetchResource`);
- ``dbt``: dagster-dbt's CLI resource over ``dbt/`` (:class:`MarketDbtCliResource`, in
  ``defs/dagster_private.py``: without the two start-up costs we do not use).

The Dagster steps open DuckDB through :func:`dagster_project.core.warehouse.connect`, not
dagster-duckdb's ``DuckDBResource``, on purpose: that resource always connects read-write, while
the checks and the publish step must open the working file read-only (and the report the
published file, which BI tools are reading); and its ``get_connection`` closes the connection only
when the body succeeds, so a failed step would hold the file's lock in a long-lived ``dagster
dev`` process until garbage collection. The paths stay in one place, the ``market`` resource.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dagster as dg

from dagster_project.core.fetch.pages import Page, load_page_list
from dagster_project.core.fetch.policy import FetchPolicy
from dagster_project.defs.dagster_private import MarketDbtCliResource
from dagster_project.settings import (
    DBT_EXECUTABLE,
    DBT_PROJECT_DIR,
    DEFAULT_HTML_TIMEOUT,
    DEFAULT_MAX_CAPTURE_BYTES,
    DEFAULT_PAGES_FILE,
    Settings,
    make_settings,
    parse_history_start,
)

_FETCH_DEFAULTS = FetchPolicy()


class MarketResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The raw dir, the published warehouse and the state directory of one deployment."""

    raw_dir: str
    warehouse: str
    state_dir: str
    #: The lake root; empty: ``lake/`` in the state directory.
    lake: str = ""
    max_capture_bytes: int = DEFAULT_MAX_CAPTURE_BYTES
    #: Seconds one HTML page may take to convert (``MARKET_HTML_TIMEOUT``).
    html_timeout: int = DEFAULT_HTML_TIMEOUT
    trust_file_times: int = 0
    history_start: str = ""
    #: Steps at once, each in its own process (``MARKET_WORKERS``); 1: the batches in turn.
    workers: int = 1
    #: The dbt target: ``dev`` (DuckDB) or ``spark`` (``MARKET_DBT_TARGET``).
    dbt_target: str = "dev"
    #: dbt-spark's warehouse; empty: ``spark/`` in the state directory.
    spark_warehouse: str = ""

    def settings(self) -> Settings:
        """The settings of this deployment, as a run's steps use them."""
        return make_settings(
            raw_dir=self.raw_dir,
            warehouse=self.warehouse,
            state_dir=self.state_dir,
            lake=self.lake or None,
            max_capture_bytes=self.max_capture_bytes,
            html_timeout=self.html_timeout,
            trust_file_times=bool(self.trust_file_times),
            history_start=parse_history_start(self.history_start),
            workers=self.workers,
            dbt_target=self.dbt_target,
            spark_warehouse=self.spark_warehouse or None,
        )


class FetchResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The list of pages to fetch and how patiently to fetch them."""

    pages_file: str = str(DEFAULT_PAGES_FILE)
    connect_timeout: float = _FETCH_DEFAULTS.connect_timeout
    read_timeout: float = _FETCH_DEFAULTS.read_timeout
    total_timeout: float = _FETCH_DEFAULTS.total_timeout
    attempts: int = _FETCH_DEFAULTS.attempts
    backoff: float = _FETCH_DEFAULTS.backoff
    max_bytes: int = _FETCH_DEFAULTS.max_bytes
    max_redirects: int = _FETCH_DEFAULTS.max_redirects
    user_agent: str = _FETCH_DEFAULTS.user_agent

    def policy(self) -> FetchPolicy:
        return FetchPolicy(
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            total_timeout=self.total_timeout,
            attempts=self.attempts,
            backoff=self.backoff,
            max_bytes=self.max_bytes,
            max_redirects=self.max_redirects,
            user_agent=self.user_agent,
        )

    def pages_path(self) -> Path:
        return Path(self.pages_file).expanduser().resolve()

    def pages(self) -> list[Page]:
        return load_page_list(self.pages_path())


def market_config(settings: Settings) -> dict[str, Any]:
    """The ``market`` resource's fields for ``settings``."""
    return {
        "raw_dir": str(settings.raw_dir),
        "warehouse": str(settings.warehouse),
        "state_dir": str(settings.state_dir),
        "lake": str(settings.lake),
        "max_capture_bytes": settings.max_capture_bytes,
        "html_timeout": settings.html_timeout,
        "trust_file_times": int(settings.trust_file_times),
        "history_start": settings.history_start.isoformat(),
        "workers": settings.workers,
        "dbt_target": settings.dbt_target,
        "spark_warehouse": str(settings.spark_dir),
    }


def market_resource(settings: Settings) -> MarketResource:
    return MarketResource(**market_config(settings))


def fetch_resource(settings: Settings) -> FetchResource:
    return FetchResource(pages_file=str(settings.pages_file))


def resources(settings: Settings) -> dict[str, Any]:
    """The resources of the definitions, configured from ``settings``."""
    return {
        "market": market_resource(settings),
        "fetch": fetch_resource(settings),
        "dbt": MarketDbtCliResource(
            project_dir=str(DBT_PROJECT_DIR), dbt_executable=DBT_EXECUTABLE
        ),
    }


def resources_run_config(settings: Settings) -> dict[str, Any]:
    """Run config that points a run's resources at ``settings`` (a CLI build's own)."""
    return {
        "market": {"config": market_config(settings)},
        "fetch": {"config": {"pages_file": str(settings.pages_file)}},
    }
