"""The ``market-snapshots`` command, run as a user runs it."""

import fcntl
import os
from pathlib import Path

import pytest

from dagster_project.cli.main import _settings_from, parser
from dagster_project.settings import SETTINGS, make_settings
from tests.support import run_cli


def test_a_second_build_while_one_runs_fails_fast(tmp_path: Path) -> None:
    settings = make_settings(raw_dir=tmp_path / "raw", warehouse=tmp_path / "market.duckdb")
    settings.state_dir.mkdir(parents=True)
    (tmp_path / "raw").mkdir()
    with settings.build_lock.open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        done = run_cli(
            "build", "--raw-dir", str(tmp_path / "raw"), "--warehouse", str(settings.warehouse)
        )
    assert done.returncode == 2
    assert "another build is running" in done.stderr
    assert not settings.warehouse.exists()


def test_bad_configuration_is_a_clear_error(tmp_path: Path) -> None:
    done = run_cli("build", "--raw-dir", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb"))
    assert done.returncode == 2
    assert "must not be inside the raw dir" in done.stderr


def test_trust_file_times_reaches_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsed only (no build): the flag turns trust on in the settings and in the environment
    the command exports for dbt and the Dagster definitions; without it, trust stays off."""
    for name in make_settings().as_env():
        monkeypatch.setenv(name, "")  # unset for the settings; restored after the test
    args = ["build", "--raw-dir", str(tmp_path / "raw"), "--warehouse", str(tmp_path / "w.duckdb")]
    assert not _settings_from(parser().parse_args(args)).trust_file_times
    assert os.environ["MARKET_TRUST_FILE_TIMES"] == "0"
    assert _settings_from(parser().parse_args([*args, "--trust-file-times"])).trust_file_times
    assert os.environ["MARKET_TRUST_FILE_TIMES"] == "1"


def test_the_setting_options_are_the_declared_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """build, backfill and dev take every setting declared with ``option=True``, its help naming
    the variable it overrides; given, an option wins over the variable."""
    options = [item for item in SETTINGS if item.spec.option]
    assert [item.option for item in options] == [
        "--raw-dir",
        "--warehouse",
        "--state-dir",
        "--trust-file-times",
    ]
    for command in ("build", "backfill", "dev"):
        with pytest.raises(SystemExit):
            parser().parse_args([command, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        for item in options:
            assert item.option in text
            assert f"(default ${item.env} or " in text
    for name in make_settings().as_env():
        monkeypatch.setenv(name, "")
    monkeypatch.setenv("MARKET_STATE_DIR", str(tmp_path / "from-env"))
    args = ["build", "--raw-dir", str(tmp_path / "raw"), "--warehouse", str(tmp_path / "w.duckdb")]
    assert _settings_from(parser().parse_args(args)).state_dir == tmp_path / "from-env"
    given = [*args, "--state-dir", str(tmp_path / "state")]
    assert _settings_from(parser().parse_args(given)).state_dir == tmp_path / "state"
    assert os.environ["MARKET_STATE_DIR"] == str(tmp_path / "state")


def test_version_names_the_package_and_its_engines() -> None:
    done = run_cli("--version")
    assert done.returncode == 0
    assert done.stdout.startswith("market-snapshots 0.1.0 (dagster 1.13.27, dagster-dbt 0.29.27, ")
    for package in ("dbt-core 1.11.", "dbt-duckdb 1.11.1", "duckdb ", "polars "):
        assert package in done.stdout


def test_each_command_explains_itself(capsys: pytest.CaptureFixture[str]) -> None:
    """Plain text (no reStructuredText quotes); every command described, with examples and the
    variables it honours."""
    with pytest.raises(SystemExit):
        parser().parse_args(["--help"])
    top = capsys.readouterr().out
    commands = ["build", "backfill", "dev", "fetch", "report", "summary", "export", "docs", "synth"]
    assert all(f"    {command} " in top for command in commands)
    assert "``" not in top and "examples:" in top
    honoured = {
        "build": "MARKET_WORKERS",
        "fetch": "MARKET_PAGES_FILE",
        "export": "MARKET_WAREHOUSE",
        "docs": "MARKET_STATE_DIR",
    }
    for command in commands:
        with pytest.raises(SystemExit):
            parser().parse_args([command, "--help"])
        text = capsys.readouterr().out
        assert "``" not in text
        assert f"examples:\n  market-snapshots {command}" in text
        if command in honoured:
            assert f"\n  {honoured[command]} " in text.split("environment")[1]
