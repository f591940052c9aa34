"""Delete what was posted for a statement, last post first, recording each deletion: safe to run again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot.errors import BotError, PublishError
from bot.model import Account
from bot.networks.base import Adapter, Outgoing
from bot.publishing.journal import Journal
from bot.publishing.results import ThreadResult
from bot.publishing.rows import ThreadRow
from bot.publishing.states import MAYBE_ONLINE, Action, Kind, Outcome, ThreadStatus


def retract_statement(
    journal: Journal,
    statement_id: str,
    accounts: Callable[[str], Account],
    adapter_for: Callable[[Account], Adapter],
    *,
    now: Callable[[], datetime],
    only: Sequence[str] | None = None,
) -> list[ThreadResult]:
    """Retract every thread of a statement (anniversaries first, newest first); ``only`` limits the accounts.

    ``accounts`` gives the configured account by name; one account failing never stops the others.
    """
    results: list[ThreadResult] = []
    for row in reversed(journal.threads(statement_id)):
        if only and row.account not in only:
            continue
        adapter = None
        try:
            adapter = adapter_for(accounts(row.account))
            results.append(retract_thread(journal, adapter, row, now=now))
        except BotError as e:
            results.append(ThreadResult(row.account, Outcome.FAILED, str(e)))
        finally:
            if adapter is not None:
                adapter.close()
    return results


def retract_thread(journal: Journal, adapter: Adapter, row: ThreadRow, *, now: Callable[[], datetime]) -> ThreadResult:
    """Delete one thread's posts, last first; a rerun continues where a failure stopped it."""
    posts = journal.posts(row.id)
    parents = {p.index: posts[i - 1].ref if i else None for i, p in enumerate(posts)}
    deleted = 0
    for post in reversed(posts):
        if post.status not in MAYBE_ONLINE:
            continue
        try:
            ref = post.ref
            if post.action == Action.BOOST:
                ref = None  # a boost disappears with the original, which is retracted too
            elif ref is None:  # the outcome was never known: look before deleting
                ref = adapter.find(Outgoing(post.text, post.key, post.rkey, row.language, reply_to=parents[post.index]))
                if ref is None:
                    journal.mark_failed(post.id, "retract: not found online, so never posted", now())
                    continue
            if ref is not None:
                adapter.delete(ref)
            journal.mark_deleted(post.id, now())
            deleted += 1
        except PublishError as e:
            return ThreadResult(
                row.account,
                Outcome.FAILED,
                f"stopped at post {post.index}: {e}; run retract again to continue ({deleted} deleted this run)",
            )
    journal.set_thread_status(row.id, ThreadStatus.RETRACTED, now())
    what = "thread" if row.kind == Kind.THREAD else f"{row.occasion} anniversary"
    return ThreadResult(row.account, Outcome.RETRACTED, f"{what}: {deleted} posts deleted")
