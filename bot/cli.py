"""The command line: parse arguments, call the library, turn errors into exit codes.

Exit status: 0 success; 1 something failed while running (a network, a thread);
2 usage errors, bad config or bad input. Errors are one line on stderr.
Each command lives in ``bot/commands/<name>.py`` with ``register(subparsers)`` and
``run(args) -> int``; heavy libraries are imported inside ``run`` only.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import NoReturn

from bot import __version__
from bot.errors import BotError

COMMANDS = ("preview", "post", "retract", "run", "status", "schedule")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, like every usage error here
        self.exit(2, f"statement-bot: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="statement-bot",
        description="Split statements into exact threads and post them to X, Mastodon and Bluesky.",
        epilog="Exit status: 0 success, 1 a run-time failure, 2 usage error or bad input.",
    )
    parser.add_argument("--version", action="version", version=f"statement-bot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f"bot.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except BotError as e:
        print(f"statement-bot: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130
