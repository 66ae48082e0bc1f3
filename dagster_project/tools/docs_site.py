"""The dbt docs site of the warehouse, as one static page that opens offline.

``dbt docs generate --static`` reads the project and the working database's catalog (each
relation's columns and types as built) and writes ``static_index.html``: the docs app with the
manifest and catalog inlined, so it needs no server. It is copied to ``<out dir>/index.html``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dagster_project.core.errors import ConfigError, MarketSnapshotsError

#: dbt's single-file docs page in its target path.
STATIC_PAGE = "static_index.html"


class DocsError(MarketSnapshotsError):
    """dbt could not generate the docs (its output's tail is the message)."""


@dataclass(frozen=True)
class DocsSite:
    """The written docs page and what it documents."""

    page: Path
    models: int
    columns: int


def write_docs_site(
    *,
    dbt_executable: str,
    project_dir: Path,
    work_db: Path,
    target_path: Path,
    out_dir: Path,
    env: Mapping[str, str],
) -> DocsSite:
    """Generate the docs of ``project_dir`` against ``work_db`` (dbt's files in ``target_path``)
    and write them as ``out_dir/index.html``.

    Raises:
        ConfigError: there is no working database yet (nothing was built).
        DocsError: ``dbt docs generate`` failed.
    """
    if not work_db.is_file():
        raise ConfigError(
            f"no working database at {work_db}: build first (make build), then write the docs"
        )
    command = [dbt_executable, "docs", "generate", "--static", "--quiet"]
    command += ["--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
    command += ["--target-path", str(target_path)]
    done = subprocess.run(
        command,
        env={**os.environ, **env, "MARKET_WORK_DB": str(work_db)},
        capture_output=True,
        text=True,
        check=False,
    )
    page = target_path / STATIC_PAGE
    if done.returncode != 0 or not page.is_file():
        output = (done.stdout + done.stderr).strip()[-3000:]
        raise DocsError(f"dbt docs generate failed (exit {done.returncode}):\n{output}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = out_dir / "index.html"
    partial = out_dir / ".index.html.writing"
    shutil.copyfile(page, partial)
    partial.replace(written)
    return DocsSite(written, *_documented(target_path / "catalog.json"))


def _documented(catalog: Path) -> tuple[int, int]:
    """The relations and columns the catalog describes (what the page shows with types)."""
    nodes = json.loads(catalog.read_text(encoding="utf-8")).get("nodes", {})
    models = [node for key, node in nodes.items() if key.startswith("model.")]
    return len(models), sum(len(node.get("columns", {})) for node in models)
