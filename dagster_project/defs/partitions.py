"""Daily partitions on the PSX market date."""

import dagster as dg

# One partition per weekday in Asia/Karachi; PSX holidays are simply empty partitions. The current
# day is included (end_offset=1) so today's session can be materialised after the close.
market_date_partitions = dg.TimeWindowPartitionsDefinition(
    start="2000-01-03",
    cron_schedule="0 0 * * 1-5",
    fmt="%Y-%m-%d",
    timezone="Asia/Karachi",
    end_offset=1,
)

# Every asset that writes the working DuckDB file claims this pool: DuckDB allows one writer, so
# concurrent runs queue their steps instead of failing on the file lock.
WORK_DB_POOL = "market_work_db"
