"""The run tags of our own that Dagster acts on (no Dagster import: the CLI writes them into
the instance's ``dagster.yaml`` before Dagster is imported)."""

#: Runs launched by ``market-snapshots build`` carry this tag; the sensors leave them alone.
CLI_TAG = "market/launched_by"
#: Runs that normalise carry this tag; the instance runs one of them at a time (``cli/build.py``),
#: because a run's normalise batches write lake partitions outside the work-DB pool.
NORMALISE_TAG = "market/normalises"
