"""APScheduler wiring: persistent jobs in the journal's SQLite file, one per statement/account/kind.

Jobs live in the ``apscheduler_jobs`` table of the same database as the journal, so they
survive restarts. Each job calls this module's ``fire`` by name with plain arguments, which
is what lets APScheduler store it; ``fire`` hands the job to the ``run_job`` of the
``Schedule`` running in this process. A job whose time passed more than ``grace_seconds``
ago while the bot was down is not run: ``on_missed`` is told, so it can be recorded.

Times given and returned are on the daemon's clock (``clock``, real UTC by default). A
shifted clock moves every job by the same offset, so the real scheduler can fire a job
that is due on, say, a DST-change day while the wall clock is elsewhere.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.publishing.states import Kind

JOB_FUNC = "bot.daemon.scheduler:fire"

log = logging.getLogger("statement-bot.daemon.scheduler")

# The handler of the Schedule running in this process: APScheduler can only store a job
# function by its import path, so the path leads here and this leads to the running bot.
_run_job: Callable[[JobKey], None] | None = None


def fire(kind: str, account: str, occasion: str, statement_id: str) -> None:
    """The job function APScheduler stores by name: run the job in this process's running schedule."""
    if _run_job is None:
        raise RuntimeError("no statement-bot schedule is running in this process")
    _run_job(JobKey(Kind(kind), account, occasion, statement_id))


@dataclass(frozen=True)
class JobKey:
    """What a job publishes: kind, account, occasion (year or ''), statement."""

    kind: Kind
    account: str
    occasion: str
    statement_id: str

    @property
    def id(self) -> str:
        """The job store id; the statement id goes last because only it may contain ':'."""
        return f"{self.kind}:{self.account}:{self.occasion}:{self.statement_id}"

    @classmethod
    def parse(cls, job_id: str) -> JobKey | None:
        """The key behind a job id, or None for a job this bot did not make."""
        parts = job_id.split(":", 3)
        if len(parts) != 4 or parts[0] not in set(Kind):
            return None
        return cls(Kind(parts[0]), *parts[1:])


@dataclass(frozen=True)
class Planned:
    """A job waiting in the store: what, and when (UTC)."""

    key: JobKey
    at: datetime


