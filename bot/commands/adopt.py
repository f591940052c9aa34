"""`statement-bot adopt PATH...`: statements already published elsewhere — never post them, keep their anniversaries."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "adopt",
        help="mark statements as published elsewhere: not posted, anniversaries kept",
        description="Mark statements (files or patterns such as 'statements/2019-*') as already published "
        "elsewhere: their threads are never posted, their anniversaries still come back on the day (as a new "
        "post with a link). `statement-bot schedule PATH --at now` posts one after all.",
    )
    p.add_argument("paths", metavar="PATH", nargs="+", help="statement files or glob patterns")
    p.add_argument("--config", metavar="FILE", default=None, help="config file (default: config/bot.yaml)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import sys
    from datetime import UTC, datetime
    from pathlib import Path

    from bot.config import load_config
    from bot.daemon.manage import expand, managing, read_all

    config = load_config(args.config)
    statements, errors = read_all(expand(args.paths), config)
    with managing(config, datetime.now(UTC)) as manager:
        for statement in statements:
            modified = datetime.fromtimestamp(Path(statement.path).stat().st_mtime, UTC)
            manager.adopt(statement, modified)
    for line in manager.lines:
        print(line)
    for error in errors:
        print(f"statement-bot: {error}", file=sys.stderr)
    return 2 if errors else 0
