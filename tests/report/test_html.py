"""The page's wording (report.html) on a day built by hand."""

from __future__ import annotations

import datetime as dt

from dagster_project.report.html import render_html
from tests.report.days import day


def test_the_breadth_says_it_covers_the_strips_symbols_not_the_whole_psx() -> None:
    page = render_html(
        day(), generated_at=dt.datetime(2024, 10, 18, 12, tzinfo=dt.UTC), warehouse_name="w"
    )
    assert "Of the 30 symbols on Business Recorder's ticker strip, 12 advanced" in page
    assert "Breadth of the ticker strip" in page and "Market breadth" not in page
    assert "not the whole PSX (the indices cover their own constituents)" in page
