"""Real ``market-snapshots build`` processes over raw dirs made on the fly, for fault tests.

Every build runs the installed CLI as a user would: its own process group (so a test can SIGKILL
it and its children at once: step workers, the HTML converter), ``MARKET_*`` variables
stripped, explicit ``--raw-dir`` and ``--warehouse``, output to a log file the test can watch.
Every wait is bounded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.soak import Snapshot
from dagster_project.core.dating.market_time import PKT
from dagster_project.settings import PROJECT_ROOT
from tests.builds import snapshot
from tests.captures import SAMPLE, day_page, write
from tests.support import CLI, user_env, with_build_log

BUILD_TIMEOUT = 240.0
SAMPLE_DAY = dt.date(2024, 10, 18)
# Sessions after the sample's Friday: Mon 21, Tue 22, Wed 23 Oct 2024.
NEXT_DAYS = (dt.date(2024, 10, 21), dt.date(2024, 10, 22), dt.date(2024, 10, 23))
MARTS = (
    "dim_symbol",
    "fct_daily_movers",
    "fct_sector_daily",
    "fct_index_changes",
    "fct_intraday_quotes",
    "fct_intraday_index_levels",
    "fct_headlines",
    "bridge_headline_symbol",
    "fct_corporate_actions",
    "fct_period_movers",
    "fct_index_period_changes",
)
LATEST = ("latest_daily_movers", "latest_sector_daily", "latest_index_changes")
#: The views of ``marts``: the latest market date's, and the adjusted closes.
MART_VIEWS = (*LATEST, "fct_adjusted_closes")
HOSTILE_NAME = "day two 'quoted' \"double\" ünïcode اردو.txt"
BIG_CAPTURE = "huge/over the cap.txt"
BIG_CAPTURE_BYTES = 1 << 30  # sparse: costs no disk, and reading it would cost 1 GiB of memory
INJECTION_LINE = "DROP 1.00 Increased By ▲ 0.01 (1%); drop table marts.fct_daily_movers; --"


def at(day: dt.date, clock: str = "16:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day.isoformat()}T{clock}").replace(tzinfo=PKT)


def add_day(raw: Path, index: int, *, name: str | None = None) -> Path:
    """Add the capture of ``NEXT_DAYS[index]`` (a new market date) to ``raw``."""
    day = NEXT_DAYS[index]
    return write(
        raw / (name or f"days/{day.isoformat()}.txt"), day_page(day, index + 1), captured_at=at(day)
    )


def make_sample_raw(raw: Path) -> Path:
    write(raw / "samples" / SAMPLE.name, SAMPLE.read_bytes(), captured_at=at(SAMPLE_DAY))
    return raw


def make_hostile_raw(raw: Path, outside: Path) -> Path:
    """The sample, one more market date under a hostile name, and captures that must be rejected.

    ``outside`` is a directory beside (not inside) ``raw`` for the symlink that leaves it.
    """
    make_sample_raw(raw)
    add_day(raw, 0, name=HOSTILE_NAME)
    # A line of SQL after a ticker line: it must land verbatim in audit.rejected_lines.
    write(
        raw / "odd" / "injection.txt",
        day_page(NEXT_DAYS[1], 2, extra_lines=(INJECTION_LINE,)),
        captured_at=at(NEXT_DAYS[1]),
    )
    write(raw / "odd" / "nul.txt", b"KSE100 1 \x00 binary", captured_at=at(NEXT_DAYS[2], "09:00"))
    write(
        raw / "odd" / "latin1.txt", "café ticker £".encode("latin-1"), captured_at=at(NEXT_DAYS[2])
    )
    deep = "<div>" * 20_000 + "deep" + "</div>" * 20_000
    write(raw / "odd" / "deep.html", deep, captured_at=at(NEXT_DAYS[2], "10:00"))
    write(raw / "odd" / "long line.txt", "A" * 2_000_000, captured_at=at(NEXT_DAYS[2], "11:00"))
    big = raw / BIG_CAPTURE
    big.parent.mkdir(parents=True, exist_ok=True)
    with big.open("wb") as handle:
        handle.truncate(BIG_CAPTURE_BYTES)
    stamp = at(NEXT_DAYS[2], "12:00").timestamp()
    os.utime(big, (stamp, stamp))
    outside.mkdir(parents=True, exist_ok=True)
    secret = write(
        outside / "outside.txt", day_page(NEXT_DAYS[2], 9), captured_at=at(NEXT_DAYS[2], "13:00")
    )
    (raw / "odd" / "leaves raw.txt").symlink_to(secret)
    return raw


@dataclass
class BuildProcess:
    """A running build: its process, its log file, and where it writes."""

    process: subprocess.Popen[bytes]
    log: Path
    warehouse: Path
    started: float = field(default_factory=time.time)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait(self, timeout: float = BUILD_TIMEOUT) -> int:
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            self.kill()
            raise AssertionError(
                f"build did not finish in {timeout:.0f}s:\n{self.text()[-3000:]}"
            ) from exc
        return self.process.returncode

    def wait_measured(self, timeout: float = BUILD_TIMEOUT) -> tuple[int, int]:
        """Wait for the build; its exit status and the peak RSS in bytes of the build and every
        process it waited for (``wait4``: this build's own, not the test session's children)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
            if pid:
                self.process.returncode = os.waitstatus_to_exitcode(status)
                return self.process.returncode, usage.ru_maxrss * 1024
            time.sleep(0.05)
        self.kill()
        raise AssertionError(f"build did not finish in {timeout:.0f}s:\n{self.text()[-3000:]}")

    def kill_alone(self) -> None:
        """SIGKILL the build's own process only, as ``kill -9 PID`` does: its children live on."""
        self.process.kill()
        self.process.wait(timeout=30)

    def kill(self) -> None:
        """SIGKILL the build and every process it started (dbt), then reap it."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def start_build(raw: Path, warehouse: Path, *, log: Path, **env: str) -> BuildProcess:
    handle = log.open("wb")
    process = subprocess.Popen(
        [CLI, "build", "--raw-dir", str(raw), "--warehouse", str(warehouse)],
        stdout=handle,
        stderr=subprocess.STDOUT,
        cwd=PROJECT_ROOT,
        env=user_env(**env),
        start_new_session=True,
    )
    handle.close()
    return BuildProcess(process, log, warehouse)


def run_build(raw: Path, warehouse: Path, *, log: Path, **env: str) -> str:
    """Build to the end; fail with the log's tail unless it succeeded. Returns what it printed and
    its full log."""
    build = start_build(raw, warehouse, log=log, **env)
    code = build.wait()
    assert code == 0, with_build_log(build.text())[-4000:]
    return with_build_log(build.text())


def wait_for(
    condition: Callable[[], bool], *, timeout: float, what: str, build: BuildProcess | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if build is not None and build.process.poll() is not None:
            raise AssertionError(f"build ended before {what}:\n{build.text()[-3000:]}")
        time.sleep(0.005)
    if build is not None:
        build.kill()
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Reference:
    """An uninterrupted build of :func:`make_hostile_raw`: its paths, log and every row."""

    root: Path
    raw: Path
    warehouse: Path
    log: str
    rows: Snapshot
    max_rss_bytes: int


def make_reference(root: Path) -> None:
    """Build the hostile raw dir under ``root``, keeping the build's own peak RSS beside it."""
    raw = make_hostile_raw(root / "raw", root / "outside")
    build = start_build(raw, root / "wh" / "market.duckdb", log=root / "build.log")
    code, rss = build.wait_measured()
    assert code == 0, build.text()[-4000:]
    (root / "max_rss_bytes").write_text(str(rss))


