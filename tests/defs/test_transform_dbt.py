import pytest

from dagster_project.core.dating.calendar import PsxCalendar, psx_calendar
from dagster_project.defs.transform.dbt import through_next_session
from dagster_project.settings import HOLIDAYS_SEED


@pytest.fixture(scope="module")
def calendar() -> PsxCalendar:
    return psx_calendar(HOLIDAYS_SEED)


@pytest.mark.parametrize(
    ("last", "through"),
    [
        ("2024-10-17", "2024-10-18"),  # Thursday: the Friday after it
        ("2024-10-20", "2024-10-21"),  # a Friday partition's window ends on Sunday: Monday
        ("2024-08-13", "2024-08-15"),  # the session after Independence Day
    ],
)
def test_dbt_rebuilds_the_session_after_the_partitions(
    calendar: PsxCalendar, last: str, through: str
) -> None:
    """A date's corporate actions read the session before it: rebuilding it (a partition alone
    in the UI) rebuilds the next session's facts too."""
    window = {"min_market_date": "2024-08-01", "max_market_date": last}
    assert through_next_session(window, calendar) == {
        "min_market_date": "2024-08-01",
        "max_market_date": through,
    }
