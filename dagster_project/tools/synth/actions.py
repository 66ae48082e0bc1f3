"""Corporate actions injected into the synthetic market: a bonus issue or a split lowers a
stock's reference price overnight, and the strip prints its change against that adjusted price.

Each action is drawn from a random stream of its own (seed and session), so the captures of a
history written with a share of 0 are the same, byte for byte, as before actions existed.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from fractions import Fraction

from dagster_project.tools.synth.market import Instrument

#: (factor, what it is): the adjusted previous close is the close times the factor.
ACTIONS = (
    (Fraction(1, 2), "a 1:1 bonus issue or a 2-for-1 split"),
    (Fraction(10, 11), "a 10% bonus issue"),
    (Fraction(4, 5), "a 25% bonus issue"),
    (Fraction(1, 5), "a 5-for-1 split"),
    (Fraction(2, 1), "a 1-for-2 consolidation"),
)


def _price(paisa: int) -> str:
    return f"{paisa // 100}.{paisa % 100:02d}"


def corporate_actions(
    items: list[Instrument], *, seed: int, session: dt.date, share: float
) -> list[dict[str, object]]:
    """Adjust the previous close of a ``share`` of the stocks before ``session`` opens; returns
    each action as ``expected.json`` records it.

    The adjusted price is the close times the factor, to the paisa, and never below Rs 1 (the
    exchange's floor); an action that would not move the price by more than a paisa is skipped.
    ``adjustment_factor`` is the ratio of the two printed prices, as the warehouse derives it.
    """
    if share <= 0:
        return []
    rng = random.Random(f"{seed}:actions:{session.isoformat()}")
    actions: list[dict[str, object]] = []
    for item in items:
        if item.is_index or rng.random() >= share:
            continue
        factor, what = rng.choice(ACTIONS)
        before = item.value
        adjusted = max(int(factor * before + Fraction(1, 2)), 100)
        if abs(adjusted - before) <= 1:
            continue
        item.value = adjusted
        item.anchor += math.log(adjusted / before)
        actions.append(
            {
                "market_date": session.isoformat(),
                "symbol": item.code,
                "what": what,
                "close_before": _price(before),
                "prev_close_printed": _price(adjusted),
                "adjustment_factor": adjusted / before,
            }
        )
    return actions
