"""The soak: many builds in a row on a busy machine, each compared with a clean build.

Synthetic captures arrive in steps (a few sessions, an afternoon capture of a session already
built, nothing at all); after each step ``market-snapshots build`` runs on the same warehouse, as
``make build`` does day after day, while CPU-bound processes keep the machine busy. Every mart,
``bi`` view and audit table must then equal those of one clean build of the same raw dir (built
afterwards, from a hard-linked copy of the raw dir as that build saw it). ``make test`` runs a
small soak (``tests/e2e/test_soak.py``), ``make bench`` the full one (20 builds).
"""

from __future__ import annotations

import itertools
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from dagster_project.tools.synth.captures import write_captures

CLI = str(Path(sys.executable).with_name("market-snapshots"))
_SEED = 20241018


@dataclass
class SoakResult:
    """What the soak did: the captures each build saw, and every difference it found."""

    builds: int = 0
    captures_per_build: list[int] = field(default_factory=list)
    clean_builds: int = 0
    differences: list[str] = field(default_factory=list)


def capture_steps(files: list[Path], builds: int, *, seed: int = _SEED) -> list[list[Path]]:
    """``files`` (ordered by capture time) cut into ``builds`` steps.

    The first step holds the first session whole; at least one later step is empty (a no-op
    build) whenever there are three or more steps, and the cuts fall anywhere, so a session's
    captures often arrive over two builds.
    """
    rng = random.Random(seed)
    first_day = files[0].name.split("_")[1]
    head = [path for path in files if path.name.split("_")[1] == first_day]
    rest = files[len(head) :]
    if builds < 2:
        return [files]
    cuts = sorted(rng.randint(0, len(rest)) for _ in range(builds - 3))
    if builds >= 3:  # one cut twice: an empty step, a build with nothing new
        cuts = sorted([*cuts, rng.choice([*cuts, len(rest)])])
    bounds = [0, *cuts, len(rest)]
    return [head] + [rest[a:b] for a, b in itertools.pairwise(bounds)]


Snapshot = dict[str, list[tuple[object, ...]]]
"""Rows by relation (``schema.name``)."""


def snapshot(warehouse: Path) -> Snapshot:
    """Every table and view of the published warehouse's ``marts``, ``bi`` and ``audit``, each
    relation's rows sorted (``order by all``), read-only. The tests compare warehouses with it
    too (``tests.builds.snapshot``)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('marts', 'bi', 'audit') order by all"
        ).fetchall()
        return {
            f"{schema}.{name}": con.execute(
                f'select * from "{schema}"."{name}" order by all'
            ).fetchall()
            for schema, name in names
        }
    finally:
        con.close()


def differences(built: Snapshot, clean: Snapshot) -> list[str]:
    """One line per relation whose rows differ between two snapshots."""
    found = []
    for name in sorted(set(built) | set(clean)):
        rows, expected = built.get(name), clean.get(name)
        if rows != expected:
            extra = len(set(rows or []) - set(expected or []))
            missing = len(set(expected or []) - set(rows or []))
            found.append(f"{name}: {extra} rows not in the clean build, {missing} missing")
    return found


def build(raw: Path, warehouse: Path) -> None:
    """``market-snapshots build`` of ``raw`` into ``warehouse``; raises with its output."""
    done = subprocess.run(
        [CLI, "build", "--raw-dir", str(raw), "--warehouse", str(warehouse)],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
        env=_build_env(),
    )
    if done.returncode != 0:
        raise RuntimeError(f"build of {raw} failed:\n{(done.stdout + done.stderr)[-4000:]}")


def _build_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MARKET_")}
    env.pop("DAGSTER_HOME", None)
    return env


@contextmanager
def busy_machine(processes: int) -> Iterator[None]:
    """``processes`` CPU-bound Python processes running for as long as the block does."""
    spinners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)
    ]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def run_soak(
    work: Path, *, builds: int, days: int, captures_per_day: int, busy: int = 2
) -> SoakResult:
    """Build ``builds`` times as captures arrive, comparing each warehouse with a clean build."""
    source = work / "captures"
    if not source.exists():
        write_captures(source, days=days, symbols=30, captures_per_day=captures_per_day, seed=_SEED)
    files = sorted(
        (path for path in source.rglob("*") if path.suffix in (".txt", ".html")),
        key=lambda path: (path.name.split("_")[1], path.name),
    )
    raw, warehouse = work / "raw", work / "warehouse" / "market.duckdb"
    raw.mkdir(parents=True)
    result = SoakResult()
    built: list[tuple[int, Snapshot, Path | None]] = []
    with busy_machine(busy):
        for number, step in enumerate(capture_steps(files, builds), start=1):
            for path in step:
                target = raw / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
            build(raw, warehouse)
            result.builds += 1
            result.captures_per_build.append(len(step))
            # The raw dir as this build saw it (hard links: same bytes, same file times).
            state = work / f"state-{number}" if step and number > 1 else None
            if state is not None:
                shutil.copytree(raw, state, copy_function=os.link)
            built.append((number, snapshot(warehouse), state))
    # The clean builds: one per raw state, after the soak (the first build was one already).
    clean = built[0][1]
    for number, rows, state in built:
        if state is not None:
            build(state, work / f"clean-{number}" / "market.duckdb")
            clean = snapshot(work / f"clean-{number}" / "market.duckdb")
            result.clean_builds += 1
            shutil.rmtree(state)
            shutil.rmtree(work / f"clean-{number}")
        result.differences += [f"build {number}: {line}" for line in differences(rows, clean)]
    return result


def part_soak(work: Path, *, quick: bool) -> dict[str, Any]:
    """``make bench``'s soak: 20 builds (quick: 5) of 2 months of captures, 12 a session."""
    import time

    root = work / "soak"
    shutil.rmtree(root, ignore_errors=True)
    started = time.perf_counter()
    result = run_soak(
        root,
        builds=5 if quick else 20,
        days=10 if quick else 42,
        captures_per_day=4 if quick else 12,
    )
    shutil.rmtree(root, ignore_errors=True)
    return asdict(result) | {"seconds": time.perf_counter() - started}
