"""PSX's daily price limit on each date, from the seed the warehouse checks every move against.

A stock may move at most ``limit_pct`` of its previous close or ``min_rupees``, whichever is more
(``dbt/seeds/psx_price_limits.csv``: 5% until 2020, then widened step by step to 10% in July
2024). The synthetic market keeps every move within the limit of its session, as the exchange
does, so its pages hold no move the warehouse would take for a page error.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from dagster_project.settings import DBT_PROJECT_DIR

PRICE_LIMITS_SEED = DBT_PROJECT_DIR / "seeds" / "psx_price_limits.csv"


@dataclass(frozen=True)
class PriceLimit:
    """The limit of one regime: a share of the previous close, and a floor in paisa."""

    share: Fraction
    min_paisa: int

    def paisa(self, previous: int) -> int:
        """The largest move allowed from a previous close of ``previous`` paisa."""
        return max(int(previous * self.share), self.min_paisa)


@dataclass(frozen=True)
class _Regime:
    start: dt.date
    end: dt.date | None
    limit: PriceLimit


class PriceLimits:
    """The regimes of the seed, by date."""

    def __init__(self, path: Path = PRICE_LIMITS_SEED) -> None:
        with path.open(encoding="utf-8", newline="") as handle:
            self._regimes = [
                _Regime(
                    dt.date.fromisoformat(row["effective_from"]),
                    dt.date.fromisoformat(row["effective_to"]) if row["effective_to"] else None,
                    PriceLimit(
                        Fraction(row["limit_pct"]) / 100, int(Fraction(row["min_rupees"]) * 100)
                    ),
                )
                for row in csv.DictReader(handle)
            ]

    def on(self, day: dt.date) -> PriceLimit:
        """The limit in force on ``day``.

        Raises:
            LookupError: no regime of the seed covers ``day``.
        """
        for regime in self._regimes:
            if regime.start <= day and (regime.end is None or day <= regime.end):
                return regime.limit
        raise LookupError(f"no PSX price limit in {PRICE_LIMITS_SEED.name} covers {day}")
