"""Evidence: its DuckDB source driver, offline, on a source laid out as docs/bi-clients.md says.

``evidence sources`` runs each source query through ``@evidence-dev/duckdb`` and then writes the
results to Parquet with duckdb-wasm, which downloads its parquet extension at run time: with no
network beyond the package registries that step hangs, so only the driver's part is checked.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from tests.bi_check.common import CheckFailed, Report, clean_env, expect, run
from tests.bi_check.envs import npm_env, npm_version
from tests.bi_check.warehouse import Warehouse, normalise

DRIVER = "@evidence-dev/duckdb"
SCRIPT = Path(__file__).with_name("evidence_sources.cjs")
# sources/market/connection.yaml as the docs give it: the file is linked into the source folder.
CONNECTION = "name: market\ntype: duckdb\noptions:\n  filename: market.duckdb\n"
QUERIES = {
    "latest_movers.sql": "select * from marts.latest_daily_movers",
    "sectors.sql": "select * from marts.fct_sector_daily",
    "indices.sql": "select * from marts.fct_index_changes",
    "captures.sql": "select capture_id, source_path, captured_at, market_date, status "
    "from audit.captures",
    "bi_movers.sql": "select * from bi.daily_movers",
}
EVIDENCE_TYPES = {"DATE": "date", "VARCHAR": "string", "INTEGER": "number", "DOUBLE": "number"}


def _evidence_type(duckdb_type: str) -> str | None:
    """The Evidence type a DuckDB column should get (None: not checked)."""
    if duckdb_type.startswith("DECIMAL"):
        return "number"
    if duckdb_type.startswith("TIMESTAMP"):
        return "date"
    return EVIDENCE_TYPES.get(duckdb_type)


def _value(value: Any, duckdb_type: str) -> object:
    """A value the driver returned (JSON), normalised like DuckDB's own (see ``normalise``)."""
    if value is None:
        return None
    if duckdb_type == "DATE":
        return str(value)[:10]
    if duckdb_type.startswith("TIMESTAMP"):
        return normalise(dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")))
    return normalise(value)


def _run_sources(env_dir: Path, source_dir: Path) -> dict[str, Any]:
    """Each query of ``source_dir`` through the driver, as Evidence's SDK calls it."""
    node = shutil.which("node")
    if node is None:
        raise CheckFailed("node is not installed (Debian: apt-get install nodejs npm)")
    options = yaml.safe_load((source_dir / "connection.yaml").read_text(encoding="utf-8"))
    request = {"driverDir": str(env_dir), "sourceDir": str(source_dir), **options}
    out = run([node, str(SCRIPT)], env=clean_env(), timeout=300, stdin=json.dumps(request))
    answer: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return answer


def _source(project: Path, name: str, connection: str, queries: dict[str, str]) -> Path:
    source_dir = project / "sources" / name
    source_dir.mkdir(parents=True)
    (source_dir / "connection.yaml").write_text(connection, encoding="utf-8")
    for file, sql in queries.items():
        (source_dir / file).write_text(sql + "\n", encoding="utf-8")
    return source_dir


def check(warehouse: Warehouse) -> Report:
    """Run the source queries through Evidence's driver and compare them with DuckDB."""
    env_dir, built = npm_env("evidence")
    bindings = npm_version(env_dir, "@duckdb/node-api")
    report = Report(
        "evidence",
        f"{DRIVER} {npm_version(env_dir, DRIVER)} (@duckdb/node-api {bindings}); {built}",
    )
    project = Path(tempfile.mkdtemp(prefix="bi-check-evidence-"))
    source_dir = _source(
        project, "market", CONNECTION, {**QUERIES, "version.sql": "select version() as v"}
    )
    (source_dir / "market.duckdb").symlink_to(warehouse.path)
    results = _run_sources(env_dir, source_dir)
    version = results.pop("version.sql")
    expect("rows" in version, f"the driver could not open the file: {version}")
    report.ok(f"the driver's DuckDB {version['rows'][0]['v']} opens the file read-only")
    for file, sql in QUERIES.items():
        result = results[file]
        expect("rows" in result, f"{file}: {result.get('error')}")
        described = warehouse.rows(f"select column_name, column_type from (describe {sql})")
        types = {str(column): str(kind) for column, kind in described}
        got = sorted(
            tuple(
                _value(row[column["name"]], types[column["name"]])
                for column in result["columnTypes"]
            )
            for row in result["rows"]
        )
        expected = sorted(warehouse.rows(sql))
        expect(got == expected, f"{file}: the driver gave {got[:3]}…, DuckDB {expected[:3]}…")
        expect(result["expectedRowCount"] == len(expected), f"{file}: {result['expectedRowCount']}")
        for column in result["columnTypes"]:
            wanted = _evidence_type(types[column["name"]])
            expect(
                wanted in (None, column["evidenceType"]),
                f"{file}: {column['name']} ({types[column['name']]}) is {column['evidenceType']}",
            )
        rows = f"{len(expected)} row{'s' if len(expected) != 1 else ''}"
        report.ok(f"sources/market/{file} (`{sql}`): {rows}, equal to DuckDB's")
    report.ok("types: decimal(18,2) -> number, date and timestamptz -> date, varchar -> string")
    absolute = _source(
        project,
        "market_absolute",
        f"name: market_absolute\ntype: duckdb\noptions:\n  filename: {warehouse.path}\n",
        {"movers.sql": QUERIES["latest_movers.sql"]},
    )
    failed = _run_sources(env_dir, absolute)["movers.sql"]
    expect(
        "does not exist" in str(failed.get("error")),
        f"an absolute filename was expected to fail (the driver joins it to the source folder), "
        f"got {str(failed)[:300]}",
    )
    report.caveat(
        "an absolute `filename:` fails: the driver joins it to the source folder "
        f"({str(failed['error']).split('in read-only mode')[0].strip()})"
    )
    report.unchecked(
        "`npm run sources` itself: it then writes each result to Parquet with duckdb-wasm, which "
        "downloads its parquet extension (no network here: it hangs); pages not built"
    )
    shutil.rmtree(project, ignore_errors=True)
    return report
