"""Harlequin, the terminal SQL IDE, under tmux: its catalog, a README query, a refused write."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from tests.bi_check.common import TEST_OUTPUT, CheckFailed, Report, clean_env, expect, run
from tests.bi_check.envs import debian_program, pinned, python_env
from tests.bi_check.tmux import Tmux
from tests.bi_check.warehouse import SCHEMAS, Warehouse, readme_queries

RECIPE = ("harlequin==2.17.0",)
# A catalog entry: tree branch, optional expander, name and Harlequin's type label.
ENTRY = re.compile(r"[├└]─ (?:[▶▼] )?(\S+) (db|sch|t|v)\b")


def catalog(screen: str) -> list[tuple[str, str, str]]:
    """The catalog's rows below the database: ``(schema, name, label)``, top to bottom."""
    rows: list[tuple[str, str, str]] = []
    schema = ""
    for line in screen.splitlines():
        found = ENTRY.search(line.split("││", 1)[0])
        if found is None:
            continue
        name, label = found.groups()
        if label == "sch":
            schema = name
        rows.append((schema, name, label))
    return rows


def _label(screen: str, column: str) -> str:
    """Harlequin's type label of a column shown in the catalog (``#.#``, ``ttz``, ...)."""
    found = re.search(rf"─ {column} (\S+)", screen)
    return found.group(1) if found else "?"


def _clear_editor(term: Tmux, fragment: str) -> None:
    """Select all of the query editor and delete it; retried, as a busy Harlequin drops keys."""
    for _ in range(3):
        term.keys("F2", "C-a", "BSpace", pause=1.0)
        if fragment not in term.screen():
            return
    raise CheckFailed(f"could not clear Harlequin's query editor:\n{term.screen()}")


def _expand_catalog(term: Tmux, warehouse: Warehouse) -> list[tuple[str, str, str]]:
    term.keys("F6", "Enter")  # focus the data catalog, open the database node
    screen = term.wait_for(lambda text: " marts sch" in text, "the schemas")
    schemas = [name for _, name, label in catalog(screen) if label == "sch"]
    # Open ours from the bottom up, so the rows above the cursor never move.
    term.keys(*["Down"] * len(schemas))
    for schema in reversed(schemas):
        if schema in SCHEMAS:
            term.keys("Enter")
        term.keys("Up")
    wanted = {(schema, name) for schema in SCHEMAS for name in warehouse.relations(schema)}
    screen = term.wait_for(
        lambda text: wanted <= {(schema, name) for schema, name, _ in catalog(text)},
        "every relation in the catalog",
    )
    return catalog(screen)


def check(warehouse: Warehouse) -> Report:
    """Open the warehouse read-only in Harlequin and use it as a person would."""
    env_dir, built = python_env("harlequin", RECIPE)
    harlequin = str(env_dir / "bin" / "harlequin")
    version = run([harlequin, "--version"]).strip().splitlines()[0]
    report = Report("harlequin", f"{version}, duckdb {pinned('harlequin', 'duckdb')}; {built}")
    tmux = debian_program("tmux", "tmux")
    home = Path(tempfile.mkdtemp(prefix="bi-check-harlequin-"))
    env = clean_env(
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_DATA_HOME=str(home / "data"),
        TERM="xterm-256color",
    )
    term = Tmux(tmux, f"bi-check-{os.getpid()}")
    command = [harlequin, "-r", "--locale", "C", str(warehouse.path)]
    report.ok(f"`harlequin -r --locale C market.duckdb` under tmux {term.width}x{term.height}")
    term.start(command, cwd=home, env=env)
    try:
        term.wait_for(lambda text: "market db" in text, "Harlequin's catalog", timeout=90)
        rows = _expand_catalog(term, warehouse)
        for schema in SCHEMAS:
            shown = {
                name: label for where, name, label in rows if where == schema and label != "sch"
            }
            for kind, label in (("table", "t"), ("view", "v")):
                names = warehouse.relations(schema, kind)
                expect(
                    all(shown.get(name) == label for name in names),
                    f"catalog shows {shown} for {schema}, the file has {kind}s {names}",
                )
            report.ok(f"catalog lists {schema}: {', '.join(sorted(shown))}")
        # Open fct_daily_movers: the cursor is on the database row, the first one.
        position = [(schema, name) for schema, name, _ in rows].index(("marts", "fct_daily_movers"))
        term.keys(*["Down"] * (position + 1), "Enter")
        columns = [name for name, _ in warehouse.columns["marts.fct_daily_movers"]]
        screen = term.wait_for(lambda text: all(f"─ {c} " in text for c in columns), "columns")
        labels = {
            column: _label(screen, column)
            for column in ("close_price", "captured_at", "market_date", "gainer_rank")
        }
        report.ok(
            "fct_daily_movers columns typed: "
            + ", ".join(f"{column} {label}" for column, label in labels.items())
        )
        query = readme_queries()[0]
        expected = warehouse.rows(query)
        term.keys("F2")  # the query editor
        term.type(query)
        term.keys("C-j")
        screen = term.wait_for(
            lambda text: f"({len(expected)} Records)" in text, "the query's results"
        )
        symbols = [str(row[1]) for row in expected]
        found = re.findall(r"\b(" + "|".join(symbols) + r")\b", screen)
        expect(
            list(dict.fromkeys(found)) == symbols,
            f"the results show {found}, DuckDB gives {symbols}",
        )
        TEST_OUTPUT.mkdir(exist_ok=True)
        (TEST_OUTPUT / "harlequin-query.txt").write_text(screen, encoding="utf-8")
        report.ok(
            f"README's top-5 gainers query: {len(expected)} records on screen, "
            + ", ".join(f"{row[1]} {row[5]}" for row in expected)
            + " (screen kept in test-output/harlequin-query.txt)"
        )
        _clear_editor(term, "fct_daily_movers where")
        term.type("create table marts.scratch (x integer)")
        term.keys("C-j")
        term.wait_for(lambda text: "read-only mode" in text, "the read-only error")
        report.ok("a write is refused: 'attached in read-only mode'")
        term.keys("Escape", "C-q")
    finally:
        term.close()
    return report
