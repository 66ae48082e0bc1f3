"""What the dbt project says about its models, read from dbt's manifest (JSON; dbt not imported).

Which models are daily facts is dbt's to say (the ``daily`` tag: ``daily_fact_config()`` in each
fact's file, ``dbt_project.yml`` for the views over them); the planner, the Dagster metadata and
the export read it from here rather than listing the models again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dagster_project.core.errors import ConfigError

DAILY_TAG = "daily"


@dataclass(frozen=True)
class DailyModel:
    """A model tagged ``daily``: a fact rebuilt per market date, or a view over the facts.

    Attributes:
        schema: Its schema (``marts``, ``bi``).
        name: Its relation name (the model's alias).
        is_table: Materialised as data (incremental or table), not a view.
        columns: Its documented columns.
    """

    schema: str
    name: str
    is_table: bool
    columns: frozenset[str]

    @property
    def relation(self) -> str:
        """``schema.name``."""
        return f"{self.schema}.{self.name}"


def read_manifest(manifest: Path) -> dict[str, object]:
    """The manifest as JSON (a ConfigError when it is missing or damaged)."""
    try:
        loaded = json.loads(manifest.read_bytes())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the dbt manifest {manifest}: {exc}") from exc
    if not isinstance(loaded, dict):
        raise ConfigError(f"the dbt manifest {manifest} is not a JSON object")
    return loaded


def daily_models(manifest: Mapping[str, object], tag: str = DAILY_TAG) -> list[DailyModel]:
    """Every model tagged ``tag``, sorted by schema and name."""
    nodes = manifest.get("nodes", {})
    models = [
        DailyModel(
            schema=node["schema"],
            name=node.get("alias") or node["name"],
            is_table=node["config"]["materialized"] != "view",
            columns=frozenset(node.get("columns", {})),
        )
        for node in (nodes.values() if isinstance(nodes, dict) else [])
        if node.get("resource_type") == "model" and tag in node.get("tags", [])
    ]
    return sorted(models, key=lambda model: (model.schema, model.name))


def model_columns(manifest: Mapping[str, object]) -> dict[tuple[str, str], list[str]]:
    """``(schema, relation)`` -> the documented columns, in their ``_models.yml`` order, of every
    model and seed."""
    nodes = manifest.get("nodes", {})
    return {
        (node["schema"], node.get("alias") or node["name"]): list(node.get("columns", {}))
        for node in (nodes.values() if isinstance(nodes, dict) else [])
        if node.get("resource_type") in ("model", "seed")
    }


def daily_facts(manifest: Mapping[str, object]) -> list[DailyModel]:
    """The daily models that hold data (the fact tables), not the views over them."""
    return [model for model in daily_models(manifest) if model.is_table]


def dated_facts(models: list[DailyModel]) -> list[DailyModel]:
    """The fact tables of one row per market date and key (a ``market_date`` column), not the
    period facts (one row per period: ``marts/periods/``)."""
    return [model for model in models if model.is_table and "market_date" in model.columns]


def capture_facts(models: list[DailyModel]) -> list[str]:
    """``schema.table`` of the fact tables that name the capture each row came from.

    The planner compares these with the captures each market date should take its values from
    (a fact documents its ``capture_id`` column in its ``_models.yml``).
    """
    return [model.relation for model in models if model.is_table and "capture_id" in model.columns]