class Schedule:
    """A BackgroundScheduler on the journal's database (or in memory, for dry runs)."""

    def __init__(
        self,
        state: Path | None,
        grace_seconds: int,
        on_missed: Callable[[JobKey, datetime], None] | None = None,
        workers: int = 4,
        clock: Callable[[], datetime] | None = None,
        offline: bool = False,
        run_job: Callable[[JobKey], None] | None = None,
    ):
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.jobstores.memory import MemoryJobStore
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
        from apscheduler.schedulers.background import BackgroundScheduler

        store: Any = MemoryJobStore() if state is None else SQLAlchemyJobStore(url=f"sqlite:///{state}")
        self.grace_seconds = grace_seconds
        self.on_missed = on_missed
        self.run_job = run_job
        self._active = 0  # jobs handed to a worker and not yet finished
        self._active_lock = threading.Lock()
        self.clock = clock
        # Offline: read and edit the store from a command while the bot may be running; never fire.
        self.scheduler = (_offline_scheduler() if offline else BackgroundScheduler)(
            jobstores={"default": store},
            executors={"default": ThreadPoolExecutor(workers)},
            job_defaults={"misfire_grace_time": grace_seconds, "coalesce": True, "max_instances": 1},
            timezone=UTC,
        )

    def _shift(self) -> timedelta:
        """How far the daemon's clock is ahead of the real one."""
        return timedelta(0) if self.clock is None else self.clock() - datetime.now(UTC)

    def start(self, paused: bool = False) -> None:
        """Open the job store; with ``paused`` nothing fires until ``resume``."""
        from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, EVENT_JOB_SUBMITTED

        global _run_job
        if self.run_job is not None:
            _run_job = self.run_job
        self.scheduler.add_listener(self._event, EVENT_JOB_MISSED | EVENT_JOB_ERROR)
        self.scheduler.add_listener(self._count, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        self.scheduler.start(paused=paused)

    def resume(self) -> None:
        """Start firing jobs (those missed within the grace window fire now, once)."""
        self.scheduler.resume()

    def wakeup(self) -> None:
        """Look at the job store again now (another process may have changed it)."""
        self.scheduler.wakeup()

    def shutdown(self, wait: bool = True) -> None:
        """Stop; with ``wait`` the jobs already running finish first."""
        global _run_job
        if self.scheduler.running:
            self.scheduler.shutdown(wait=wait)
        if self.run_job is not None and _run_job is self.run_job:
            _run_job = None

    def add(self, key: JobKey, at: datetime) -> None:
        """Schedule (or move) the job for ``key`` to fire at ``at``."""
        if at.tzinfo is None:
            raise ValueError(f"naive time {at.isoformat()} for job {key.id}")
        self.scheduler.add_job(
            JOB_FUNC,
            trigger="date",
            run_date=at.astimezone(UTC) - self._shift(),
            id=key.id,
            name=key.id,
            args=[key.kind, key.account, key.occasion, key.statement_id],
            replace_existing=True,
        )

    def get(self, key: JobKey) -> datetime | None:
        """When the job for ``key`` fires, or None if there is none."""
        job = self.scheduler.get_job(key.id)
        return None if job is None or job.next_run_time is None else job.next_run_time + self._shift()

    def remove(self, key: JobKey) -> bool:
        """Drop the job for ``key``; False if there was none."""
        from apscheduler.jobstores.base import JobLookupError

        try:
            self.scheduler.remove_job(key.id)
        except JobLookupError:
            return False
        return True

    def cancel(self, statement_id: str, kind: str | None = None) -> list[JobKey]:
        """Drop every job of a statement (optionally of one kind); returns what was dropped."""
        dropped = [p.key for p in self.planned() if p.key.statement_id == statement_id and kind in (None, p.key.kind)]
        for key in dropped:
            self.remove(key)
        return dropped

    def planned(self) -> list[Planned]:
        """Every job this bot made, soonest first."""
        found, shift = [], self._shift()
        for job in self.scheduler.get_jobs():
            key = JobKey.parse(job.id)
            if key is not None and job.next_run_time is not None:
                found.append(Planned(key, (job.next_run_time + shift).astimezone(UTC)))
        return sorted(found, key=lambda p: (p.at, p.key.id))

    @property
    def active(self) -> int:
        """How many jobs were handed to a worker and have not finished yet."""
        return self._active

    def due(self) -> bool:
        """Whether a job's time has come and it has not been handed to a worker yet."""
        now = datetime.now(UTC) + self._shift()
        return any(p.at <= now for p in self.planned())

    def _count(self, event: Any) -> None:
        from apscheduler.events import EVENT_JOB_SUBMITTED

        with self._active_lock:
            self._active += 1 if event.code == EVENT_JOB_SUBMITTED else -1

    def _event(self, event: Any) -> None:
        from apscheduler.events import EVENT_JOB_MISSED

        key = JobKey.parse(event.job_id)
        if key is None:
            return
        if event.code == EVENT_JOB_MISSED:
            due = event.scheduled_run_time + self._shift()
            if self.on_missed is not None:
                self.on_missed(key, due)
            else:
                log.warning(
                    "missed %s (due %s, more than %ss ago)",
                    key.id,
                    due.isoformat(),
                    self.grace_seconds,
                    extra={"statement": key.statement_id, "account": key.account},
                )
        else:
            log.error(
                "job %s failed: %s",
                key.id,
                event.exception,
                extra={"statement": key.statement_id, "account": key.account},
            )


def _offline_scheduler() -> type:
    """A scheduler class with no thread: it opens the job store but can never run or drop a job."""
    from apscheduler.schedulers.base import BaseScheduler

    class Offline(BaseScheduler):
        def wakeup(self) -> None:
            """Nothing to wake: this scheduler never processes jobs."""

        def shutdown(self, wait: bool = True) -> None:
            """Close the job store."""
            super().shutdown(wait)

    return Offline
