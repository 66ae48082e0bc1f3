"""The time zone the PSX trades in and Business Recorder prints: Pakistan time (UTC+5, no DST)."""

from zoneinfo import ZoneInfo

PSX_TIME_ZONE = "Asia/Karachi"
PKT = ZoneInfo(PSX_TIME_ZONE)
