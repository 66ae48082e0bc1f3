import datetime as dt

import pytest

from dagster_project.core.dating.periods import PERIOD_KINDS, PeriodKind, period_start


@pytest.mark.parametrize(
    ("kind", "day", "start"),
    [
        ("week", dt.date(2024, 10, 20), dt.date(2024, 10, 14)),  # a Sunday: its week's Monday
        ("week", dt.date(2024, 10, 14), dt.date(2024, 10, 14)),
        ("week", dt.date(2025, 1, 2), dt.date(2024, 12, 30)),  # a week across the new year
        ("month", dt.date(2024, 2, 29), dt.date(2024, 2, 1)),
        ("quarter", dt.date(2024, 3, 31), dt.date(2024, 1, 1)),
        ("quarter", dt.date(2024, 11, 5), dt.date(2024, 10, 1)),
        ("year", dt.date(2024, 12, 31), dt.date(2024, 1, 1)),
    ],
)
def test_period_start(kind: PeriodKind, day: dt.date, start: dt.date) -> None:
    assert period_start(kind, day) == start


def test_every_day_of_a_year_falls_in_a_period_that_holds_it() -> None:
    day = dt.date(2024, 1, 1)
    while day.year == 2024:
        for kind in PERIOD_KINDS:
            start = period_start(kind, day)
            assert start <= day and period_start(kind, start) == start
        day += dt.timedelta(days=1)
