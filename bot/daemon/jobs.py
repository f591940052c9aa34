"""What the daemon's scheduled jobs do: post a statement's thread, or its anniversary repost.

Both go through ``publish_thread``, so the journal's intent/result records and its
idempotency keys apply: a job that runs twice, or again after a crash, resumes the
frozen plan and never sends a post twice.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.journal import Journal, NewPost, ThreadRow, tid
from bot.model import Account, Post, Statement, Thread
from bot.networks.base import Adapter
from bot.schedule import JobKey

if TYPE_CHECKING:
    from bot.counting import Rules
    from bot.daemon import Daemon
    from bot.publish import ThreadResult

log = logging.getLogger("statement-bot")
BUSY_RETRY = timedelta(minutes=1)


def rules_of(account: Account, adapter: Adapter) -> Rules:
    """The account's counting rules with the network's own limit (a Mastodon instance's, say)."""
    from bot.counting import rules_for

    limit, url_cost = adapter.limit()
    if account.platform == "mastodon":
        return rules_for(account.platform, limit=limit, url_length=url_cost)
    return rules_for(account.platform, limit=limit)


def post_thread(daemon: Daemon, journal: Journal, statement: Statement, key: JobKey) -> None:
    """Post (or resume) the statement's thread for one account, then queue its anniversary."""
    from bot.publish import publish_thread
    from bot.threads import build_thread

    account = daemon.config.account(key.account)
    row = journal.thread(statement.id, account.name)
    started = row is not None and any(p.status not in ("planned", "failed") for p in journal.posts(row.id))
    journal.record_statement(statement.id, statement.path, statement.content_hash, statement.title, daemon.clock())
    adapter = daemon.adapter_for(account, journal)
    try:
        thread = build_thread(statement, account, daemon.config.organisation, rules_of(account, adapter))
        since = daemon.clock()
        # Not started yet: the file's current version is what goes out.
        result = publish_thread(journal, adapter, thread, statement, now=daemon.clock, sleep=daemon.sleep,
                                settings=daemon.config.publishing, replan=row is not None and not started,
                                posts_per_day=account.posts_per_day)
    finally:
        adapter.close()
    _report(daemon, journal, key, result, since)
    if result.status == "sent":
        daemon.plan_anniversary(statement, account.name, journal)


def post_anniversary(daemon: Daemon, journal: Journal, statement: Statement, key: JobKey) -> None:
    """Repost a sent thread natively on its anniversary (once per account and year), then queue the next."""
    from bot.publish import publish_thread

    account = daemon.config.account(key.account)
    original = journal.thread(statement.id, account.name)
    if original is None or original.status != "sent":
        log.warning("anniversary skipped: the thread was never fully posted", extra=_where(key))
        return
    adapter = daemon.adapter_for(account, journal)
    try:
        row = journal.thread(statement.id, account.name, "anniversary", key.occasion)
        if row is None:
            row = _freeze(daemon, journal, statement, account, adapter, original, int(key.occasion))
        posts = journal.posts(row.id)
        thread = Thread(account.name, account.platform, 0, tuple(Post(p.index, p.text, 0) for p in posts),
                        language=row.language, statement_id=statement.id)
        since = daemon.clock()
        result = publish_thread(journal, adapter, thread, statement, now=daemon.clock, sleep=daemon.sleep,
                                settings=daemon.config.publishing, posts_per_day=account.posts_per_day,
                                kind="anniversary", occasion=key.occasion)
    finally:
        adapter.close()
    _report(daemon, journal, key, result, since)
    if result.status != "paused":
        daemon.plan_anniversary(statement, account.name, journal)


def _freeze(daemon: Daemon, journal: Journal, statement: Statement, account: Account, adapter: Adapter,
            original: ThreadRow, year: int) -> ThreadRow:
    """Decide the repost once and freeze it, so a crash never changes what goes out."""
    from bot.anniversary import repost, without_numbering, wording
    from bot.publish import post_key

    first = journal.posts(original.id)[0]
    assert first.ref is not None and first.sent_at is not None
    rules = rules_of(account, adapter)
    settings, org = daemon.config.anniversary, daemon.config.organisation
    origin = statement.date or first.sent_at.astimezone(daemon.config.tz).date()
    url = statement.url or (org.statement_url_template.format(id=statement.id) if org.statement_url_template else None)
    total = len(journal.posts(original.id))

    def words(suffix: str) -> str:
        return wording(settings.templates, year - origin.year, year, statement.title, url,
                       fits=lambda t: rules.fits(t + suffix))

    exists = adapter.exists(first.ref)
    planned = repost(account.platform, first.ref, exists, without_numbering(first.text, account.numbering, total),
                     words, url, rules.fits)
    if not exists:
        log.warning("anniversary: the original first post is gone; posting its text again with a link",
                    extra={"statement": statement.id, "account": account.name})
    base, clock_id = int(daemon.clock().timestamp() * 1_000_000), random.randrange(1024)
    occasion = str(year)
    posts = [NewPost(i, text, post_key(statement.id, account.name, "anniversary", occasion, i),
                     tid(base + i, clock_id), action, target)
             for i, (action, text, target) in enumerate(planned, start=1)]
    return journal.create_thread(statement.id, account.name, account.platform, "anniversary", occasion,
                                 statement.content_hash, statement.language, posts, daemon.clock())


def _report(daemon: Daemon, journal: Journal, key: JobKey, result: ThreadResult, since: datetime) -> None:
    """One log line per post sent in this run, then the thread's outcome; paused threads are re-queued."""
    row = journal.thread(key.statement_id, key.account, key.kind, key.occasion)
    for post in journal.posts(row.id) if row else []:
        if post.status == "sent" and post.sent_at and post.sent_at >= since:
            log.info("posted %s %d/%d %s", post.action, post.index, result.total, post.ref.url if post.ref else "",
                     extra={**_where(key), "index": post.index})
    where = _where(key)
    if result.status == "sent":
        log.info("%s complete: %s", key.kind, result.message, extra=where)
    elif result.status == "paused" and result.not_before is not None:
        daemon.schedule.add(key, result.not_before)
        log.warning("%s paused: %s", key.kind, result.message, extra=where)
    elif result.status == "busy":  # `statement-bot post` has it; look again so its anniversary gets queued
        daemon.schedule.add(key, daemon.clock() + BUSY_RETRY)
        log.warning("%s: %s; looking again in %s", key.kind, result.message, BUSY_RETRY, extra=where)
    else:
        log.error("%s %s: %s", key.kind, result.status, result.message, extra=where)


def _where(key: JobKey) -> dict[str, str]:
    return {"statement": key.statement_id, "account": key.account}
