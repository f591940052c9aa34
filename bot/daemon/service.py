"""The always-on bot: folder events and a persistent schedule in, threads and anniversaries out.

One main thread handles file events, reconciliation and signals in order, so planning
never races itself (``bot.daemon.planner``); jobs run on the scheduler's worker threads,
one account at a time, each with its own journal connection (``bot.daemon.jobs``). The
journal decides what was sent: jobs and events may repeat, posts never do.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import random
import shutil
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import Config
from bot.daemon.jobs import JOBS
from bot.daemon.notify import Event, Notice, Notifier
from bot.daemon.planner import FAILING, Planner, where
from bot.daemon.scheduler import JobKey, Schedule
from bot.daemon.watch import FileEvent, Watcher
from bot.daemon.workers import AccountWorkers
from bot.errors import BotError, ConfigError, JournalError, PublishError, RateLimited, StatementError, Unavailable
from bot.model import Account, Statement
from bot.networks.base import Adapter
from bot.publishing.check import check_account, missing_variables
from bot.publishing.connect import connect
from bot.publishing.dry import DryAdapter, journal_copy
from bot.publishing.journal import Journal
from bot.publishing.locks import lock_state
from bot.text.budget import Budget, read_within, stop_helpers

log = logging.getLogger("statement-bot")

STOP_TIMEOUT = 8.0  # seconds a stop waits for posts in flight; SIGTERM ends the bot within 10 s
READ_BUDGET = Budget(seconds=60.0)  # one statement's time and memory (a PDF has its own, shorter, limits)


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
        post_backlog: bool = False,
    ):
        self.config, self.dry_run, self.post_backlog = config, dry_run, post_backlog
        self.first_start = False  # an empty journal and job store: the folder may hold an archive
        self._real_networks = adapter_for is None and not dry_run  # secrets from the environment: it must hold them
        if dry_run:  # a network that sends nothing, so everything else runs as for real
            adapter_for = DryAdapter
        self._adapter_for = adapter_for or (lambda account, journal: connect(account, config, journal))
        # A dry run works on a private copy of the journal: it records what it "sent" as a real run
        # would (so an edit is not "posted" again), and writes nothing beside the real state.
        self.state = config.state
        self._clock = clock or (lambda: datetime.now(UTC))
        self.events: queue.SimpleQueue[Any] = queue.SimpleQueue()  # put() is safe in signal handlers
        self.stopping = threading.Event()
        self.workers = AccountWorkers(self._run_job)
        self.notifier = Notifier(config.notify)
        self.handling = False  # the main thread is handling an event
        self.started = threading.Event()
        self.paths: dict[str, Path] = {}
        self.ids: dict[Path, str] = {}
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

    def notify(self, notice: Notice) -> None:
        """Tell a person (through the configured channels), in the background; a dry run only says it would."""
        if self.dry_run:
            log.info("would notify %s: %s", notice.event, notice.message, extra={"account": notice.account})
        else:
            self.notifier.notify(notice)

    def plan_anniversary(self, statement: Statement, account: str, journal: Journal) -> None:
        """Queue the next anniversary of a sent thread (jobs call this from their worker thread)."""
        self.planner.plan_anniversary(statement, account, journal)

    # -- lifecycle -----------------------------------------------------------------
    def run(self) -> int:
        """Start, reconcile, then handle events until SIGTERM/SIGINT or ``stop()``."""
        self.config.require_statements_dir()
        if self._real_networks:
            self._require_environment()
        lock = lock_state(self.config.state, dry_run=self.dry_run)
        if self.dry_run:
            self.state = journal_copy(self.config.state)
        try:
            self.journal = Journal(self.state)
        except JournalError as e:
            os.close(lock)
            raise JournalError(str(e).replace(str(self.state), str(self.config.state))) from None
        self.planner = Planner(self.config, self.journal, self.schedule, self.clock, self.state)
        watcher = Watcher(self.config.statements_dir, self.config.scheduler.settle_seconds, self.events.put)
        try:
            self._signals()  # from here on a stop request waits for a clean moment
            self.schedule.start(paused=True)
            self.first_start = not self.journal.statement_rows() and not self.schedule.planned()
            watcher.start()
            self.reconcile()
            self.first_start = False
            self.schedule.resume()
            log.info(
                "started%s: watching %s",
                " (dry run: nothing is sent)" if self.dry_run else "",
                self.config.statements_dir,
            )
            self.started.set()
            if not self.dry_run:
                threading.Thread(target=self._check_accounts, name="check-accounts", daemon=True).start()
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
            self.workers.close(timeout=STOP_TIMEOUT)
            if self.workers.pending:
                log.warning("stopped while a network call was under way; its outcome is settled at the next start")
            self.schedule.shutdown(wait=False)
            self.notifier.wait()
            stop_helpers()
            self.journal.close()
            os.close(lock)
            if self.dry_run:
                shutil.rmtree(self.state.parent, ignore_errors=True)
            log.info("stopped")
        return 0

    def _require_environment(self) -> None:
        """Refuse to start when an account's credentials name environment variables that are not set."""
        missing = [f"{a.name}: {', '.join(v)}" for a in self.config.accounts if (v := missing_variables(a))]
        if missing:
            raise ConfigError(f"{self.config.path}: environment variables not set ({'; '.join(missing)}); "
                              "set them, then start again (`statement-bot check` tells what works)")  # fmt: skip

    def _check_accounts(self) -> None:
        """At start: every account's credentials, with one read-only call; a refused one is told to a person."""
        with Journal(self.state) as journal:
            for account in self.config.accounts:
                if self.stopping.is_set():
                    return
                adapter_for = None if self._real_networks else (lambda a: self.adapter_for(a, journal))
                result = check_account(account, self.config, journal, adapter_for, limits=False)
                if result.ok:
                    log.info("account check: %s", result.text, extra={"account": account.name})
                elif result.refused or result.missing:
                    log.error("account check: %s", result.text, extra={"account": account.name})
                    self.notify(Notice(Event.FAILED, account.name, "", f"account check: {result.text}"))
                else:  # unreachable now: the jobs will retry by themselves
                    log.warning("account check: %s", result.text, extra={"account": account.name})

    def quiet(self) -> bool:
        """Nothing to do right now: no file event waiting or being handled, no job running or due."""
        return (
            self.events.empty()
            and not self.handling
            and self.workers.pending == 0
            and self.schedule.active == 0
            and not self.schedule.due()
        )

    def stop(self) -> None:
        """Ask ``run()`` to stop cleanly (also what SIGTERM and SIGINT do); a read under way is given up."""
        stop_helpers()  # a statement being read is given up: the bot stops now, not after the read
        self.events.put("stop")

    def read(self, path: Path) -> Statement:
        """Read a statement in a helper process, within its time and memory budget; a stop ends the wait."""
        return read_within(path, self.config.tz, READ_BUDGET)

    def _signals(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        signal.signal(signal.SIGTERM, lambda *_: self.stop())
        signal.signal(signal.SIGINT, lambda *_: self.stop())
        signal.signal(signal.SIGHUP, lambda *_: self.events.put("reload"))

    def sleep(self, seconds: float) -> None:
        """The publisher's wait between retries; cut short by a stop, which ends the thread's run."""
        if self.stopping.wait(seconds):
            raise Stopping()

    # -- planning (main thread) ----------------------------------------------------
    def reconcile(self) -> None:
        """Make the job store match the folder and the journal (start, SIGHUP)."""
        from bot.text.reading import statement_files

        found: dict[str, tuple[Path, Statement]] = {}
        for path in statement_files(self.config.statements_dir.resolve()):
            try:
                statement = self.read(path)
            except StatementError as e:
                log.error("skipped: %s", e)
                continue
            if statement.id in found:
                log.error(
                    "skipped: %s: statement id %r is already used by %s", path, statement.id, found[statement.id][0]
                )
            else:
                found[statement.id] = (path, statement)
        self.paths = {sid: path for sid, (path, _) in found.items()}
        self.ids = {path: sid for sid, path in self.paths.items()}
        for planned in self.schedule.planned():
            if planned.key.statement_id not in found:
                self.schedule.remove(planned.key)
                log.info("cancelled %s: its file is gone", planned.key.id, extra=where(planned.key))
        adopted, posting = [], []
        for path, statement in found.values():
            try:
                modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                if self.first_start and not self.post_backlog and not self.planner.is_recent(statement, modified):
                    self.planner.adopt(
                        statement, modified.astimezone(self.config.tz).date(), "in the folder at the first start"
                    )
                    adopted.append(statement.id)
                else:
                    self.planner.plan(statement)
                    posting.append(statement.id)
            except (BotError, OSError) as e:
                log.error("%s", e, extra={"statement": statement.id})
        if self.first_start:
            self._report_first_start(adopted, posting)

    def _report_first_start(self, adopted: list[str], posting: list[str]) -> None:
        days = self.config.scheduler.backlog_days
        if adopted:
            log.warning(
                "first start: %d statement(s) in the folder are older than %g days and were adopted as published "
                "elsewhere (not posted; their anniversaries are kept): %s. To post one: `statement-bot schedule "
                "PATH --at now`; to post them all, stop and start again with `run --post-backlog` on a new state",
                len(adopted), days, ", ".join(sorted(adopted)[:20]) + (" …" if len(adopted) > 20 else ""),
            )  # fmt: skip
        log.info("first start: posting %d recent statement(s)%s", len(posting),
                 ": " + ", ".join(sorted(posting)) if posting else "")  # fmt: skip

    def on_file(self, event: FileEvent) -> None:
        """React to one settled file event."""
        old = self.ids.pop(event.src or event.path, None)
        if event.kind == "deleted":
            log.info("deleted %s", event.path.name, extra={"statement": old} if old else {})
            if old is not None:
                self._forget(old, f"{event.path.name} was deleted")
            return
        try:
            statement = self.read(event.path)
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

    # -- jobs (one worker thread per account) --------------------------------------
    def run_job(self, key: JobKey) -> None:
        """Hand a due job to its account's worker (the scheduler's thread returns at once)."""
        if not self.stopping.is_set():
            self.workers.submit(key)

    def _run_job(self, key: JobKey) -> None:
        if self.stopping.is_set():
            return
        path = self.paths.get(key.statement_id)
        try:
            if path is None:
                raise StatementError(key.statement_id, "no file has this statement id any more")
            statement = self.read(path)
            with Journal(self.state) as journal:
                JOBS[key.kind](self, journal, statement, key)
                self._recovered(journal, key, statement)
        except Stopping:
            log.info("stopped between posts; continues at the next start", extra=where(key))
        except PublishError as e:  # before the thread could be planned: the network could not even be asked
            self._failing(key, e)
        except BotError as e:
            log.error("%s", e, extra=where(key))

    def _failing(self, key: JobKey, error: PublishError) -> None:
        """Try a job that failed before planning again later, waiting longer each time; give up in the end."""
        settings, now = self.config.publishing, self.clock()
        with Journal(self.state) as journal:
            record = json.loads(journal.get_value(FAILING + key.id) or "{}")
            since = datetime.fromisoformat(record["since"]) if "since" in record else now
            attempts = int(record.get("attempts", 0)) + 1
            permanent = not isinstance(error, (Unavailable, RateLimited))
            gave_up = permanent or now - since >= timedelta(hours=settings.give_up_after_hours)
            record = {"since": since.isoformat(), "attempts": attempts, "error": str(error), "gave_up": gave_up}
            journal.set_value(FAILING + key.id, json.dumps(record), now)
        path = str(self.paths.get(key.statement_id, ""))
        notice = Notice(Event.FAILED if gave_up else Event.RETRYING, key.account, key.statement_id, str(error), path)
        if gave_up:
            log.error("%s; not trying again: fix it, then `statement-bot schedule %s --at now`", error,
                      path or key.statement_id, extra=where(key))  # fmt: skip
            self.notify(notice)
            return
        ceiling = min(settings.retry_wait_max_seconds, settings.retry_wait_first_seconds * 2 ** (attempts - 1))
        if isinstance(error, RateLimited) and error.retry_at is not None:
            ceiling = max(ceiling, (error.retry_at - now).total_seconds())
        when = now + timedelta(seconds=random.uniform(ceiling / 2, ceiling))
        local = f"{when.astimezone(self.config.tz):%Y-%m-%d %H:%M:%S %Z}"
        log.error("%s; trying again at %s", error, local, extra=where(key))
        self.schedule.add(key, when)
        if attempts == 1:
            self.notify(notice)

    def _recovered(self, journal: Journal, key: JobKey, statement: Statement) -> None:
        """The job reached the network after failing before planning: forget the failure, and say so."""
        if journal.get_value(FAILING + key.id) is None:
            return
        journal.delete_value(FAILING + key.id)
        self.notify(Notice(Event.RECOVERED, key.account, key.statement_id, "the network answers again", statement.path))
