"""`statement-bot schedule`: what will be posted when; or schedule/cancel one statement by hand."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.publishing.states import Kind, ThreadStatus

if TYPE_CHECKING:
    from bot.config import Config
    from bot.daemon.scheduler import Schedule
    from bot.model import Statement
    from bot.publishing.journal import Journal


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "schedule",
        help="list what will be posted when; or schedule/cancel a statement",
        description="Without PATH: every scheduled thread and anniversary in the next N days, in "
        "local time. With PATH: --at TIME posts it then (ISO 8601, or 'now'; without an "
        "offset TIME is in the configured timezone); --cancel drops its pending jobs.",
    )
    p.add_argument("path", metavar="PATH", nargs="?", help="statement file to schedule or cancel")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--at", metavar="TIME", help="when to post PATH: 2026-01-04T09:00, 2026-01-04T09:00+01:00, now")
    what.add_argument("--cancel", action="store_true", help="cancel PATH's pending thread and anniversaries")
    p.add_argument("--days", type=int, default=30, metavar="N", help="how far ahead to list (default: 30)")
    p.add_argument("--config", metavar="FILE", default=None, help="config file (default: config/bot.yaml)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.config import load_config
    from bot.errors import UsageError

    config = load_config(args.config)
    if args.path is None:
        if args.at or args.cancel:
            raise UsageError("--at and --cancel need the PATH of a statement")
        return _list(config, args.days)
    if not (args.at or args.cancel):
        raise UsageError("with PATH, say --at TIME or --cancel")
    return _change(config, args.path, args.at, args.cancel)


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


def _list(config: Config, days: int) -> int:
    from bot.commands.status import local, planned_jobs
    from bot.publishing.journal import Journal

    if not config.state.exists():
        print("nothing scheduled (no state yet)")
        return 0
    until = datetime.now(UTC) + timedelta(days=days)
    with Journal(config.state, create=False) as journal:  # first: it refuses a state file that is not a journal
        paths = {s.id: s.path for s in journal.statement_rows()}
    jobs = [j for j in planned_jobs(config) if j.at <= until]
    print(f"next {days} days, times in {config.timezone}:" if jobs else f"nothing scheduled in the next {days} days")
    for job in jobs:
        what = "thread" if job.key.kind == Kind.THREAD else f"anniversary {job.key.occasion}"
        where = paths.get(job.key.statement_id, job.key.statement_id)
        print(f"{local(job.at, config)}  {job.key.account:<16} {what:<16} {job.key.statement_id}  ({where})")
    return 0


def _change(config: Config, path: str, at: str | None, cancel: bool) -> int:
    import json
    import os
    import signal

    from bot.daemon.planner import ADOPTED, AT, CANCELLED
    from bot.daemon.scheduler import Schedule
    from bot.publishing.journal import Journal
    from bot.publishing.locks import running_pid
    from bot.text.reading import read_statement

    statement = read_statement(path, config.tz)
    now = datetime.now(UTC)
    when = parse_time(at, config, now) if at else None
    schedule = Schedule(config.state, config.scheduler.grace_seconds, offline=True)
    with Journal(config.state) as journal:
        journal.record_statement(statement.id, statement.path, statement.content_hash, statement.title, now)
        schedule.start(paused=True)
        try:
            if cancel:
                journal.set_value(CANCELLED + statement.id, json.dumps({"at": now.isoformat()}), now)
                dropped = schedule.cancel(statement.id)
                print(f"cancelled {statement.id}: {len(dropped)} pending job(s) dropped; posts already out stay")
            else:
                assert when is not None
                journal.delete_value(CANCELLED + statement.id)
                journal.delete_value(ADOPTED + statement.id)  # a person asks for it to go out after all
                journal.set_value(AT + statement.id, json.dumps({"at": when.isoformat()}), now)
                for account in _accounts(statement, config):
                    _queue(journal, schedule, statement, account, when, config)
        finally:
            schedule.shutdown(wait=False)
    pid = running_pid(config.state)
    if pid is not None:
        os.kill(pid, signal.SIGHUP)  # the running bot re-reads its job store now
    return 0


def _accounts(statement: Statement, config: Config) -> list[str]:
    from bot.planning import select_accounts

    return [a.name for a in select_accounts(statement, config)]


def _queue(
    journal: Journal, schedule: Schedule, statement: Statement, account: str, when: datetime, config: Config
) -> None:
    from bot.commands.status import local
    from bot.daemon.planner import MISSED
    from bot.daemon.scheduler import JobKey

    row = journal.thread(statement.id, account)
    if row is not None and row.status in (ThreadStatus.SENT, ThreadStatus.RETRACTED):
        print(f"{account}: already posted; nothing to schedule")
        return
    if row is not None and row.status in (ThreadStatus.FAILED, ThreadStatus.NEEDS_ATTENTION):
        print(
            f"{account}: {row.status}: {row.last_error}; use `statement-bot post {statement.path} --account {account}`"
        )
        return
    key = JobKey(Kind.THREAD, account, "", statement.id)
    journal.delete_value(MISSED + key.id)
    schedule.add(key, when)
    print(f"{account}: scheduled {local(when, config)}")
