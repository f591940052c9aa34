"""Freeze a planned thread into the journal, and show what a run would do without doing it.

A thread's posts, their idempotency keys and Bluesky record keys are fixed in the journal
before the first is sent, so a crash or a later edit of the file never changes what a
resumed run sends (``--replan`` re-plans only the part that surely never went out).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.model import Statement, Thread
from bot.networks.base import PostRef
from bot.publishing.journal import Journal
from bot.publishing.rows import NewPost, ThreadRow, tid
from bot.publishing.states import Action, Kind, PostStatus


def post_key(statement_id: str, account: str, kind: Kind, occasion: str, index: int) -> str:
    """The deterministic Idempotency-Key of one post."""
    raw = "\x1f".join((statement_id, account, kind, occasion, str(index)))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def new_posts(
    statement_id: str,
    account: str,
    kind: Kind,
    occasion: str,
    now: datetime,
    clock_id: int,
    steps: Sequence[tuple[Action, str, PostRef | None]],
) -> list[NewPost]:
    """Rows to freeze for ``steps`` (action, text, target); rkeys are TIDs from ``now``, one microsecond apart."""
    base = int(now.timestamp() * 1_000_000)
    return [
        NewPost(
            index,
            text,
            post_key(statement_id, account, kind, occasion, index),
            tid(base + index, clock_id),
            action,
            target,
        )
        for index, (action, text, target) in enumerate(steps, start=1)
    ]


def plan_posts(
    thread: Thread,
    *,
    kind: Kind,
    occasion: str,
    now: datetime,
    clock_id: int,
    quote: PostRef | None = None,
    boost: PostRef | None = None,
) -> list[NewPost]:
    """The rows to freeze for ``thread``: its posts, the first quoting ``quote``; or one ``boost``."""
    if boost is not None:
        steps: list[tuple[Action, str, PostRef | None]] = [(Action.BOOST, f"boost of {boost.url or boost.id}", boost)]
    else:
        steps = [
            (Action.QUOTE if quote and p.index == 1 else Action.POST, p.text, quote if p.index == 1 else None)
            for p in thread.posts
        ]
    rows = new_posts(thread.statement_id, thread.account, kind, occasion, now, clock_id, steps)
    if boost is not None:
        return rows
    extras = {p.index: p for p in thread.posts}  # the image on the first post, a link card
    return [replace(r, media=extras[r.index].media, card=extras[r.index].card) for r in rows]


def freeze(
    journal: Journal,
    thread: Thread,
    statement: Statement,
    *,
    now: datetime,
    replan: bool = False,
    kind: Kind = Kind.THREAD,
    occasion: str = "",
    quote: PostRef | None = None,
    boost: PostRef | None = None,
    rng: random.Random | None = None,
) -> ThreadRow:
    """The journal's frozen thread, created on first use; ``replan`` re-plans its unsent part."""
    row = journal.thread(statement.id, thread.account, kind, occasion)
    if row is not None and not replan:
        return row
    clock_id = (rng or random.Random()).randrange(1024)
    posts = plan_posts(thread, kind=kind, occasion=occasion, now=now, clock_id=clock_id, quote=quote, boost=boost)
    if row is None:
        return journal.create_thread(
            statement.id,
            thread.account,
            thread.platform,
            kind,
            occasion,
            statement.content_hash,
            thread.language,
            posts,
            now,
        )
    journal.replan(row.id, statement.content_hash, thread.language, posts, now)
    return journal.thread_by_id(row.id)


@dataclass(frozen=True)
class DryRunThread:
    """What ``post`` would do for one account: each post's index, text and journal state."""

    account: str
    platform: str
    posts: tuple[tuple[int, str, PostStatus], ...]
    note: str = ""


def plan_dry_run(
    journal: Journal | None, threads: Sequence[Thread], statement: Statement, *, replan: bool = False
) -> list[DryRunThread]:
    """What would be sent, marking what the journal already has; no network, no writes."""
    plans = []
    for thread in threads:
        row = journal.thread(statement.id, thread.account) if journal else None
        fresh = tuple((p.index, p.text, PostStatus.PLANNED) for p in thread.posts)
        if row is None or journal is None:
            plans.append(DryRunThread(thread.account, thread.platform, fresh))
            continue
        frozen = [(p.index, p.text, p.status) for p in journal.posts(row.id)]
        note = f"thread is {row.status}" + (f": {row.last_error}" if row.last_error else "")
        if replan:
            kept = max((i for i, _, s in frozen if s not in (PostStatus.PLANNED, PostStatus.FAILED)), default=0)
            frozen = [f for f in frozen if f[0] <= kept] + [f for f in fresh if f[0] > kept]
        elif row.content_hash != statement.content_hash:
            note += "; the file changed since it was frozen (--replan to re-plan the unsent part)"
        plans.append(DryRunThread(thread.account, thread.platform, tuple(frozen), note))
    return plans
