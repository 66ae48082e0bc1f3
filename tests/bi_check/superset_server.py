"""Apache Superset installed and started as docs/bi-clients.md tells a user to, on a free port.

The recipe: ``pip install`` of Superset, duckdb-engine and the three packages Superset 6.1.0
needs but does not declare (``rich``: ``superset db upgrade`` fails without it;
``flask-caching<2.5``: 2.5 breaks ``SupersetMetastoreCache``; ``cachetools``: without it
"Could not load database driver for: duckdb"), then ``superset db upgrade``, ``superset fab
create-admin``, ``superset init`` and ``superset run``.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.bi_check.common import CheckFailed, clean_env, run

RECIPE = (
    "apache-superset==6.1.0",
    "duckdb-engine==0.17.0",
    "flask-caching<2.5",
    "rich",
    "cachetools",
)
USERNAME = "admin"


@dataclass(frozen=True)
class Superset:
    """A running Superset: where it listens and how to sign in."""

    url: str
    username: str
    password: str


def free_port() -> int:
    """A TCP port free on the loopback interface right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise CheckFailed(f"superset run exited {server.returncode}:\n{tail}")
        try:
            if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise CheckFailed(f"Superset did not answer {url}/health within 180 s (see {log})")


@contextmanager
def running_superset(env_dir: Path, home: Path) -> Iterator[Superset]:
    """Set up a new Superset home in ``home`` and serve it on 127.0.0.1 until exit."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "superset_config.py"
    config.write_text(f'SECRET_KEY = "{secrets.token_urlsafe(42)}"\n', encoding="utf-8")
    env = clean_env(
        SUPERSET_CONFIG_PATH=str(config),
        SUPERSET_HOME=str(home),
        SCARF_ANALYTICS="false",
    )
    superset = str(env_dir / "bin" / "superset")
    password = secrets.token_urlsafe(16)
    admin = ["--username", USERNAME, "--firstname", "BI", "--lastname", "Check"]
    admin += ["--email", "bi-check@example.invalid", "--password", password]
    run([superset, "db", "upgrade"], env=env, log=home / "db-upgrade.log")
    run([superset, "fab", "create-admin", *admin], env=env, log=home / "create-admin.log")
    run([superset, "init"], env=env, log=home / "init.log")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = home / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [superset, "run", "-h", "127.0.0.1", "-p", str(port), "--with-threads"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_healthy(url, server, log)
            yield Superset(url=url, username=USERNAME, password=password)
        finally:
            # Our own server only: its process group is the session it was started in.
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=30)