def read_reference(root: Path) -> Reference:
    """The reference that :func:`make_reference` built under ``root``."""
    warehouse = root / "wh" / "market.duckdb"
    log = (root / "build.log").read_text(encoding="utf-8", errors="replace")
    rss = int((root / "max_rss_bytes").read_text())
    return Reference(root, root / "raw", warehouse, log, snapshot(warehouse), rss)


def group_pids(build: BuildProcess) -> list[int]:
    """The running processes of the build's process group (the CLI and its dbt children)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) == build.process.pid:
                pids.append(int(entry.name))
        except (ProcessLookupError, PermissionError):
            continue
    return pids


def has_open(build: BuildProcess, path: Path) -> bool:
    """Whether a process of the build has ``path`` open right now (e.g. landing hashing it)."""
    target = str(path.resolve())
    for pid in group_pids(build):
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) == target:
                        return True
    return False


#: A dbt node starting, as the build's log shows it (``1 of 122 START sql view model …``).
_DBT_NODE = re.compile(r"^\d+ of \d+ START ", re.MULTILINE)


def build_log(build: BuildProcess) -> Path | None:
    """The log this build writes in its state dir (``<state>/logs/build-*.log``), once it has
    made it (a log older than the build is an earlier build's)."""
    logs = (build.warehouse.parent / ".state" / "logs").glob("build-*.log")
    ours = [log for log in logs if log.stat().st_mtime >= build.started - 1]
    return max(ours, key=lambda log: log.stat().st_mtime) if ours else None


def dbt_building(build: BuildProcess) -> bool:
    """Whether the build's dbt is building its nodes (dbt runs in the build's process, or in a
    step worker's with ``MARKET_WORKERS`` > 1): its log shows a dbt node started."""
    log = build_log(build)
    return log is not None and bool(
        _DBT_NODE.search(log.read_text(encoding="utf-8", errors="replace"))
    )


def children(build: BuildProcess) -> list[int]:
    """The running processes of the build's process group other than the build itself."""
    return [pid for pid in group_pids(build) if pid != build.process.pid]
