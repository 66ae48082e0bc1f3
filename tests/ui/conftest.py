"""A real ``dagster dev`` (webserver + daemon) on a free loopback port, for API and UI tests."""

import functools
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dagster_project.settings import PROJECT_ROOT, make_settings
from tests.captures import SAMPLE
from tests.ui.dagster_dev import DagsterDev, free_port, monday_page


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
