"""The always-on bot: folder events and a persistent schedule in, threads and anniversaries out.

One main thread handles file events, reconciliation and signals in order, so planning
never races itself (``bot.daemon.planner``); jobs run on the scheduler's worker threads,
one account at a time, each with its own journal connection (``bot.daemon.jobs``). The
journal decides what was sent: jobs and events may repeat, posts never do.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import Config
from bot.daemon.jobs import JOBS
from bot.daemon.planner import Planner, where
from bot.daemon.scheduler import JobKey, Schedule
from bot.daemon.watch import FileEvent, Watcher
from bot.errors import BotError, PublishError, StatementError
from bot.model import Account, Statement
from bot.networks.base import Adapter
from bot.planning import plan_thread
from bot.publishing.connect import connect
from bot.publishing.journal import Journal
from bot.publishing.locks import lock_state
from bot.publishing.states import Kind

log = logging.getLogger("statement-bot")

RETRY_AFTER = timedelta(minutes=5)  # when a network could not even be asked for its limits


class Stopping(BaseException):
    """Raised inside a publisher's wait when the bot is stopping: the post is already recorded."""


class Daemon:
    """Watch, plan and publish until told to stop; ``run()`` blocks."""

    def __init__(
        self,
        config: Config,
        *,
        dry_run: bool = False,
        adapter_for: Callable[[Account, Journal], Adapter] | None = None,
        clock: Callable[[], datetime] | None = None,
    ):
        self.config, self.dry_run = config, dry_run
        self._adapter_for = adapter_for or (lambda account, journal: connect(account, config, journal))
        self._clock = clock or (lambda: datetime.now(UTC))
        self.events: queue.SimpleQueue[Any] = queue.SimpleQueue()  # put() is safe in signal handlers
        self.stopping = threading.Event()
        self.busy = threading.Condition()
        self.in_flight = 0
        self.handling = False  # the main thread is handling an event
        self.started = threading.Event()
        self.paths: dict[str, Path] = {}
        self.ids: dict[Path, str] = {}
        self.account_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self.schedule = Schedule(
            None if dry_run else config.state,
            config.scheduler.grace_seconds,
            lambda key, due: self.planner.missed(key, due),
            clock=clock,
            run_job=self.run_job,
        )
        self.journal: Journal | None = None
        self.planner: Planner

    def clock(self) -> datetime:
        """The daemon's time (UTC)."""
        return self._clock()

    def adapter_for(self, account: Account, journal: Journal) -> Adapter:
        """The account's adapter, keeping its state in ``journal``."""
        return self._adapter_for(account, journal)

    def plan_anniversary(self, statement: Statement, account: str, journal: Journal) -> None:
        """Queue the next anniversary of a sent thread (jobs call this from their worker thread)."""
        self.planner.plan_anniversary(statement, account, journal)

    # -- lifecycle -----------------------------------------------------------------
    def run(self) -> int:
        """Start, reconcile, then handle events until SIGTERM/SIGINT or ``stop()``."""
        lock = None if self.dry_run else lock_state(self.config.state)
        self.journal = Journal(self.config.state)
        self.planner = Planner(self.config, self.journal, self.schedule, self.clock, self.dry_run)
        watcher = Watcher(self.config.statements_dir, self.config.scheduler.settle_seconds, self.events.put)
        try:
            self._signals()  # from here on a stop request waits for a clean moment
            self.schedule.start(paused=True)
            watcher.start()
            self.reconcile()
            self.schedule.resume()
            log.info(
                "started%s: watching %s",
                " (dry run: nothing is sent)" if self.dry_run else "",
                self.config.statements_dir,
            )
            self.started.set()
            while (item := self.events.get()) != "stop":
                self.handling = True
                try:
                    if item == "reload":
                        self.reconcile()
                        self.schedule.wakeup()
                    else:
                        self.on_file(item)
                except BotError as e:
                    log.error("%s", e)
                except Exception:  # a bug met by one file must not stop the bot for all the others
                    log.exception("handling %s failed", item)
                finally:
                    self.handling = False
        finally:
            log.info("stopping: letting the post in flight finish")
            self.stopping.set()
            watcher.stop()
            # Jobs may still add follow-up jobs (next anniversary), so the scheduler stays up until they end.
            with self.busy:
                self.busy.wait_for(lambda: self.in_flight == 0)
            self.schedule.shutdown(wait=True)
            self.journal.close()
            if lock is not None:
                os.close(lock)
            log.info("stopped")
        return 0

    def quiet(self) -> bool:
        """Nothing to do right now: no file event waiting or being handled, no job running or due."""
        return (
            self.events.empty()
            and not self.handling
            and self.in_flight == 0
            and self.schedule.active == 0
            and not self.schedule.due()
        )

    def stop(self) -> None:
        """Ask ``run()`` to stop cleanly (also what SIGTERM and SIGINT do)."""
        self.events.put("stop")

    def _signals(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        signal.signal(signal.SIGTERM, lambda *_: self.events.put("stop"))
        signal.signal(signal.SIGINT, lambda *_: self.events.put("stop"))
        signal.signal(signal.SIGHUP, lambda *_: self.events.put("reload"))

    def sleep(self, seconds: float) -> None:
        """The publisher's wait between retries; cut short by a stop, which ends the thread's run."""
        if self.stopping.wait(seconds):
            raise Stopping()

    # -- planning (main thread) ----------------------------------------------------
    def reconcile(self) -> None:
        """Make the job store match the folder and the journal (start, SIGHUP)."""
        from bot.text.reading import iter_statements

        found: dict[str, tuple[Path, Statement]] = {}
        self.config.statements_dir.mkdir(parents=True, exist_ok=True)
        for path, result in iter_statements(self.config.statements_dir.resolve(), self.config.tz):
            if isinstance(result, StatementError):
                log.error("skipped: %s", result)
            elif result.id in found:
                log.error("skipped: %s: statement id %r is already used by %s", path, result.id, found[result.id][0])
            else:
                found[result.id] = (path, result)
        self.paths = {sid: path for sid, (path, _) in found.items()}
        self.ids = {path: sid for sid, path in self.paths.items()}
        for planned in self.schedule.planned():
            if planned.key.statement_id not in found:
                self.schedule.remove(planned.key)
                log.info("cancelled %s: its file is gone", planned.key.id, extra=where(planned.key))
        for _, statement in found.values():
            try:
                self.planner.plan(statement)
            except BotError as e:
                log.error("%s", e, extra={"statement": statement.id})

    def on_file(self, event: FileEvent) -> None:
        """React to one settled file event."""
        from bot.text.reading import read_statement

        old = self.ids.pop(event.src or event.path, None)
        if event.kind == "deleted":
            if old is not None:
                self._forget(old, f"{event.path.name} was deleted")
            return
        try:
            statement = read_statement(event.path, self.config.tz)
        except StatementError as e:
            log.error("skipped: %s", e)
            if old is not None:  # still that statement's file: a later fix or deletion must find it
                self.paths[old], self.ids[event.path] = event.path, old
            return
        if old is not None and old != statement.id:
            self._forget(old, f"{event.path.name} now has id {statement.id!r}")
        other = self.paths.get(statement.id)
        if other is not None and other != event.path and other.exists():
            log.error("skipped: %s: statement id %r is already used by %s", event.path, statement.id, other)
            return
        self.paths[statement.id], self.ids[event.path] = event.path, statement.id
        log.info("%s %s", event.kind, event.path.name, extra={"statement": statement.id})
        self.planner.plan(statement)

    def _forget(self, statement_id: str, why: str) -> None:
        self.paths.pop(statement_id, None)
        for key in self.schedule.cancel(statement_id):
            log.info("cancelled %s: %s", key.id, why, extra=where(key))

    # -- jobs (worker threads) -----------------------------------------------------
    def run_job(self, key: JobKey) -> None:
        """Publish what ``key`` names, if the bot is not stopping; errors are logged, never raised."""
        with self.busy:
            if self.stopping.is_set():
                return
            self.in_flight += 1
        try:
            self._run_job(key)
        finally:
            with self.busy:
                self.in_flight -= 1
                self.busy.notify_all()

    def _run_job(self, key: JobKey) -> None:
        from bot.text.reading import read_statement

        with self.account_locks[key.account]:
            path = self.paths.get(key.statement_id)
            try:
                if path is None:
                    raise StatementError(key.statement_id, "no file has this statement id any more")
                statement = read_statement(path, self.config.tz)
                if self.dry_run:
                    self._dry(statement, key)
                    return
                with Journal(self.config.state) as journal:
                    JOBS[key.kind](self, journal, statement, key)
            except Stopping:
                log.info("stopped between posts; continues at the next start", extra=where(key))
            except PublishError as e:
                log.error("%s; trying again in %s", e, RETRY_AFTER, extra=where(key))
                self.schedule.add(key, self.clock() + RETRY_AFTER)
            except BotError as e:
                log.error("%s", e, extra=where(key))

    def _dry(self, statement: Statement, key: JobKey) -> None:
        thread = plan_thread(statement, self.config.account(key.account), self.config)
        posts = thread.posts if key.kind == Kind.THREAD else thread.posts[:1]
        for post in posts:
            log.info("would post %s %d/%d", key.kind, post.index, len(posts), extra={**where(key), "index": post.index})
