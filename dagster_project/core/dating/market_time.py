"""The time zone the PSX trades in and Business Recorder prints: Pakistan time (UTC+5, no DST).

Also the Unix epoch, from which file modification times are counted.
"""

import datetime as dt
from zoneinfo import ZoneInfo

UNIX_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

PSX_TIME_ZONE = "Asia/Karachi"
PKT = ZoneInfo(PSX_TIME_ZONE)
