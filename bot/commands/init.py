"""`statement-bot init`: write a commented config for a new organisation and create its folders."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "init",
        help="write a config for a new organisation, create its folders, print the next steps",
        description="Write a commented config file for an organisation, create the statements and state "
        "folders beside it, and print what to do next. Accounts are PLATFORM:NAME[:key=value,...], e.g. "
        "x:org-x:handle=OrgName, mastodon:org-masto:instance=https://mastodon.social, "
        "bluesky:org-sky:handle=org.bsky.social.",
    )
    p.add_argument("--organisation", required=True, metavar="NAME", help="the organisation's name")
    p.add_argument("--timezone", default="UTC", metavar="ZONE", help="IANA time zone, e.g. Europe/London")
    p.add_argument("--account", action="append", default=[], metavar="SPEC", help="an account (repeatable)")
    p.add_argument("--config", metavar="FILE", default="config/bot.yaml", help="where to write the config")
    p.add_argument("--force", action="store_true", help="overwrite an existing config file")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.initialise import AccountSpec, initialise

    accounts = [AccountSpec.parse(text) for text in args.account]
    for line in initialise(Path(args.config), args.organisation, args.timezone, accounts, args.force):
        print(line)
    return 0
