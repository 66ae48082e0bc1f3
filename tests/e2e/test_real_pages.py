"""Real Business Recorder pages (2020-2025, strip and header lines only), built end to end.

``tests/fixtures/real/`` holds the strip and header lines of stored real brecorder.com pages, with
``manifest.csv`` (how each page is dated, its variants) and ``expected_lines.csv`` (every ticker
line as printed). The raw dir gets each page the way a user would have it: pages with a date bar
as they are; pages without one renamed with the date their strip shows when it is known (the
file-name dating source), else left undated. Every printed value must reach the warehouse exactly.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from dagster_project.settings import Settings
from tests.builds import query

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "real"
PAGE_DATED = {"date_bar_print_edition", "bare_date"}
# The site's zero-price glitch (reported on a real page; no stored copy carries it): a copy of a
# real strip with that line added, which must be rejected while the rest of the page loads.
GLITCH = "ANL 0.00 Decreased By ▼ -15.34 (-100%)"


def _rows(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


MANIFEST = {row["file"]: row for row in _rows("manifest.csv")}
EXPECTED: dict[str, list[dict[str, str]]] = defaultdict(list)
for _line in _rows("expected_lines.csv"):
    EXPECTED[_line["file"]].append(_line)


def raw_name(page: dict[str, str]) -> str:
    """The page's file name in the raw dir: dated by its name unless its date bar dates it."""
    stem = page["file"].removesuffix(".txt")
    if page["header_kind"] in PAGE_DATED or not page["strip_date"]:
        return page["file"]
    return f"{stem}_{page['strip_date']}.txt"


@pytest.fixture(scope="module")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from tests.builds import materialize_all

    root = tmp_path_factory.mktemp("real")
    raw = root / "raw"
    raw.mkdir()
    for page in MANIFEST.values():
        shutil.copy(FIXTURES / page["file"], raw / raw_name(page))
    donor = next(
        page for page in MANIFEST.values() if page["header_kind"] == "date_bar_print_edition"
    )
    lines = (FIXTURES / donor["file"]).read_text(encoding="utf-8").splitlines()
    glitch = raw / "glitch.txt"
    glitch.write_text("\n".join([lines[0], GLITCH, *lines[1:]]), encoding="utf-8")
    os.utime(glitch, (946_684_800, 946_684_800))  # older: the donor page wins its date

    return materialize_all(raw, root)


def captures(settings: Settings) -> dict[str, dict[str, object]]:
    rows = duckdb.connect(str(settings.warehouse), read_only=True).execute(
        "select source_path, capture_id, sha256, status, reason, dated_by, page_date, "
        "market_date, captured_at_source from audit.captures"
    )
    names = [column[0] for column in rows.description or []]
    return {row[0]: dict(zip(names, row, strict=True)) for row in rows.fetchall()}


def normalised(settings: Settings, table: str, sha256: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(settings.work_db), read_only=True)
    try:
        code = "symbol" if table == "quotes" else "index_code"
        value = "close_price" if table == "quotes" else "level"
        return con.execute(
            f"select line_no, {code}, {value}, change, change_pct from normalised.{table} "
            "where sha256 = ? order by line_no",
            [sha256],
        ).fetchall()
    finally:
        con.close()


def expected(file: str, kind: str) -> list[tuple[object, ...]]:
    return [
        (
            int(row["line_no"]),
            row["code"],
            *(Decimal(row[n]) for n in ("price", "change", "change_pct")),
        )
        for row in EXPECTED[file]
        if row["kind"] == kind and row["expect"] == "load"
    ]


def test_there_are_enough_real_pages_of_every_year() -> None:
    years = {page["strip_date"][:4] for page in MANIFEST.values() if page["strip_date"]}
    assert len(MANIFEST) >= 30
    assert {"2020", "2021", "2022", "2023", "2024", "2025"} <= years


def test_every_page_is_dated_by_a_named_source_or_rejected_saying_how(real_build: Settings) -> None:
    found = captures(real_build)
    for page in MANIFEST.values():
        row = found[raw_name(page)]
        if page["header_kind"] in PAGE_DATED:
            assert (row["dated_by"], row["status"]) != ("page", "rejected"), page["file"]
            assert row["dated_by"] == "page", page["file"]
        elif page["strip_date"]:
            assert row["dated_by"] == "file_name", page["file"]
            assert row["page_date"] is None, page["file"]  # a print-edition line is never used
        else:
            assert row["status"] == "rejected", page["file"]
            assert "rename the file with its date" in str(row["reason"]), page["file"]


