"""The Business Recorder ticker strip, read with polars over many captures at once.

Where a ticker line becomes a row, in reading order:

- :mod:`.layout`: the columns every step carries, and the one integer that orders lines;
- :mod:`.grammar`: the line described once (tokens, numbers, the stock and index shapes);
- :mod:`.rules`: the rules derived from it, in the order they apply, each with its reason;
- :mod:`.strip`: which lines are the strip (before the page date and the article);
- :mod:`.judge`: each candidate line judged (the well-formed fast path or every rule);
- :mod:`.repeats`: a symbol printed twice in one capture;
- :mod:`.parse`: :func:`parse_texts`, the entry point, returning :class:`TickerFrames`.
"""

from dagster_project.core.ticker.grammar import GENERIC_REASON
from dagster_project.core.ticker.parse import (
    TickerFrames,
    lines_frame,
    parse_lines,
    parse_texts,
)

__all__ = [
    "GENERIC_REASON",
    "TickerFrames",
    "lines_frame",
    "parse_lines",
    "parse_texts",
]
