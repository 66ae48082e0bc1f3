"""``market-snapshots export``: the published warehouse as Parquet plus ``marts.sql``."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from dagster_project.cli.options import add_command, add_setting_options, settings_from_options
from dagster_project.core.build.dbt_manifest import daily_facts, dated_facts, read_manifest
from dagster_project.core.build.dbt_parse import ensure_manifest
from dagster_project.core.build.planning import dbt_source_files
from dagster_project.settings import DBT_EXECUTABLE, DBT_PROJECT_DIR, Settings
from dagster_project.tools.export import check_out_dir, export_warehouse


def daily_fact_tables(settings: Settings) -> frozenset[str]:
    """The daily fact tables (dbt's ``daily`` tag) with a ``market_date`` to partition by year,
    from the manifest of the settings' state dir (parsed first if it is missing or older than
    the dbt project)."""
    manifest = ensure_manifest(
        dbt_executable=DBT_EXECUTABLE,
        project_dir=DBT_PROJECT_DIR,
        profiles_dir=DBT_PROJECT_DIR,
        target_path=settings.dbt_target_dir,
        source_files=dbt_source_files(DBT_PROJECT_DIR),
        env=settings.as_env(),
    )
    return frozenset(model.name for model in dated_facts(daily_facts(read_manifest(manifest))))


def export(args: argparse.Namespace) -> int:
    """Write the Parquet export of the published warehouse and print where it went."""
    settings = settings_from_options(args, os.environ, ["warehouse"])  # the warehouse alone
    out_dir = Path(args.out).expanduser() if args.out else settings.warehouse.parent / "export"
    check_out_dir(out_dir)  # before dbt parses: a refused --out answers at once
    by_year = daily_fact_tables(settings)
    result = export_warehouse(settings.warehouse, out_dir, by_year=by_year)
    tables = [relation for relation in result.relations if relation.kind == "table"]
    views = [relation for relation in result.relations if relation.kind == "view"]
    print(f"export: {result.out_dir}")
    for relation in tables:
        print(f"  {relation.schema}.{relation.name}: {relation.rows} rows -> {relation.location}")
    print(f"views: {result.sql_file} ({len(tables)} tables, {len(views)} derived views)")
    print(f'query: cd {result.out_dir} && duckdb -c ".read {result.sql_file.name}" -c "..."')
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``export [--warehouse W] [--out DIR]``."""
    parser = add_command(
        commands,
        "export",
        summary="write every mart as Parquet plus a marts.sql of views over it",
        description="Write every table of the published warehouse's marts as Parquet (the daily "
        "facts partitioned by year) and a marts.sql of views over the files, for any DuckDB "
        "(1.x included) or any Parquet reader.",
        examples=[
            "market-snapshots export",
            'market-snapshots export --out /tmp/export && duckdb -c ".read /tmp/export/marts.sql"',
        ],
        settings=["warehouse"],
    )
    add_setting_options(parser, ["warehouse"])
    parser.add_argument(
        "--out",
        help="export directory (default <warehouse dir>/export/): a new or empty directory, or an "
        "earlier export, which is replaced; anything else is refused",
    )
    parser.set_defaults(handler=export)
