"""Test-session set-up: never touch the developer's warehouse or state directory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# The loopback page server fixture (`server`) of the fetch tests.
pytest_plugins = ["tests.page_server"]

_SESSION_ROOT = Path(tempfile.mkdtemp(prefix="market-snapshots-tests-"))
# Set before anything imports the Dagster definitions (they resolve the dbt target at import).
os.environ["MARKET_WAREHOUSE"] = str(_SESSION_ROOT / "warehouse" / "market.duckdb")
os.environ["MARKET_STATE_DIR"] = str(_SESSION_ROOT / "state")
os.environ.pop("MARKET_RAW_DIR", None)
os.environ.pop("DAGSTER_HOME", None)
