"""A real ``dagster dev`` (webserver + daemon) on a free loopback port, for API and UI tests."""

import datetime as dt
import functools
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from dagster_project.settings import PROJECT_ROOT, Settings, make_settings
from tests.captures import SAMPLE, page, sample_ticker_lines, stock_line

FETCHED_PAGE_DATE = dt.date(2024, 10, 21)


@dataclass
class DagsterDev:
    url: str
    settings: Settings
    log: Path

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(
            f"{self.url}/graphql", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            answer: dict[str, Any] = json.loads(response.read())
        assert "errors" not in answer, answer
        return answer["data"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def monday_page() -> str:
    """Monday's strip: every stock one paisa up from Friday's close (a real, new session)."""
    lines = []
    for line in sample_ticker_lines():
        symbol, price, *_ = line.split(" ")
        is_stock = "▲" in line or "▼" in line
        close = Decimal(price.replace(",", "")) + Decimal("0.01")
        lines.append(stock_line(symbol, str(close), "0.01") if is_stock else line)
    return page(FETCHED_PAGE_DATE, lines)


@pytest.fixture(scope="session")
def page_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A loopback HTTP server holding one Business Recorder page, as the fetch asset sees it."""
    root = tmp_path_factory.mktemp("site")
    (root / "markets.txt").write_text(monday_page(), encoding="utf-8")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/markets.txt"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def dagster_dev(tmp_path_factory: pytest.TempPathFactory, page_server: str) -> Iterator[DagsterDev]:
    root = tmp_path_factory.mktemp("dagster-dev")
    raw = root / "raw"
    (raw / "samples").mkdir(parents=True)
    (raw / "samples" / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    pages = root / "pages.yaml"
    pages.write_text(f"pages:\n  - url: {page_server}\n    name: markets\n")
    settings = make_settings(
        raw_dir=raw, warehouse=root / "warehouse" / "market.duckdb", pages_file=pages
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("MARKET_")}
    env.update(settings.as_env())
    env.update(
        DAGSTER_HOME=str(settings.dagster_home),
        MARKET_AUTOMATION="stopped",
        DAGSTER_PORT=str(free_port()),
    )
    log = root / "dagster-dev.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("market-snapshots")), "dev"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    dev = DagsterDev(url=f"http://127.0.0.1:{env['DAGSTER_PORT']}", settings=settings, log=log)
    try:
        deadline = time.monotonic() + 240
        while True:
            assert process.poll() is None, log.read_text()[-4000:]
            try:
                names = dev.graphql(
                    "{ repositoriesOrError { ... on RepositoryConnection { nodes { name } } } }"
                )
                if names["repositoriesOrError"].get("nodes"):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (
                "dagster dev did not start:\n" + log.read_text()[-4000:]
            )
            time.sleep(2)
        yield dev
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
