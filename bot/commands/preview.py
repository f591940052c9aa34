"""`statement-bot preview PATH`: the exact threads that would go out, with no network at all."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.networks.registry import Platform

if TYPE_CHECKING:
    from bot.config import Config
    from bot.networks.base import Limits


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "preview",
        help="show the threads a statement would become (no network)",
        description="Print the threads that would be posted. PATH may be a file or a folder "
        "(JSON Lines, one document per statement).",
    )
    p.add_argument("path", metavar="PATH", help="statement file (.txt, .md, .pdf) or folder")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--account", action="append", metavar="NAME", help="only this account (repeatable)")
    who.add_argument("--platform", choices=list(Platform), help="that network's default rules, no account needed")
    p.add_argument("--format", choices=("text", "json", "html"), default="text")
    p.add_argument("--config", metavar="FILE", default=None, help="config file (default: config/bot.yaml)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--serve", action="store_true", help="serve the HTML preview on 127.0.0.1, re-rendered on edits")
    p.add_argument("--port", type=_port, default=8000, help="port for --serve (default 8000; 0 picks a free one)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.errors import StatementError
    from bot.preview.batch import split_files
    from bot.preview.render import preview_document, preview_images, render_text
    from bot.text.reading import statement_files

    config = _config(args)
    path = Path(args.path)
    if not path.exists():
        raise StatementError(str(path), "file not found")
    reported = reported_limits(config)
    if args.serve:
        from bot.preview.serve import serve

        serve(path, config, args.port, posted=lambda: posted_links(config), reported=reported)
        return 0
    if path.is_dir():
        paths = statement_files(path)
        if not paths:
            raise StatementError(str(path), "no statement files (.txt, .md, .pdf) in this folder")
    else:
        paths = [path]
    documents, chunks, failed = [], [], 0
    images: dict[str, bytes] = {}
    sent = sent_texts(config)
    for result in split_files(paths, config, args.account, args.platform, reported, sent):
        if result.statement is None:
            failed += 1
            print(f"statement-bot: {result.error}", file=sys.stderr)
            continue
        documents.append(preview_document(result.statement, list(result.threads)))
        if args.format == "html":
            images.update(preview_images(list(result.threads)))
        if args.format == "text":
            chunks.append(render_text(result.statement, list(result.threads)))
    if args.format == "json":
        if path.is_dir():
            chunks = [json.dumps(d, ensure_ascii=False) + "\n" for d in documents]
        elif documents:
            chunks = [json.dumps(documents[0], ensure_ascii=False, indent=2) + "\n"]
    elif args.format == "html" and documents:
        from bot.preview.html import render_html

        chunks = [render_html(documents, posted_links(config), images=images)]
    _write(args.output, "\n".join(chunks) if args.format == "text" else "".join(chunks))
    return 2 if failed else 0


def posted_links(config: Config) -> dict[tuple[str, str, int], str]:
    """(statement id, account, index) -> live URL of every post the journal has as sent.

    A bot that never posted has no state file, and preview must not create one.
    """
    if not config.state.exists():
        return {}
    from bot.publishing.journal import Journal

    with Journal(config.state, create=False) as journal:
        return journal.posted_urls()


def reported_limits(config: Config) -> dict[str, Limits]:
    """The limits each account's network last reported (a Mastodon instance's), so preview plans as post does."""
    from bot.networks.registry import network_of
    from bot.networks.registry import reported_limits as from_store

    if not config.state.exists() or not any(network_of(a.platform).limits_key(a) for a in config.accounts):
        return {}
    from bot.publishing.journal import Journal

    with Journal(config.state, create=False) as journal:
        return from_store(config.accounts, journal)


def sent_texts(config: Config) -> dict[str, set[str]]:
    """What each account on a network that refuses duplicates already posted, so preview plans as post does."""
    from bot.networks.registry import network_of

    wanted = [a.name for a in config.accounts if network_of(a.platform).refuses_duplicates]
    if not wanted or not config.state.exists():
        return {}
    from bot.publishing.journal import Journal

    with Journal(config.state, create=False) as journal:
        return {name: journal.sent_texts(name) for name in wanted}


def _config(args: argparse.Namespace) -> Config:
    from bot.config import DEFAULT_CONFIG, Config, load_config
    from bot.model import Organisation

    if args.config is None and args.platform and not DEFAULT_CONFIG.exists():
        return Config(
            path=DEFAULT_CONFIG,
            timezone="UTC",
            statements_dir=Path("statements"),
            state=Path("state/statement-bot.sqlite3"),
            organisation=Organisation(),
            accounts=(),
        )
    return load_config(args.config)


def _write(output: str | None, text: str) -> None:
    if output:
        from bot.errors import UsageError

        try:
            Path(output).write_text(text, encoding="utf-8")
        except FileNotFoundError:
            raise UsageError(f"-o {output}: the folder {Path(output).parent} does not exist") from None
        except IsADirectoryError:
            raise UsageError(f"-o {output}: is a folder; name a file") from None
        except OSError as e:
            raise UsageError(f"-o {output}: cannot write: {e.strerror}") from None
    else:
        sys.stdout.write(text)


def _port(text: str) -> int:
    """A TCP port number for ``--port``: 0 (any free port) to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text[:20]!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (use 1 to 65535, or 0 for any free one)")
    return port
