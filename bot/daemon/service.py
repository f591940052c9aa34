"""The always-on bot: folder events and a persistent schedule in, threads and anniversaries out.

One main thread handles file events, reconciliation and signals in order, so planning
never races itself; jobs run on the scheduler's worker threads, one account at a time,
each with its own journal connection. The journal decides what was sent: jobs and
events may repeat, posts never do.
"""

from __future__ import annotations

import json
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
from bot.errors import BotError, PublishError, StatementError
from bot.instance import lock_state
from bot.journal import Journal, delete_value
from bot.model import Account, Statement, Thread
from bot.networks.base import Adapter
from bot.schedule import JobKey, Schedule
from bot.watch import FileEvent, Watcher

log = logging.getLogger("statement-bot")

# kv keys the daemon owns; values are JSON.
MISSED, CANCELLED, AT, EDITED = "daemon.missed:", "daemon.cancelled:", "daemon.at:", "daemon.edited:"
RETRY_AFTER = timedelta(minutes=5)  # when a network could not even be asked for its limits

_RUNNING: Daemon | None = None


def fire(kind: str, account: str, occasion: str, statement_id: str) -> None:
    """The job function APScheduler stores by name: hand the job to this process's daemon."""
    if _RUNNING is None:
        raise RuntimeError("no statement-bot daemon is running in this process")
    _RUNNING.run_job(JobKey(kind, account, occasion, statement_id))


class Stopping(BaseException):
    """Raised inside a publisher's wait when the bot is stopping: the post is already recorded."""


