"""`statement-bot run`: the always-on bot (watch the folder, post on schedule, anniversaries)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run",
        help="watch the statements folder and post on schedule (runs until stopped)",
        description="Watch statements_dir, post new statements (at publish_at, else at once) and "
        "repost them on their anniversaries. Stops cleanly on SIGTERM/SIGINT.",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="do everything but the network calls: log each post when it would be sent",
    )
    p.add_argument(
        "--post-backlog",
        action="store_true",
        help="on a first start (empty journal), post every statement already in the folder, old ones too "
        "(by default those older than scheduler.backlog_days are adopted as published elsewhere)",
    )
    p.add_argument("--log-format", choices=("text", "json"), default="text", help="log lines (default: text)")
    p.add_argument("--log-file", metavar="FILE", type=Path, help="append log lines to FILE instead of stderr")
    p.add_argument("--config", metavar="FILE", default=None, help="config file (default: config/bot.yaml)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.config import load_config
    from bot.daemon.logs import setup_logging
    from bot.daemon.service import Daemon

    setup_logging(args.log_format, args.log_file)
    config = load_config(args.config)
    return Daemon(config, dry_run=args.dry_run, post_backlog=args.post_backlog).run()
