"""Read a statement within a time and memory budget, in a helper process that can be stopped.

``read_statement(path, tz, budget=Budget())`` sends the path to a helper process (a fresh
``python -m bot.text.budget``, so it inherits no threads or locks of the caller; kept for the next file)
which reads and parses it with an address-space limit. If the answer does not come within
``budget.seconds`` the helper is killed and the file is a ``StatementError``; a helper that
dies (out of memory) is replaced. So no file, however strange, holds up the caller for
longer than its budget: this is what the daemon reads with. ``stop_helpers`` kills every
helper at once, which ends a read in progress with a ``StatementError`` (a daemon stopping).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import StatementError

if TYPE_CHECKING:
    from datetime import tzinfo

    from bot.model import Statement


@dataclass(frozen=True)
class Budget:
    """How long one file may take and how much memory its helper may use."""

    seconds: float = 20.0
    memory_bytes: int = 1 << 30


class _Helper:
    """A ``python -m bot.text.budget`` process answering over its stdin and stdout."""

    def __init__(self, memory_bytes: int):
        import os
        import subprocess
        import sys

        root = str(Path(__file__).resolve().parents[2])  # the folder holding ``bot``, installed or not
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
        self.memory_bytes = memory_bytes
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.text.budget", str(memory_bytes)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            start_new_session=True,  # a Ctrl-C or SIGTERM to the bot's process group is the bot's to handle
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.requests = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self.answers = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdin.close()
        self.process.stdout.close()
        self._closing = threading.Lock()
        self._closed = False

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """Kill the process and close its pipes, once, whichever thread asks first."""
        with self._closing:
            if self._closed:
                return
            self._closed = True
            self.process.kill()
            self.process.wait(5)
            self.requests.close()
            self.answers.close()


_lock = threading.Lock()
_idle: list[_Helper] = []
_busy: set[_Helper] = set()


def read_within(path: Path, tz: tzinfo | None, budget: Budget) -> Statement:
    """``read_statement(path, tz)`` done by a helper process within ``budget``."""
    from bot.text.reading import printable

    name = printable(str(path))
    helper = _take(budget.memory_bytes)
    done = False
    try:
        helper.requests.send((str(path), tz))
        if not helper.answers.poll(budget.seconds):
            raise StatementError(name, f"took longer than {budget.seconds:g} s to read; not read")
        answer = helper.answers.recv()
        done = True
    except (EOFError, OSError):
        raise StatementError(name, "reading it stopped the reader (out of memory, or the bot is stopping)") from None
    finally:
        _give_back(helper, keep=done)
    if answer[0] == "ok":
        statement: Statement = answer[1]
        return statement
    raise StatementError(answer[1], answer[2])


def stop_helpers() -> None:
    """Kill every helper process, idle or reading (a read in progress ends with a ``StatementError``)."""
    with _lock:
        idle, busy = list(_idle), list(_busy)
        _idle.clear()
    for helper in busy:
        # Only the process: its reader sees the pipe close and closes its ends itself; closing them here,
        # under a thread blocked on them, could close a descriptor another file has reused by then.
        helper.process.kill()
    for helper in idle:
        helper.kill()


def _take(memory_bytes: int) -> _Helper:
    with _lock:
        while _idle:
            helper = _idle.pop()
            if helper.alive() and helper.memory_bytes == memory_bytes:
                _busy.add(helper)
                return helper
            helper.kill()
    helper = _Helper(memory_bytes)
    with _lock:
        _busy.add(helper)
    return helper


def _give_back(helper: _Helper, keep: bool) -> None:
    with _lock:
        _busy.discard(helper)
        if keep and helper.alive():
            _idle.append(helper)
            return
    helper.kill()


def _serve(memory_bytes: int) -> None:
    """The helper's loop: read each path it is sent, answer ("ok", statement) or ("error", path, problem)."""
    import os
    import resource
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent()
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    requests, answers = Connection(os.dup(0), writable=False), Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the answers
    from bot.text.reading import read_statement

    while True:
        try:
            path, tz = requests.recv()
        except (EOFError, OSError):
            return
        answer: tuple[Any, ...]
        try:
            answer = ("ok", read_statement(path, tz))
        except StatementError as e:
            answer = ("error", e.path, e.problem)
        except MemoryError:
            answer = ("error", path, "needs more memory than the reading budget allows")
        answers.send(answer)


def _die_with_parent() -> None:
    """On Linux, have the kernel kill this helper when the bot dies, even mid-read (a killed bot leaves none)."""
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass  # no prctl: the helper still ends when its stdin closes


if __name__ == "__main__":
    import sys

    _serve(int(sys.argv[1]))
