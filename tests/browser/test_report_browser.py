"""The HTML report of the sample, opened in headless Chromium: offline, error-free, and right."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from dagster_project.cli.report import add_parser
from dagster_project.report.format import percent, price, signed
from dagster_project.settings import PROJECT_ROOT, Settings
from tests.support import CHROMIUM, launch_chromium

#: Kept for people when git ignores it; the pytest temp dir always has a copy.
REPO_OUTPUT = PROJECT_ROOT / "test-output"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")


@dataclass
class Opened:
    """The report as the browser saw it."""

    page: Page
    url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def output_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("report-browser")


@pytest.fixture(scope="module")
def warehouse(sample_build: Settings) -> Path:
    return sample_build.warehouse


@pytest.fixture(scope="module")
def report(warehouse: Path, output_dir: Path) -> Path:
    """``market-snapshots report --warehouse W --out FILE``, run in this process."""
    parser = argparse.ArgumentParser(prog="market-snapshots")
    add_parser(parser.add_subparsers(dest="command", required=True))
    out = output_dir / "market-report-2024-10-18.html"
    args = parser.parse_args(["report", "--warehouse", str(warehouse), "--out", str(out)])
    assert args.handler(args) == 0
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = launch_chromium(playwright)
        yield launched
        launched.close()


def open_report(browser: Browser, report: Path, *, width: int) -> Opened:
    context = browser.new_context(viewport={"width": width, "height": 900}, offline=True)
    page = context.new_page()
    opened = Opened(page=page, url=report.as_uri())
    page.on("request", lambda request: opened.requests.append(request.url))
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.on(
        "console",
        lambda message: opened.errors.append(message.text) if message.type == "error" else None,
    )
    page.on("requestfailed", lambda request: opened.errors.append(f"failed: {request.url}"))
    page.goto(opened.url, wait_until="load")
    return opened


@pytest.fixture(scope="module")
def opened(browser: Browser, report: Path, output_dir: Path) -> Iterator[Opened]:
    seen = open_report(browser, report, width=1280)
    screenshot = output_dir / "market-report-2024-10-18.png"
    seen.page.screenshot(path=str(screenshot), full_page=True)
    # test-output/ (git-ignored) keeps the pictures where people look for them.
    REPO_OUTPUT.mkdir(exist_ok=True)
    shutil.copy2(screenshot, REPO_OUTPUT / screenshot.name)
    shutil.copy2(report, REPO_OUTPUT / report.name)
    yield seen
    seen.page.context.close()


def marts(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def text(page: Page, selector: str) -> str:
    return (page.locator(selector).first.text_content() or "").strip()


def test_opens_offline_without_errors_or_requests(opened: Opened, output_dir: Path) -> None:
    assert opened.errors == []
    assert opened.requests == [opened.url]
    assert (output_dir / "market-report-2024-10-18.png").stat().st_size > 50_000


def test_title_and_layout_fit_a_laptop(opened: Opened) -> None:
    page = opened.page
    assert page.title() == "PSX market report — Fri 18 Oct 2024"
    assert text(page, "h1") == "PSX market report — Fri 18 Oct 2024"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert page.locator("g.tile").count() == 14
    assert page.locator(".mover rect").evaluate_all(
        "rects => rects.every(r => r.getBBox().width > 0)"
    )


def test_the_numbers_shown_equal_the_marts(opened: Opened, warehouse: Path) -> None:
    page = opened.page
    for code, level, change, change_pct in marts(
        warehouse,
        "select index_code, level, change, change_pct from marts.fct_index_changes "
        "where market_date = '2024-10-18'",
    ):
        card = f'[data-index="{code}"]'
        assert text(page, f"{card} .level") == price(level)
        assert text(page, f"{card} .chg").endswith(signed(change))
        assert text(page, f"{card} .pct") == f"({percent(change_pct)})"
    assert text(page, '[data-index="KSE100"] .level') == "85,250.00"
    assert text(page, '[data-index="KSE100"] .chg') == "▼ -335.30"

    for kind, rank in (("gainers", "gainer_rank"), ("losers", "loser_rank")):
        rows = marts(
            warehouse,
            f"select symbol, close_price, change, change_pct from marts.fct_daily_movers "
            f"where market_date = '2024-10-18' and {rank} <= 5 order by {rank}",
        )
        shown = page.locator(f'.mover[data-kind="{kind}"]')
        assert shown.count() == len(rows)
        for position, (symbol, close, change, change_pct) in enumerate(rows):
            row = shown.nth(position)
            assert row.get_attribute("data-symbol") == symbol
            assert (row.locator(".close").text_content() or "") == price(close)
            assert (row.locator(".chg").text_content() or "") == signed(change)
            assert (row.locator(".pct").text_content() or "") == percent(change_pct)
    assert text(page, '.mover[data-kind="gainers"]').startswith("HUBC")
    assert text(page, '.mover[data-kind="gainers"] .pct') == "+5.06%"
    assert text(page, '.mover[data-kind="losers"] .pct') == "-9.62%"

    (breadth,) = marts(
        warehouse,
        "select sum(advancers), sum(decliners), sum(unchanged) from marts.fct_sector_daily "
        "where market_date = '2024-10-18'",
    )
    shown_breadth = tuple(
        int(text(page, f'[data-breadth="{key}"] b'))
        for key in ("advancers", "decliners", "unchanged")
    )
    assert shown_breadth == breadth == (4, 25, 1)

    for sector, avg_change_pct in marts(
        warehouse,
        "select sector, avg_change_pct from marts.fct_sector_daily "
        "where market_date = '2024-10-18'",
    ):
        assert text(page, f'tr[data-sector="{sector}"] .avg') == percent(avg_change_pct)

    (captures,) = marts(warehouse, "select count(*) from audit.captures where status = 'loaded'")
    assert text(page, '[data-audit="loaded"]') == str(captures[0])
    assert text(page, '[data-audit="rejected_lines"]') == "0"


def test_a_phone_width_scrolls_inside_panels_not_the_page(browser: Browser, report: Path) -> None:
    seen = open_report(browser, report, width=390)
    try:
        overflow = seen.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        assert seen.errors == []
    finally:
        seen.page.context.close()
