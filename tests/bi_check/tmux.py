"""A terminal program under tmux: type into it and read its screen, as a person at a terminal."""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from tests.bi_check.common import CheckFailed


class Tmux:
    """One detached tmux session on a private server socket (so no user's tmux is touched)."""

    def __init__(self, tmux: str, name: str, *, width: int = 200, height: int = 60) -> None:
        self.tmux = tmux
        self.socket = name
        self.width = width
        self.height = height

    def _tmux(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        done = subprocess.run(
            [self.tmux, "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env=None if env is None else dict(env),
        )
        if done.returncode != 0:
            raise CheckFailed(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def start(self, command: Sequence[str], *, cwd: Path, env: Mapping[str, str]) -> None:
        """Run ``command`` in a new session of the given size; its server inherits ``env``."""
        self._tmux(
            "new-session", "-d", "-s", "main", "-x", str(self.width), "-y", str(self.height),
            "-c", str(cwd), shlex.join(command),
            env=env,
        )  # fmt: skip

    def keys(self, *keys: str, pause: float = 0.3) -> None:
        """Press keys (tmux names: ``Enter``, ``Down``, ``F6``, ``C-j``), one by one."""
        for key in keys:
            self._tmux("send-keys", "-t", "main", key)
            time.sleep(pause)

    def type(self, text: str) -> None:
        """Type ``text`` literally."""
        self._tmux("send-keys", "-t", "main", "-l", text)
        time.sleep(0.5)

    def screen(self) -> str:
        """What the terminal shows now."""
        return self._tmux("capture-pane", "-p", "-t", "main")

    def wait_for(self, ready: Callable[[str], bool], what: str, *, timeout: float = 60) -> str:
        """Poll the screen until ``ready(screen)``; fail with the last screen after ``timeout``."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if ready(screen):
                return screen
            time.sleep(0.5)
        raise CheckFailed(f"waited {timeout:.0f} s for {what}; the screen shows:\n{screen}")

    def close(self) -> None:
        """Stop this session's tmux server (only ours: it has its own socket)."""
        subprocess.run(
            [self.tmux, "-L", self.socket, "kill-server"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        sockets = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}"
        (sockets / self.socket).unlink(missing_ok=True)
