"""The package installed as a tool, outside the repository (what ``uv tool install .`` or ``pipx
install .`` make): its wheel carries the dbt project and the pages file, and it builds the sample
into the directory it runs from without writing into the installed package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from dagster_project.settings import PROJECT_ROOT
from tests.captures import SAMPLE
from tests.support import user_env


def uv() -> list[str]:
    """uv as ``make`` runs it (``python3 -m uv``), or from PATH."""
    found = shutil.which("uv")
    return [found] if found else ["python3", "-m", "uv"]


def run(command: list[str], *, cwd: Path = PROJECT_ROOT) -> str:
    done = subprocess.run(
        command, cwd=cwd, env=user_env(), capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_the_installed_tool_builds_the_sample_where_it_runs(tmp_path: Path) -> None:
    wheels, env, home = tmp_path / "wheels", tmp_path / "tool", tmp_path / "elsewhere"
    run([*uv(), "build", "--wheel", "--quiet", "--out-dir", str(wheels)])
    [wheel] = wheels.glob("market_snapshots-*.whl")
    locked = tmp_path / "requirements.txt"
    locked.write_text(
        run([*uv(), "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project", "-q"])
    )
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    run([*uv(), "venv", "--quiet", "--python", python, str(env)])
    run(
        [
            *uv(),
            "pip",
            "install",
            "--quiet",
            "--python",
            str(env / "bin" / "python"),
            "-r",
            str(locked),
            str(wheel),
        ]
    )
    package = next((env / "lib").glob("python3.*/site-packages/dagster_project"))
    assert (package / "project" / "dbt" / "dbt_project.yml").is_file()
    assert (package / "project" / "config" / "pages.yaml").is_file()
    assert not (package / "project" / "dbt" / "target").exists()

    (home / "raw").mkdir(parents=True)
    shutil.copy2(SAMPLE, home / "raw" / SAMPLE.name)
    before = {path: path.stat().st_mtime_ns for path in package.rglob("*") if path.is_file()}
    out = run([str(env / "bin" / "market-snapshots"), "build"], cwd=home)
    assert f"warehouse: {home / 'warehouse' / 'market.duckdb'}" in out
    assert "market dates: 1 (2024-10-18 … 2024-10-18), 30 daily quotes" in out
    after = {path: path.stat().st_mtime_ns for path in package.rglob("*") if path.is_file()}
    assert {path for path in after if "__pycache__" not in path.parts} == {
        path for path in before if "__pycache__" not in path.parts
    }
    assert all(after[path] == stamp for path, stamp in before.items())
