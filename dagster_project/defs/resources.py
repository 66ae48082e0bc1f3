"""Every Dagster resource of the project, configured from one :class:`Settings`.

- ``market``: the raw dir, the published warehouse, the state dir (with the working DuckDB
  file), the lake and the other settings a run's steps read, as :class:`MarketResource`, whose
  fields are the settings declared with ``resource=True`` (``settings.py``);
- ``fetch``: the pages to fetch and how patiently (:class:`FetchResource`);
- ``dbt``: dagster-dbt's CLI resource over ``dbt/`` (:class:`MarketDbtCliResource`, in
  ``defs/dagster_private/dbt_cli.py``: without the start-up costs we do not use, dbt run in
  process on DuckDB).

The Dagster steps open DuckDB through :func:`dagster_project.core.warehouse.database.connect`, not
dagster-duckdb's ``DuckDBResource``, on purpose: that resource always connects read-write, while
the checks and the publish step must open the working file read-only (and the report the
published file, which BI tools are reading); and its ``get_connection`` closes the connection only
when the body succeeds, so a failed step would hold the file's lock in a long-lived ``dagster
dev`` process until garbage collection. The paths stay in one place, the ``market`` resource.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import dagster as dg
import pydantic

from dagster_project.core.fetch.pages import Page, load_page_list
from dagster_project.core.fetch.policy import FetchPolicy
from dagster_project.defs.dagster_private import MarketDbtCliResource
from dagster_project.settings import (
    DBT_EXECUTABLE,
    DBT_PROJECT_DIR,
    SETTINGS,
    Settings,
    make_settings,
)

_FETCH_DEFAULTS = FetchPolicy()
#: The settings the ``market`` resource carries, one config field each (``resource=True``).
_CARRIED = tuple(item for item in SETTINGS if item.spec.resource)
#: The one setting the ``fetch`` resource carries (its other fields are the fetch policy's).
_PAGES_FILE = next(item for item in SETTINGS if item.name == "pages_file")


def _market_fields() -> tuple[dict[str, type], dict[str, Any]]:
    """The ``market`` resource's annotations and pydantic fields, from the declarations: numbers
    and flags as ``int``, paths and dates in their text form (empty: the default). The help is
    the field's description in the UI's launchpad."""
    annotations = {item.name: item.resource_type for item in _CARRIED}
    fields: dict[str, Any] = {}
    for item in _CARRIED:
        if item.resource_default is dataclasses.MISSING:  # the config must give it
            fields[item.name] = pydantic.Field(description=item.spec.help)
        else:
            fields[item.name] = pydantic.Field(
                default=item.resource_default, description=item.spec.help
            )
    return annotations, fields


class MarketResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The raw dir, the published warehouse and the state directory of one deployment, and
    the other settings a run's steps read (the declarations with ``resource=True``)."""

    # Pydantic, and Dagster's config schema after it, read a class's fields from the annotations
    # and values of its body when the class is made: these are the declared settings'.
    __annotations__, _fields = _market_fields()
    vars().update(_fields)
    del _fields

    def settings(self) -> Settings:
        """The settings of this deployment, as a run's steps use them."""
        return make_settings(
            **{item.name: item.from_resource(getattr(self, item.name)) for item in _CARRIED}
        )


class FetchResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The list of pages to fetch and how patiently to fetch them."""

    pages_file: str = pydantic.Field(
        default=_PAGES_FILE.resource_default, description=_PAGES_FILE.spec.help
    )
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
        """The pages file, resolved as the setting resolves it (empty: the default)."""
        return Path(_PAGES_FILE.resolve(_PAGES_FILE.from_resource(self.pages_file), {}))

    def pages(self) -> list[Page]:
        return load_page_list(self.pages_path())


def market_config(settings: Settings) -> dict[str, Any]:
    """The ``market`` resource's fields for ``settings``."""
    return {item.name: item.to_resource(getattr(settings, item.name)) for item in _CARRIED}


def market_resource(settings: Settings) -> MarketResource:
    return MarketResource(**market_config(settings))


def fetch_resource(settings: Settings) -> FetchResource:
    return FetchResource(pages_file=_PAGES_FILE.to_resource(settings.pages_file))


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
        "fetch": {"config": {"pages_file": _PAGES_FILE.to_resource(settings.pages_file)}},
    }
