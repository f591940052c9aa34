"""`statement-bot retract PATH`: delete a statement's posts, last first, and record it."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.journal import Journal, ThreadRow
    from bot.networks.base import Adapter
    from bot.publish import ThreadResult


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("retract", help="delete a statement's posts (last first) and record it",
                       description="Delete every post statement-bot made for a statement (anniversary posts "
                                   "first, then the thread, last post first). Safe to run again after a failure. "
                                   "Exit status: 0 all deleted, 1 any account failed, 2 bad input.")
    p.add_argument("path", metavar="PATH", help="the statement file (or the path it had when it was posted)")
    p.add_argument("--account", action="append", metavar="NAME", help="only this account (repeatable)")
    p.add_argument("--config", metavar="FILE", default=None, help="config file (default: config/bot.yaml)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, adapter_for: Callable[[Any], Adapter] | None = None) -> int:
    """Run the command; ``adapter_for`` replaces the real networks (tests)."""
    from datetime import UTC

    from bot.config import load_config
    from bot.errors import BotError, StatementError
    from bot.journal import Journal
    from bot.publish import ThreadResult

    config = load_config(args.config)
    if not config.state.exists():
        raise StatementError(args.path, f"nothing was ever posted (no journal at {config.state})")
    results: list[ThreadResult] = []
    with Journal(config.state) as journal:
        statement_id = _statement_id(journal, Path(args.path), config)
        rows = [r for r in reversed(journal.threads(statement_id)) if not args.account or r.account in args.account]
        if not rows:
            raise StatementError(args.path, "no posted thread for it in the journal")
        if adapter_for is None:
            from bot.networks.registry import make_adapter

            def adapter_for(account: Any) -> Adapter:
                return make_adapter(account, config, journal)

        for row in rows:
            adapter = None
            try:
                adapter = adapter_for(config.account(row.account))
                results.append(retract_thread(journal, adapter, row, now=lambda: datetime.now(UTC)))
            except BotError as e:
                results.append(ThreadResult(row.account, "failed", str(e)))
            finally:
                if adapter is not None:
                    adapter.close()
    for r in results:
        print(f"{'✔' if r.status == 'retracted' else '✘'} {r.account}: {r.message}")
    return 0 if all(r.status == "retracted" for r in results) else 1


def _statement_id(journal: Journal, path: Path, config: Any) -> str:
    """The statement's id: from the file if it is still there, else from the path the journal saw."""
    from bot.errors import StatementError

    if path.exists():
        from bot.reading import read_statement

        return read_statement(path, config).id
    found = journal.statement_for_path(str(path))
    if found is None:
        raise StatementError(str(path), "file not found, and the journal has no statement posted from that path")
    return found


def retract_thread(journal: Journal, adapter: Adapter, row: ThreadRow, *, now: Callable[[], datetime]) -> ThreadResult:
    """Delete one thread's posts, last first; a rerun continues where a failure stopped it."""
    from bot.errors import PublishError
    from bot.networks.base import Outgoing
    from bot.publish import ThreadResult

    posts = journal.posts(row.id)
    parents = {p.index: posts[i - 1].ref if i else None for i, p in enumerate(posts)}
    deleted = 0
    for post in reversed(posts):
        if post.status not in ("sent", "sending", "unknown"):
            continue
        try:
            ref = post.ref
            if post.action == "boost":
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
            return ThreadResult(row.account, "failed", f"stopped at post {post.index}: {e}; run retract again "
                                f"to continue ({deleted} deleted this run)")
    journal.set_thread_status(row.id, "retracted", now())
    what = "thread" if row.kind == "thread" else f"{row.occasion} anniversary"
    return ThreadResult(row.account, "retracted", f"{what}: {deleted} posts deleted")