class Daemon:
    """Watch, plan and publish until told to stop; ``run()`` blocks."""

    def __init__(self, config: Config, *, dry_run: bool = False,
                 adapter_for: Callable[[Account, Journal], Adapter] | None = None,
                 clock: Callable[[], datetime] | None = None):
        from bot.networks.registry import make_adapter

        self.config, self.dry_run = config, dry_run
        self.adapter_for = adapter_for or (lambda account, journal: make_adapter(account, config, journal))
        self.clock = clock or (lambda: datetime.now(UTC))
        self.grace = timedelta(seconds=config.scheduler.grace_seconds)
        self.events: queue.SimpleQueue[Any] = queue.SimpleQueue()  # put() is safe in signal handlers
        self.stopping = threading.Event()
        self.busy = threading.Condition()
        self.in_flight = 0
        self.started = threading.Event()
        self.paths: dict[str, Path] = {}
        self.ids: dict[Path, str] = {}
        self.account_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self.schedule = Schedule(None if dry_run else config.state, config.scheduler.grace_seconds, self._missed,
                                 clock=clock)
        self.journal: Journal | None = None

    # -- lifecycle -----------------------------------------------------------------
    def run(self) -> int:
        """Start, reconcile, then handle events until SIGTERM/SIGINT or ``stop()``."""
        global _RUNNING
        lock = None if self.dry_run else lock_state(self.config.state)
        self.journal = Journal(self.config.state)
        _RUNNING = self
        watcher = Watcher(self.config.statements_dir, self.config.scheduler.settle_seconds, self.events.put)
        try:
            self._signals()  # from here on a stop request waits for a clean moment
            self.schedule.start(paused=True)
            watcher.start()
            self.reconcile()
            self.schedule.resume()
            log.info("started%s: watching %s", " (dry run: nothing is sent)" if self.dry_run else "",
                     self.config.statements_dir)
            self.started.set()
            while (item := self.events.get()) != "stop":
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
            log.info("stopping: letting the post in flight finish")
            self.stopping.set()
            watcher.stop()
            # Jobs may still add follow-up jobs (next anniversary), so the scheduler stays up until they end.
            with self.busy:
                self.busy.wait_for(lambda: self.in_flight == 0)
            self.schedule.shutdown(wait=True)
            self.journal.close()
            _RUNNING = None
            if lock is not None:
                os.close(lock)
            log.info("stopped")
        return 0

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
        from bot.reading import iter_statements

        found: dict[str, tuple[Path, Statement]] = {}
        self.config.statements_dir.mkdir(parents=True, exist_ok=True)
        for path, result in iter_statements(self.config.statements_dir.resolve(), self.config):
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
                log.info("cancelled %s: its file is gone", planned.key.id, extra=_where(planned.key))
        for _, statement in found.values():
            try:
                self.plan(statement)
            except BotError as e:
                log.error("%s", e, extra={"statement": statement.id})

    def on_file(self, event: FileEvent) -> None:
        """React to one settled file event."""
        from bot.reading import read_statement

        old = self.ids.pop(event.src or event.path, None)
        if event.kind == "deleted":
            if old is not None:
                self._forget(old, f"{event.path.name} was deleted")
            return
        try:
            statement = read_statement(event.path, self.config)
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
        self.plan(statement)

    def _forget(self, statement_id: str, why: str) -> None:
        self.paths.pop(statement_id, None)
        for key in self.schedule.cancel(statement_id):
            log.info("cancelled %s: %s", key.id, why, extra=_where(key))

    def plan(self, statement: Statement) -> None:
        """Queue what this statement still needs, per account: its thread or its next anniversary."""
        from bot.threads import build_threads

        assert self.journal is not None
        try:
            accounts = [t.account for t in build_threads(statement, self.config)]
        except BotError as e:
            log.error("skipped: %s", e, extra={"statement": statement.id})
            return
        if not self.dry_run:
            self.journal.record_statement(statement.id, statement.path, statement.content_hash, statement.title,
                                          self.clock())
        if self.journal.get_value(CANCELLED + statement.id) is not None:
            self.schedule.cancel(statement.id)
            return
        for account in accounts:
            self._plan_account(statement, account)

    def _plan_account(self, statement: Statement, account: str) -> None:
        assert self.journal is not None
        now, key = self.clock(), JobKey("thread", account, "", statement.id)
        row = self.journal.thread(statement.id, account)
        if row is not None and row.status in ("sent", "retracted"):
            if row.content_hash != statement.content_hash:
                self._note_edit(statement, account)
            self.plan_anniversary(statement, account)
            return
        if row is not None and row.status in ("failed", "needs_attention"):
            if row.content_hash == statement.content_hash or self._started(row.id):
                if row.content_hash != statement.content_hash:
                    self._note_edit(statement, account)
                return  # a person decides; `status` says what to run
        if row is not None and self._started(row.id):
            if row.content_hash != statement.content_hash:
                self._note_edit(statement, account)
            self._queue(key, row.not_before or now, "resume")
            return
        manual = self.journal.get_value(AT + statement.id)
        when = datetime.fromisoformat(json.loads(manual)["at"]) if manual else statement.publish_at or now
        if self.journal.get_value(MISSED + key.id) is not None:
            if when <= now or self.dry_run:
                return  # stays missed until a person or a new publish_at says otherwise
            delete_value(self.journal, MISSED + key.id)
        existing = self.schedule.get(key)
        if existing is not None and existing + self.grace < now:
            return  # the scheduler records it as missed when it resumes
        if when.astimezone(UTC) + self.grace < now:
            self._missed(key, when)
            return
        self._queue(key, when, "queued")

    def _queue(self, key: JobKey, when: datetime, what: str) -> None:
        if self.schedule.get(key) == when:
            return
        self.schedule.add(key, when)
        local = when.astimezone(self.config.tz)
        log.info("%s %s for %s", what, key.kind, f"{local:%Y-%m-%d %H:%M:%S %Z}", extra=_where(key))

    def _started(self, thread_id: int) -> bool:
        assert self.journal is not None
        return any(p.status not in ("planned", "failed") for p in self.journal.posts(thread_id))

    def _note_edit(self, statement: Statement, account: str) -> None:
        assert self.journal is not None
        key = f"{EDITED}{statement.id}:{account}"
        if self.dry_run or self.journal.get_value(key) == statement.content_hash:
            return
        self.journal.set_value(key, statement.content_hash, self.clock())
        log.warning("edited after posting started: the posted thread stays as it is; `statement-bot status` "
                    "shows it", extra={"statement": statement.id, "account": account})

    def plan_anniversary(self, statement: Statement, account: str, journal: Journal | None = None) -> None:
        """Queue the next anniversary of a sent thread (dropping any stale one)."""
        from bot.anniversary import next_occasion, parse_hhmm, spec_for

        journal = journal or self.journal
        assert journal is not None
        row = journal.thread(statement.id, account)
        sent = [p.sent_at for p in journal.posts(row.id) if p.sent_at] if row else []
        if row is None or row.status != "sent" or not sent:
            return
        origin = statement.date or min(sent).astimezone(self.config.tz).date()
        spec = spec_for(statement, self.config.anniversary.default)
        at, after = parse_hhmm(self.config.anniversary.time), self.clock() - self.grace
        occasion = next_occasion(origin, spec, at, self.config.tz, after)
        while occasion is not None:
            done = journal.thread(statement.id, account, "anniversary", str(occasion.year))
            if done is None or done.status not in ("sent", "retracted"):
                break
            occasion = next_occasion(origin, spec, at, self.config.tz, occasion.at)
        wanted = JobKey("anniversary", account, str(occasion.year), statement.id) if occasion else None
        for planned in self.schedule.planned():
            k = planned.key
            if k.kind == "anniversary" and k.statement_id == statement.id and k.account == account and k != wanted:
                self.schedule.remove(k)
        if wanted is not None and occasion is not None:
            self._queue(wanted, occasion.at, "queued")

    def _missed(self, key: JobKey, due: datetime) -> None:
        if not self.dry_run:
            with Journal(self.config.state) as journal:
                journal.set_value(MISSED + key.id, json.dumps({"due": due.isoformat()}), self.clock())
        log.warning("missed %s due %s: the bot was down longer than the grace window; "
                    "`statement-bot schedule PATH --at now` posts it", key.kind, due.isoformat(), extra=_where(key))

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
        from bot.jobs import post_anniversary, post_thread
        from bot.reading import read_statement

        with self.account_locks[key.account]:
            path = self.paths.get(key.statement_id)
            try:
                if path is None:
                    raise StatementError(key.statement_id, "no file has this statement id any more")
                statement = read_statement(path, self.config)
                if self.dry_run:
                    self._dry(statement, key)
                    return
                with Journal(self.config.state) as journal:
                    if key.kind == "thread":
                        post_thread(self, journal, statement, key)
                    else:
                        post_anniversary(self, journal, statement, key)
            except Stopping:
                log.info("stopped between posts; continues at the next start", extra=_where(key))
            except PublishError as e:
                log.error("%s; trying again in %s", e, RETRY_AFTER, extra=_where(key))
                self.schedule.add(key, self.clock() + RETRY_AFTER)
            except BotError as e:
                log.error("%s", e, extra=_where(key))

    def _dry(self, statement: Statement, key: JobKey) -> None:
        from bot.threads import build_threads

        thread: Thread = build_threads(statement, self.config, [key.account])[0]
        posts = thread.posts if key.kind == "thread" else thread.posts[:1]
        for post in posts:
            log.info("would post %s %d/%d", key.kind, post.index, len(posts),
                     extra={**_where(key), "index": post.index})


def _where(key: JobKey) -> dict[str, Any]:
    return {"statement": key.statement_id, "account": key.account}
