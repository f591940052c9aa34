"""What the daemon's scheduled jobs do: post a statement's thread, or its anniversary repost.

Both go through ``publish_thread``, so the journal's intent/result records and its
idempotency keys apply: a job that runs twice, or again after a crash, resumes the
frozen plan and never sends a post twice. Jobs run on worker threads, each with its own
journal connection, and see the daemon only through ``Context``.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.config import Config
from bot.daemon.anniversary import opening_text, repost, wording
from bot.daemon.notify import Event, Notice
from bot.daemon.planner import ADOPTED, where
from bot.daemon.scheduler import JobKey, Schedule
from bot.media.attach import caption_text
from bot.model import Account, Post, Statement, Thread
from bot.networks.base import Adapter
from bot.networks.registry import account_rules, network_of
from bot.planning import plan_thread
from bot.publishing.journal import Journal
from bot.publishing.plan import new_posts
from bot.publishing.results import ThreadResult
from bot.publishing.rows import ThreadRow
from bot.publishing.send import publish_thread
from bot.publishing.states import Kind, Outcome, PostStatus, ThreadStatus
from bot.text.threads import statement_url

log = logging.getLogger("statement-bot")
BUSY_RETRY = timedelta(minutes=1)


class Context(Protocol):
    """What a job needs of the running daemon."""

    config: Config
    schedule: Schedule
    dry_run: bool  # the network sends nothing: say "would post"

    def clock(self) -> datetime:
        """The daemon's time (UTC)."""

    def sleep(self, seconds: float) -> None:
        """Wait between retries; raises when the daemon is stopping."""

    def adapter_for(self, account: Account, journal: Journal) -> Adapter:
        """The account's adapter, keeping its state in ``journal``."""

    def plan_anniversary(self, statement: Statement, account: str, journal: Journal) -> None:
        """Queue the next anniversary of a sent thread."""

    def notify(self, notice: Notice) -> None:
        """Tell a person (the configured channels)."""


def post_thread(ctx: Context, journal: Journal, statement: Statement, key: JobKey) -> None:
    """Post (or resume) the statement's thread for one account, then queue its anniversary."""
    account = ctx.config.account(key.account)
    row = journal.thread(statement.id, account.name)
    failing = row is not None and (row.retries > 0 or row.status == ThreadStatus.FAILED)
    started = row is not None and any(
        p.status not in (PostStatus.PLANNED, PostStatus.FAILED) for p in journal.posts(row.id)
    )
    journal.record_statement(statement.id, statement.path, statement.content_hash, statement.title, ctx.clock())
    adapter = ctx.adapter_for(account, journal)
    try:
        thread = plan_thread(statement, account, ctx.config, adapter.limits(), journal.sent_texts(account.name))
        since = ctx.clock()
        if thread.held and not started:  # over the account's budget: nothing is frozen or sent
            result = ThreadResult(account.name, Outcome.HELD, thread.held, 0, len(thread.posts))
            report(ctx, journal, key, result, since, statement, failing)
            return
        # Not started yet: the file's current version is what goes out.
        result = publish_thread(
            journal,
            adapter,
            thread,
            statement,
            now=ctx.clock,
            sleep=ctx.sleep,
            settings=ctx.config.publishing,
            replan=row is not None and not started,
            posts_per_day=account.posts_per_day,
        )
    finally:
        adapter.close()
    report(ctx, journal, key, result, since, statement, failing)
    if result.status == Outcome.SENT:
        ctx.plan_anniversary(statement, account.name, journal)


def post_anniversary(ctx: Context, journal: Journal, statement: Statement, key: JobKey) -> None:
    """Repost a sent thread natively on its anniversary (once per account and year), then queue the next."""
    account = ctx.config.account(key.account)
    original = journal.thread(statement.id, account.name)
    adopted = journal.get_value(ADOPTED + statement.id) if original is None else None
    if adopted is None and (original is None or original.status != ThreadStatus.SENT):
        log.warning("anniversary skipped: the thread was never fully posted", extra=where(key))
        return
    adapter = ctx.adapter_for(account, journal)
    failing = False
    try:
        row = journal.thread(statement.id, account.name, Kind.ANNIVERSARY, key.occasion)
        failing = row is not None and (row.retries > 0 or row.status == ThreadStatus.FAILED)
        if row is None:
            row = _freeze(ctx, journal, statement, account, adapter, original, int(key.occasion), adopted)
        posts = journal.posts(row.id)
        thread = Thread(
            account.name,
            account.platform,
            0,
            tuple(Post(p.index, p.text, 0) for p in posts),
            language=row.language,
            statement_id=statement.id,
        )
        since = ctx.clock()
        result = publish_thread(
            journal,
            adapter,
            thread,
            statement,
            now=ctx.clock,
            sleep=ctx.sleep,
            settings=ctx.config.publishing,
            posts_per_day=account.posts_per_day,
            kind=Kind.ANNIVERSARY,
            occasion=key.occasion,
        )
    finally:
        adapter.close()
    report(ctx, journal, key, result, since, statement, failing)
    if result.status != Outcome.PAUSED:
        ctx.plan_anniversary(statement, account.name, journal)


