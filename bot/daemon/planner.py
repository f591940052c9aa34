"""What each statement still needs, per account: its thread queued (now, at ``publish_at``, or on resume) or its
next anniversary. Runs on the daemon's main thread; the journal decides what was sent.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.config import Config
from bot.daemon.anniversary import next_occasion, parse_hhmm, spec_for
from bot.daemon.scheduler import JobKey, Schedule
from bot.errors import BotError
from bot.model import Statement
from bot.planning import select_accounts
from bot.publishing.journal import Journal
from bot.publishing.states import Kind, PostStatus, ThreadStatus

log = logging.getLogger("statement-bot")

# kv keys the daemon owns; values are JSON.
MISSED, CANCELLED, AT, EDITED = "daemon.missed:", "daemon.cancelled:", "daemon.at:", "daemon.edited:"
FAILING = "daemon.failing:"  # a job that failed before its thread could be planned (network unreachable)
ADOPTED = "daemon.adopted:"  # published elsewhere: no thread is posted, anniversaries still come
DONE = (ThreadStatus.SENT, ThreadStatus.RETRACTED)
STOPPED = (ThreadStatus.FAILED, ThreadStatus.NEEDS_ATTENTION)


def where(key: JobKey) -> dict[str, str]:
    """Log fields naming a job's statement and account."""
    return {"statement": key.statement_id, "account": key.account}


