"""The warehouse every client reads: the shipped sample, freshly built, and what it holds.

What the clients answer is compared with what DuckDB (this venv's, 2.x) reads from the same file;
the README's queries are taken from the README itself, with the figures it quotes for them.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from dagster_project.settings import PROJECT_ROOT
from tests.bi_check.common import CheckFailed, expect
from tests.support import run_cli

SAMPLES = PROJECT_ROOT / "raw" / "samples"
README = PROJECT_ROOT / "README.md"
SCHEMAS = ("marts", "audit", "bi")


@dataclass(frozen=True)
class Answer:
    """What the README says one of its queries returns on the sample (18 Oct 2024)."""

    marker: str  # a piece of the query's text that picks it out
    row_count: int
    row: tuple[object, ...]  # one of the rows, normalised (see ``normalise``)


README_ANSWERS = (
    # Only 4 symbols advanced that day, so "top 5" is 4 rows (the README says so).
    Answer(
        "gainer_rank <= 5",
        4,
        ("2024-10-18", "HUBC", "POWER GENERATION & DISTRIBUTION", 101.7, 4.9, 5.06, 1),
    ),
    Answer("loser_rank = 1", 1, ("PRL", -9.62, 1)),
    Answer("sum(advancers)", 1, ("2024-10-18", 4, 25, 1)),
    Answer("from marts.fct_index_changes", 4, ("KSE100", 85250.0, -335.3, -0.39, 85585.3)),
)


def normalise(value: object) -> object:
    """A value as every client can be compared on: numbers as floats, dates as ISO text."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, Decimal | float):
        return round(float(value), 6)
    if isinstance(value, dt.datetime):
        zoned = value.astimezone(dt.UTC) if value.tzinfo else value
        return zoned.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Warehouse:
    """A published warehouse file and its relations (``schema.name``) with typed columns."""

    path: Path
    columns: dict[str, list[tuple[str, str]]]  # relation -> [(column, DuckDB type)]
    kinds: dict[str, str]  # relation -> "table" or "view"

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        """The normalised rows of ``sql`` as DuckDB reads the file (read-only)."""
        con = duckdb.connect(str(self.path), read_only=True)
        try:
            return [tuple(normalise(value) for value in row) for row in con.execute(sql).fetchall()]
        finally:
            con.close()

    def count(self, relation: str) -> int:
        return int(str(self.rows(f"select count(*) from {relation}")[0][0]))

    def relations(self, schema: str, kind: str | None = None) -> list[str]:
        """The names (without schema) of the relations of ``schema``, sorted."""
        return sorted(
            name.split(".", 1)[1]
            for name, found in self.kinds.items()
            if name.startswith(f"{schema}.") and kind in (None, found)
        )


def open_warehouse(path: Path) -> Warehouse:
    """Describe the published warehouse at ``path``."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        found = con.execute(
            "select schema_name || '.' || table_name, column_name, data_type "
            "from duckdb_columns() where schema_name in (select unnest(?)) "
            "order by schema_name, table_name, column_index",
            [list(SCHEMAS)],
        ).fetchall()
        views = {
            f"{schema}.{name}"
            for schema, name in con.execute(
                "select schema_name, view_name from duckdb_views() where not internal"
            ).fetchall()
        }
    finally:
        con.close()
    columns: dict[str, list[tuple[str, str]]] = {}
    for relation, column, data_type in found:
        columns.setdefault(relation, []).append((column, data_type))
    kinds = {relation: "view" if relation in views else "table" for relation in columns}
    return Warehouse(path=path, columns=columns, kinds=kinds)


def build_sample(workdir: Path) -> Warehouse:
    """``market-snapshots build`` of a copy of raw/samples into ``workdir/market.duckdb``."""
    raw = workdir / "raw"
    shutil.copytree(SAMPLES, raw)
    warehouse = workdir / "warehouse" / "market.duckdb"
    done = run_cli("build", "--raw-dir", str(raw), "--warehouse", str(warehouse))
    if done.returncode != 0:
        raise CheckFailed(f"the sample build failed:\n{done.stderr[-3000:]}")
    return open_warehouse(warehouse)


def readme_queries(readme: Path = README) -> list[str]:
    """The statements of the README's first ```sql block (under "Querying the warehouse")."""
    text = readme.read_text(encoding="utf-8")
    section = text.split("## Querying the warehouse", 1)[-1]
    block = re.search(r"```sql\n(.*?)```", section, re.DOTALL)
    if block is None:
        raise CheckFailed("README.md has no ```sql block under 'Querying the warehouse'")
    code = "\n".join(
        line for line in block.group(1).splitlines() if not line.lstrip().startswith("--")
    )
    statements = [" ".join(part.split()) for part in code.split(";")]
    return [statement for statement in statements if statement]


def check_readme_answer(sql: str, rows: list[tuple[object, ...]], client: str) -> bool:
    """Check the figures the README quotes for ``sql``; True when it quotes some."""
    for answer in README_ANSWERS:
        if answer.marker in sql:
            expect(
                len(rows) == answer.row_count and answer.row in rows,
                f"{client}: README query `{sql}` gave {rows}, but the README quotes "
                f"{answer.row_count} rows including {answer.row}",
            )
            return True
    return False
