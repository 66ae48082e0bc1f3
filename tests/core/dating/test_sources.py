"""Dating a capture from its file: sidecar, file name, file time, in that order."""

import datetime as dt

import pytest

from dagster_project.core.dating.market_time import PKT
from dagster_project.core.dating.sources import NameStamp, file_dating, name_stamp

UTC = dt.UTC


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("brecorder_2024-10-18_ticker.txt", NameStamp(dt.date(2024, 10, 18), None)),
        ("page20241018.txt", NameStamp(dt.date(2024, 10, 18), None)),
        (
            "brecorder_2024-10-18T1630.txt",
            NameStamp(dt.date(2024, 10, 18), dt.datetime(2024, 10, 18, 11, 30, tzinfo=UTC)),
        ),
        (
            "brecorder_2024-10-18_16-30.html",
            NameStamp(dt.date(2024, 10, 18), dt.datetime(2024, 10, 18, 11, 30, tzinfo=UTC)),
        ),
        (
            "x_2024-10-18T16:30:15Z.txt",
            NameStamp(dt.date(2024, 10, 18), dt.datetime(2024, 10, 18, 16, 30, 15, tzinfo=UTC)),
        ),
        (
            "x_2024-10-18T0200+0000.txt",
            NameStamp(dt.date(2024, 10, 18), dt.datetime(2024, 10, 18, 2, 0, tzinfo=UTC)),
        ),
        (
            # 02:00 UTC on the 18th is 07:00 in Karachi; 22:00 UTC is the next Karachi day.
            "x_2024-10-18T2200Z.txt",
            NameStamp(dt.date(2024, 10, 19), dt.datetime(2024, 10, 18, 22, 0, tzinfo=UTC)),
        ),
        ("x_2024-10-18_2500.txt", NameStamp(dt.date(2024, 10, 18), None)),
        ("brecorder_2024-10-18_1234567.txt", NameStamp(dt.date(2024, 10, 18), None)),
    ],
)
def test_name_stamps(name: str, expected: NameStamp) -> None:
    assert name_stamp(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "brecorder_news4339871.txt",  # an id, not a date
        "page_202410181.txt",  # digits run on
        "x_2024-02-30.txt",  # no such day
        "x_1999-10-18.txt",  # before the calendar
        "Markets Print.txt",
        "x_40036110.txt",
    ],
)
def test_names_without_a_date(name: str) -> None:
    assert name_stamp(name) is None


def test_an_impossible_first_date_lets_a_later_one_count() -> None:
    assert name_stamp("x_2024-13-01_then_2024-10-18.txt") == NameStamp(dt.date(2024, 10, 18), None)


MODIFIED = dt.datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # what a git clone leaves


def test_the_sidecar_dates_first() -> None:
    fetched = dt.datetime(2024, 10, 18, 20, 0, tzinfo=UTC)  # 01:00 on the 19th in Karachi
    dating = file_dating("page_2024-10-17.html", modified_at=MODIFIED, fetched_at=fetched)
    assert (dating.file_date, dating.dated_by) == (dt.date(2024, 10, 19), "sidecar")
    assert (dating.captured_at, dating.captured_at_source) == (fetched, "sidecar")


def test_a_cloned_file_keeps_its_name_date_and_no_capture_time() -> None:
    dating = file_dating("brecorder_2024-10-18_ticker.txt", modified_at=MODIFIED)
    assert (dating.file_date, dating.dated_by) == (dt.date(2024, 10, 18), "file_name")
    assert (dating.captured_at, dating.captured_at_source) == (None, "unknown")
    trusted = file_dating("brecorder_2024-10-18.txt", modified_at=MODIFIED, trust_file_time=True)
    assert (trusted.file_date, trusted.captured_at) == (dt.date(2024, 10, 18), None)


def test_a_file_time_on_the_named_date_gives_the_capture_time() -> None:
    modified = dt.datetime(2024, 10, 18, 16, 45, tzinfo=PKT)
    dating = file_dating("brecorder_2024-10-18.txt", modified_at=modified)
    assert (dating.captured_at, dating.captured_at_source) == (modified, "file_time")


def test_the_file_time_dates_only_when_trusted() -> None:
    assert file_dating("capture.txt", modified_at=MODIFIED).dated_by is None
    trusted = file_dating("capture.txt", modified_at=MODIFIED, trust_file_time=True)
    assert (trusted.file_date, trusted.dated_by) == (dt.date(2026, 12, 1), "file_time")
    assert (trusted.captured_at, trusted.captured_at_source) == (MODIFIED, "file_time")
