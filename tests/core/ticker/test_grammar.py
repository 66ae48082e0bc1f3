"""The grammar is one description: the tokeniser, the fast path and the reasons all follow it."""

from __future__ import annotations

import re

import polars as pl
import pytest

from dagster_project.core.ticker import grammar
from dagster_project.core.ticker.judge import by_rules, judge
from dagster_project.core.ticker.layout import CARRIED, ordered
from dagster_project.core.ticker.parse import lines_frame

WELL_FORMED = re.compile(grammar.WELL_FORMED)
TOKENS = re.compile(grammar.TOKENS)


def judged(lines: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    candidates = lines_frame({"c": lines}).lazy().pipe(ordered, pl.lit(0)).select(CARRIED)
    return judge(candidates).sort("order"), by_rules(candidates).sort("order")


@pytest.mark.parametrize(
    "line",
    [
        "AIRLINK 136.21 Decreased By ▼ -0.24 (-0.18%)",
        "KSE100 85,250 Decreased By -335.3 (-0.39%)",
        "BR30 27,111.5 Increased By 12.45 (0.05%)",
        "PAEL 25.00 No Change ▼ 0.00 (0%)",
    ],
)
def test_each_shape_is_well_formed_and_valid(line: str) -> None:
    assert WELL_FORMED.match(line)
    fast, every_rule = judged([line])
    assert fast["reason"].to_list() == every_rule["reason"].to_list() == [None]


def test_the_tokeniser_names_every_token_of_the_line() -> None:
    groups = TOKENS.match("AIRLINK 136.21 Decreased By ▼ -0.24 (-0.18%)")
    assert groups is not None
    assert [token.name for token in grammar.LINE] + ["rest"] == list(groups.groupdict())
    assert groups.groupdict() == {
        "symbol": "AIRLINK",
        "price": "136.21",
        "direction": "Decreased By",
        "arrow": "▼",
        "change": "-0.24",
        "pct": "-0.18",
        "rest": "",
    }


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("ABC 10.5 Increased By ▲ 0.50 (5.00%)", "price must have exactly 2 decimals: '10.5'"),
        (
            "KSE100 85,250.125 Decreased By -335.3 (-0.39%)",
            "index level must have at most 2 decimals: '85,250.125'",
        ),
        ("ABC 10.50 Increased By ▲ 0.505 (5.05%)", "change must have at most 2 decimals: '0.505'"),
        ("ABC 10.50 Increased By ▲ 0.50", "missing change percentage"),
        ("ABC 10.50 Increased By ▲", "missing change"),
        ("ABC 1O.50 Increased By ▲ 0.50 (5%)", "price is not a valid number: '1O.50'"),
    ],
)
def test_a_line_the_fast_path_refuses_gets_the_grammars_reason(line: str, reason: str) -> None:
    assert not WELL_FORMED.match(line)
    fast, every_rule = judged([line])
    assert fast["reason"].to_list() == every_rule["reason"].to_list() == [reason]


def test_a_reason_quotes_numbers_as_the_grammar_shows_them() -> None:
    by_name = {number.name: number for number in grammar.NUMBERS}
    assert by_name["pct"].shown == "'{}%'"
    _, every_rule = judged(["ABC 10.50 Increased By ▲ 0.50 (5.005%)"])
    assert every_rule["reason"].to_list() == ["percentage must have at most 2 decimals: '5.005%'"]
