"""Reading and validating the page list."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.core.errors import ConfigError
from dagster_project.core.fetch.pages import Page, load_page_list


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pages.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_page_list_reads_urls_and_optional_names(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pages:\n  - url: https://www.brecorder.com/\n    name: home\n"
        "  - url: ' http://example.com/markets '\n",
    )
    assert load_page_list(path) == [
        Page(url="https://www.brecorder.com/", name="home"),
        Page(url="http://example.com/markets", name=None),
    ]


def test_the_shipped_page_list_is_valid() -> None:
    shipped = Path(__file__).resolve().parents[3] / "config" / "pages.yaml"
    pages = load_page_list(shipped)
    assert pages
    assert all(page.url.startswith("https://www.brecorder.com/") for page in pages)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pages: [\n", "is not valid YAML"),
        ("- https://www.brecorder.com/\n", "expected a top-level 'pages:' list"),
        ("pages:\n  - https://www.brecorder.com/\n", "entry 1: expected a mapping"),
        ("pages:\n  - name: home\n", "entry 1: 'url' must be a non-empty string"),
        ("pages:\n  - url: ftp://x.org/\n", "unsupported scheme 'ftp': only http and https"),
        ("pages:\n  - url: https://x.org/\n    title: X\n", "unknown key(s) title"),
        ("pages:\n  - url: https://x.org/\n    name: Home Page\n", "'name' must match"),
        (
            "pages:\n  - url: https://x.org/a\n  - url: HTTPS://X.org/a#top\n",
            "entry 2 repeats the URL of entry 1",
        ),
        (
            "pages:\n  - url: https://x.org/\n  - url: https://x.org\n",
            "entry 2 repeats the URL of entry 1",
        ),
        (
            "pages:\n  - {url: 'https://x.org/a', name: a}\n"
            "  - {url: 'https://x.org/b', name: a}\n",
            "entry 2 repeats the name of entry 1 ('a')",
        ),
    ],
)
def test_an_invalid_page_list_is_a_config_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_page_list(write(tmp_path, text))
    assert message in str(error.value)


def test_a_missing_page_list_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"does not exist.*MARKET_PAGES_FILE"):
        load_page_list(tmp_path / "nope.yaml")
