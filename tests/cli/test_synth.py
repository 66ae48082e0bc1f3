"""Tests for dagster_project.cli.synth: the ``market-snapshots synth`` sub-command."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from dagster_project.cli.synth import add_parser


def test_the_synth_sub_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main = argparse.ArgumentParser(prog="market-snapshots")
    add_parser(main.add_subparsers(dest="command", required=True))
    out, truth = tmp_path / "raw", tmp_path / "truth.json"
    args = main.parse_args(
        [
            *("synth", "--days", "2", "--symbols", "2", "--captures-per-day", "2"),
            *("--out", str(out), "--seed", "3", "--start", "2024-10-18", "--expected", str(truth)),
        ]
    )
    assert args.handler(args) == 0
    assert "wrote" in capsys.readouterr().out
    expected = json.loads(truth.read_text(encoding="utf-8"))
    assert list(expected["market_dates"]) == ["2024-10-18", "2024-10-21"]
    assert expected["symbols"] == ["AGL", "AIRLINK"]
    assert not (out / "expected.json").exists()
