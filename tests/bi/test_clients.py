"""The published warehouse from the clients people use, following docs/bi-clients.md."""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from dagster_project.cli.export import add_parser, daily_fact_tables
from dagster_project.settings import PROJECT_ROOT, make_settings
from dagster_project.tools.export import MARKER_FILE, export_warehouse
from tests.faults.builds import MART_VIEWS, MARTS, Reference

pytestmark = pytest.mark.e2e

UV = str(Path(sys.executable).with_name("uv"))
DUCKDB_CLI = "duckdb-cli==1.5.6"
OLD_PYTHON_CLIENTS = ("duckdb==1.4.4", "duckdb==1.0.0")
RELATIONS = [f"marts.{name}" for name in (*MARTS, *MART_VIEWS)] + ["audit.captures"]
COMMENT_SQL = (
    "select comment from duckdb_columns() where schema_name = 'marts' "
    "and table_name = 'latest_daily_movers' and column_name = 'gainer_rank'"
)
# Every relation's rows as text, so answers from any client and version compare equal.
DUMP = """
import duckdb, json, sys
con = duckdb.connect(*sys.argv[1:2], read_only=len(sys.argv) > 1 and sys.argv[1] != ':memory:')
if len(sys.argv) > 2:
    con.execute(open(sys.argv[2], encoding='utf-8').read())
ask = json.loads(sys.stdin.read())
print(json.dumps({
    'version': duckdb.__version__,
    'rows': {
        name: [[None if v is None else str(v) for v in row]
               for row in con.execute(f'select * from {name} order by all').fetchall()]
        for name in ask['names']
    },
    'comment': con.execute(ask['comment']).fetchall()[0][0],
}))
"""