def _freeze(
    ctx: Context,
    journal: Journal,
    statement: Statement,
    account: Account,
    adapter: Adapter,
    original: ThreadRow | None,
    year: int,
    adopted: str | None = None,
) -> ThreadRow:
    """Decide the repost once and freeze it, so a crash never changes what goes out.

    A statement published elsewhere (``adopted``: its journal record) has no post to point
    at: its first post, as the thread would have had it, goes out again with a link.
    """
    limits = adapter.limits()
    rules = account_rules(account, limits)
    settings = ctx.config.anniversary
    url = statement_url(statement, ctx.config.organisation)
    caption = caption_text(statement, network_of(account.platform).caption_limit)
    if original is not None:
        posts = journal.posts(original.id)
        first = posts[0]
        assert first.ref is not None and first.sent_at is not None
        ref, text = first.ref, opening_text([p.text for p in posts], caption, account.numbering)
        origin = statement.date or first.sent_at.astimezone(ctx.config.tz).date()
        exists = adapter.exists(first.ref)
    else:
        planned = plan_thread(statement, account, ctx.config, limits)
        ref, exists = None, False
        text = opening_text([p.text for p in planned.posts], caption, account.numbering)
        origin = statement.date or date.fromisoformat(json.loads(adopted or "{}")["published"])

    def words(suffix: str) -> str:
        return wording(
            settings.templates, year - origin.year, year, statement.title, url, fits=lambda t: rules.fits(t + suffix)
        )

    steps = repost(
        network_of(account.platform).repost,
        ref,
        exists,
        text,
        words,
        url,
        rules.fits,
    )
    if not exists and original is not None:
        log.warning(
            "anniversary: the original first post is gone; posting its text again with a link",
            extra={"statement": statement.id, "account": account.name},
        )
    occasion = str(year)
    rows = new_posts(statement.id, account.name, Kind.ANNIVERSARY, occasion, ctx.clock(), random.randrange(1024), steps)
    return journal.create_thread(
        statement.id,
        account.name,
        account.platform,
        Kind.ANNIVERSARY,
        occasion,
        statement.content_hash,
        statement.language,
        rows,
        ctx.clock(),
    )


def report(
    ctx: Context,
    journal: Journal,
    key: JobKey,
    result: ThreadResult,
    since: datetime,
    statement: Statement,
    was_failing: bool = False,
) -> None:
    """One log line per post sent in this run, then the thread's outcome; paused threads are re-queued.

    A person hears of a thread that failed or needs attention, of the first pause of a
    failure streak (the bot retries by itself), and of a thread that went out after failing.
    """
    row = journal.thread(key.statement_id, key.account, key.kind, key.occasion)
    for post in journal.posts(row.id) if row else []:
        if post.status == PostStatus.SENT and post.sent_at and post.sent_at >= since:
            log.info(
                "would post %s %d/%d %s" if ctx.dry_run else "posted %s %d/%d %s",
                post.action,
                post.index,
                result.total,
                post.ref.url if post.ref else "",
                extra={**where(key), "index": post.index},
            )
    event = None
    if result.status == Outcome.SENT:
        log.info("%s complete: %s", key.kind, result.message, extra=where(key))
        event = Event.RECOVERED if was_failing else None
    elif result.status == Outcome.PAUSED and result.not_before is not None:
        ctx.schedule.add(key, result.not_before)
        log.warning("%s paused: %s", key.kind, result.message, extra=where(key))
        event = Event.RETRYING if row is not None and row.retries == 1 else None
    elif result.status == Outcome.BUSY:  # `statement-bot post` has it; look again so its anniversary gets queued
        ctx.schedule.add(key, ctx.clock() + BUSY_RETRY)
        log.warning("%s: %s; looking again in %s", key.kind, result.message, BUSY_RETRY, extra=where(key))
    elif result.status == Outcome.RETRACTED:
        log.info("%s was retracted: not posting it", key.kind, extra=where(key))
    elif result.status == Outcome.HELD:
        log.warning("%s held: %s", key.kind, result.message, extra=where(key))
        event = Event.FAILED  # a person decides: raise the budget or let it be cut
    else:
        log.error("%s %s: %s", key.kind, result.status, result.message, extra=where(key))
        event = Event.NEEDS_ATTENTION if result.status == Outcome.NEEDS_ATTENTION else Event.FAILED
    if event is not None:
        ctx.notify(Notice(event, key.account, key.statement_id, result.message, statement.path))


# The type of the job functions above, for the daemon's dispatch table.
Job = Callable[[Context, Journal, Statement, JobKey], None]
JOBS: dict[Kind, Job] = {Kind.THREAD: post_thread, Kind.ANNIVERSARY: post_anniversary}
