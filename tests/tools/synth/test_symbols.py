"""Tests for dagster_project.tools.synth.symbols: the stocks on a synthetic strip."""

from __future__ import annotations

from dagster_project.tools.synth.symbols import symbol_names


def test_symbols_come_from_the_seed_then_made_up() -> None:
    assert symbol_names(3) == ["AGL", "AIRLINK", "BOP"]
    names = symbol_names(32)
    assert names == sorted(names) and len(set(names)) == 32
    assert {"SYN001", "SYN002", "HUBC", "WTL"} <= set(names)
