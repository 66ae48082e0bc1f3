"""The page list: which pages to fetch, read and validated from YAML.

The page list has one documented shape::

    pages:
      - url: https://www.brecorder.com/
        name: home          # optional: [a-z0-9-], used in file names and reports
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml  # type: ignore[import-untyped]

from dagster_project.core.errors import ConfigError
from dagster_project.core.fetch.policy import scheme_error

_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


@dataclass(frozen=True)
class Page:
    """One configured page: its URL and an optional short name."""

    url: str
    name: str | None = None


def _url_key(url: str) -> str:
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path or '/'}{query}"


def _page(entry: Any, where: str) -> Page:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a mapping with 'url' (and optional 'name')")
    unknown = sorted(str(key) for key in set(entry) - {"url", "name"})
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}")
    url, name = entry.get("url"), entry.get("name")
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(f"{where}: 'url' must be a non-empty string")
    if error := scheme_error(url.strip()):
        raise ConfigError(f"{where}: {url.strip()!r}: {error}")
    if name is not None and not (isinstance(name, str) and _NAME.fullmatch(name)):
        raise ConfigError(f"{where}: 'name' must match [a-z0-9][a-z0-9-]*, got {name!r}")
    return Page(url=url.strip(), name=name)


def load_page_list(path: Path) -> list[Page]:
    """Read and validate the page list (shape in the module docstring).

    Raises:
        ConfigError: missing or unreadable file, bad YAML, wrong shape, a URL that is not
            http(s), a duplicate URL or name.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"pages file {path} does not exist (set MARKET_PAGES_FILE)") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"pages file {path} cannot be read: {exc}") from exc
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"pages file {path} is not valid YAML: {exc}") from exc
    entries = document.get("pages") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"pages file {path}: expected a top-level 'pages:' list")
    pages: list[Page] = []
    seen_urls: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for number, entry in enumerate(entries, start=1):
        page = _page(entry, f"pages file {path}, entry {number}")
        key = _url_key(page.url)
        if key in seen_urls:
            raise ConfigError(
                f"pages file {path}: entry {number} repeats the URL of entry {seen_urls[key]}"
            )
        if page.name is not None and page.name in seen_names:
            raise ConfigError(
                f"pages file {path}: entry {number} repeats the name of entry "
                f"{seen_names[page.name]} ({page.name!r})"
            )
        seen_urls[key] = number
        if page.name is not None:
            seen_names[page.name] = number
        pages.append(page)
    return pages