class Planner:
    """Turns statements into scheduled jobs; ``journal`` is the main thread's connection."""

    def __init__(
        self, config: Config, journal: Journal, schedule: Schedule, clock: Callable[[], datetime], state: Path
    ):
        self.config, self.journal, self.schedule, self.clock, self.state = config, journal, schedule, clock, state
        self.grace = timedelta(seconds=config.scheduler.grace_seconds)

    def plan(self, statement: Statement) -> None:
        """Queue what this statement still needs, per account: its thread or its next anniversary."""
        try:
            accounts = [a.name for a in select_accounts(statement, self.config)]
        except BotError as e:
            log.error("skipped: %s", e, extra={"statement": statement.id})
            return
        self.journal.record_statement(
            statement.id, statement.path, statement.content_hash, statement.title, self.clock()
        )
        if self.journal.get_value(CANCELLED + statement.id) is not None:
            self.schedule.cancel(statement.id)
            return
        adopted = self.journal.get_value(ADOPTED + statement.id) is not None
        for account in accounts:
            if adopted and self.journal.thread(statement.id, account) is None:
                self.schedule.remove(JobKey(Kind.THREAD, account, "", statement.id))
                self.plan_anniversary(statement, account)
            else:
                self._plan_account(statement, account)

    def adopt(self, statement: Statement, published: date, why: str) -> None:
        """Mark a statement as published elsewhere on ``published`` (its date, else its file's): no thread is
        posted, its anniversaries are kept."""
        record = {
            "at": self.clock().isoformat(),
            "published": (statement.date or published).isoformat(),
            "why": why,
        }
        self.journal.set_value(ADOPTED + statement.id, json.dumps(record))
        self.plan(statement)

    def is_recent(self, statement: Statement, modified: datetime) -> bool:
        """Whether a statement is new enough to post on a first start: its date (else its file's) within the backlog."""
        day = statement.date or modified.astimezone(self.config.tz).date()
        return (self.clock().astimezone(self.config.tz).date() - day).days <= self.config.scheduler.backlog_days

    def _plan_account(self, statement: Statement, account: str) -> None:
        now, key = self.clock(), JobKey(Kind.THREAD, account, "", statement.id)
        row = self.journal.thread(statement.id, account)
        edited = row is not None and row.content_hash != statement.content_hash
        if row is not None and row.status in DONE:
            if edited:
                self._note_edit(statement, account)
            self.plan_anniversary(statement, account)
            return
        if row is not None and row.status in STOPPED and (not edited or self.started(row.id)):
            if edited:
                self._note_edit(statement, account)
            return  # a person decides; `status` says what to run
        if row is not None and self.started(row.id):
            if edited:
                self._note_edit(statement, account)
            self.queue(key, row.not_before or now, "resume")
            return
        manual = self.journal.get_value(AT + statement.id)
        when = datetime.fromisoformat(json.loads(manual)["at"]) if manual else statement.publish_at or now
        if self.journal.get_value(MISSED + key.id) is not None:
            if when <= now:
                return  # stays missed until a person or a new publish_at says otherwise
            self.journal.delete_value(MISSED + key.id)
        existing = self.schedule.get(key)
        if existing is not None and existing + self.grace < now:
            return  # the scheduler records it as missed when it resumes
        if when.astimezone(UTC) + self.grace < now:
            self.missed(key, when)
            return
        self.queue(key, when, "queued")

    def queue(self, key: JobKey, when: datetime, what: str) -> None:
        """Schedule ``key`` at ``when`` (unless it already is) and say so."""
        if self.schedule.get(key) == when:
            return
        self.schedule.add(key, when)
        local = when.astimezone(self.config.tz)
        log.info("%s %s for %s", what, key.kind, f"{local:%Y-%m-%d %H:%M:%S %Z}", extra=where(key))

    def started(self, thread_id: int) -> bool:
        """Whether any post of the thread may have gone out."""
        return any(p.status not in (PostStatus.PLANNED, PostStatus.FAILED) for p in self.journal.posts(thread_id))

    def _note_edit(self, statement: Statement, account: str) -> None:
        key = f"{EDITED}{statement.id}:{account}"
        if self.journal.get_value(key) == statement.content_hash:
            return
        self.journal.set_value(key, statement.content_hash, self.clock())
        log.warning(
            "edited after posting started: the posted thread stays as it is; `statement-bot status` shows it",
            extra={"statement": statement.id, "account": account},
        )

    def plan_anniversary(self, statement: Statement, account: str, journal: Journal | None = None) -> None:
        """Queue the next anniversary of a sent thread (dropping any stale one); ``journal`` is the caller's."""
        journal = journal or self.journal
        row = journal.thread(statement.id, account)
        sent = [p.sent_at for p in journal.posts(row.id) if p.sent_at] if row else []
        adopted = journal.get_value(ADOPTED + statement.id) if row is None else None
        if adopted is None and (row is None or row.status != ThreadStatus.SENT or not sent):
            return
        if sent:
            origin = statement.date or min(sent).astimezone(self.config.tz).date()
        else:  # published elsewhere, on the day the adoption recorded
            origin = statement.date or date.fromisoformat(json.loads(adopted or "{}")["published"])
        spec = spec_for(statement, self.config.anniversary.default)
        at, after = parse_hhmm(self.config.anniversary.time), self.clock() - self.grace
        occasion = next_occasion(origin, spec, at, self.config.tz, after)
        while occasion is not None:
            done = journal.thread(statement.id, account, Kind.ANNIVERSARY, str(occasion.year))
            if done is None or done.status not in DONE:
                break
            occasion = next_occasion(origin, spec, at, self.config.tz, occasion.at)
        wanted = JobKey(Kind.ANNIVERSARY, account, str(occasion.year), statement.id) if occasion else None
        for planned in self.schedule.planned():
            k = planned.key
            if k.kind == Kind.ANNIVERSARY and k.statement_id == statement.id and k.account == account and k != wanted:
                self.schedule.remove(k)
        if wanted is not None and occasion is not None:
            self.queue(wanted, occasion.at, "queued")

    def missed(self, key: JobKey, due: datetime) -> None:
        """Record a job that came due while the bot was down for longer than the grace window."""
        with Journal(self.state) as journal:  # the scheduler's thread calls this too
            journal.set_value(MISSED + key.id, json.dumps({"due": due.isoformat()}), self.clock())
        log.warning(
            "missed %s due %s: the bot was down longer than the grace window; "
            "`statement-bot schedule PATH --at now` posts it",
            key.kind,
            due.isoformat(),
            extra=where(key),
        )
