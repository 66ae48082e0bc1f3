"""dbt's parse of the project (its manifest), made once per project version and shared.

The Dagster definitions need the manifest when they load, so a build in a new state directory (a
new user's first build, each test's) used to start with a full ``dbt parse`` (about 8 s here) of
a project that had not changed. :func:`ensure_manifest` keeps the two files of each parse (the
manifest and dbt's ``partial_parse.msgpack``) in a shared cache, keyed by everything the parse
depends on (the project files' bytes, its directory, the dbt version and target), and a new
target dir starts from a copy. dbt checks a copied partial-parse file as it checks its own: the
profile (the working database's path differs per state dir, so the first ``dbt build`` there
still parses in full, about 4 s), the vars, the environment variables the project reads.
Measured on the sample from scratch: 41.5 s before, 37.8 s after. The cache is an optimisation
only: when it cannot be read or written, dbt parses as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

from dagster_project.core.build.fingerprint import files_fingerprint
from dagster_project.core.errors import ConfigError

#: What a parse leaves that the next dbt command reads: the manifest and the partial-parse file.
PARSE_FILES = ("manifest.json", "partial_parse.msgpack")
#: Parses kept in the cache (each ~3 MB); older ones are removed when a new one is stored.
KEPT_PARSES = 8


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/market-snapshots/dbt-parse`` (``~/.cache/…`` without the variable)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "market-snapshots" / "dbt-parse"


def parse_key(*, project_dir: Path, source_files: list[Path], env: Mapping[str, str]) -> str:
    """A key that changes whenever a parse of the project could: its files' names and bytes, its
    directory, the installed dbt and the target."""
    try:
        versions = [metadata.version(name) for name in ("dbt-core", "dbt-duckdb")]
    except metadata.PackageNotFoundError:
        versions = []
    parts = [
        files_fingerprint(source_files, root=project_dir),
        str(project_dir.resolve()),
        *versions,
        env.get("DBT_TARGET", os.environ.get("DBT_TARGET", "")),
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:20]


def ensure_manifest(
    *,
    dbt_executable: str,
    project_dir: Path,
    profiles_dir: Path,
    target_path: Path,
    source_files: list[Path],
    env: Mapping[str, str],
    cache_dir: Path | None = None,
) -> Path:
    """The manifest in ``target_path``, parsed only when it is missing, damaged or older than the
    sources: copied from ``cache_dir`` (default :func:`default_cache_dir`) when the same project
    was parsed before, else made by ``dbt parse`` (in a child process with ``env``; this process's
    ``os.environ`` is left as it is) and then stored there.

    Returns:
        The manifest's path.
    """
    manifest = target_path / "manifest.json"
    newest = max(path.stat().st_mtime for path in source_files)
    if manifest.exists() and manifest.stat().st_mtime >= newest and _loads(manifest):
        return manifest
    cache = (cache_dir or default_cache_dir()) / parse_key(
        project_dir=project_dir, source_files=source_files, env=env
    )
    if _copy_parse(cache, target_path):
        return manifest
    command = [dbt_executable, "parse", "--quiet", "--project-dir", str(project_dir)]
    command += ["--profiles-dir", str(profiles_dir), "--target-path", str(target_path)]
    done = subprocess.run(
        command, env={**os.environ, **env}, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()[-3000:]
        raise ConfigError(f"dbt parse of {project_dir} failed (exit {done.returncode}):\n{output}")
    _store_parse(target_path, cache)
    return manifest


def shared_parse(
    *,
    project_dir: Path,
    source_files: list[Path],
    env: Mapping[str, str],
    cache_dir: Path | None = None,
) -> Path | None:
    """The shared cache's ``partial_parse.msgpack`` of this version of the project (what
    :func:`ensure_manifest` stored), or None when there is none: dbt run in process starts from
    it instead of parsing (``defs/dagster_private/dbt_cli.py``)."""
    cache = (cache_dir or default_cache_dir()) / parse_key(
        project_dir=project_dir, source_files=source_files, env=env
    )
    parse = cache / PARSE_FILES[1]
    return parse if (cache / PARSE_FILES[0]).is_file() and parse.is_file() else None


def _copy_parse(cache: Path, target_path: Path) -> bool:
    """Copy a cached parse into ``target_path``; False (nothing copied) when there is none or it
    cannot be read."""
    if not all((cache / name).is_file() for name in PARSE_FILES):
        return False
    if not _loads(cache / "manifest.json"):  # damaged: parsed again and stored anew
        shutil.rmtree(cache, ignore_errors=True)
        return False
    try:
        target_path.mkdir(parents=True, exist_ok=True)
        for name in reversed(PARSE_FILES):  # the manifest last: it is what marks a parse done
            partial = target_path / f".{name}.copying"
            shutil.copyfile(cache / name, partial)
            partial.replace(target_path / name)
    except OSError:
        return False
    return True


def _store_parse(target_path: Path, cache: Path) -> None:
    """Store a parse in the cache as one rename (a reader sees all of it or none); best effort."""
    if cache.exists():
        return
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".storing-", dir=cache.parent))
        for name in PARSE_FILES:
            shutil.copyfile(target_path / name, staging / name)
        try:
            staging.rename(cache)
        except OSError:  # another process stored the same parse first
            shutil.rmtree(staging, ignore_errors=True)
        _prune(cache.parent)
    except OSError:
        return


def _prune(cache_root: Path) -> None:
    """Keep the :data:`KEPT_PARSES` newest parses (and no staging dir older than an hour)."""
    entries = sorted(
        (path for path in cache_root.iterdir() if path.is_dir()),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    kept = [path for path in entries if not path.name.startswith(".")][:KEPT_PARSES]
    for path in entries:
        stale_staging = path.name.startswith(".") and _age(path) > 3600
        if (not path.name.startswith(".") and path not in kept) or stale_staging:
            shutil.rmtree(path, ignore_errors=True)


def _age(path: Path) -> float:
    return time.time() - path.stat().st_mtime


def _loads(path: Path) -> bool:
    """False for a manifest cut short or damaged (a killed ``dbt parse``, a full disk)."""
    try:
        json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False
    return True
