"""`statement-bot schedule`: what will be posted when; or post statements at a time, or cancel them."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "schedule",
        help="list what will be posted when; or schedule or cancel statements",
        description="Without PATH: every scheduled thread and anniversary in the next N days, in local time. "
        "With PATHs (files or patterns such as 'statements/2019-*'): --at TIME posts them then (ISO 8601, or "
        "'now'; without an offset TIME is in the configured timezone); --cancel drops their pending thread "
        "and anniversaries (`statement-bot adopt` keeps the anniversaries instead).",
    )
    p.add_argument("paths", metavar="PATH", nargs="*", help="statement files or glob patterns")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--at", metavar="TIME", help="when to post: 2026-01-04T09:00, 2026-01-04T09:00+01:00, now")
    what.add_argument("--cancel", action="store_true", help="cancel the statements' pending thread and anniversaries")
    p.add_argument("--days", type=int, default=30, metavar="N", help="how far ahead to list (default: 30)")
    p.add_argument("--account", action="append", metavar="NAME", help="list only this account (repeatable)")
    p.add_argument("--json", action="store_true", help="list as one JSON document")
    p.add_argument("--config", metavar="FILE", default=None, help="config file (default: config/bot.yaml)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.config import load_config
    from bot.errors import UsageError

    config = load_config(args.config)
    if not args.paths:
        if args.at or args.cancel:
            raise UsageError("--at and --cancel need the PATH of at least one statement")
        return _list(config, args.days, args.account, args.json)
    if not (args.at or args.cancel):
        raise UsageError("with PATH, say --at TIME or --cancel")
    return _change(config, args.paths, args.at, args.cancel)


def parse_time(text: str, config: Config, now: datetime) -> datetime:
    """'now' or ISO 8601; without an offset it is the configured timezone's local time."""
    from bot.errors import UsageError

    if text.strip().lower() == "now":
        return now
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--at {text!r}: not a time (use ISO 8601 like 2026-01-04T09:00, or now)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=config.tz)


def _list(config: Config, days: int, accounts: list[str] | None, as_json: bool) -> int:
    from bot.commands.status import local, planned_jobs
    from bot.publishing.journal import Journal
    from bot.publishing.states import Kind

    if not config.state.exists():
        print(json.dumps({"jobs": []}) if as_json else "nothing scheduled (no state yet)")
        return 0
    until = datetime.now(UTC) + timedelta(days=days)
    with Journal(config.state, create=False) as journal:  # first: it refuses a state file that is not a journal
        paths = {s.id: s.path for s in journal.statement_rows()}
    jobs = [j for j in planned_jobs(config) if j.at <= until and (not accounts or j.key.account in accounts)]
    if as_json:
        rows = [{"at": j.at.astimezone(config.tz).isoformat(), "account": j.key.account, "kind": j.key.kind.value,
                 "occasion": j.key.occasion or None, "statement": j.key.statement_id,
                 "path": paths.get(j.key.statement_id)} for j in jobs]  # fmt: skip
        print(json.dumps({"timezone": config.timezone, "jobs": rows}, ensure_ascii=False, indent=2))
        return 0
    print(f"next {days} days, times in {config.timezone}:" if jobs else f"nothing scheduled in the next {days} days")
    for job in jobs:
        what = "thread" if job.key.kind == Kind.THREAD else f"anniversary {job.key.occasion}"
        where = paths.get(job.key.statement_id, job.key.statement_id)
        print(f"{local(job.at, config)}  {job.key.account:<16} {what:<16} {job.key.statement_id}  ({where})")
    return 0


def _change(config: Config, patterns: list[str], at: str | None, cancel: bool) -> int:
    import sys

    from bot.daemon.manage import expand, managing, read_all

    statements, errors = read_all(expand(patterns), config)
    now = datetime.now(UTC)
    when = parse_time(at, config, now) if at else None
    from sqlalchemy.exc import SQLAlchemyError

    from bot.commands.status import job_store_error

    try:
        with managing(config, now) as manager:
            for statement in statements:
                if cancel:
                    manager.cancel(statement)
                else:
                    assert when is not None
                    manager.post_at(statement, when)
    except SQLAlchemyError as e:  # the job store is read through SQLAlchemy: its errors end here, as one line
        raise job_store_error(config, e) from None
    for line in manager.lines:
        print(line)
    for error in errors:
        print(f"statement-bot: {error}", file=sys.stderr)
    return 2 if errors else 0
