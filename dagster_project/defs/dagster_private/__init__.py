"""The only package that relies on private Dagster, dagster-dbt and dbt-duckdb APIs; each use is
here because it pays for itself (``docs/performance.md``, "Costs the code is shaped around"), and
an upgrade of the pinned ``dagster`` / ``dagster-dbt`` / ``dbt-duckdb`` starts by checking this
package and its tests (``tests/defs/dagster_private/``).

- :mod:`.event_storage`: **batched SQLite event storage**, a batch of asset events per
  transaction instead of one (a ten-year rebuild records ~2,500 partitions of each fact).
- :mod:`.dbt_cli`: **dbt without its start-up costs**, dagster-dbt's CLI resource without the
  ``dbt --version`` subprocess and the in-process adapter it pays before each run, and with dbt
  run in this process (dbt's programmatic runner) instead of a subprocess that imports it again.
"""

from dagster_project.defs.dagster_private.dbt_cli import InProcessDbt, MarketDbtCliResource
from dagster_project.defs.dagster_private.event_storage import (
    BatchedSqliteEventLogStorage,
    BatchedSqliteStorage,
)

__all__ = [
    "BatchedSqliteEventLogStorage",
    "BatchedSqliteStorage",
    "InProcessDbt",
    "MarketDbtCliResource",
]
