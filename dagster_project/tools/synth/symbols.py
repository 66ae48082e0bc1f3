"""Which stocks a synthetic strip shows: the shipped sample's, then made-up ``SYN001`` ...."""

from __future__ import annotations

import csv

from dagster_project.settings import DBT_PROJECT_DIR

SECTORS_SEED = DBT_PROJECT_DIR / "seeds" / "psx_sectors.csv"
ALIASES_SEED = DBT_PROJECT_DIR / "seeds" / "psx_symbol_aliases.csv"

# The 30 stocks of the shipped sample's strip (18 Oct 2024), all in the sector seed: synthetic
# history stays the same when the seed grows.
SAMPLE_STRIP_SYMBOLS = (
    "AGL", "AIRLINK", "BOP", "CNERGY", "DCL", "DFML", "DGKC", "FCCL", "FFBL", "FFL",
    "HUBC", "HUMNL", "KEL", "KOSM", "MLCF", "NBP", "OGDC", "PAEL", "PIBTL", "PPL",
    "PRL", "PTC", "SEARL", "TELE", "TOMCL", "TPLP", "TREET", "TRG", "UNITY", "WTL",
)  # fmt: skip


def seeded_symbols() -> list[str]:
    """The sample strip's symbols that ``dbt/seeds/psx_sectors.csv`` holds, in strip order."""
    with SECTORS_SEED.open(encoding="utf-8", newline="") as handle:
        seeded = {row["symbol"] for row in csv.DictReader(handle)}
    return [symbol for symbol in SAMPLE_STRIP_SYMBOLS if symbol in seeded]


def symbol_names(count: int) -> list[str]:
    """``count`` stock symbols: the seeded ones first, then ``SYN001``, ``SYN002`` ..., A→Z."""
    seeded = seeded_symbols()
    made_up = [f"SYN{number:03d}" for number in range(1, max(0, count - len(seeded)) + 1)]
    return sorted([*seeded[:count], *made_up])
