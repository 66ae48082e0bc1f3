"""The calendar periods the period facts group sessions by, as ``dbt/macros/periods.sql`` does."""

from __future__ import annotations

import datetime as dt
from typing import Literal

PeriodKind = Literal["week", "month", "quarter", "year"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("week", "month", "quarter", "year")


def period_start(kind: PeriodKind, day: dt.date) -> dt.date:
    """The first day of the ``week`` (a Monday), ``month``, ``quarter`` or ``year`` of ``day``."""
    if kind == "week":
        return day - dt.timedelta(days=day.weekday())
    if kind == "month":
        return day.replace(day=1)
    if kind == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)
