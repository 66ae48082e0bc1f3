"""``market-snapshots export``: the published warehouse as Parquet plus ``marts.sql``."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from dagster_project.settings import make_settings
from dagster_project.tools.export import export_warehouse


def export(args: argparse.Namespace) -> int:
    """Write the Parquet export of the published warehouse and print where it went."""
    settings = make_settings(warehouse=args.warehouse or os.environ.get("MARKET_WAREHOUSE"))
    out_dir = Path(args.out).expanduser() if args.out else settings.warehouse.parent / "export"
    result = export_warehouse(settings.warehouse, out_dir)
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
    parser = commands.add_parser(
        "export", help="write every mart as Parquet plus a marts.sql of views over it"
    )
    parser.add_argument(
        "--warehouse", help="published file (default $MARKET_WAREHOUSE or warehouse/market.duckdb)"
    )
    parser.add_argument("--out", help="export directory (default <warehouse dir>/export/)")
    parser.set_defaults(handler=export)
