"""One worker thread per account: an account's jobs run one after another, and no account waits for another.

The scheduler's own threads only hand a due job over (``submit`` returns at once), so an
account whose network is down, rate limited or slow holds nothing but its own queue.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from bot.daemon.scheduler import JobKey

log = logging.getLogger("statement-bot")

_STOP = None  # the sentinel that ends a worker


class AccountWorkers:
    """Runs ``run(key)`` for submitted jobs, in order per account, each account on its own thread."""

    def __init__(self, run: Callable[[JobKey], None]):
        self._run = run
        self._queues: dict[str, queue.SimpleQueue[JobKey | None]] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()
        self._pending = 0  # submitted and not finished, over all accounts
        self._closed = False

    def submit(self, key: JobKey) -> bool:
        """Queue ``key`` on its account's worker; False once the workers are closed."""
        with self._lock:
            if self._closed:
                return False
            if key.account not in self._queues:
                self._queues[key.account] = queue.SimpleQueue()
                thread = threading.Thread(
                    target=self._work, args=(self._queues[key.account],), name=f"account-{key.account}", daemon=True
                )
                self._threads[key.account] = thread
                thread.start()
            self._pending += 1
            self._queues[key.account].put(key)
        return True

    @property
    def pending(self) -> int:
        """Jobs submitted and not finished yet."""
        return self._pending

    def close(self, timeout: float | None = None) -> None:
        """Take no more jobs; each worker finishes the job it is running, and drops the rest."""
        with self._lock:
            self._closed = True
            for q in self._queues.values():
                q.put(_STOP)
            threads = list(self._threads.values())
        for thread in threads:
            thread.join(timeout)

    def _work(self, jobs: queue.SimpleQueue[JobKey | None]) -> None:
        while (key := jobs.get()) is not _STOP:
            try:
                if not self._closed:
                    self._run(key)
            except Exception:  # a bug in one job must not end the account's worker
                log.exception("job %s failed", key.id, extra={"statement": key.statement_id, "account": key.account})
            finally:
                with self._lock:
                    self._pending -= 1
        with self._lock:  # jobs queued behind the stop are dropped: the next start plans them again
            while not jobs.empty():
                if jobs.get() is not _STOP:
                    self._pending -= 1
