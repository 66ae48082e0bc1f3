"""Apache Superset through its REST API: a database, SQL Lab, datasets and chart data."""

from __future__ import annotations

import shutil
from typing import Any

import httpx

from tests.bi_check.common import CACHE_DIR, TEST_OUTPUT, CheckFailed, Report, expect
from tests.bi_check.envs import pinned, python_env
from tests.bi_check.superset_server import RECIPE, Superset, running_superset
from tests.bi_check.superset_ui import sqllab_screenshot
from tests.bi_check.warehouse import Warehouse, check_readme_answer, normalise, readme_queries

SCREENSHOT = TEST_OUTPUT / "superset-sqllab.png"
# The datasets a user makes: every mart and view, the capture audit, and the bi views.
DATASET_SCHEMAS = ("marts", "bi")


class Api:
    """Superset's REST API as the admin: a JWT for the calls, a CSRF token for the writes."""

    def __init__(self, server: Superset) -> None:
        self.client = httpx.Client(base_url=server.url, timeout=120)
        login = {"username": server.username, "password": server.password, "provider": "db"}
        token = self.post("/api/v1/security/login", login)["access_token"]
        self.client.headers["Authorization"] = f"Bearer {token}"
        self.client.headers["X-CSRFToken"] = self.get("/api/v1/security/csrf_token/")["result"]
        self.client.headers["Referer"] = server.url

    def _answer(self, response: httpx.Response) -> Any:
        if response.status_code >= 400:
            raise CheckFailed(
                f"{response.request.method} {response.request.url.path}: "
                f"{response.status_code} {response.text[:1500]}"
            )
        return response.json()

    def get(self, path: str, **params: str) -> Any:
        return self._answer(self.client.get(path, params=params))

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self._answer(self.client.post(path, json=body))

    def sql(self, database: int, sql: str) -> tuple[list[tuple[object, ...]], dict[str, Any]]:
        """Run ``sql`` in SQL Lab: normalised rows, and each column's type as SQL Lab shows it."""
        body = {"database_id": database, "sql": sql, "runAsync": False}
        result = self.post("/api/v1/sqllab/execute/", body)
        expect(result["status"] == "success", f"SQL Lab: {sql}: {result}")
        names = [column["column_name"] for column in result["columns"]]
        rows = [tuple(normalise(row[name]) for name in names) for row in result["data"]]
        return rows, {column["column_name"]: column["type"] for column in result["columns"]}


def _check_sql_lab(api: Api, database: int, warehouse: Warehouse, report: Report) -> None:
    queries = readme_queries()
    quoted = 0
    for sql in queries:
        rows, _ = api.sql(database, sql)
        expected = warehouse.rows(sql)
        if " order by " not in sql:
            rows, expected = sorted(rows, key=repr), sorted(expected, key=repr)
        expect(rows == expected, f"SQL Lab: `{sql}` gave {rows[:3]}…, DuckDB {expected[:3]}…")
        quoted += check_readme_answer(sql, rows, "SQL Lab")
    report.ok(
        f"SQL Lab ran the README's {len(queries)} queries: rows equal DuckDB's, and the "
        f"{quoted} quoted answers hold (top 5 gainers: 4 rows, HUBC first at 5.06)"
    )
    _, marts = api.sql(database, "select close_price from marts.fct_daily_movers")
    _, bi = api.sql(database, "select close_price from bi.daily_movers")
    report.caveat(
        f"SQL Lab leaves decimals untyped (marts close_price: {marts['close_price']}) and shows "
        f"101.70 as 101.7; bi.daily_movers close_price is {bi['close_price']}"
    )
    # The sample knows no capture time (captured_at is null): a literal shows how one looks.
    probe = "timestamptz '2024-10-18 16:30:00+05'"
    rows, types = api.sql(database, f"select {probe} as zoned, timezone('UTC', {probe}) as utc")
    report.caveat(
        f"SQL Lab shows a timestamptz in DuckDB's session zone, the host's: {rows[0][0]} "
        f"({types['zoned']}) here; bi's timezone('UTC', …) shows {rows[0][1]} ({types['utc']})"
    )


