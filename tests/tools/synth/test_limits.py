import datetime as dt
from fractions import Fraction

import pytest

from dagster_project.tools.synth.limits import PriceLimit, PriceLimits


@pytest.fixture(scope="module")
def limits() -> PriceLimits:
    return PriceLimits()


@pytest.mark.parametrize(
    ("day", "share"),
    [
        (dt.date(2015, 1, 2), Fraction(5, 100)),
        (dt.date(2020, 1, 20), Fraction(55, 1000)),  # the first step of the 2020 widening
        (dt.date(2023, 6, 1), Fraction(75, 1000)),
        (dt.date(2024, 10, 18), Fraction(10, 100)),
        (dt.date(2030, 1, 1), Fraction(10, 100)),  # the open-ended regime
    ],
)
def test_the_limit_of_each_date_is_the_seeds(
    limits: PriceLimits, day: dt.date, share: Fraction
) -> None:
    assert limits.on(day) == PriceLimit(share, 100)


def test_a_move_is_a_share_of_the_close_or_a_rupee_whichever_is_more() -> None:
    five = PriceLimit(Fraction(5, 100), 100)
    assert five.paisa(10_000) == 500  # Rs 100: Rs 5
    assert five.paisa(1_999) == 100  # below Rs 20 the rupee is more
    assert PriceLimit(Fraction(75, 1000), 100).paisa(10_001) == 750  # paisa rounded down


def test_a_date_no_regime_covers_is_refused(limits: PriceLimits) -> None:
    with pytest.raises(LookupError, match=r"psx_price_limits\.csv"):
        limits.on(dt.date(1999, 12, 31))
