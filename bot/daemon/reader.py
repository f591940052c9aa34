"""Read statements in a separate process, with a time and memory budget per file.

One bad file (a PDF that takes minutes, text that makes the cleaner crawl) must never stop
the bot from handling the next one or from stopping when asked: the daemon's main thread
asks a long-lived reader process for each statement and waits at most ``budget`` seconds,
checking all the while whether it is being stopped. A reader that overruns is killed and
a new one started for the next file. The reader is started with ``spawn``, not ``fork``:
the daemon has threads, and a forked child could inherit a lock one of them held.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from datetime import tzinfo
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bot.errors import StatementError
from bot.model import Statement

log = logging.getLogger("statement-bot")
MEMORY_LIMIT = 2 << 30  # bytes of address space the reader may use (PDF extraction has its own, lower, limit)
POLL = 0.1  # seconds between looks at the reader's answer and at a stop request


class Stopped(Exception):
    """Reading was given up because the bot is stopping."""


def _serve(requests: Connection) -> None:
    """The reader process: read each requested statement, answer with it or its error."""
    import resource

    from bot.text.reading import read_statement

    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ValueError, OSError):  # a lower hard limit already holds
        pass
    while True:
        try:
            path, tz = requests.recv()
        except EOFError:
            return
        answer: Any
        try:
            answer = read_statement(path, tz)
        except StatementError as e:
            answer = e
        except MemoryError:
            answer = StatementError(str(path), "needs more memory than a statement may take to read")
        requests.send(answer)


class Reader:
    """A reader process, started on first use and replaced when it overruns or dies."""

    def __init__(self, budget: float, serve: Callable[[Connection], None] = _serve):
        self.budget, self.serve = budget, serve
        self._process: Any = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()  # one request at a time: the main thread's and the jobs' reads take turns

    def read(self, path: Path, tz: tzinfo, stopping: Callable[[], bool]) -> Statement:
        """The statement at ``path``, or a ``StatementError``; ``Stopped`` when ``stopping()`` turns true."""
        with self._lock:
            return self._read(path, tz, stopping)

    def _read(self, path: Path, tz: tzinfo, stopping: Callable[[], bool]) -> Statement:
        conn = self._connection()
        conn.send((path, tz))
        deadline = time.monotonic() + self.budget
        while not conn.poll(POLL):
            if stopping():
                self._restart()
                raise Stopped()
            if time.monotonic() > deadline or not self._process.is_alive():
                overran = self._process.is_alive()
                self._restart()
                if overran:
                    raise StatementError(str(path), f"took longer than {self.budget:g} s to read; skipped")
                raise StatementError(str(path), "could not be read (the reader stopped: too much memory?)")
        try:
            answer = conn.recv()
        except EOFError:
            self._restart()
            raise StatementError(str(path), "could not be read (the reader stopped: too much memory?)") from None
        if isinstance(answer, StatementError):
            raise answer
        assert isinstance(answer, Statement)
        return answer

    def close(self) -> None:
        """Stop the reader process."""
        if self._conn is not None:
            self._conn.close()
        if self._process is not None:
            self._process.join(1)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(1)
        self._process = self._conn = None

    def _connection(self) -> Connection:
        if self._conn is None or self._process is None or not self._process.is_alive():
            context = multiprocessing.get_context("spawn")
            self._conn, child = context.Pipe()
            self._process = context.Process(target=self.serve, args=(child,), name="statement-reader", daemon=True)
            self._process.start()
            child.close()
        return self._conn

    def _restart(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join(5)
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None
        log.debug("statement reader restarted")
