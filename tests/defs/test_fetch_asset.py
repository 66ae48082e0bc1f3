"""Materialise landing/fetched_pages for real against a local HTTP server and a temp raw dir."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from dagster_project.core.dating.market_time import PKT
from dagster_project.core.fetch.sidecar import read_sidecar
from dagster_project.core.raw.landing import inventory
from dagster_project.defs.landing.fetch import ALL_PAGES_FETCHED, FETCHED_PAGES, fetched_pages
from dagster_project.defs.metadata import markdown_escape
from dagster_project.defs.resources import FetchResource, MarketResource, fetch_resource
from dagster_project.settings import load_settings
from tests.page_server import HTML_PAGE, TEXT_PAGE, PageServer

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def pages_file(tmp_path: Path, entries: list[str]) -> Path:
    path = tmp_path / "pages.yaml"
    path.write_text("pages:\n" + "".join(f"  - {entry}\n" for entry in entries), encoding="utf-8")
    return path


def materialize(
    tmp_path: Path, pages: Path, instance: dg.DagsterInstance | None = None, **options: Any
) -> dg.ExecuteInProcessResult:
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    market = MarketResource(
        raw_dir=str(raw),
        warehouse=str(tmp_path / "warehouse" / "market.duckdb"),
        state_dir=str(tmp_path / "state"),
    )
    # Short limits keep the failure tests quick; a test may pass its own (``options``).
    limits: dict[str, Any] = {"read_timeout": 0.3, "total_timeout": 1.0, "attempts": 2}
    fetch = FetchResource(pages_file=str(pages), backoff=0.01, **(limits | options))
    return dg.materialize(
        [fetched_pages],
        resources={"market": market, "fetch": fetch},
        raise_on_error=False,
        instance=instance,
    )


def metadata(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    [event] = result.get_asset_materialization_events()
    materialization = event.step_materialization_data.materialization
    assert materialization.asset_key == FETCHED_PAGES
    return {key: value.value for key, value in materialization.metadata.items()}


def check(result: dg.ExecuteInProcessResult) -> dg.AssetCheckEvaluation:
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.asset_key == FETCHED_PAGES
    assert evaluation.check_name == ALL_PAGES_FETCHED
    return evaluation


def test_fetched_pages_land_and_failures_are_reported(tmp_path: Path, server: PageServer) -> None:
    pages = pages_file(
        tmp_path,
        [
            f"{{url: '{server.url('/home.html')}', name: home}}",
            f"{{url: '{server.url('/ticker.txt')}', name: ticker}}",
            f"url: {server.url('/missing')}",
            f"url: {server.url('/flaky')}",
            f"url: {server.url('/slow')}",
        ],
    )
    before = dt.datetime.now(dt.UTC)
    result = materialize(tmp_path, pages)
    after = dt.datetime.now(dt.UTC)
    assert result.success

    raw = tmp_path / "raw"
    files = sorted(path for path in (raw / "fetched").rglob("*") if path.is_file())
    captures = [path for path in files if not path.name.startswith(".")]
    assert len(files) == 6  # three captures and their hidden sidecars
    assert len(captures) == 3
    by_url = {}
    for path in captures:
        sidecar = read_sidecar(path)
        assert sidecar is not None
        assert before <= sidecar.fetched_at <= after
        day = sidecar.fetched_at.astimezone(PKT)
        assert path.parent == raw / "fetched" / f"{day:%Y/%m/%d}"
        assert path.name.startswith("127.0.0.1_")
        assert f"_{day:%H%M%S}_{sidecar.sha256[:12]}" in path.name
        mtime = EPOCH + dt.timedelta(microseconds=path.stat().st_mtime_ns // 1000)
        assert mtime == sidecar.fetched_at
        by_url[sidecar.url] = path
    assert by_url[server.url("/home.html")].read_bytes() == HTML_PAGE
    assert by_url[server.url("/home.html")].name.startswith("127.0.0.1_home_")
    assert by_url[server.url("/ticker.txt")].read_bytes() == TEXT_PAGE
    assert by_url[server.url("/ticker.txt")].suffix == ".txt"
    assert by_url[server.url("/flaky")].read_bytes() == HTML_PAGE

    # The landing inventory sees the captures (not the hidden sidecars), dated by their fetch.
    found = inventory(raw)
    assert found.ignored == []
    assert sorted(found.files["source_path"]) == sorted(
        path.relative_to(raw).as_posix() for path in captures
    )
    for row in found.files.iter_rows(named=True):
        sidecar = read_sidecar(raw / row["source_path"], expected_sha256=row["sha256"])
        assert sidecar is not None
        assert row["captured_at"] == sidecar.fetched_at

    values = metadata(result)
    assert (values["pages"], values["fetched_pages"], values["failed_pages"]) == (5, 3, 2)
    assert values["total_bytes"] == 2 * len(HTML_PAGE) + len(TEXT_PAGE)
    table = values["fetches"]
    assert table.splitlines()[0] == "| url | status | reason | path |"
    assert f"| {server.url('/missing')} | 404 | HTTP 404 Not Found |  |" in table
    assert f"| {server.url('/slow')} |  | read timed out after 2 attempts |  |" in table
    home = by_url[server.url("/home.html")].relative_to(raw).as_posix()
    assert f"| {server.url('/home.html')} | 200 |  | {markdown_escape(home)} |" in table

    evaluation = check(result)
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.WARN
    assert evaluation.description is not None
    assert "2 of 5 page(s) not fetched" in evaluation.description
    assert f"{server.url('/missing')} (HTTP 404 Not Found)" in evaluation.description
    assert f"{server.url('/slow')} (read timed out after 2 attempts)" in evaluation.description
    assert evaluation.metadata["failed_pages"].value == 2


def test_the_asset_succeeds_when_every_page_fails(tmp_path: Path, server: PageServer) -> None:
    pages = pages_file(tmp_path, [f"url: {server.url('/missing')}", f"url: {server.url('/big')}"])
    result = materialize(tmp_path, pages, max_bytes=1024)
    assert result.success
    assert not (tmp_path / "raw" / "fetched").exists()
    assert metadata(result)["failed_pages"] == 2
    evaluation = check(result)
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.WARN
    assert evaluation.description is not None
    assert "body exceeds 1024-byte cap" in evaluation.description


def test_the_check_passes_when_every_page_is_fetched(tmp_path: Path, server: PageServer) -> None:
    result = materialize(tmp_path, pages_file(tmp_path, [f"url: {server.url('/home.html')}"]))
    assert result.success
    assert metadata(result)["fetched_pages"] == 1
    evaluation = check(result)
    assert evaluation.passed
    assert evaluation.description == "all 1 page(s) fetched"


def test_an_invalid_pages_file_fails_the_asset(tmp_path: Path) -> None:
    result = materialize(tmp_path, pages_file(tmp_path, ["url: ftp://example.com/"]))
    assert not result.success
    [failure] = result.get_step_failure_events()
    assert failure.step_failure_data.error is not None
    assert "unsupported scheme 'ftp'" in str(failure.step_failure_data.error.cause or "") + str(
        failure.step_failure_data.error.message
    )


def test_the_resource_reads_the_pages_file_from_the_environment(
    tmp_path: Path, server: PageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = pages_file(tmp_path, [f"url: {server.url('/home.html')}"])
    monkeypatch.setenv("MARKET_PAGES_FILE", str(pages))
    raw = tmp_path / "raw"
    raw.mkdir()
    market = MarketResource(
        raw_dir=str(raw),
        warehouse=str(tmp_path / "warehouse" / "market.duckdb"),
        state_dir=str(tmp_path / "state"),
    )
    result = dg.materialize(
        [fetched_pages], resources={"market": market, "fetch": fetch_resource(load_settings())}
    )
    assert result.success
    assert metadata(result)["pages_file"] == str(pages)
    assert check(result).passed


def test_credentials_stay_out_of_sidecars_logs_and_metadata(
    tmp_path: Path, server: PageServer
) -> None:
    with_credentials = server.url("/home.html", host="user:secret@127.0.0.1")
    pages = pages_file(
        tmp_path,
        [
            f"{{url: '{with_credentials}', name: home}}",
            f"{{url: '{server.url('/to-userinfo')}', name: moved}}",
            f"url: {server.url('/to-userinfo-missing')}",
        ],
    )
    instance = dg.DagsterInstance.ephemeral()
    result = materialize(tmp_path, pages, instance=instance)
    assert result.success
    files = [path for path in (tmp_path / "raw").rglob("*") if path.is_file()]
    assert len(files) == 4  # two captures and their sidecars
    assert all(b"secret" not in path.read_bytes() for path in files)
    sidecars = [read_sidecar(path) for path in files if not path.name.startswith(".")]
    assert sorted((s.url, s.final_url) for s in sidecars if s is not None) == sorted(
        [
            (server.url("/home.html"), server.url("/home.html")),
            (server.url("/to-userinfo"), server.url("/home.html")),
        ]
    )
    values = metadata(result)
    assert values["failed_pages"] == 1
    assert "secret" not in str(values)
    evaluation = check(result)
    assert f"{server.url('/to-userinfo-missing')} (HTTP 404 Not Found)" in str(
        evaluation.description
    )
    assert "secret" not in str(evaluation.description)
    messages = [entry.user_message for entry in instance.all_logs(result.run_id)]
    assert any(server.url("/home.html") in message for message in messages)
    assert not any("secret" in message for message in messages)


def test_a_page_robots_txt_disallows_is_reported(tmp_path: Path, server: PageServer) -> None:
    server.robots_txt = b"User-agent: *\nDisallow: /ticker\n"
    pages = pages_file(
        tmp_path, [f"url: {server.url('/home.html')}", f"url: {server.url('/ticker.txt')}"]
    )
    # Limits no load reaches: a robots.txt read that timed out would count as unreachable, fail
    # the attempt and be read again on the retry (2 hits, seen once under load).
    result = materialize(tmp_path, pages, read_timeout=10.0, total_timeout=30.0)
    assert result.success
    assert metadata(result)["failed_pages"] == 1
    evaluation = check(result)
    robots = server.url("/robots.txt")
    assert f"{server.url('/ticker.txt')} (disallowed by {robots} (Disallow: /ticker))" in str(
        evaluation.description
    )
    assert server.hits["/ticker.txt"] == 0
    assert server.hits["/robots.txt"] == 1
