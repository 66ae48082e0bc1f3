"""Whether a process still runs: the leftovers of a killed build carry its pid in their names."""

from __future__ import annotations

import os


def pid_is_alive(pid: int) -> bool:
    """True when ``pid`` is this process or another one that still runs."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
