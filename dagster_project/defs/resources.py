"""Dagster resources: where captures come from and where the warehouse goes."""

from __future__ import annotations

import dagster as dg

from dagster_project.settings import DEFAULT_MAX_CAPTURE_BYTES, Settings, make_settings


class MarketResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The raw dir, the published warehouse and the state directory of one deployment."""

    raw_dir: str
    warehouse: str
    state_dir: str
    max_capture_bytes: int = DEFAULT_MAX_CAPTURE_BYTES
    trust_file_times: int = 0

    def settings(self) -> Settings:
        return make_settings(
            raw_dir=self.raw_dir,
            warehouse=self.warehouse,
            state_dir=self.state_dir,
            max_capture_bytes=self.max_capture_bytes,
            trust_file_times=bool(self.trust_file_times),
        )


def market_resource_from_env() -> MarketResource:
    """The resource as configured by the ``MARKET_*`` environment variables."""
    return MarketResource(
        raw_dir=dg.EnvVar("MARKET_RAW_DIR"),
        warehouse=dg.EnvVar("MARKET_WAREHOUSE"),
        state_dir=dg.EnvVar("MARKET_STATE_DIR"),
        max_capture_bytes=dg.EnvVar.int("MARKET_MAX_CAPTURE_BYTES"),
        trust_file_times=dg.EnvVar.int("MARKET_TRUST_FILE_TIMES"),
    )
