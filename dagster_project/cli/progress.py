"""What a build shows while it runs, and where its full log goes.

Everything the build's runs print (Dagster's log, dbt's output, the processes they start) goes to
a log file per build in the state directory (``<state>/logs/build-<UTC time>.log``). The file is
read back as it grows: on a terminal one live display shows the stages (landing, normalising, each
dbt step with its nodes done out of the total and the node running, publishing); off a terminal
(CI, cron, a pipe) one plain line per stage with its count and seconds; with ``--verbose`` the log
itself.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

#: Build logs kept in the state directory (the oldest go first).
LOGS_KEPT = 20
#: ``… - dagster - INFO - <job> - <run id> - [<pid> - ]<step> - <message>``
_DAGSTER_LINE = re.compile(
    r" - dagster - [A-Z]+ - \S+ - [0-9a-f-]{36} - (?:\d+ - )?(?P<step>\S+) - (?P<message>.*)$"
)
#: dbt's ``12 of 119 START sql view model staging.stg_brecorder__quotes …… [RUN]``
_DBT_NODE = re.compile(r"^(?P<done>\d+) of (?P<total>\d+) START (?P<node>.*?)[ .]*\[RUN\]")
#: The stage of a step, by the start of its key; steps of no stage (checks) leave it as it is.
_STAGES = (
    ("fetched_pages", "fetching"),
    ("capture_files", "landing"),
    ("normalised_captures", "normalising"),
    ("market_dbt_models", "dbt base models"),
    ("market_dbt_daily_facts", "dbt daily facts"),
    ("warehouse__published", "publishing"),
    ("reports__market_report", "report"),
)
#: What a stage counted, read from its steps' own log lines.
_COUNTS = (
    re.compile(r"^landed (?P<count>\d+ capture files?(?:, \d+ new)?)"),
    re.compile(r"^normalised (?P<count>\d+ new captures?)"),
    re.compile(r"^published (?P<count>\d+ tables)"),
    re.compile(r"^wrote (?P<count>\S+)"),
)


def stage_of(step: str) -> str | None:
    """The stage a step belongs to (None: a step of no stage, e.g. a check)."""
    return next((name for prefix, name in _STAGES if step.startswith(prefix)), None)


@dataclass
class Stage:
    """One stage of a build as its log tells it."""

    name: str
    started: float
    ended: float | None = None
    count: str = ""
    done: int = 0
    total: int = 0
    node: str = ""

    def line(self) -> str:
        """``landing: 1 capture file, 1 new (0.4 s)``"""
        seconds = (self.ended or time.monotonic()) - self.started
        count = self.count or (f"{self.total} nodes" if self.total else "")
        return f"{self.name}: {count + ' ' if count else ''}({seconds:.1f} s)"


@dataclass
class BuildProgress:
    """The stages read so far from a build's log lines; ``on_end`` hears each ended stage."""

    on_end: Callable[[Stage], None] = lambda stage: None
    stages: list[Stage] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    """When the build started: the first stage runs from there, each next one from the end of
    the one before (a stage's lines come as it works or when it ends)."""

    @property
    def current(self) -> Stage | None:
        return self.stages[-1] if self.stages and self.stages[-1].ended is None else None

    def feed(self, line: str) -> None:
        """Take one line of the log."""
        node = _DBT_NODE.match(line)
        if node and self.current is not None:
            self.current.done = int(node["done"])
            self.current.total = int(node["total"])
            self.current.node = node["node"].strip()
            return
        dagster = _DAGSTER_LINE.search(line)
        if dagster is None:
            return
        name = stage_of(dagster["step"])
        if name is not None and (self.current is None or self.current.name != name):
            self.finish()
            begun = self.stages[-1].ended if self.stages else None
            self.stages.append(Stage(name, begun or self.started))
        current = self.current
        for pattern in _COUNTS:
            counted = pattern.match(dagster["message"])
            if counted and current is not None:
                current.count = counted["count"]

    def finish(self) -> None:
        """End the stage running, if any."""
        current = self.current
        if current is not None:
            current.ended = time.monotonic()
            if current.total:
                current.done = current.total
            self.on_end(current)


