"""Real builds for the tests, one home: in process as ``make build`` runs them, or with the CLI.

The session's shared builds are fixtures of ``tests/conftest.py`` (``sample_build``); a test that
changes a build works on a copy (:func:`copy_build`), never on the shared one.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock

from bench.soak import Snapshot
from bench.soak import snapshot as every_relation
from dagster_project.cli.build import open_instance, prepare_dagster_home
from dagster_project.cli.runs import run_build
from dagster_project.settings import Settings, export_settings, make_settings
from dagster_project.tools.synth.captures import write_captures
from tests.captures import SAMPLE
from tests.support import run_cli

Build = Callable[..., Settings]
#: Relations every built warehouse holds, whatever it loaded.
ALWAYS_PUBLISHED = frozenset(
    {"marts.fct_daily_movers", "marts.latest_daily_movers", "audit.captures"}
)


def snapshot(warehouse: Path) -> Snapshot:
    """Every relation of a published warehouse (``marts``, ``bi``, ``audit``), rows sorted: the
    one way the tests compare two warehouses (the soak's, ``bench/soak.py``), failing when the
    file lacks the relations every build publishes (so that two missing never compare equal)."""
    rows = every_relation(warehouse)
    missing = ALWAYS_PUBLISHED - set(rows)
    assert not missing, f"{warehouse} lacks {sorted(missing)}"
    return rows


def materialize_all(raw_dir: Path, root: Path, *, expect_success: bool = True) -> Settings:
    """Build like ``make build``: the ingest run, then the daily facts of changed dates, publish;
    on the Dagster instance ``make build`` uses (the batched SQLite storage in the state dir's
    DAGSTER_HOME: Dagster's in-memory instance stores a ranged run's ~14 events per partition one
    by one, which made a build of the real pages' five years 146 s instead of about 50)."""
    settings = make_settings(raw_dir=raw_dir, warehouse=root / "warehouse" / "market.duckdb")
    saved = dict(os.environ)
    export_settings(settings)
    try:
        prepare_dagster_home(settings)
        with open_instance(settings) as instance:
            outcome = run_build(settings, instance=instance)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert outcome.success is expect_success, outcome.failures
    return settings


def build_with_cli(raw: Path, warehouse: Path) -> Path:
    """``market-snapshots build`` into ``warehouse``; fails the test with stderr when it fails."""
    done = run_cli("build", "--raw-dir", str(raw), "--warehouse", str(warehouse))
    assert done.returncode == 0, done.stderr[-3000:]
    return warehouse


def sample_raw(raw: Path) -> Path:
    """A raw dir holding the shipped sample as a user's would: ``samples/<its name>``."""
    (raw / "samples").mkdir(parents=True)
    shutil.copy2(SAMPLE, raw / "samples" / SAMPLE.name)
    return raw


def synthetic_raw(raw: Path) -> Path:
    """The session's synthetic corpus: four sessions of 30 symbols (Mon 14 to Thu 17 Oct 2024),
    three captures each, six of them HTML, a replay, four duplicate files and seven broken
    lines, a few corporate actions, and each day's headlines (``synth/expected.json`` is the
    ground truth); plus the
    sample as ``hand/page.txt``, a capture of Fri 18 Oct dated only by its page. The headline,
    two-worker and Spark tests read its build. (The sessions sit beside the sample's date on
    purpose: a build's daily run covers every partition from its first date to its last, and
    sessions in 2015 beside the sample's 2024 cost a build 17 s more, a Spark build minutes.)"""
    write_captures(
        raw / "synth",
        start=dt.date(2024, 10, 14),
        days=4,
        symbols=30,
        captures_per_day=3,
        seed=3,
        html_share=0.5,
        replay_share=0.5,
        broken_share=0.3,
        duplicate_share=0.3,
        action_share=0.05,
    )
    (raw / "hand").mkdir()
    shutil.copy2(SAMPLE, raw / "hand" / "page.txt")
    return raw


def run_dir(factory: pytest.TempPathFactory) -> Path:
    """The temporary directory of this test run, shared by pytest-xdist workers if any."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def made_once(base: Path, name: str, make: Callable[[Path], object]) -> Path:
    """``base/name``, made by ``make`` once for the whole test run: with pytest-xdist the first
    worker to come makes it under a file lock and the others wait, then read it."""
    root = base / name
    with FileLock(str(base / f"{name}.lock")):
        if not (root / ".made").exists():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir(parents=True)
            make(root)
            (root / ".made").touch()
    return root


def sample_settings(root: Path) -> Settings:
    """Where :func:`cli_sample_build` builds the sample under ``root``."""
    return make_settings(
        raw_dir=root / "my captures", warehouse=root / "warehouse" / "market.duckdb"
    )


def cli_sample_build(root: Path) -> Settings:
    """The sample built by ``market-snapshots build`` under ``root`` (a raw dir whose name holds
    a space, as users' do); its output is kept in ``root/build.log``."""
    settings = sample_settings(root)
    raw = sample_raw(settings.raw_dir)
    done = run_cli("build", "--raw-dir", str(raw), "--warehouse", str(settings.warehouse))
    (root / "build.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    assert done.returncode == 0, done.stderr[-3000:]
    return settings


def synthetic_settings(root: Path) -> Settings:
    """Where the synthetic corpus is built under ``root``."""
    return make_settings(raw_dir=root / "raw", warehouse=root / "warehouse" / "market.duckdb")


def synthetic_build(root: Path) -> Settings:
    """The synthetic corpus (:func:`synthetic_raw`) built under ``root`` in process."""
    return materialize_all(synthetic_raw(root / "raw"), root)


def copy_build(settings: Settings, root: Path) -> Settings:
    """A copy of a build (its raw dir and warehouse directory, state included) under ``root``,
    for a test that changes it. File times are kept, so landing finds nothing new; the build
    stamp names the original paths, so the copy's first build is a real (incremental) one."""
    raw = root / settings.raw_dir.name
    shutil.copytree(settings.raw_dir, raw, symlinks=True)
    warehouse = root / settings.warehouse.parent.name / settings.warehouse.name
    shutil.copytree(
        settings.warehouse.parent,
        warehouse.parent,
        symlinks=True,
        ignore=shutil.ignore_patterns("build.lock"),
    )
    return make_settings(raw_dir=raw, warehouse=warehouse)


def query(
    settings: Settings, sql: str, params: list[object] | None = None
) -> list[tuple[object, ...]]:
    """Rows from the published warehouse, opened read-only the way a BI tool would."""
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
