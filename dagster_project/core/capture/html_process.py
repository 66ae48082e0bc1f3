"""HTML pages converted to lines in a worker process, each page under a time limit.

lexbor and the Python around it hold the GIL, so converting pages in a thread slows every other
thread of the normaliser; and a C call cannot be interrupted, so only a process bounds the time
a page takes. The worker runs ``python -c`` and imports only :mod:`html` and the modules it
uses (no polars): it starts in under a tenth of a second. It sends each page's lines back as
soon as it has them; when a page takes longer than the time limit, the worker is killed, the
page gets a reason, and a new worker converts the pages after it.
"""

from __future__ import annotations

import pickle
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import IO

from dagster_project.core.capture.html import html_to_text
from dagster_project.core.errors import CaptureError, WarehouseError

Converted = list[str] | str  # a page's lines, or the reason it cannot be used

HTML_TIMEOUT = 20.0  # seconds one page may take to convert (a 200 KB page takes ~10 ms)
_START_TIMEOUT = 60.0  # seconds a worker may take to start and read the pages
_ROOT = str(Path(__file__).resolve().parents[2])
_SERVE = (
    f"import sys; sys.path.insert(0, {_ROOT!r}); "
    "from dagster_project.core.capture.html_process import serve; serve()"
)
_END = object()  # what the reader of the worker's output queues when the output ends


def convert(html: str) -> Converted:
    """The lines of ``html`` as :func:`capture.capture_lines` gives them, or why not."""
    try:
        return html_to_text(html).split("\n")
    except CaptureError as exc:  # HTML no browser would show
        return exc.reason


def convert_in_background(
    pages: list[str], *, timeout: float = HTML_TIMEOUT
) -> Callable[[], list[Converted]]:
    """Start converting ``pages`` in a worker process, ``timeout`` seconds at most per page.

    Returns:
        A function that waits and returns :func:`convert` of each page, in order; a page that
        took longer than ``timeout`` or crashed its worker gets the reason instead. It raises
        ``WarehouseError`` when no worker can start: converting here could not be stopped.
    """
    if not pages:
        return lambda: []
    future: Future[list[Converted]] = Future()

    def run() -> None:
        try:
            converted: list[Converted] = []
            while len(converted) < len(pages):
                converted += _run_worker(pages[len(converted) :], timeout)
            future.set_result(converted)
        except BaseException as exc:  # handed to the caller of future.result
            future.set_exception(exc)

    threading.Thread(target=run, name="html-worker", daemon=True).start()
    return future.result


def _run_worker(pages: list[str], timeout: float) -> list[Converted]:
    """Convert ``pages`` in one worker until one of them fails it: at least one result."""
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", _SERVE], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
    except OSError as exc:
        raise WarehouseError(f"cannot start the HTML worker ({sys.executable}): {exc}") from exc
    assert process.stdin is not None and process.stdout is not None
    received: queue.Queue[object] = queue.Queue()
    threads = [
        threading.Thread(target=_send, args=(process.stdin, pages), daemon=True),
        threading.Thread(target=_receive, args=(process.stdout, received), daemon=True),
    ]
    for thread in threads:
        thread.start()
    converted: list[Converted] = []
    item = _next(received, _START_TIMEOUT)  # the worker has read the pages: its clock starts
    try:
        if item != len(pages):  # (its error, if any, is above)
            silent = f"did not answer in {_START_TIMEOUT:g} s" if item is None else "stopped"
            raise WarehouseError(f"the HTML worker {silent} on start")
        while len(converted) < len(pages):
            item = _next(received, timeout)
            if not isinstance(item, list | str):
                break
            converted.append(item)
    finally:
        code = _stop(process, ended=item is _END)
        for thread in threads:
            thread.join()
    if len(converted) < len(pages):
        converted.append(_reason(timed_out=item is None, code=code, timeout=timeout))
    return converted


def _next(received: queue.Queue[object], timeout: float) -> object:
    """The worker's next message, or None when none came within ``timeout`` seconds."""
    try:
        return received.get(timeout=timeout)
    except queue.Empty:
        return None


def _stop(process: subprocess.Popen[bytes], *, ended: bool) -> int:
    """Its exit code, after killing it; a worker whose output ended may first end itself."""
    if ended:
        try:
            return process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
    process.kill()
    return process.wait()


def _reason(*, timed_out: bool, code: int, timeout: float) -> str:
    """Why a page has no lines: it took too long, or a signal ended its worker (a crash)."""
    if timed_out:
        return f"HTML took longer than {timeout:g} s to convert"
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else -code
        return f"HTML conversion crashed (signal {name})"
    raise RuntimeError(f"the HTML worker failed (exit code {code}); its error is above")


def _send(stream: IO[bytes], pages: list[str]) -> None:
    try:
        with stream:
            pickle.dump(pages, stream, protocol=5)
    except OSError:  # the worker ended before reading them all
        pass


def _receive(stream: IO[bytes], received: queue.Queue[object]) -> None:
    try:
        with stream:
            while True:
                received.put(pickle.load(stream))
    except Exception:  # the end of the output (EOFError), or a message cut by a kill
        received.put(_END)


def serve() -> None:
    """The worker: read pickled pages from stdin, say it has them (their count), then write
    the conversion of each to stdout as soon as it is done."""
    pages: list[str] = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    pickle.dump(len(pages), out, protocol=5)
    out.flush()
    for page in pages:
        pickle.dump(convert(page), out, protocol=5)
        out.flush()
