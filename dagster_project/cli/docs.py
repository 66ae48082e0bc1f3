"""``market-snapshots docs``: the dbt docs site of the built warehouse, one page that opens
offline (``tools/docs_site.py``)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from dagster_project.cli.options import add_command, add_setting_options, settings_from_options

SETTINGS = ["warehouse", "state_dir"]


def docs(args: argparse.Namespace) -> int:
    """Write the docs page of the last build and print where it went."""
    from dagster_project.cli.lock import build_lock
    from dagster_project.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR
    from dagster_project.tools.docs_site import write_docs_site

    settings = settings_from_options(args, os.environ, SETTINGS)
    out_dir = (
        Path(args.out).expanduser().resolve() if args.out else settings.warehouse.parent / "docs"
    )
    with build_lock(settings):  # dbt reads the working database: never beside a build
        site = write_docs_site(
            dbt_executable=DBT_EXECUTABLE,
            project_dir=DBT_PROJECT_DIR,
            work_db=settings.work_db,
            target_path=settings.state_dir / "dbt" / "docs",
            out_dir=out_dir,
            env=settings.as_env(),
        )
    print(f"docs: {site.page}")
    print(
        f"{site.models} models, {site.columns} columns with their types and descriptions; "
        "one file that opens offline in any browser"
    )
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``docs [--warehouse W] [--state-dir S] [--out DIR]``."""
    parser = add_command(
        commands,
        "docs",
        summary="write the dbt docs site of the last build (one offline HTML page)",
        description="Write dbt's documentation of the warehouse (every model, column, type, "
        "test, exposure and the lineage graph) as one self-contained HTML page, from the last "
        "build's working database. It waits for no build: a running build makes it exit 1.",
        examples=[
            "market-snapshots docs",
            "market-snapshots docs --out /tmp/market-docs && xdg-open /tmp/market-docs/index.html",
        ],
        settings=SETTINGS,
    )
    parser.add_argument(
        "--out", help="directory to write index.html into (default: <warehouse dir>/docs)"
    )
    add_setting_options(parser, SETTINGS)
    parser.set_defaults(handler=docs)
