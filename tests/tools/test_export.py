"""``tools/export.py``: the Parquet export, and that it never deletes what it did not write."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from dagster_project.cli.main import main
from dagster_project.core.errors import ExportError
from dagster_project.tools.export import MARKER_FILE, export_warehouse


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """A real (tiny) published warehouse: one daily fact and one audit table."""
    path = tmp_path / "warehouse" / "market.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create schema audit")
        con.execute(
            "create table marts.fct_daily_movers as select date '2024-10-18' as market_date, "
            "'AIRLINK' as symbol, 136.21::decimal(18, 2) as close_price"
        )
        con.execute("create table audit.captures as select 'a.txt' as file_name")
    return path


def _tree(directory: Path) -> dict[str, str]:
    return {
        path.relative_to(directory).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def _export(warehouse: Path, out: Path) -> None:
    export_warehouse(warehouse, out, by_year={"fct_daily_movers"})


def test_a_new_directory_is_written_with_its_marker(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    _export(warehouse, out)
    listed = (out / MARKER_FILE).read_text("utf-8").split()
    assert sorted(listed) == sorted(name for name in _tree(out) if name != MARKER_FILE)
    assert "marts/fct_daily_movers/market_year=2024/data_0.parquet" in listed
    assert "marts.sql" in listed


def test_an_empty_directory_is_used(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    _export(warehouse, out)
    assert (out / "marts.sql").is_file()


@pytest.mark.parametrize("out_name", ["raw", "warehouse"])
def test_export_refuses_a_directory_it_did_not_write(
    warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], out_name: str
) -> None:
    raw = tmp_path / "raw"
    (raw / "2024").mkdir(parents=True)
    (raw / "2024" / "capture.txt").write_text("KSE100 85,250 Decreased By -335.3 (-0.39%)\n")
    out = tmp_path / out_name
    before = _tree(out)
    code = main(["export", "--warehouse", str(warehouse), "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "not an earlier export" in err and str(out) in err
    assert _tree(out) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["raw", "warehouse"]


def test_an_earlier_export_is_replaced_and_a_file_added_to_it_is_kept(
    warehouse: Path, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    _export(warehouse, out)
    first = _tree(out)
    _export(warehouse, out)
    assert _tree(out) == first
    notes = out / "marts" / "my-notes.md"
    notes.write_text("mine")
    with pytest.raises(ExportError, match=r"did not write.*my-notes\.md"):
        _export(warehouse, out)
    assert notes.read_text() == "mine"
    assert not list(tmp_path.glob(".export.*"))


def test_a_file_or_a_link_is_refused(warehouse: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "report.html"
    a_file.write_text("<html></html>")
    with pytest.raises(ExportError, match="not a directory"):
        _export(warehouse, a_file)
    assert a_file.read_text() == "<html></html>"
    target = tmp_path / "target"
    target.mkdir()
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(ExportError, match="not a directory"):
        _export(warehouse, link)
    assert link.is_symlink()
