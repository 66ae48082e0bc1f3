"""Corporate actions end to end: on synthetic sessions with injected bonus issues and splits,
every action is found with its exact factor and nothing else; the adjusted closes equal the
ground truth; the sample (one undated page) shows none. The rule's cases are the dbt unit tests
beside the models (``dbt/models/marts/adjusted/_adjusted__models.yml``)."""

from __future__ import annotations

import json
from typing import Any

from dagster_project.settings import Settings
from dagster_project.tools.synth.truth import expected_actions, expected_adjusted_closes
from tests.builds import query


def _truth(settings: Settings) -> dict[str, Any]:
    path = settings.raw_dir / "synth" / "expected.json"
    truth: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return truth


def test_every_injected_action_is_found_with_its_factor_and_no_other(
    synthetic_build: Settings,
) -> None:
    truth = _truth(synthetic_build)
    assert len(truth["corporate_actions"]) >= 2, "the shared corpus should carry corporate actions"
    found = query(
        synthetic_build,
        "select market_date, symbol, close_before, prev_close_printed, adjustment_factor, kind "
        "from marts.fct_corporate_actions order by market_date, symbol",
    )
    assert found == expected_actions(truth)


def test_adjusted_closes_equal_the_ground_truth(synthetic_build: Settings) -> None:
    expected = expected_adjusted_closes(_truth(synthetic_build))
    rows = query(
        synthetic_build,
        "select market_date, symbol, close_price, adjusted_close from marts.fct_adjusted_closes "
        "where market_date < date '2024-10-18'",  # the sample's page of the 18th is no close
    )
    assert {(day, symbol): value for day, symbol, _, value in rows} == expected
    assert any(close != value for *_, close, value in rows), "nothing adjusted to compare"


def test_the_sample_shows_no_corporate_action(sample_build: Settings) -> None:
    assert query(sample_build, "select count(*) from marts.fct_corporate_actions") == [(0,)]
    # Its one page has no capture time: no close, so no adjusted close either.
    assert query(sample_build, "select count(*) from marts.fct_adjusted_closes") == [(0,)]
