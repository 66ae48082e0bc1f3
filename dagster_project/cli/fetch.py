"""``market-snapshots fetch``: fetch the configured pages into the raw dir now.

The same code as the fetch asset (``core/fetch/landed.py``), with its politeness and safety:
robots.txt, redirects kept to the page's site, public addresses only, one deadline a page,
``Retry-After`` honoured, credentials never stored.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from dagster_project.cli.options import add_command, add_setting_options, settings_from_options

SETTINGS = ["raw_dir", "pages_file"]


def _tell(level: int, message: str) -> None:
    print(message, file=sys.stderr if level >= logging.WARNING else sys.stdout)


def fetch(args: argparse.Namespace) -> int:
    """Fetch every page of the pages file; 0 when all landed, 1 when any could not be fetched."""
    from dagster_project.core.fetch.landed import fetch_pages
    from dagster_project.core.fetch.pages import load_page_list
    from dagster_project.core.fetch.policy import FetchPolicy

    settings = settings_from_options(args, os.environ, SETTINGS)
    pages = load_page_list(settings.pages_file)
    run = fetch_pages(pages, settings.raw_dir, FetchPolicy(), log=_tell)
    print(f"{run.summary}; {run.total_bytes} bytes under {settings.raw_dir / 'fetched'}")
    return 1 if run.failures else 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``fetch [--raw-dir R] [--pages-file F]``."""
    parser = add_command(
        commands,
        "fetch",
        summary="fetch the configured pages into the raw dir now (then run build)",
        description="Fetch every page of the pages file (config/pages.yaml) and write each as "
        "a capture under <raw dir>/fetched/YYYY/MM/DD/ with a sidecar recording its URL and "
        "fetch time: the fetch asset's code, with its politeness and safety. Exit 0 when every "
        "page was fetched, 1 when any was not (the others still land), 2 on a bad pages file.",
        examples=[
            "market-snapshots fetch",
            "market-snapshots fetch --pages-file my-pages.yaml && market-snapshots build",
        ],
        settings=SETTINGS,
    )
    add_setting_options(parser, SETTINGS)
    parser.set_defaults(handler=fetch)
