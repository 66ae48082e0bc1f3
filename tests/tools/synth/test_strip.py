"""Tests for dagster_project.tools.synth.strip: ticker lines printed like the site's."""

from __future__ import annotations

from dagster_project.tools.synth.market import Instrument
from dagster_project.tools.synth.strip import ticker_line
from tests.captures import sample_ticker_lines


def test_ticker_lines_print_like_the_site() -> None:
    stock = Instrument("HUBC", False, 0, 0.0, 0.0)
    index = Instrument("KSE100", True, 0, 0.0, 0.0)
    sample = sample_ticker_lines()
    assert ticker_line(stock, 101_70, 96_80)[0] == sample[10]
    assert ticker_line(Instrument("AGL", False, 0, 0, 0), 38_00, 38_00)[0] == sample[0]
    assert ticker_line(Instrument("BOP", False, 0, 0, 0), 5_38, 5_44)[0] == sample[2]
    assert ticker_line(index, 85_250_09, 85_585_43) == (
        "KSE100 85,250 Decreased By -335.3 (-0.39%)",
        ["85250", "-335.3", "-0.39"],
    )
    assert ticker_line(Instrument("KSE30", True, 0, 0, 0), 26_803_00, 26_983_97)[0] == sample[33]
    assert ticker_line(stock, 1_234_50, 1_200_00)[0] == "HUBC 1,234.50 Increased By ▲ 34.50 (2.88%)"
    assert ticker_line(index, 100_000_00, 100_000_03)[0] == "KSE100 100,000 No Change 0 (0%)"
