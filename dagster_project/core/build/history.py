"""Where the daily partitions begin: the first session the warehouse holds, recorded by the builds.

A new user who builds a one-day sample should see one partition, not eleven years of "missing"
ones from ``MARKET_HISTORY_START``. Each plan of the daily facts records the first market date it
builds (``<state dir>/first_session``): the earliest seen so far, or exactly the first of a full
rebuild. The Dagster definitions read it when they load and start the partitions there, never
before ``MARKET_HISTORY_START`` (the floor: a capture of an earlier date is rejected). A code
location is fixed once loaded, so a capture of an earlier date than its first partition is
recorded and asks for a reload (``HistoryExtendedError``); the command line reloads by itself.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from dagster_project.core.errors import ConfigError

FIRST_SESSION_FILE = "first_session"


class HistoryExtendedError(ConfigError):
    """A market date to build lies before the loaded definitions' first partition (and after the
    history start): the new first session is recorded, definitions loaded again offer it."""

    def __init__(self, day: dt.date, first_partition: dt.date) -> None:
        self.day = day
        super().__init__(
            f"market date {day} is before the first daily partition {first_partition} of the "
            f"loaded definitions (the first session built so far); {day} is recorded as the new "
            "first session: reload the definitions (the UI's Reload, or restart make dev) and run "
            "again"
        )


def recorded_first_session(state_dir: Path) -> dt.date | None:
    """The first session recorded in ``state_dir``, or None (nothing built yet, or unreadable)."""
    try:
        return dt.date.fromisoformat((state_dir / FIRST_SESSION_FILE).read_text().strip())
    except (OSError, ValueError):
        return None


def record_first_session(state_dir: Path, day: dt.date, *, full_rebuild: bool) -> dt.date:
    """Record ``day`` as the first session: always after a full rebuild (which builds every date),
    otherwise only when it is earlier than the one recorded. Returns what is recorded."""
    recorded = recorded_first_session(state_dir)
    if not full_rebuild and recorded is not None and recorded <= day:
        return recorded
    state_dir.mkdir(parents=True, exist_ok=True)
    partial = state_dir / f".{FIRST_SESSION_FILE}.writing"
    partial.write_text(f"{day.isoformat()}\n")
    os.replace(partial, state_dir / FIRST_SESSION_FILE)
    return day


def partitions_start(history_start: dt.date, recorded: dt.date | None) -> dt.date:
    """The first day of the daily partitions: the recorded first session, never before the
    history start (nor when nothing is recorded: then the history start itself)."""
    return max(history_start, recorded) if recorded is not None else history_start
