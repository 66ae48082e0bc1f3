"""``market-snapshots``: the command line (build, backfill, dev, report, summary, export, synth).

``main`` parses the command; each command has its module; ``runs`` drives the Dagster runs of a
build.
"""

from dagster_project.cli.main import main

__all__ = ["main"]
