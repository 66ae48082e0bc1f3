"""End to end over hand-written captures: one build covering every landing and market-date rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dagster_project.core.dating.market_time import PKT
from dagster_project.settings import Settings
from tests.builds import query
from tests.captures import SAMPLE, index_line, page, stock_line, write


def at(day: str, clock: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=PKT)


def strip(hubc: str, hubc_change: str, kse: str, kse_change: str) -> list[str]:
    return [
        stock_line("AGL", "38.00", "0.00"),
        stock_line("HUBC", hubc, hubc_change),
        stock_line("PRL", "23.86", "-2.54"),
        index_line("KSE100", kse, kse_change),
    ]


@pytest.fixture(scope="module")
def rules_build(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from tests.builds import materialize_all

    root = tmp_path_factory.mktemp("rules")
    raw = root / "raw"
    sample_text = SAMPLE.read_text(encoding="utf-8")
    # Thu 17 Oct: an intraday capture superseded by the closing one.
    write(
        raw / "thu-1100.txt",
        page(dt.date(2024, 10, 17), strip("95.00", "0.50", "85000", "100")),
        captured_at=at("2024-10-17", "11:00"),
    )
    write(
        raw / "thu-1600.txt",
        page(dt.date(2024, 10, 17), strip("96.80", "2.30", "85585.43", "150")),
        captured_at=at("2024-10-17", "16:00"),
    )
    # Fri 18 Oct: the real sample, and the same bytes again under another name.
    write(
        raw / "copies" / "same bytes.txt",
        sample_text.encode(),
        captured_at=at("2024-10-18", "17:00"),
    )
    write(raw / "fri-sample.txt", sample_text, captured_at=at("2024-10-18", "16:45"))
    # Sat 19 Oct: the page replays Friday's session.
    write(
        raw / "sat.txt",
        sample_text.replace("Oct 18, 2024 اردو", "Oct 19, 2024 اردو"),
        captured_at=at("2024-10-19", "10:00"),
    )
    # Mon 21 Oct, before the open: the quotes are still Friday's.
    write(
        raw / "mon-0800.txt",
        sample_text.replace("Oct 18, 2024 اردو", "Oct 21, 2024 اردو"),
        captured_at=at("2024-10-21", "08:00"),
    )
    # Tue 22 Oct as HTML: spans inside one item, a script holding a fake ticker line.
    items = "".join(
        "<li>" + "".join(f"<span>{part}</span> " for part in line.split(" ", 1)) + "</li>"
        for line in strip("103.00", "1.30", "85900", "650")
    )
    html = (
        "<!doctype html><html><head><title>BR</title><style>li{color:red}</style></head><body>"
        f"<nav>Home &amp; Markets</nav><ul class='ticker'>{items}</ul>"
        "<script>var t = 'FAKE 1.00 Increased By ▲ 0.01 (1%)';</script>"
        "<div class='date'>Oct 22, 2024 <span>اردو</span> PRINT EDITION</div>"
        "<article><p>Stocks rose.</p></article></body></html>"
    )
    write(raw / "html" / "tue.html", html, captured_at=at("2024-10-22", "16:00"))
    # Wed 23 Oct with a BOM and CRLF line ends.
    wed = page(dt.date(2024, 10, 23), strip("104.00", "1.00", "86000", "100")).replace("\n", "\r\n")
    write(
        raw / "wed-crlf-bom.txt",
        b"\xef\xbb\xbf" + wed.encode(),
        captured_at=at("2024-10-23", "16:00"),
    )
    # Thu 24 Oct with two broken ticker lines among good ones.
    broken = [*strip("105.00", "1.00", "86100", "100"), "TRG 44.5", "XYZ abc Increased By ▲ (%)"]
    write(
        raw / "thu-broken.txt",
        page(dt.date(2024, 10, 24), broken),
        captured_at=at("2024-10-24", "16:00"),
    )
    # Sun 27 Oct replays Friday 25 Oct, of which nothing else was captured.
    write(
        raw / "sun-only.txt",
        page(dt.date(2024, 10, 27), strip("106.00", "1.00", "86200", "100")),
        captured_at=at("2024-10-27", "12:00"),
    )
    # Captures that cannot be used.
    write(raw / "bad" / "empty.txt", b"", captured_at=at("2024-10-28", "09:00"))
    write(raw / "bad" / "binary.txt", bytes(range(256)) * 4, captured_at=at("2024-10-28", "09:01"))
    write(
        raw / "bad" / "article-only.txt",
        "Just an article.\nNo ticker here.\n",
        captured_at=at("2024-10-28", "09:02"),
    )
    write(raw / "notes.md", "not a capture", captured_at=at("2024-10-28", "09:03"))
    return materialize_all(raw, root)


def captures(settings: Settings) -> dict[str, tuple[object, ...]]:
    rows = query(
        settings,
        "select source_path, page_date, market_date, status, reason, source_path_count "
        "from audit.captures",
    )
    return {str(row[0]): row[1:] for row in rows}


def test_equal_bytes_are_one_capture(rules_build: Settings) -> None:
    seen = captures(rules_build)
    assert "copies/same bytes.txt" not in seen
    assert seen["fri-sample.txt"][:3] == (dt.date(2024, 10, 18), dt.date(2024, 10, 18), "loaded")
    assert seen["fri-sample.txt"][4] == 2


def test_latest_intraday_capture_wins(rules_build: Settings) -> None:
    seen = captures(rules_build)
    assert seen["thu-1600.txt"][2] == "loaded"
    assert seen["thu-1100.txt"][2] == "superseded"
    assert query(
        rules_build,
        "select close_price from marts.fct_daily_movers "
        "where market_date = '2024-10-17' and symbol = 'HUBC'",
    ) == [(Decimal("96.80"),)]


def test_weekend_page_replays_the_previous_session(rules_build: Settings) -> None:
    page_date, market_date, status, reason, _ = captures(rules_build)["sat.txt"]
    assert (page_date, market_date, status) == (
        dt.date(2024, 10, 19),
        dt.date(2024, 10, 18),
        "replay",
    )
    assert "2024-10-18" in str(reason)


def test_page_equal_to_previous_session_is_a_replay(rules_build: Settings) -> None:
    page_date, market_date, status, _, _ = captures(rules_build)["mon-0800.txt"]
    assert (page_date, market_date, status) == (
        dt.date(2024, 10, 21),
        dt.date(2024, 10, 18),
        "replay",
    )
    assert query(
        rules_build, "select count(*) from marts.fct_daily_movers where market_date = '2024-10-21'"
    ) == [(0,)]


def test_a_lone_replay_is_loaded_for_its_session(rules_build: Settings) -> None:
    page_date, market_date, status, _, _ = captures(rules_build)["sun-only.txt"]
    assert (page_date, market_date, status) == (
        dt.date(2024, 10, 27),
        dt.date(2024, 10, 25),
        "loaded",
    )
    assert query(
        rules_build,
        "select level from marts.fct_index_changes "
        "where market_date = '2024-10-25' and index_code = 'KSE100'",
    ) == [(Decimal("86200.00"),)]


def test_html_capture_parses_like_text(rules_build: Settings) -> None:
    assert captures(rules_build)["html/tue.html"][2] == "loaded"
    rows = query(
        rules_build,
        "select symbol, close_price, change from marts.fct_daily_movers "
        "where market_date = '2024-10-22' order by symbol",
    )
    assert rows == [
        ("AGL", Decimal("38.00"), Decimal("0.00")),
        ("HUBC", Decimal("103.00"), Decimal("1.30")),
        ("PRL", Decimal("23.86"), Decimal("-2.54")),
    ]
    assert query(
        rules_build, "select count(*) from marts.fct_daily_movers where symbol = 'FAKE'"
    ) == [(0,)]


def test_bom_and_crlf_capture_loads(rules_build: Settings) -> None:
    assert captures(rules_build)["wed-crlf-bom.txt"][:3] == (
        dt.date(2024, 10, 23),
        dt.date(2024, 10, 23),
        "loaded",
    )


def test_broken_lines_are_rejected_with_reasons_and_the_rest_loads(rules_build: Settings) -> None:
    assert captures(rules_build)["thu-broken.txt"][2] == "loaded"
    rows = query(
        rules_build,
        "select line, reason from audit.rejected_lines order by line_no",
    )
    assert [line for line, _ in rows] == ["TRG 44.5", "XYZ abc Increased By ▲ (%)"]
    assert all(reason for _, reason in rows)
    assert query(
        rules_build, "select count(*) from marts.fct_daily_movers where market_date = '2024-10-24'"
    ) == [(3,)]


def test_unusable_captures_are_rejected_with_a_reason(rules_build: Settings) -> None:
    seen = captures(rules_build)
    for name in ("bad/empty.txt", "bad/binary.txt", "bad/article-only.txt"):
        assert seen[name][2] == "rejected", name
        assert seen[name][3], name
    assert "notes.md" not in seen


def test_one_loaded_capture_per_market_date(rules_build: Settings) -> None:
    rows = query(
        rules_build,
        "select market_date, count(*) filter (where status = 'loaded') from audit.captures "
        "where market_date is not null group by 1 order by 1",
    )
    assert [count for _, count in rows] == [1] * len(rows)
    assert [day for day, _ in rows] == [dt.date(2024, 10, d) for d in (17, 18, 22, 23, 24, 25)]
