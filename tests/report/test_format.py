"""The report's formatting and its treemap geometry: plain functions, no warehouse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dagster_project.report.format import percent, short_date, signed
from dagster_project.report.svg import squarify, tile_colour

OCT_18 = dt.date(2024, 10, 18)


def test_formatting() -> None:
    assert (percent(Decimal("-5.8650")), percent(Decimal("2.2650"))) == ("-5.87%", "+2.27%")
    assert (percent(Decimal("0")), percent(Decimal("-0.001"))) == ("0.00%", "0.00%")
    assert (signed(Decimal("4.9")), signed(Decimal("-335.3")), signed(Decimal(0))) == (
        "+4.90",
        "-335.30",
        "0.00",
    )
    assert short_date(OCT_18) == "Fri 18 Oct 2024"


def test_squarify_tiles_the_rectangle_in_proportion() -> None:
    values = [6.0, 4.0, 4.0, 2.0, 2.0, 1.0, 1.0]
    rects = squarify(values, (0.0, 0.0, 1000.0, 380.0))
    scale = 1000 * 380 / sum(values)
    for value, (x, y, w, h) in zip(values, rects, strict=True):
        assert w * h == pytest.approx(value * scale)
        assert x >= -1e-6 and y >= -1e-6 and x + w <= 1000 + 1e-6 and y + h <= 380 + 1e-6
    assert max(max(w / h, h / w) for _, _, w, h in rects) < 3


def test_treemap_text_keeps_its_contrast() -> None:
    assert tile_colour(Decimal("-9"))[1] == "#ffffff"
    assert tile_colour(Decimal("0"))[1] == "#1f2328"
    assert tile_colour(Decimal("5")) == ("#0a7a36", "#ffffff")
