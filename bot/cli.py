"""The command line: parse arguments, call the library, turn errors into exit codes.

Exit status: 0 success; 1 something failed while running (a network, a thread);
2 usage errors, bad config or bad input. Errors are one line on stderr.
Each command lives in ``bot/commands/<name>.py`` with ``register(subparsers)`` and
``run(args) -> int``; heavy libraries are imported inside ``run`` only.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from typing import NoReturn

from bot import __version__
from bot.errors import BotError

COMMANDS = ("preview", "post", "retract", "run", "status", "schedule", "adopt", "check", "init")


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
    if os.environ.get("STATEMENT_BOT_DEBUG"):  # tracebacks of unexpected errors, and every library's log
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
    try:
        return int(args.handler(args) or 0)
    except BotError as e:
        _say(str(e))
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `statement-bot preview … | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as e:  # a bug: still one line, never a traceback; the traceback is logged at debug level
        logging.getLogger("statement-bot").debug("unexpected error", exc_info=True)
        _say(
            f"unexpected {type(e).__name__} ({str(e)[:160]}); this is a statement-bot bug: "
            "run again with STATEMENT_BOT_DEBUG=1 to see where"
        )
        return 1


def _say(message: str) -> None:
    """One line on stderr: no secret, no control character, no line break."""
    from bot.redact import scrub
    from bot.text.reading import printable

    print(f"statement-bot: {printable(' '.join(scrub(message).splitlines()))}", file=sys.stderr)
