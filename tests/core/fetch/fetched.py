"""A successful fetch outcome at a fixed time, for the capture-file and sidecar tests."""

from __future__ import annotations

import datetime as dt

from dagster_project.core.fetch.http import FetchOutcome

# 23:30:05 UTC on 17 Oct 2024 is 04:30:05 on 18 Oct in Karachi (UTC+5).
FETCHED_AT = dt.datetime(2024, 10, 17, 23, 30, 5, 123456, tzinfo=dt.UTC)


def outcome(body: bytes, *, content_type: str | None = "text/html") -> FetchOutcome:
    return FetchOutcome(
        url="https://brecorder.com/",
        ok=True,
        final_url="https://www.brecorder.com/",
        status_code=200,
        fetched_at=FETCHED_AT,
        body=body,
        reason=None,
        attempts=1,
        content_type=content_type,
    )
