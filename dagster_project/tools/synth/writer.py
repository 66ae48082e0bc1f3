"""Capture files on disk: named like real captures, dated by their modification times."""

from __future__ import annotations

import datetime as dt
import os
import random
from pathlib import Path

from dagster_project.tools.synth.pages import html_page, text_page


class CaptureWriter:
    """Writes capture files with their modification times and keeps the tallies."""

    def __init__(self, out_dir: Path, rng: random.Random, html_share: float) -> None:
        self.out_dir, self.rng, self.html_share = out_dir, rng, html_share
        self.names: set[str] = set()
        self.counts = {"files": 0, "html": 0, "replay": 0, "duplicate": 0, "bytes": 0}

    def write(self, day: dt.date, at: dt.datetime, strip: list[str], article: list[str]) -> str:
        """Write the page of ``day`` taken ``at``, as HTML at ``html_share``; its name."""
        is_html = self.rng.random() < self.html_share
        content = (html_page if is_html else text_page)(strip, day, article).encode()
        name = f"{day:%Y/%m}/brecorder_{day.isoformat()}_{at:%H%M%S}.{'html' if is_html else 'txt'}"
        self.counts["html"] += is_html
        return self._put(name, content, at)

    def duplicate(self, original: str, at: dt.datetime) -> None:
        """Copy the file ``original`` to ``<stem>_copy.<suffix>``, modified ``at``."""
        content = (self.out_dir / original).read_bytes()
        stem, _, suffix = original.rpartition(".")
        self.counts["duplicate"] += 1
        self._put(f"{stem}_copy.{suffix}", content, at)

    def _put(self, name: str, content: bytes, at: dt.datetime) -> str:
        while name in self.names:
            stem, _, suffix = name.rpartition(".")
            name = f"{stem}_1.{suffix}"
        self.names.add(name)
        path = self.out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        stamp = int(at.timestamp()) * 1_000_000_000
        os.utime(path, ns=(stamp, stamp))
        self.counts["files"] += 1
        self.counts["bytes"] += len(content)
        return name