def _check_datasets(
    api: Api, database: int, warehouse: Warehouse, report: Report
) -> dict[str, int]:
    relations = [
        f"{schema}.{name}" for schema in DATASET_SCHEMAS for name in warehouse.relations(schema)
    ] + ["audit.captures"]
    zones: dict[str, str] = {}
    ids: dict[str, int] = {}
    for relation in relations:
        schema, name = relation.split(".")
        # The marts as the dataset editor offers them (`market.marts`), the others by name.
        schema = f"{warehouse.path.stem}.{schema}" if schema == "marts" else schema
        try:
            created = api.post(
                "/api/v1/dataset/", {"database": database, "schema": schema, "table_name": name}
            )
        except CheckFailed as exc:
            raise CheckFailed(f"dataset {relation}: {exc}") from exc
        ids[relation] = created["id"]
        dataset = api.get(f"/api/v1/dataset/{created['id']}")["result"]
        columns = {column["column_name"]: column for column in dataset["columns"]}
        expect(
            sorted(columns) == sorted(column for column, _ in warehouse.columns[relation]),
            f"dataset {relation} has columns {sorted(columns)}",
        )
        untyped = [column for column, found in columns.items() if not found["type"]]
        expect(not untyped, f"dataset {relation}: columns without a type: {untyped}")
        bare = [column for column, found in columns.items() if not found["description"]]
        expect(not bare, f"dataset {relation}: columns without a description (comment): {bare}")
        for column in ("captured_at", "captured_at_utc", "close_price"):
            if column in columns:
                zones[f"{relation}.{column}"] = columns[column]["type"]
        chart = {
            "datasource": {"id": created["id"], "type": "table"},
            "queries": [{"metrics": ["count"], "row_limit": 10}],
            "result_format": "json",
            "result_type": "full",
        }
        data = api.post("/api/v1/chart/data", chart)["result"][0]["data"]
        expect(
            data == [{"count": warehouse.count(relation)}],
            f"chart data of {relation}: {data}, DuckDB counts {warehouse.count(relation)}",
        )
    report.ok(
        f"{len(relations)} datasets ({', '.join(relations)}; the marts picked as market.marts): "
        "every column reflected, typed and described (the DuckDB comments); COUNT(*) chart "
        "data equal DuckDB's"
    )

    def kinds(suffix: str) -> str:
        return ", ".join(sorted({kind for name, kind in zones.items() if name.endswith(suffix)}))

    report.caveat(
        f"datasets type captured_at (timestamptz) as {kinds('.captured_at')}; bi's "
        f"captured_at_utc is {kinds('.captured_at_utc')} and means what it says; close_price "
        f"is {zones['marts.fct_daily_movers.close_price']} (bi: "
        f"{zones['bi.daily_movers.close_price']})"
    )
    return ids


def _check_chart(api: Api, datasets: dict[str, int], warehouse: Warehouse, report: Report) -> None:
    sql = (
        "select symbol, max(change_pct) from {relation} group by symbol "
        "order by max(change_pct) desc limit 3"
    )
    for relation in ("marts.fct_daily_movers", "bi.daily_movers"):
        metric = {
            "expressionType": "SIMPLE",
            "column": {"column_name": "change_pct"},
            "aggregate": "MAX",
            "label": "max_change_pct",
        }
        query = {
            "columns": ["symbol"],
            "metrics": [metric],
            "orderby": [[metric, False]],
            "row_limit": 3,
        }
        chart = {"datasource": {"id": datasets[relation], "type": "table"}, "queries": [query]}
        data = api.post("/api/v1/chart/data", chart)["result"][0]["data"]
        got = [(row["symbol"], normalise(row["max_change_pct"])) for row in data]
        expected = warehouse.rows(sql.format(relation=relation))
        expect(got == expected, f"chart data of {relation}: {got}, DuckDB {expected}")
    report.ok(
        "chart data MAX(change_pct) by symbol, top 3, on fct_daily_movers and bi.daily_movers: "
        + ", ".join(f"{symbol} {value}" for symbol, value in got)
    )


def check(warehouse: Warehouse) -> Report:
    """Install Superset, serve it, and use it through its API and SQL Lab's page."""
    env_dir, built = python_env("superset", RECIPE)
    versions = ", ".join(
        f"{package} {pinned('superset', package)}"
        for package in ("apache-superset", "sqlalchemy", "duckdb-engine", "duckdb")
    )
    report = Report("superset", f"{versions}; {built}")
    uri = f"duckdb:///{warehouse.path}?access_mode=read_only"
    # A new Superset home each run, kept afterwards for its logs.
    home = CACHE_DIR / "superset-home"
    shutil.rmtree(home, ignore_errors=True)
    with running_superset(env_dir, home) as server:
        report.ok(f"installed with the recipe, set up and serving {server.url}")
        api = Api(server)
        connection = {"database_name": "market", "sqlalchemy_uri": uri}
        api.post("/api/v1/database/test_connection/", connection)
        database: int = api.post("/api/v1/database/", {**connection, "expose_in_sqllab": True})[
            "id"
        ]
        report.ok("database `duckdb:////…/market.duckdb?access_mode=read_only` tested and created")
        schemas = api.get(f"/api/v1/database/{database}/schemas/")["result"]
        file = warehouse.path.stem  # Superset lists the schemas under the file's name
        ours = sorted(schema for schema in schemas if schema.startswith(f"{file}."))
        wanted = {f"{file}.{schema}" for schema in ("marts", "audit", "bi")}
        expect(wanted <= set(ours), f"schemas {schemas}")
        for schema in ("marts", f"{file}.marts"):
            tables = api.get(f"/api/v1/database/{database}/tables/", q=f"(schema_name:'{schema}')")
            shown = sorted(table["value"] for table in tables["result"])
            expect(shown == warehouse.relations("marts"), f"tables of {schema}: {shown}")
        report.caveat(
            f"schemas are listed as {', '.join(ours)} (file name first); the tables and views "
            "are the same under `market.marts` and `marts`"
        )
        _check_sql_lab(api, database, warehouse, report)
        datasets = _check_datasets(api, database, warehouse, report)
        _check_chart(api, datasets, warehouse, report)
        sql = readme_queries()[0]
        for keyword in (" from ", " where ", " order by "):
            sql = sql.replace(keyword, "\n" + keyword.strip() + " ")
        sqllab_screenshot(server, database_id=database, sql=sql, expect_text="HUBC", out=SCREENSHOT)
        report.ok(f"SQL Lab in headless Chromium ran the top-5 gainers query: {SCREENSHOT.name}")
        api.client.close()
    return report
