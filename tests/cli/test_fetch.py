"""``market-snapshots fetch``, run as a user runs it, against the loopback page server."""

from __future__ import annotations

from pathlib import Path

from tests.page_server import TEXT_PAGE, PageServer
from tests.support import run_cli


def pages(tmp_path: Path, *urls: str) -> Path:
    path = tmp_path / "pages.yaml"
    path.write_text("pages:\n" + "".join(f"  - url: {url}\n" for url in urls), encoding="utf-8")
    return path


def test_every_page_fetched_lands_in_the_raw_dir(tmp_path: Path, server: PageServer) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    done = run_cli(
        "fetch",
        "--raw-dir",
        str(raw),
        "--pages-file",
        str(pages(tmp_path, server.url("/ticker.txt"))),
    )
    assert done.returncode == 0, done.stderr
    [capture] = [path for path in (raw / "fetched").rglob("*.txt") if not path.name.startswith(".")]
    assert capture.read_bytes() == TEXT_PAGE
    assert f"fetched {server.url('/ticker.txt')} -> fetched/" in done.stdout
    assert done.stdout.strip().endswith(f"{len(TEXT_PAGE)} bytes under {raw / 'fetched'}")
    assert "all 1 page(s) fetched" in done.stdout


def test_a_page_that_fails_is_told_and_the_others_land(tmp_path: Path, server: PageServer) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    listed = pages(tmp_path, server.url("/missing"), server.url("/ticker.txt"))
    done = run_cli("fetch", "--pages-file", str(listed), MARKET_RAW_DIR=str(raw))
    assert done.returncode == 1
    assert f"could not fetch {server.url('/missing')}: " in done.stderr
    assert "1 of 2 page(s) not fetched" in done.stdout
    assert len([path for path in (raw / "fetched").rglob("*.txt")]) == 1


def test_a_bad_pages_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    done = run_cli(
        "fetch", "--raw-dir", str(tmp_path / "raw"), "--pages-file", str(tmp_path / "absent.yaml")
    )
    assert done.returncode == 2
    assert "does not exist (set MARKET_PAGES_FILE)" in done.stderr
