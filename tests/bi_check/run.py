"""``make bi-check``: build the sample, run each client's check, print what each verified."""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from tests.bi_check import evidence, harlequin, reflection, superset
from tests.bi_check.common import CheckFailed, Report
from tests.bi_check.warehouse import Warehouse, build_sample, open_warehouse

CLIENTS: dict[str, Callable[[Warehouse], Report]] = {
    "sqlalchemy": reflection.check,
    "harlequin": harlequin.check,
    "evidence": evidence.check,
    "superset": superset.check,
}


def _clients(text: str, parser: argparse.ArgumentParser) -> list[str]:
    wanted = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(wanted) - set(CLIENTS))
    if unknown:
        parser.error(f"unknown client(s) {', '.join(unknown)}; choose from {', '.join(CLIENTS)}")
    return wanted


def _run_one(name: str, warehouse: Warehouse) -> bool:
    started = time.monotonic()
    print(f"\n[{name}]", flush=True)
    try:
        report = CLIENTS[name](warehouse)
    except CheckFailed as exc:
        print(f"FAILED   {exc}", flush=True)
        return False
    except Exception as exc:  # a client's own error (a browser timeout, a refused connection)
        print(f"FAILED   {type(exc).__name__}: {exc}", flush=True)
        traceback.print_exc()
        return False
    print(f"{report.versions} ({time.monotonic() - started:.0f} s)")
    for line in report.lines:
        print(f"  {line}")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bi_check", description=__doc__)
    parser.add_argument(
        "--only",
        default=",".join(CLIENTS),
        help=f"comma-separated clients to check (default: {','.join(CLIENTS)})",
    )
    parser.add_argument(
        "--warehouse",
        type=Path,
        help="check this published warehouse instead of a fresh build of raw/samples",
    )
    args = parser.parse_args(argv)
    wanted = _clients(args.only, parser)
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)  # each line as it comes, also into a log
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bi-check-") as workdir:
        if args.warehouse:
            warehouse = open_warehouse(args.warehouse.resolve())
            print(f"bi-check: warehouse {warehouse.path} (given)")
        else:
            print("bi-check: building raw/samples into a fresh warehouse …", flush=True)
            try:
                warehouse = build_sample(Path(workdir))
            except CheckFailed as exc:
                print(f"FAILED   {exc}")
                return 1
            took = time.monotonic() - started
            print(f"bi-check: built {warehouse.path} in {took:.0f} s")
        schemas = sorted({relation.split(".")[0] for relation in warehouse.columns})
        print(f"bi-check: {len(warehouse.columns)} relations in {', '.join(schemas)}")
        failed = [name for name in wanted if not _run_one(name, warehouse)]
    minutes, seconds = divmod(round(time.monotonic() - started), 60)
    verdict = f"FAILED: {', '.join(failed)}" if failed else "every client verified"
    print(f"\nbi-check: {len(wanted) - len(failed)} of {len(wanted)} clients ok, {verdict}")
    print(f"bi-check: took {minutes} min {seconds:02d} s")
    return 1 if failed else 0
