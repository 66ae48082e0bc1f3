import datetime as dt
from decimal import Decimal

from dagster_project.tools.synth.truth import (
    expected_actions,
    expected_adjusted_closes,
    expected_closes,
    expected_period_movers,
)

MON, TUE, WED = dt.date(2024, 10, 14), dt.date(2024, 10, 15), dt.date(2024, 10, 16)
# A has a 2-for-1 split before Tuesday: its close of 100 is 50 adjusted, and it closes at 51.
TRUTH = {
    "market_dates": {
        "2024-10-14": {
            "quotes": {"A": ["100.00", "1.00", "1.01"], "B": ["50.00", "0.00", "0.00"]},
            "indices": {"KSE100": ["85,250", "-335.3", "-0.39"]},
        },
        "2024-10-15": {
            "quotes": {"A": ["51.00", "1.00", "2.00"], "B": ["51.00", "1.00", "2.00"]},
            "indices": {"KSE100": ["85,300", "50", "0.06"]},
        },
        "2024-10-16": {"quotes": {"A": ["52.00", "1.00", "1.96"]}, "indices": {}},
    },
    "corporate_actions": [
        {
            "market_date": "2024-10-15",
            "symbol": "A",
            "close_before": "100.00",
            "prev_close_printed": "50.00",
            "adjustment_factor": 0.5,
        }
    ],
}


def test_closes_and_levels_are_read_as_printed() -> None:
    closes = expected_closes(TRUTH)
    assert closes[(MON, "indices", "KSE100")] == (
        Decimal(85250),
        Decimal("-335.3"),
        Decimal("-0.39"),
    )
    assert closes[(WED, "quotes", "A")] == (Decimal("52.00"), Decimal("1.00"), Decimal("1.96"))
    assert len(closes) == 7
    assert set(expected_closes(TRUTH, until=MON)) == {
        (MON, "quotes", "A"),
        (MON, "quotes", "B"),
        (MON, "indices", "KSE100"),
    }


def test_actions_carry_their_factor_and_kind() -> None:
    assert expected_actions(TRUTH) == [
        (TUE, "A", Decimal("100.00"), Decimal("50.00"), 0.5, "bonus_or_split")
    ]
    assert expected_actions(TRUTH, until=MON) == []


def test_a_close_is_adjusted_by_the_actions_after_it_only() -> None:
    adjusted = expected_adjusted_closes(TRUTH)
    assert adjusted[(MON, "A")] == Decimal("50.0000")
    assert adjusted[(TUE, "A")] == Decimal("51.0000")
    assert adjusted[(MON, "B")] == Decimal("50.0000")
    # Before the action is known, nothing is adjusted.
    assert expected_adjusted_closes(TRUTH, until=MON)[(MON, "A")] == Decimal("100.0000")


def test_period_returns_are_adjusted_within_the_period() -> None:
    periods = expected_period_movers(TRUTH)
    week_a = (MON, WED, Decimal("50.0000"), Decimal("52.00"), 3, Decimal("4.0000"))
    assert periods[("week", MON, "A")] == week_a
    assert periods[("month", dt.date(2024, 10, 1), "A")] == week_a
    assert periods[("year", dt.date(2024, 1, 1), "B")] == (
        MON,
        TUE,
        Decimal("50.0000"),
        Decimal("51.00"),
        2,
        Decimal("2.0000"),
    )
    assert len(periods) == 8
    # A period seen up to Monday: one close, no action, no return.
    assert expected_period_movers(TRUTH, until=MON)[("week", MON, "A")] == (
        MON,
        MON,
        Decimal("100.0000"),
        Decimal("100.00"),
        1,
        Decimal("0.0000"),
    )


def test_an_exact_half_rounds_up_though_the_ratio_has_no_decimal_form() -> None:
    """A 5-for-1 split printed as 4.48 → 1.00 (ratio 1.00 / 4.48): the close 4.34 before it is
    0.96875 exactly, 0.9688 rounded half up (with the ratio as a 28-digit Decimal it was just
    below the half: 0.9687). A bench history of ten years at 100x holds such a close."""
    truth = {
        "market_dates": {
            "2017-01-02": {"quotes": {"Z": ["4.34", "0.00", "0.00"]}, "indices": {}},
            "2017-07-27": {"quotes": {"Z": ["1.42", "0.42", "42.00"]}, "indices": {}},
        },
        "corporate_actions": [
            {
                "market_date": "2017-07-27",
                "symbol": "Z",
                "close_before": "4.48",
                "prev_close_printed": "1.00",
                "adjustment_factor": 1.00 / 4.48,
            }
        ],
    }
    first = dt.date(2017, 1, 2)
    assert expected_adjusted_closes(truth)[(first, "Z")] == Decimal("0.9688")
    year = expected_period_movers(truth)[("year", dt.date(2017, 1, 1), "Z")]
    # 100 x (1.42 / 0.9688 - 1) = 46.57308...
    assert year == (
        first,
        dt.date(2017, 7, 27),
        Decimal("0.9688"),
        Decimal("1.42"),
        2,
        Decimal("46.5731"),
    )
