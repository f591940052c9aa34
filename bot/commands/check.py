"""`statement-bot check`: every account's credentials and limits, without posting; one line per account."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="check the accounts without posting (environment variables, credentials, limits)",
        description="For every account (or --account): the environment variables its credentials name are set, "
        "the credentials work (one read-only call), the limits as the account sees them, and whether it may post "
        "where the network says. Exit status: 0 every account is fine, 1 any is not, 2 bad config.",
    )
    p.add_argument("--account", action="append", metavar="NAME", help="only this account (repeatable)")
    p.add_argument("--config", metavar="FILE", default=None, help="config file (default: config/bot.yaml)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.config import load_config
    from bot.publishing.check import check_accounts

    config = load_config(args.config)
    if not config.accounts:
        print(f"no accounts in {config.path}: add some (statement-bot init --help shows how)")
        return 1
    results = check_accounts(config, args.account)
    for result in results:
        print(f"{'✔' if result.ok else '✘'} {result.account} ({result.network}): {result.text}")
    return 0 if all(r.ok for r in results) else 1
