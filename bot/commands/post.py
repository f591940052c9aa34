"""`statement-bot post PATH`: post (or continue) a statement's threads, one line per account."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.networks.base import Adapter

MARKS = {"sent": "✔", "paused": "⏸"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("post", help="post a statement's threads now (resumable, never twice)",
                       description="Post a statement to its accounts, or continue where an earlier run stopped. "
                                   "Exit status: 0 every account sent (or paused by a daily cap or a long rate "
                                   "limit, to continue later), 1 any account failed or needs attention, "
                                   "2 bad input.")
    p.add_argument("path", metavar="PATH", help="statement file (.txt, .md, .pdf)")
    p.add_argument("--account", action="append", metavar="NAME", help="only this account (repeatable)")
    p.add_argument("--dry-run", action="store_true", help="print exactly what would be sent; no network, no writes")
    p.add_argument("--replan", action="store_true",
                   help="re-split the part not yet sent from the file as it is now (the sent part stays)")
    p.add_argument("--resolve", action="append", metavar="INDEX=ID", default=[],
                   help="answer a 'needs attention' stop: post INDEX is online with id ID, or INDEX=none if it "
                        "is not (needs exactly one --account)")
    p.add_argument("--occasion", metavar="YEAR", default="",
                   help="with --resolve: the anniversary repost of that year, not the thread")
    p.add_argument("--config", metavar="FILE", default=None, help="config file (default: config/bot.yaml)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, adapter_for: Callable[[Any], Adapter] | None = None) -> int:
    """Run the command; ``adapter_for`` replaces the real networks (tests)."""
    from bot.config import load_config
    from bot.reading import read_statement
    from bot.threads import build_threads

    resolves = _parse_resolves(args.resolve)
    if resolves and len(args.account or []) != 1:
        print("statement-bot: error: --resolve needs exactly one --account", file=sys.stderr)
        return 2
    config = load_config(args.config)
    statement = read_statement(Path(args.path), config)
    threads = build_threads(statement, config, accounts=args.account)
    if args.dry_run:
        return _dry_run(config, statement, threads, args.replan)
    return _post(config, statement, threads, args, resolves, adapter_for)


def _parse_resolves(values: list[str]) -> dict[int, str | None]:
    from bot.errors import ConfigError

    answers: dict[int, str | None] = {}
    for value in values:
        index, sep, remote = value.partition("=")
        if not sep or not index.strip().isdigit() or not remote.strip():
            raise ConfigError(f"--resolve {value!r}: use INDEX=ID or INDEX=none")
        remote = remote.strip()
        answers[int(index)] = None if remote.lower() == "none" else remote
    return answers


def _dry_run(config: Any, statement: Any, threads: list[Any], replan: bool) -> int:
    from bot.journal import Journal
    from bot.publish import plan_dry_run

    journal = Journal(config.state) if config.state.exists() else None
    try:
        plans = plan_dry_run(journal, threads, statement, replan=replan)
    finally:
        if journal:
            journal.close()
    out = []
    for plan in plans:
        done = sum(1 for _, _, state in plan.posts if state == "sent")
        header = f"== {plan.account} ({plan.platform}): {len(plan.posts)} posts, {done} already sent"
        out.append(header + (f"; {plan.note}" if plan.note else ""))
        for index, text, state in plan.posts:
            out.append(f"--- {index}/{len(plan.posts)} [{'would send' if state != 'sent' else 'sent'}]"
                       + (f" (last attempt: {state})" if state not in ("planned", "sent") else ""))
            out.append(text)
        out.append("")
    sys.stdout.write("\n".join(out))
    return 0


def _post(config: Any, statement: Any, threads: list[Any], args: argparse.Namespace,
          resolves: dict[int, str | None], adapter_for: Callable[[Any], Adapter] | None) -> int:
    import time
    from datetime import UTC, datetime

    from bot.journal import Journal
    from bot.networks.base import PostRef
    from bot.publish import publish_statement, resolve_post

    def now() -> datetime:
        return datetime.now(UTC)

    with Journal(config.state) as journal:
        if adapter_for is None:
            from bot.networks.registry import make_adapter

            def adapter_for(account: Any) -> Adapter:
                return make_adapter(account, config, journal)

        for index, remote in resolves.items():
            account = config.account(args.account[0])
            url = f"https://x.com/{(account.handle or 'i/web').lstrip('@')}/status/{remote}" \
                if remote and account.platform == "x" else None
            resolve_post(journal, statement.id, account.name, index, remote and PostRef(remote, url), now(),
                         args.occasion)

        def refit(thread: Any, adapter: Adapter) -> Any:
            # Only a Mastodon instance reports its own limit and URL cost; re-split when they differ.
            if thread.platform != "mastodon":
                return thread
            limit, url_cost = adapter.limit()
            if (limit, url_cost) == (thread.limit, 23):
                return thread
            from bot.counting import rules_for
            from bot.threads import build_thread

            rules = rules_for(thread.platform, limit=limit, url_length=url_cost)
            return build_thread(statement, config.account(thread.account), config.organisation, rules)

        results = publish_statement(journal, statement, threads, config, adapter_for, now=now, sleep=time.sleep,
                                    replan=args.replan, refit=refit)
    for result in results:
        mark = MARKS.get(result.status, "✘")
        detail = result.url if result.status == "sent" and result.url else ""
        progress = f"{result.sent}/{result.total} sent" if result.total else result.status
        print(f"{mark} {result.account}: {progress}{' ' + detail if detail else ''} — {result.message}")
    return 0 if all(r.ok for r in results) else 1
