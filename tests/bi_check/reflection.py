"""SQLAlchemy reflection through duckdb-engine, across the versions that work and those that don't.

What Superset, the dataset editors of other SQLAlchemy tools and pandas' ``read_sql_table`` do:
``inspect(engine)`` lists the tables and views of each schema, their columns with types and
their primary keys. duckdb-engine 0.17 reflects with SQLAlchemy 1.4.54 and 2.0.30 to 2.0.44 on
DuckDB 1.x and 2.x; the cells of ``KNOWN_FAILURES`` fail exactly as docs/bi-clients.md says
(and why the dev group pins ``sqlalchemy>=2.0.30,<2.0.45``).
"""

from __future__ import annotations

import json
from typing import Any

from tests.bi_check.common import CheckFailed, Report, expect, run
from tests.bi_check.envs import uv_with
from tests.bi_check.warehouse import SCHEMAS, Warehouse

DUCKDB_ENGINE = "0.17.0"
SQLALCHEMY_VERSIONS = ("1.4.54", "2.0.30", "2.0.44")
DUCKDB_VERSIONS = ("1.0.0", "1.4.4", "2.0.1")
# Outside the pin but fine: 2.0.45 to 2.0.54 reflect on DuckDB 2.x (not on 1.x).
ALSO_REFLECTS = (("2.0.45", "2.0.1"),)
# (SQLAlchemy, DuckDB, what the error names)
KNOWN_FAILURES = (
    ("2.0.45", "1.4.4", "pg_collation"),
    ("2.0.55", "2.0.1", "REGCLASS"),
    ("2.1.9", "2.0.1", "pg_collation"),
)
# Runs inside each throwaway environment: the inspector's view of the warehouse, as JSON.
REFLECT = """
import json, sys
import duckdb, sqlalchemy as sa
engine = sa.create_engine("duckdb:///" + sys.argv[1], connect_args={"read_only": True})
out = {"duckdb": duckdb.__version__, "sqlalchemy": sa.__version__, "relations": {}}
try:
    with engine.connect() as con:
        inspector = sa.inspect(con)
        for schema in sys.argv[2].split(","):
            for kind, names in (("table", inspector.get_table_names(schema=schema)),
                                ("view", inspector.get_view_names(schema=schema))):
                for name in names:
                    columns = inspector.get_columns(name, schema=schema)
                    out["relations"][schema + "." + name] = {
                        "kind": kind,
                        "columns": [[c["name"], str(c["type"]),
                                     getattr(c["type"], "timezone", None)] for c in columns],
                        "pk": inspector.get_pk_constraint(name, schema=schema)
                              ["constrained_columns"],
                    }
except Exception as exc:
    out["error"] = type(exc).__name__ + ": " + str(exc).splitlines()[0]
finally:
    engine.dispose()
print(json.dumps(out))
"""


def _reflect(warehouse: Warehouse, sqlalchemy: str, duckdb: str) -> dict[str, Any]:
    command = uv_with(
        f"sqlalchemy=={sqlalchemy}", f"duckdb=={duckdb}", f"duckdb-engine=={DUCKDB_ENGINE}", "pytz"
    )
    out = run([*command, "python", "-c", REFLECT, str(warehouse.path), ",".join(SCHEMAS)])
    answer: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    expect(
        answer["sqlalchemy"] == sqlalchemy and answer["duckdb"] == duckdb,
        f"asked for SQLAlchemy {sqlalchemy} + DuckDB {duckdb}, got {answer}",
    )
    return answer


def _check_cell(warehouse: Warehouse, cell: str, answer: dict[str, Any]) -> str:
    """Compare the reflected relations with the file; return the types worth reporting."""
    if "error" in answer:
        raise CheckFailed(f"{cell}: reflection failed: {answer['error']}")
    relations: dict[str, Any] = answer["relations"]
    expect(
        sorted(relations) == sorted(warehouse.columns),
        f"{cell}: reflected {sorted(relations)}, the file has {sorted(warehouse.columns)}",
    )
    notes: list[str] = []
    for name, reflected in relations.items():
        columns = [column[0] for column in reflected["columns"]]
        expect(
            columns == [column for column, _ in warehouse.columns[name]],
            f"{cell}: {name} reflected as {columns}",
        )
        expect(reflected["kind"] == warehouse.kinds[name], f"{cell}: {name} is a {reflected}")
        untyped = [column[0] for column in reflected["columns"] if column[1] == "NULL"]
        expect(not untyped, f"{cell}: {name} has columns without a type: {untyped}")
        expect(reflected["pk"] == [], f"{cell}: {name} reflects a primary key {reflected['pk']}")
        types = {column[0]: (column[1], column[2]) for column in reflected["columns"]}
        if name == "marts.fct_daily_movers":
            kind, zoned = types["captured_at"]
            notes.append(f"close_price {types['close_price'][0]}")
            notes.append(f"captured_at {kind} (timezone={zoned})")
        if name == "bi.daily_movers":
            notes.append(f"bi.daily_movers.close_price {types['close_price'][0]}")
            notes.append(f"captured_at_utc {types['captured_at_utc'][0]}")
    return ", ".join(notes)


def check(warehouse: Warehouse) -> Report:
    """Reflect every relation in each cell of the matrix, and see the known failures fail."""
    report = Report(
        "sqlalchemy",
        f"duckdb-engine {DUCKDB_ENGINE}; inspect(): get_table_names, get_view_names, get_columns, "
        "get_pk_constraint; each cell its own uv environment",
    )
    columns = sum(len(found) for found in warehouse.columns.values())
    types: dict[str, list[str]] = {}
    for sqlalchemy in SQLALCHEMY_VERSIONS:
        for duckdb in DUCKDB_VERSIONS:
            cell = f"SQLAlchemy {sqlalchemy} + DuckDB {duckdb}"
            seen = _check_cell(warehouse, cell, _reflect(warehouse, sqlalchemy, duckdb))
            types.setdefault(seen, []).append(f"{sqlalchemy}/{duckdb}")
            report.ok(
                f"{cell}: {len(warehouse.columns)} relations, {columns} columns reflected, "
                "names, order and kinds as in the file, every column typed"
            )
    for sqlalchemy, duckdb in ALSO_REFLECTS:
        cell = f"SQLAlchemy {sqlalchemy} + DuckDB {duckdb}"
        _check_cell(warehouse, cell, _reflect(warehouse, sqlalchemy, duckdb))
        report.ok(f"{cell} (outside the pin: DuckDB 2.x only) reflects as well")
    for seen, cells in types.items():
        report.ok(f"types ({', '.join(cells)}): {seen}")
    report.caveat(
        "get_pk_constraint is empty everywhere: the warehouse declares no keys (each grain is "
        "documented and tested by dbt)"
    )
    report.caveat(
        "captured_at (timestamptz) reflects as TIMESTAMP with timezone=False; bi.* has "
        "captured_at_utc, a plain UTC timestamp, instead"
    )
    for sqlalchemy, duckdb, marker in KNOWN_FAILURES:
        answer = _reflect(warehouse, sqlalchemy, duckdb)
        error = str(answer.get("error", ""))
        expect(
            marker in error,
            f"SQLAlchemy {sqlalchemy} + DuckDB {duckdb} was expected to fail on {marker}: "
            f"{error or 'it reflected'} (update the pin and docs/bi-clients.md)",
        )
        report.caveat(f"SQLAlchemy {sqlalchemy} + DuckDB {duckdb} fails as documented: {error}")
    return report