def run(command: list[str], *, cwd: Path = PROJECT_ROOT, stdin: str = "") -> str:
    done = subprocess.run(
        command, input=stdin, capture_output=True, text=True, timeout=600, check=False, cwd=cwd
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def with_package(package: str, *command: str) -> list[str]:
    return [UV, "run", "--quiet", "--no-project", "--with", package, *command]


def dump(package: str, *args: str, cwd: Path = PROJECT_ROOT) -> dict[str, object]:
    out = run(
        # pytz: what DuckDB 1.x's Python client needs to return timestamptz values.
        with_package(package, "--with", "pytz", "python", "-c", DUMP, *args),
        cwd=cwd,
        stdin=json.dumps({"names": RELATIONS, "comment": COMMENT_SQL}),
    )
    answer: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return answer


@pytest.fixture(scope="module")
def expected(reference: Reference) -> dict[str, object]:
    """What DuckDB 2.x in this venv reads from the published file."""
    con = duckdb.connect(str(reference.warehouse), read_only=True)
    try:
        return {
            name: [
                [None if value is None else str(value) for value in row]
                for row in con.execute(f"select * from {name} order by all").fetchall()
            ]
            for name in RELATIONS
        }
    finally:
        con.close()


def test_duckdb_cli(reference: Reference) -> None:
    """``duckdb -readonly market.duckdb``: the real CLI binary, from the duckdb-cli package."""
    out = run(
        with_package(
            DUCKDB_CLI,
            "duckdb",
            "-readonly",
            "-csv",
            str(reference.warehouse),
            "-c",
            "select market_date, symbol, gainer_rank from marts.latest_daily_movers "
            "where gainer_rank = 1",
            "-c",
            COMMENT_SQL,
        )
    )
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[:2] == [["market_date", "symbol", "gainer_rank"], ["2024-10-22", "HUBC", "1"]]
    assert rows[3][0].startswith("1 = largest percentage gain")
    refused = subprocess.run(
        with_package(
            DUCKDB_CLI, "duckdb", "-readonly", str(reference.warehouse), "-c", "drop schema marts"
        ),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert "read-only" in (refused.stdout + refused.stderr).lower()


def test_duckdb_1x_python_clients(reference: Reference, expected: dict[str, object]) -> None:
    for package in OLD_PYTHON_CLIENTS:
        answer = dump(package, str(reference.warehouse))
        assert answer["version"] == package.split("==")[1]
        assert answer["rows"] == expected, package
        assert str(answer["comment"]).startswith("1 = largest percentage gain"), package


@pytest.mark.parametrize(
    "url, connect_args",
    [
        ("duckdb:///{path}", {"read_only": True}),
        ("duckdb:///{path}?access_mode=read_only", {}),
    ],
    ids=["connect_args", "url_query"],
)
def test_sqlalchemy_duckdb_engine_read_only(
    reference: Reference, url: str, connect_args: dict[str, object]
) -> None:
    """What Superset does: a SQLAlchemy engine over duckdb-engine, read-only."""
    engine = sa.create_engine(url.format(path=reference.warehouse), connect_args=connect_args)
    try:
        with engine.connect() as con:
            top = con.execute(
                sa.text(
                    "select symbol, change_pct from marts.latest_daily_movers "
                    "where loser_rank = :rank"
                ),
                {"rank": 1},
            ).fetchall()
            assert [(symbol, str(pct)) for symbol, pct in top] == [("PRL", "-9.55")]
            inspector = sa.inspect(con)
            assert set(inspector.get_table_names(schema="marts")) == set(MARTS)
            assert set(inspector.get_view_names(schema="marts")) == set(MART_VIEWS)
            # Column reflection: what the pin sqlalchemy>=2.0.30,<2.0.45 keeps working.
            columns = inspector.get_columns("latest_daily_movers", schema="marts")
            assert [column["name"] for column in columns][:2] == ["market_date", "symbol"]
            assert str(columns[-1]["type"]) == "TIMESTAMP"  # captured_at, its zone not reflected
            comment = con.execute(sa.text(COMMENT_SQL)).scalar_one()
            assert str(comment).startswith("1 = largest percentage gain")
            with pytest.raises(sa.exc.DBAPIError, match="read-only"):
                con.execute(sa.text("create table marts.scratch (x integer)"))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def export_dir(reference: Reference, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``market-snapshots export --warehouse W --out DIR``, run through the command's parser."""
    out = tmp_path_factory.mktemp("export") / "export"
    main = argparse.ArgumentParser(prog="market-snapshots")
    add_parser(main.add_subparsers(dest="command", required=True))
    args = main.parse_args(["export", "--warehouse", str(reference.warehouse), "--out", str(out)])
    assert args.handler(args) == 0
    return out


def test_export_is_hive_partitioned_by_year(export_dir: Path) -> None:
    files = sorted(path.relative_to(export_dir).as_posix() for path in export_dir.rglob("*.*"))
    assert "marts.sql" in files
    assert "marts/dim_symbol/data.parquet" in files
    for fact in ("fct_daily_movers", "fct_sector_daily", "fct_index_changes"):
        assert [name for name in files if f"/{fact}/" in name] == [
            f"marts/{fact}/market_year=2024/data_0.parquet"
        ]


def test_export_runs_in_duckdb_1x_and_matches_the_warehouse(
    export_dir: Path, expected: dict[str, object]
) -> None:
    for package in OLD_PYTHON_CLIENTS:
        answer = dump(package, ":memory:", "marts.sql", cwd=export_dir)
        assert answer["rows"] == expected, package
        assert str(answer["comment"]).startswith("1 = largest percentage gain"), package


def test_export_runs_in_the_duckdb_cli(export_dir: Path) -> None:
    out = run(
        with_package(
            DUCKDB_CLI,
            "duckdb",
            "-csv",
            "-c",
            ".read marts.sql",
            "-c",
            "select count(*), count(distinct market_date) from marts.fct_daily_movers",
        ),
        cwd=export_dir,
    )
    assert out.strip().splitlines()[-1] == "90,3"


def test_a_second_export_replaces_the_first(reference: Reference, export_dir: Path) -> None:
    # A file the first export wrote (its marker lists it) that the second does not write.
    stale = export_dir / "marts" / "stale.parquet"
    stale.write_bytes(b"left over")
    with (export_dir / MARKER_FILE).open("a", encoding="utf-8") as marker:
        marker.write("marts/stale.parquet\n")
    settings = make_settings(warehouse=str(reference.warehouse))
    export_warehouse(reference.warehouse, export_dir, by_year=daily_fact_tables(settings))
    assert not stale.exists()
    assert not list(export_dir.parent.glob(".export.*"))
