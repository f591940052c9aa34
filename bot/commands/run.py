"""`statement-bot run`: the always-on bot (watch the folder, post on schedule, anniversaries)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time

FIELDS = ("statement", "account", "index")


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
    p.add_argument("--log-format", choices=("text", "json"), default="text", help="stderr log lines (default: text)")
    p.add_argument("--config", metavar="FILE", default=None, help="config file (default: config/bot.yaml)")
    p.set_defaults(handler=run)


class TextFormatter(logging.Formatter):
    """`2026-01-04T09:00:00Z INFO message statement=… account=… index=…`, one line per event."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created))
        extra = "".join(f" {k}={getattr(record, k)}" for k in FIELDS if getattr(record, k, None) is not None)
        line = f"{stamp} {record.levelname} {record.getMessage()}{extra}"
        if record.exc_info:
            line += " | " + self.formatException(record.exc_info).replace("\n", " | ")
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, message, and statement/account/index when known."""

    def format(self, record: logging.LogRecord) -> str:
        doc = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "level": record.levelname.lower(),
            "message": record.getMessage(),
        }
        doc.update({k: getattr(record, k) for k in FIELDS if getattr(record, k, None) is not None})
        if record.exc_info:
            doc["error"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False)


def setup_logging(fmt: str) -> None:
    """Send the bot's log lines to stderr in ``fmt``; libraries only say warnings."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("statement-bot").setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # the bot logs missed and failed jobs itself


def run(args: argparse.Namespace) -> int:
    from bot.config import load_config
    from bot.daemon.service import Daemon

    setup_logging(args.log_format)
    config = load_config(args.config)
    return Daemon(config, dry_run=args.dry_run).run()
