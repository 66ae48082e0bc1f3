"""What every Spark test needs: the ``spark`` extra and Java; without them its module skips,
saying what is missing."""

from __future__ import annotations

import shutil

import pytest


def spark_marks() -> list[pytest.MarkDecorator]:
    """The module's ``pytestmark``; skips the calling module when the extra is not installed."""
    pytest.importorskip(
        "pyspark", reason="dbt on Spark needs the spark extra: uv sync --extra spark"
    )
    pytest.importorskip("dbt.adapters.spark", reason="the spark extra (dbt-spark) is not installed")
    return [
        pytest.mark.e2e,
        pytest.mark.skipif(
            shutil.which("java") is None,
            reason="Spark needs Java 17 (Debian: apt-get install openjdk-17-jre-headless)",
        ),
    ]
