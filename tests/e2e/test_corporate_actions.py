"""Corporate actions end to end: on synthetic sessions with injected bonus issues and splits,
every action is found with its exact factor and nothing else; the adjusted closes equal the
ground truth; the sample (one undated page) shows none. The rule's cases are the dbt unit tests
beside the models (``dbt/models/marts/adjusted/_adjusted__models.yml``)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dagster_project.settings import Settings
from tests.builds import query


def _truth(settings: Settings) -> dict[str, Any]:
    path = settings.raw_dir / "synth" / "expected.json"
    truth: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return truth


def test_every_injected_action_is_found_with_its_factor_and_no_other(
    synthetic_build: Settings,
) -> None:
    injected = _truth(synthetic_build)["corporate_actions"]
    assert len(injected) >= 2, "the shared corpus should carry corporate actions"
    found = query(
        synthetic_build,
        "select market_date, symbol, close_before, prev_close_printed, adjustment_factor, kind "
        "from marts.fct_corporate_actions order by market_date, symbol",
    )
    assert found == [
        (
            dt.date.fromisoformat(action["market_date"]),
            action["symbol"],
            Decimal(action["close_before"]),
            Decimal(action["prev_close_printed"]),
            action["adjustment_factor"],
            "bonus_or_split" if action["adjustment_factor"] < 1 else "other",
        )
        for action in sorted(injected, key=lambda action: (action["market_date"], action["symbol"]))
    ]


def test_adjusted_closes_equal_the_ground_truth(synthetic_build: Settings) -> None:
    truth = _truth(synthetic_build)
    factors: dict[str, list[tuple[str, Decimal]]] = {}
    for action in truth["corporate_actions"]:
        ratio = Decimal(action["prev_close_printed"]) / Decimal(action["close_before"])
        factors.setdefault(action["symbol"], []).append((action["market_date"], ratio))
    expected, adjusted_rows = {}, 0
    for day, values in truth["market_dates"].items():
        for symbol, (close, _change, _pct) in values["quotes"].items():
            factor = Decimal(1)
            for when, ratio in factors.get(symbol, []):
                factor *= ratio if when > day else 1
            adjusted = (Decimal(close.replace(",", "")) * factor).quantize(
                Decimal("0.0001"), rounding=ROUND_HALF_UP
            )
            expected[(dt.date.fromisoformat(day), symbol)] = adjusted
            adjusted_rows += factor != 1
    rows = query(
        synthetic_build,
        "select market_date, symbol, adjusted_close from marts.fct_adjusted_closes "
        "where market_date < date '2024-10-18'",  # the sample's page of the 18th is no close
    )
    assert {(day, symbol): value for day, symbol, value in rows} == expected
    assert adjusted_rows > 0, "no close before an action: nothing adjusted to compare"


def test_the_sample_shows_no_corporate_action(sample_build: Settings) -> None:
    assert query(sample_build, "select count(*) from marts.fct_corporate_actions") == [(0,)]
    # Its one page has no capture time: no close, so no adjusted close either.
    assert query(sample_build, "select count(*) from marts.fct_adjusted_closes") == [(0,)]
