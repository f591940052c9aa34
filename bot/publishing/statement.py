"""Post a statement to its accounts, one after another, and take a person's answer for a stopped thread."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot.config import Config
from bot.errors import BotError, UsageError
from bot.model import Account, Statement
from bot.networks.base import Adapter, PostRef
from bot.networks.registry import network_of
from bot.planning import plan_thread
from bot.publishing.journal import Journal
from bot.publishing.results import ThreadResult
from bot.publishing.send import Clock, Sleep, publish_thread
from bot.publishing.states import Kind, Outcome, PostStatus, ThreadStatus


def publish_statement(
    journal: Journal,
    statement: Statement,
    accounts: Sequence[Account],
    config: Config,
    adapter_for: Callable[[Account], Adapter],
    *,
    now: Clock,
    sleep: Sleep,
    replan: bool = False,
) -> list[ThreadResult]:
    """Post the statement's thread to every account; one account failing never stops the others.

    A thread not yet frozen (or being re-planned) is planned with the limits the network
    reports now (``bot.planning.plan_thread``), as the daemon plans it.
    """
    journal.record_statement(statement.id, statement.path, statement.content_hash, statement.title, now())
    results = []
    for account in accounts:
        adapter = None
        try:
            adapter = adapter_for(account)
            fresh = replan or journal.thread(statement.id, account.name) is None
            sent = journal.sent_texts(account.name) if fresh else ()
            thread = plan_thread(statement, account, config, adapter.limits() if fresh else None, sent)
            if fresh and thread.held:  # over budget: never frozen, never sent, until the config or file changes
                results.append(ThreadResult(account.name, Outcome.HELD, thread.held, 0, len(thread.posts)))
                continue
            results.append(
                publish_thread(
                    journal,
                    adapter,
                    thread,
                    statement,
                    now=now,
                    sleep=sleep,
                    settings=config.publishing,
                    replan=replan,
                    posts_per_day=account.posts_per_day,
                )
            )
        except BotError as e:
            results.append(ThreadResult(account.name, Outcome.FAILED, str(e)))
        finally:
            if adapter is not None:
                adapter.close()
    return results


def resolve_post(
    journal: Journal,
    statement_id: str,
    account: Account,
    index: int,
    remote_id: str | None,
    now: datetime,
    occasion: str = "",
) -> None:
    """A person's answer for a post whose outcome was unknown: its id, or None for "not posted"."""
    kind = Kind.ANNIVERSARY if occasion else Kind.THREAD
    row = journal.thread(statement_id, account.name, kind, occasion)
    post = next((p for p in journal.posts(row.id) if p.index == index), None) if row else None
    if row is None or post is None:
        what = f"the {occasion} anniversary of " if occasion else ""
        raise UsageError(f"--resolve {index}: account {account.name!r} has no post {index} in {what}{statement_id!r}")
    network = network_of(row.platform)
    if not network.recovery.by_hand:
        raise UsageError(
            f"--resolve: {network.name} posts are found by {network.recovery.how}; run post again without --resolve"
        )
    if post.status == PostStatus.SENT:
        raise UsageError(f"--resolve {index}: post {index} is already recorded as sent")
    if remote_id is None:
        journal.mark_failed(post.id, "a person checked: not posted", now)
    else:
        journal.mark_sent(post.id, PostRef(remote_id, network.post_url(account, remote_id)), now)
    journal.set_thread_status(row.id, ThreadStatus.PLANNED, now)
