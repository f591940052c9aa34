"""`statement-bot retract PATH`: delete a statement's posts, last first, and record it."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config import Config
    from bot.networks.base import Adapter
    from bot.publishing.journal import Journal


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "retract",
        help="delete a statement's posts (last first) and record it",
        description="Delete every post statement-bot made for a statement (anniversary posts "
        "first, then the thread, last post first). Safe to run again after a failure. "
        "Exit status: 0 all deleted, 1 any account failed, 2 bad input.",
    )
    p.add_argument("path", metavar="PATH", help="the statement file (or the path it had when it was posted)")
    p.add_argument("--account", action="append", metavar="NAME", help="only this account (repeatable)")
    p.add_argument("--config", metavar="FILE", default=None, help="config file (default: config/bot.yaml)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, adapter_for: Callable[[Any], Adapter] | None = None) -> int:
    """Run the command; ``adapter_for`` replaces the real networks (tests)."""
    from datetime import UTC, datetime

    from bot.config import load_config
    from bot.errors import StatementError
    from bot.publishing.connect import connect
    from bot.publishing.journal import Journal
    from bot.publishing.retract import retract_statement
    from bot.publishing.states import Outcome

    config = load_config(args.config)
    if not config.state.exists():
        raise StatementError(args.path, f"nothing was ever posted (no journal at {config.state})")
    with Journal(config.state) as journal:
        statement_id = _statement_id(journal, Path(args.path), config)
        if not any(not args.account or r.account in args.account for r in journal.threads(statement_id)):
            raise StatementError(args.path, "no posted thread for it in the journal")
        results = retract_statement(
            journal,
            statement_id,
            config.account,
            adapter_for or (lambda account: connect(account, config, journal)),
            now=lambda: datetime.now(UTC),
            only=args.account,
        )
    for r in results:
        print(f"{'✔' if r.status == Outcome.RETRACTED else '✘'} {r.account}: {r.message}")
    return 0 if all(r.status == Outcome.RETRACTED for r in results) else 1


def _statement_id(journal: Journal, path: Path, config: Config) -> str:
    """The statement's id: from the file if it is still there, else from the path the journal saw."""
    from bot.errors import StatementError

    if path.exists():
        from bot.text.reading import read_statement

        return read_statement(path, config.tz).id
    found = journal.statement_for_path(str(path))
    if found is None:
        raise StatementError(str(path), "file not found, and the journal has no statement posted from that path")
    return found