def test_print_edition_dates_are_never_used(real_build: Settings) -> None:
    found = captures(real_build)
    printed = [page for page in MANIFEST.values() if page["header_kind"] == "print_line_only"]
    assert printed
    for page in printed:
        row = found[raw_name(page)]
        if page["strip_date"]:
            assert row["market_date"] == dt.date.fromisoformat(page["strip_date"]), page["file"]


def test_every_ticker_line_loads_with_exactly_the_printed_values(real_build: Settings) -> None:
    found = captures(real_build)
    checked = 0
    for page in MANIFEST.values():
        row = found[raw_name(page)]
        sha256 = str(row["sha256"])
        assert normalised(real_build, "quotes", sha256) == expected(page["file"], "stock")
        assert normalised(real_build, "index_levels", sha256) == expected(page["file"], "index")
        checked += len(EXPECTED[page["file"]])
    rejected = query(real_build, "select count(*) from audit.rejected_lines")
    # Only the glitch line is rejected; identical repeats of a strip are one quote.
    assert rejected == [(1,)]
    assert checked >= 2000


def test_the_marts_hold_the_winning_page_of_each_date(real_build: Settings) -> None:
    found = captures(real_build)
    by_id = {row["capture_id"]: name for name, row in found.items()}
    winners = query(
        real_build, "select market_date, capture_id from audit.captures where status = 'loaded'"
    )
    assert len(winners) >= 30
    files = {raw_name(page): page["file"] for page in MANIFEST.values()}
    for market_date, capture_id in winners:
        name = by_id[capture_id]
        movers = query(
            real_build,
            "select symbol, close_price, change, change_pct from marts.fct_daily_movers "
            "where market_date = ? order by symbol",
            [market_date],
        )
        stocks = sorted({row[1:] for row in expected(files[name], "stock")})
        assert movers == stocks, name
        indices = query(
            real_build,
            "select index_code, level, change, change_pct from marts.fct_index_changes "
            "where market_date = ? order by index_code",
            [market_date],
        )
        assert indices == sorted({row[1:] for row in expected(files[name], "index")}), name


def test_the_zero_price_glitch_never_reaches_a_mart(real_build: Settings) -> None:
    assert query(real_build, "select reason from audit.rejected_lines") == [
        ("impossible quote: price 0.00 is not positive (a site glitch)",)
    ]
    assert query(
        real_build, "select count(*) from marts.fct_daily_movers where close_price <= 0"
    ) == [(0,)]
    assert query(real_build, "select min(change_pct) from marts.fct_daily_movers")[0][0] > -100


def test_no_real_symbol_is_unclassified(real_build: Settings) -> None:
    assert (
        query(real_build, "select symbol from marts.dim_symbol where sector = 'Unclassified'") == []
    )
    seen = {row["code"] for rows in EXPECTED.values() for row in rows if row["kind"] == "stock"}
    classified = {
        row[0]
        for row in query(real_build, "select symbol from marts.dim_symbol where is_classified")
    }
    assert seen <= classified


def test_real_pages_show_no_spurious_corporate_action(real_build: Settings) -> None:
    """Only a close beside the previous session's close is evidence of a corporate action.

    The real pages hold 120 values of the same symbols on consecutive PSX sessions (Friday and
    Monday pages among them), and in 45 of them the printed previous close (price - change)
    is not the earlier page's price: those pages were taken at times nobody recorded, so their
    prices are no closes (all are ``unknown_time``). The warehouse reports no action from them,
    and the adjusted closes are the closes.
    """
    from dagster_project.core.dating.calendar import psx_calendar
    from dagster_project.settings import HOLIDAYS_SEED

    values: dict[tuple[dt.date, str], list[tuple[Decimal, Decimal]]] = defaultdict(list)
    kinds = set()
    for day, symbol, price, change, kind in query(
        real_build,
        "select market_date, symbol, close_price, change, value_kind from marts.fct_daily_movers",
    ):
        values[(day, symbol)].append((price, change))
        kinds.add(kind)
    sessions = psx_calendar(HOLIDAYS_SEED).sessions_until(max(day for day, _ in values))
    previous = dict(zip(sessions[1:], sessions[:-1], strict=True))
    breaks = [
        abs(price - change - earlier) > Decimal("0.01")
        for (day, symbol), today in values.items()
        for price, change in today
        for earlier, _ in values.get((previous.get(day), symbol), [])
    ]
    assert (len(breaks), sum(breaks)) == (120, 45)
    assert kinds == {"unknown_time"}
    assert query(real_build, "select * from marts.fct_corporate_actions") == []
    assert query(
        real_build,
        "select count(*) from marts.fct_adjusted_closes where adjusted_close != close_price",
    ) == [(0,)]
