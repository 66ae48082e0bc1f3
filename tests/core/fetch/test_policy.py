"""The fetch policy: its defaults and the values it refuses."""

from __future__ import annotations

import pytest

from dagster_project.core.errors import ConfigError
from dagster_project.core.fetch.policy import FetchPolicy


def test_the_default_cap_is_five_megabytes() -> None:
    assert FetchPolicy().max_bytes == 5_242_880


def test_fetch_policy_rejects_nonsense() -> None:
    with pytest.raises(ConfigError):
        FetchPolicy(attempts=0)
    with pytest.raises(ConfigError):
        FetchPolicy(read_timeout=0)
