"""`statement-bot post PATH`: post (or continue) a statement's threads, one line per account."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.networks.registry import known_limits
from bot.publishing.states import Outcome

if TYPE_CHECKING:
    from bot.config import Config
    from bot.model import Account, Statement
    from bot.networks.base import Adapter

MARKS = {Outcome.SENT: "✔", Outcome.PAUSED: "⏸"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "post",
        help="post a statement's threads now (resumable, never twice)",
        description="Post a statement to its accounts, or continue where an earlier run stopped. "
        "Exit status: 0 every account sent (or paused by a daily cap or a long rate "
        "limit, to continue later), 1 any account failed or needs attention, "
        "2 bad input.",
    )
    p.add_argument("path", metavar="PATH", help="statement file (.txt, .md, .pdf)")
    p.add_argument("--account", action="append", metavar="NAME", help="only this account (repeatable)")
    p.add_argument("--dry-run", action="store_true", help="print exactly what would be sent; no network, no writes")
    p.add_argument(
        "--replan",
        action="store_true",
        help="re-split the part not yet sent from the file as it is now (the sent part stays)",
    )
    p.add_argument(
        "--resolve",
        action="append",
        metavar="INDEX=ID",
        default=[],
        help="answer a 'needs attention' stop: post INDEX is online with id ID, or INDEX=none if it "
        "is not (needs exactly one --account)",
    )
    p.add_argument(
        "--occasion",
        metavar="YEAR",
        default="",
        help="with --resolve: the anniversary repost of that year, not the thread",
    )
    p.add_argument("--config", metavar="FILE", default=None, help="config file (default: config/bot.yaml)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, adapter_for: Callable[[Any], Adapter] | None = None) -> int:
    """Run the command; ``adapter_for`` replaces the real networks (tests)."""
    from bot.config import load_config
    from bot.errors import UsageError
    from bot.planning import select_accounts
    from bot.text.reading import read_statement

    resolves = _parse_resolves(args.resolve)
    if resolves and len(args.account or []) != 1:
        raise UsageError("--resolve needs exactly one --account")
    config = load_config(args.config)
    statement = read_statement(Path(args.path), config.tz)
    accounts = select_accounts(statement, config, args.account)
    if args.dry_run:
        return _dry_run(config, statement, accounts, args.replan)
    return _post(config, statement, accounts, args, resolves, adapter_for)


def _parse_resolves(values: list[str]) -> dict[int, str | None]:
    from bot.errors import UsageError

    answers: dict[int, str | None] = {}
    for value in values:
        index, sep, remote = value.partition("=")
        if not sep or not index.strip().isdigit() or not remote.strip():
            raise UsageError(f"--resolve {value!r}: use INDEX=ID or INDEX=none")
        remote = remote.strip()
        answers[int(index)] = None if remote.lower() == "none" else remote
    return answers


def _dry_run(config: Config, statement: Statement, accounts: list[Account], replan: bool) -> int:
    from bot.planning import plan_thread
    from bot.publishing.journal import Journal
    from bot.publishing.plan import plan_dry_run
    from bot.publishing.states import PostStatus

    journal = Journal(config.state, create=False) if config.state.exists() else None
    try:
        # The limits the networks last reported, as `post` would plan with them (no network here).
        threads = [
            plan_thread(statement, a, config, known_limits(a, journal), journal.sent_texts(a.name) if journal else ())
            for a in accounts
        ]
        plans = plan_dry_run(journal, threads, statement, replan=replan)
    finally:
        if journal:
            journal.close()
    out = []
    for plan in plans:
        done = sum(1 for _, _, state in plan.posts if state == PostStatus.SENT)
        header = f"== {plan.account} ({plan.platform}): {len(plan.posts)} posts, {done} already sent"
        out.append(header + (f"; {plan.note}" if plan.note else ""))
        for index, text, state in plan.posts:
            sent = state == PostStatus.SENT
            out.append(
                f"--- {index}/{len(plan.posts)} [{'sent' if sent else 'would send'}]"
                + (f" (last attempt: {state})" if state not in (PostStatus.PLANNED, PostStatus.SENT) else "")
            )
            out.append(text)
        out.append("")
    sys.stdout.write("\n".join(out))
    return 0


def _post(
    config: Config,
    statement: Statement,
    accounts: list[Account],
    args: argparse.Namespace,
    resolves: dict[int, str | None],
    adapter_for: Callable[[Any], Adapter] | None,
) -> int:
    import time
    from datetime import UTC, datetime

    from bot.publishing.connect import connect
    from bot.publishing.journal import Journal
    from bot.publishing.statement import publish_statement, resolve_post

    def now() -> datetime:
        return datetime.now(UTC)

    with Journal(config.state) as journal:
        for index, remote in resolves.items():
            resolve_post(journal, statement.id, config.account(args.account[0]), index, remote, now(), args.occasion)
        results = publish_statement(
            journal,
            statement,
            accounts,
            config,
            adapter_for or (lambda account: connect(account, config, journal)),
            now=now,
            sleep=time.sleep,
            replan=args.replan,
        )
    for result in results:
        if result.status == Outcome.BUSY:  # another run holds this account's thread: it is posting it, not us
            print(f"⏸ {result.account}: busy, another run is posting this account")
            continue
        mark = MARKS.get(result.status, "✘")
        detail = result.url if result.status == Outcome.SENT and result.url else ""
        progress = f"{result.sent}/{result.total} sent" if result.total else result.status
        print(f"{mark} {result.account}: {progress}{' ' + detail if detail else ''} — {result.message}")
    return 0 if all(r.ok or r.status == Outcome.BUSY for r in results) else 1
