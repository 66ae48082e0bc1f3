"""Reading the reference seeds (``dbt/seeds/*.csv``) that the normaliser needs in Python."""

from __future__ import annotations

import csv
from pathlib import Path


def read_index_codes(path: Path) -> frozenset[str]:
    """The ``index_code`` column of the index-codes seed: codes that are always indices."""
    with path.open(encoding="utf-8", newline="") as handle:
        return frozenset(
            code for row in csv.DictReader(handle) if (code := row["index_code"].strip())
        )
