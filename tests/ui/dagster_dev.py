"""A running ``dagster dev`` as the UI tests see it, and the page its fetch asset takes."""

import datetime as dt
import json
import socket
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from dagster_project.settings import Settings
from tests.captures import page, sample_ticker_lines, stock_line

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