def new_log_path(state_dir: Path) -> Path:
    """A new build log in ``<state>/logs/``; the oldest beyond :data:`LOGS_KEPT` are removed."""
    logs = state_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for old in sorted(logs.glob("build-*.log"))[: -(LOGS_KEPT - 1) or None]:
        old.unlink(missing_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path, number = logs / f"build-{stamp}.log", 1
    while path.exists():
        number += 1
        path = logs / f"build-{stamp}-{number}.log"
    return path


def _tail(path: Path, stop: threading.Event, take: Callable[[str], None]) -> None:
    """Give ``take`` each whole line written to ``path`` until ``stop`` is set, then the rest."""
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        pending = ""
        while True:
            stopping = stop.is_set()
            chunk = handle.read()
            pending += chunk
            *lines, pending = pending.split("\n")
            for line in lines:
                take(line)
            if stopping:
                if pending:
                    take(pending)
                return
            if not chunk:
                stop.wait(0.1)


@contextmanager
def _output_to(path: Path) -> Iterator[IO[str]]:
    """Send this process's stdout and stderr (and its children's) to ``path``; yield a stream
    on the terminal they had."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    terminal = os.fdopen(os.dup(saved[0]), "w", buffering=1, encoding="utf-8")
    log = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.dup2(log, 1)
        os.dup2(log, 2)
        yield terminal
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (log, *saved):
            os.close(fd)
        terminal.close()


@contextmanager
def shown_build(state_dir: Path, *, verbose: bool) -> Iterator[Path]:
    """Run the body with its output in a new build log, shown as the module docstring says;
    yield the log's path."""
    path = new_log_path(state_dir)
    path.touch()
    with _output_to(path) as terminal:
        stop = threading.Event()
        take, finish = _shown(terminal, verbose=verbose)
        reader = threading.Thread(target=_tail, args=(path, stop, take), daemon=True)
        reader.start()
        try:
            yield path
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            stop.set()
            reader.join()
            finish()


Shown = tuple[Callable[[str], None], Callable[[], None]]
"""What takes each log line, and what ends the display."""


def _shown(terminal: IO[str], *, verbose: bool) -> Shown:
    """The log itself (``verbose``), a live display (a terminal) or a line per stage."""
    if verbose:
        return lambda line: print(line, file=terminal), lambda: None
    if terminal.isatty():
        return _live(terminal)
    progress = BuildProgress(on_end=lambda stage: print(stage.line(), file=terminal))
    return progress.feed, progress.finish


def _live(terminal: IO[str]) -> Shown:
    """One rich live display of the stages: a spinner on the running one, dbt's nodes on a bar."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(file=terminal)
    display = Progress(
        SpinnerColumn(finished_text="[green]✓"),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("[dim]{task.fields[node]}"),
        console=console,
        transient=False,
        # The build's own output goes to its log (file descriptors 1 and 2), not above the bars.
        redirect_stdout=False,
        redirect_stderr=False,
    )
    tasks: dict[int, Any] = {}

    def show(stage: Stage, index: int) -> None:
        if index not in tasks:
            tasks[index] = display.add_task(stage.name, total=None, node="")
        total = stage.total or None
        display.update(
            tasks[index],
            description=f"{stage.name}{': ' + stage.count if stage.count else ''}",
            total=total,
            completed=stage.done if total else 0,
            node="" if stage.ended else stage.node,
        )
        if stage.ended is not None:
            display.update(tasks[index], total=total or 1, completed=total or 1)
            display.stop_task(tasks[index])

    progress = BuildProgress(on_end=lambda stage: show(stage, progress.stages.index(stage)))
    display.start()

    def take(line: str) -> None:
        progress.feed(line)
        if progress.current is not None:
            show(progress.current, len(progress.stages) - 1)

    def finish() -> None:
        progress.finish()
        display.stop()

    return take, finish
