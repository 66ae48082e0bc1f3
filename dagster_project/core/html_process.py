"""HTML pages converted to lines in a worker process, while the caller does other work.

lexbor and the Python around it hold the GIL, so converting pages in a thread slows every other
thread of the normaliser. The worker runs ``python -c`` and imports only :mod:`html` (no
polars): it starts in a few tens of milliseconds.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from dagster_project.core.errors import CaptureError
from dagster_project.core.html import html_to_text

Converted = list[str] | str  # a page's lines, or the reason it cannot be used

_ROOT = str(Path(__file__).resolve().parents[2])
_SERVE = (
    f"import sys; sys.path.insert(0, {_ROOT!r}); "
    "from dagster_project.core.html_process import serve; serve()"
)


def convert(html: str) -> Converted:
    """The lines of ``html`` as :func:`capture.capture_lines` gives them, or why not."""
    try:
        return html_to_text(html).split("\n")
    except CaptureError as exc:  # HTML no browser would show
        return exc.reason


def convert_in_background(pages: list[str]) -> Callable[[], list[Converted]]:
    """Start converting ``pages`` in a worker process.

    Returns:
        A function that waits and returns :func:`convert` of each page, in order. When the
        worker cannot start or fails, the pages are converted in this process instead.
    """
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", _SERVE], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
    except OSError:
        return lambda: [convert(page) for page in pages]
    output: list[bytes] = []

    def talk() -> None:
        try:
            output.append(process.communicate(pickle.dumps(pages, protocol=5))[0])
        except OSError:
            process.kill()
            process.wait()

    thread = threading.Thread(target=talk, name="html-worker", daemon=True)
    thread.start()

    def results() -> list[Converted]:
        thread.join()
        if process.returncode == 0 and output:
            converted: list[Converted] = pickle.loads(output[0])
            if len(converted) == len(pages):
                return converted
        return [convert(page) for page in pages]

    return results


def serve() -> None:
    """The worker: read pickled pages from stdin, write their conversions to stdout."""
    pages = pickle.load(sys.stdin.buffer)
    pickle.dump([convert(page) for page in pages], sys.stdout.buffer, protocol=5)
    sys.stdout.flush()
