"""The clients' environments: created on demand from pinned versions, cached under ``.bi/``.

Each Python client gets its own venv, made with ``python -m venv`` and ``pip install`` of the
recipe that docs/bi-clients.md gives, constrained to the versions last verified
(``pins/<name>.txt``, a ``pip freeze`` of a working install). Evidence's driver is installed by
``npm install`` from ``pins/evidence/`` (package.json and its lock). An environment is rebuilt
only when its pins change.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from tests.bi_check.common import CACHE_DIR, PINS_DIR, CheckFailed, clean_env, run

STAMP = ".bi-check-pins"
UV = str(Path(sys.executable).with_name("uv"))


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _fresh(target: Path, fingerprint: str) -> bool:
    stamp = target / STAMP
    return stamp.is_file() and stamp.read_text(encoding="utf-8") == fingerprint


def python_env(name: str, recipe: Sequence[str]) -> tuple[Path, str]:
    """A venv at ``.bi/<name>`` holding ``pip install <recipe>`` within ``pins/<name>.txt``.

    Returns the venv and a note saying whether it was reused or built (and how long that took).
    """
    constraints = PINS_DIR / f"{name}.txt"
    target = CACHE_DIR / name
    fingerprint = _fingerprint(sys.version, *recipe, constraints.read_text(encoding="utf-8"))
    if _fresh(target, fingerprint):
        return target, f"cached venv {target.relative_to(CACHE_DIR.parent)}"
    started = time.monotonic()
    shutil.rmtree(target, ignore_errors=True)
    run([sys.executable, "-m", "venv", str(target)])
    python = str(target / "bin" / "python")
    run(
        [python, "-m", "pip", "install", "--quiet", "-c", str(constraints), *recipe],
        env=clean_env(),
        timeout=1800,
        log=CACHE_DIR / f"{name}.install.log",
    )
    (target / STAMP).write_text(fingerprint, encoding="utf-8")
    took = time.monotonic() - started
    return target, f"built venv {target.relative_to(CACHE_DIR.parent)} in {took:.0f} s"


def npm_env(name: str) -> tuple[Path, str]:
    """``.bi/<name>/node_modules``, installed from ``pins/<name>/package{,-lock}.json``."""
    sources = [PINS_DIR / name / "package.json", PINS_DIR / name / "package-lock.json"]
    target = CACHE_DIR / name
    fingerprint = _fingerprint(*(path.read_text(encoding="utf-8") for path in sources))
    if _fresh(target, fingerprint):
        return target, f"cached node_modules in {target.relative_to(CACHE_DIR.parent)}"
    started = time.monotonic()
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for source in sources:
        shutil.copy2(source, target / source.name)
    npm = shutil.which("npm")
    if npm is None:
        raise CheckFailed("npm is not installed (Debian: apt-get install nodejs npm)")
    # `npm install` with the lock, not `npm ci`: the lock holds only the platform bindings the
    # registry serves here, and `npm ci` refuses a lock without every optional one.
    run(
        [npm, "install", "--no-audit", "--no-fund"],
        cwd=target,
        env=clean_env(),
        timeout=900,
        log=CACHE_DIR / f"{name}.install.log",
    )
    (target / STAMP).write_text(fingerprint, encoding="utf-8")
    took = time.monotonic() - started
    return target, f"built node_modules in {target.relative_to(CACHE_DIR.parent)} in {took:.0f} s"


def uv_with(*packages: str) -> list[str]:
    """The prefix of a command run by uv in a throwaway environment of exactly ``packages``."""
    command = [UV, "run", "--quiet", "--no-project"]
    for package in packages:
        command += ["--with", package]
    return command


def debian_program(program: str, package: str) -> str:
    """The path of ``program``, installing Debian's ``package`` first when it is missing.

    As .ci/run does for Chromium: only as root with apt-get, otherwise say what to install.
    """
    found = shutil.which(program)
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = clean_env(DEBIAN_FRONTEND="noninteractive")
        for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", package]):
            subprocess.run(command, capture_output=True, check=False, env=env, timeout=1200)
        found = shutil.which(program)
    if not found:
        raise CheckFailed(f"{program} is missing: install Debian's `{package}` package")
    return found


def pinned(name: str, package: str) -> str:
    """The version of ``package`` that ``pins/<name>.txt`` pins."""
    wanted = package.lower().replace("_", "-")
    for line in (PINS_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        left, _, version = line.partition("==")
        if left.strip().lower().replace("_", "-") == wanted:
            return version.strip()
    raise CheckFailed(f"{package} is not pinned in pins/{name}.txt")


def npm_version(env_dir: Path, package: str) -> str:
    """The version of an installed npm package of ``env_dir``."""
    manifest = env_dir / "node_modules" / package / "package.json"
    version: str = json.loads(manifest.read_text(encoding="utf-8"))["version"]
    return version
